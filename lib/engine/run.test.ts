import { Database } from "bun:sqlite";
import { afterEach, beforeEach, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeChain, type FakeToken } from "../checker/testing.ts";
import { TABLES } from "../store";
import { resolveConfig } from "./config.ts";
import { chooseIntake, runEngine, type EngineHandles } from "./run.ts";
import { ShutdownController } from "./shutdown.ts";
import { syntheticMigration, type DetectedMigration, type MigrationIntake, type StageContext } from "./stages.ts";
import { waitFor } from "./test_helpers.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "ferrix-run-"));
  copyFileSync(join(import.meta.dir, "../../data/best_strategy_params.json"), join(dir, "params.json"));
  writeFileSync(join(dir, "empty.env"), "");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function config(extra: Record<string, unknown> = {}) {
  return resolveConfig({
    flags: {
      envFile: join(dir, "empty.env"),
      db: join(dir, "trades.db"),
      params: join(dir, "params.json"),
      telemetry: join(dir, "telemetry.jsonl"),
      decisions: join(dir, "decisions.jsonl"),
      knownWallets: join(dir, "known_wallets.json"),
      statusFile: join(dir, "status.json"),
      statusIntervalMs: "50",
      logDir: join(dir, "logs"),
      metricsAddr: "127.0.0.1:0",
      ...extra,
    },
    env: {},
  });
}

/** A fake watcher: the test pushes migrations through it; it records telemetry as the real one will. */
function fakeIntake() {
  let emit: ((m: DetectedMigration) => void) | null = null;
  let ctx: StageContext | null = null;
  let stopped = false;
  const stage = (c: StageContext): MigrationIntake => {
    ctx = c;
    return {
      name: "fake-watcher",
      start: async (e) => void (emit = e),
      stop: async () => void (stopped = true),
      activeTelemetry: () => (stopped ? 0 : 3),
      healthy: () => true,
    };
  };
  return {
    stage,
    push(t: FakeToken, slot: number) {
      const m: DetectedMigration = { ...syntheticMigration(1_767_225_600_000 + slot), mint: t.mint, pool: t.pool, creator: t.creator, coinCreator: t.creator, slot, synthetic: undefined };
      ctx!.telemetry.write(`{"type":"migration","v":1,"slot":${slot},"mint":"${t.mint}"}\n`);
      emit!(m);
    },
    get stopped() {
      return stopped;
    },
  };
}

test("boot with an injected watcher stage: checks, signals, status, health, systemd, clean stop", async () => {
  const chain = new FakeChain();
  const clean = await chain.addToken({ label: "run clean" });
  const trap = await chain.addToken({ label: "run trap", honeypot: true });
  const blocked = await chain.addToken({ label: "run blocked" });
  writeFileSync(join(dir, "known_wallets.json"), JSON.stringify([{ address: blocked.creator, label: "serial rugger", tags: ["blocklist"] }]));

  const intake = fakeIntake();
  const shutdown = new ShutdownController();
  const notes: string[] = [];
  const verified: string[] = [];
  let handles: EngineHandles | null = null;
  const done = runEngine(config(), { mode: "migration" }, {
    intake: intake.stage,
    createRpc: () => chain.rpc(),
    shutdown,
    notify: (s) => (notes.push(s), true),
    env: { WATCHDOG_USEC: "100000" },
    consoleFd: null,
    onStarted: (h) => (handles = h),
    onVerified: (s) => verified.push(s.mint),
  });
  await waitFor(() => handles !== null, 5000, "start");
  const h = handles!;
  expect(notes[0]).toBe("READY=1");

  const health = await fetch(`${h.metricsUrl}/health`);
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({ ok: true, phase: "running", mode: "migration", trading: "paper", intake: "fake-watcher" });

  intake.push(clean, 1);
  intake.push(trap, 2);
  intake.push(blocked, 3);
  await waitFor(() => h.pipeline.stats.verified + h.pipeline.stats.rejected === 3, 5000, "three analyses");
  await waitFor(() => verified.length === 1, 5000, "the verified signal to be consumed");
  expect(verified).toEqual([clean.mint]);

  const metrics = await (await fetch(`${h.metricsUrl}/metrics`)).text();
  expect(metrics).toContain('ferrix_checks_total{verdict="fail"} 2');
  expect(metrics).toContain('ferrix_check_failures_total{check="creator",reason="creator_blocklisted"} 1');
  expect(metrics).toContain('ferrix_verified_signals_total{checks="passed"} 1');

  await waitFor(() => notes.includes("WATCHDOG=1"), 2000, "a watchdog ping");
  // The verified token is watched by the trading stages' entry observer (migration mode).
  const readStatus = () => JSON.parse(readFileSync(join(dir, "status.json"), "utf8"));
  await waitFor(() => readStatus().observers === 1, 2000, "the observer in the status file");
  const s1 = readStatus();
  expect(s1).toMatchObject({ open_positions: 0, observers: 1, active_telemetry: 3, phase: "running" });
  await waitFor(() => JSON.parse(readFileSync(join(dir, "status.json"), "utf8")).updated_at > s1.updated_at, 2000, "a status refresh");

  shutdown.request("test");
  expect(await done).toBe(0);
  expect(intake.stopped).toBe(true);
  expect(notes.at(-1)).toBe("STOPPING=1");

  // Everything flushed and closed.
  const decisions = readFileSync(join(dir, "decisions.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
  expect(decisions.map((d) => d.decision).sort()).toEqual(["rejected", "rejected", "verified"]);
  expect(readFileSync(join(dir, "telemetry.jsonl"), "utf8").trim().split("\n")).toHaveLength(3);
  expect(JSON.parse(readFileSync(join(dir, "status.json"), "utf8"))).toMatchObject({ phase: "stopped", active_telemetry: 0 });
  const db = new Database(join(dir, "trades.db"), { readonly: true });
  expect(db.query("PRAGMA integrity_check").get()).toEqual({ integrity_check: "ok" });
  const tables = (db.query("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
  for (const t of TABLES) expect(tables).toContain(t);
  expect((db.query("SELECT COUNT(*) AS n FROM sniper_cache").get() as { n: number }).n).toBe(3);
  db.close();
  expect(readFileSync(join(dir, "logs", "ferrix.log"), "utf8")).toContain('"msg":"ferrix stopped"');
  await expect(fetch(`${h.metricsUrl}/health`)).rejects.toThrow();
});

test("a bad params file stops the boot with the key named, and releases what was started", async () => {
  writeFileSync(join(dir, "params.json"), JSON.stringify({ version: 1, params: { entryDelayS: -5, bogusKey: 1 } }));
  const err = await runEngine(config(), { mode: "migration", dummyEvent: true }, { consoleFd: null, shutdown: new ShutdownController() }).catch((e) => e);
  expect(err.message).toContain("params.entryDelayS");
  expect(err.message).toContain("bogusKey");
  const log = readFileSync(join(dir, "logs", "ferrix.log"), "utf8");
  expect(log).toContain("ferrix failed to start");
});

test("a known_wallets.json that is there but does not parse stops the boot naming the file; nothing is left half-written", async () => {
  writeFileSync(join(dir, "known_wallets.json"), '{"wallets": ["not-an-address"]}');
  const err = await runEngine(config(), { mode: "migration", dummyEvent: true }, { consoleFd: null, shutdown: new ShutdownController() }).catch((e) => e);
  expect(err.message).toContain(`${join(dir, "known_wallets.json")}: wallets[0]: 'not-an-address' is not a Solana address`);
  expect(err.message).toContain("refusing to start");
  expect(readFileSync(join(dir, "known_wallets.json"), "utf8")).toBe('{"wallets": ["not-an-address"]}');
});

test("a --db that cannot be opened stops the boot naming the key and the path", async () => {
  mkdirSync(join(dir, "a-directory"));
  const err = await runEngine(config({ db: join(dir, "a-directory") }), { mode: "migration", dummyEvent: true }, { consoleFd: null, shutdown: new ShutdownController() }).catch((e) => e);
  expect(err.message).toContain(`config db (from --db): cannot open trades database ${join(dir, "a-directory")}: `);
});

test("a metrics address that cannot be bound stops the boot naming the key, the address and its source", async () => {
  const taken = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("") });
  try {
    const err = await runEngine(config({ metricsAddr: `127.0.0.1:${taken.port}` }), { mode: "migration", dummyEvent: true }, { consoleFd: null, shutdown: new ShutdownController() }).catch((e) => e);
    expect(err.message).toContain(`config metricsAddr (from --metrics-addr): cannot listen on 127.0.0.1:${taken.port}`);
  } finally {
    taken.stop(true);
  }
});

test("each mode's intake; a mode without one in this build is refused before anything starts", () => {
  const injectedMigration = () => ({}) as MigrationIntake;
  expect(chooseIntake({ mode: "migration" }, {})).toBeFunction(); // the Yellowstone watcher
  expect(() => chooseIntake({ mode: "migration" }, { intakes: { migration: null, tokenCreation: null } })).toThrow(/Yellowstone migration watcher \(lib\/watcher\).*--dummy-event/);
  expect(chooseIntake({ mode: "token", autoTrade: true }, {})).toBeFunction(); // the Yellowstone creation watcher
  expect(() => chooseIntake({ mode: "token", autoTrade: true }, { intakes: { migration: injectedMigration, tokenCreation: null } })).toThrow(/token-creation watcher/);
  expect(chooseIntake({ mode: "migration", dummyEvent: true }, {})).toBeFunction();
  const injected = () => ({}) as MigrationIntake;
  expect(chooseIntake({ mode: "autobuysell" }, { intakes: { migration: injected, tokenCreation: null } })).toBe(injected);
});
