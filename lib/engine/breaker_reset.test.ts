import { afterEach, beforeEach, expect, test } from "bun:test";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteCheckerStore } from "../checker";
import { CircuitBreaker, DEFAULT_CIRCUIT_BREAKER, RiskTier } from "../risk/index.ts";
import { openTradesDb } from "../store";
import { BREAKER_STATE_KEY, MemoryDecisions } from "../trading/index.ts";
import { BREAKER_RESET_APPLIED_KEY, pendingBreakerReset, recordedBreaker, requestBreakerReset } from "./breaker_reset.ts";
import { resolveConfig } from "./config.ts";
import { OutcomeFeed } from "./outcomes.ts";
import { runEngine, type EngineHandles } from "./run.ts";
import { ShutdownController } from "./shutdown.ts";
import { waitFor } from "./test_helpers.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "ferrix-breaker-"));
  copyFileSync(join(import.meta.dir, "../../data/best_strategy_params.json"), join(dir, "params.json"));
  writeFileSync(join(dir, "empty.env"), "");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const config = () =>
  resolveConfig({
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
    },
    env: {},
  });

/** Boots the engine in-process (dummy intake), hands the handles to `body`, stops it. */
async function withEngine(body: (h: EngineHandles) => Promise<void>): Promise<void> {
  const shutdown = new ShutdownController();
  let handles: EngineHandles | null = null;
  const done = runEngine(config(), { mode: "migration", dummyEvent: true, checksOff: true }, { shutdown, consoleFd: null, notify: () => true, env: {}, onStarted: (h) => (handles = h) });
  await waitFor(() => handles !== null, 5000, "start");
  try {
    await body(handles!);
  } finally {
    shutdown.request("test");
    expect(await done).toBe(0);
  }
}

test("a reset requested while ferrix was down clears a restored Emergency at start, once", async () => {
  // trades.db as a previous run left it: the breaker in Emergency after a drawdown.
  const db = openTradesDb(join(dir, "trades.db"));
  const cb = new CircuitBreaker(DEFAULT_CIRCUIT_BREAKER, 1_000);
  cb.recordTradePnl(-5, 2_000);
  expect(cb.tier).toBe(RiskTier.Emergency);
  db.query("INSERT INTO metadata (key, value) VALUES (?, ?)").run(BREAKER_STATE_KEY, JSON.stringify(cb.snapshot()));
  expect(recordedBreaker(db).tier).toBe("emergency");
  const req = requestBreakerReset(db, "alice", 3_000);
  expect(pendingBreakerReset(db)?.id).toBe(req.id);
  db.close();

  await withEngine(async (h) => {
    expect(h.trading.risk.tier).toBe(RiskTier.Normal);
    h.trading.persistence.flush(); // trades.db is written by the persistence worker: wait for its commits
    const events = h.db.query("SELECT from_tier, to_tier, reason FROM circuit_breaker_events").all();
    expect(events).toEqual([{ from_tier: "emergency", to_tier: "normal", reason: "manual_reset by alice" }]);
  });

  const after = openTradesDb(join(dir, "trades.db"));
  expect(pendingBreakerReset(after)).toBeNull();
  expect((after.query("SELECT value FROM metadata WHERE key = ?").get(BREAKER_RESET_APPLIED_KEY) as { value: string }).value).toBe(req.id);
  expect(recordedBreaker(after).tier).toBe("normal");
  after.close();

  // A second start does not apply the same request again.
  await withEngine(async (h) => {
    expect((h.db.query("SELECT COUNT(*) AS n FROM circuit_breaker_events").get() as { n: number }).n).toBe(1);
  });
}, 20_000);

test("a reset recorded while ferrix runs is applied at the next status refresh", async () => {
  const db = openTradesDb(join(dir, "trades.db"));
  db.close();
  await withEngine(async (h) => {
    h.trading.risk.recordExecution(false);
    h.trading.risk.recordExecution(false);
    h.trading.risk.recordExecution(false);
    expect(h.trading.risk.tier).toBe(RiskTier.Warning);
    const other = openTradesDb(join(dir, "trades.db")); // as `ferrix reset-breaker` does, from another process
    requestBreakerReset(other, "bob", Date.now());
    other.close();
    await waitFor(() => h.trading.risk.tier === RiskTier.Normal, 3000, "the reset");
    expect(h.trading.risk.events.at(-1)?.reason).toBe("manual_reset by bob");
  });
}, 20_000);

test("closed trades that lost at least half are fed to creator reputation once, with checks on or off", () => {
  const db = openTradesDb(":memory:");
  const store = new SqliteCheckerStore(db);
  const decisions = new MemoryDecisions();
  const feed = new OutcomeFeed({ decisions, checker: null, store, nowMs: () => 5_000 });
  feed.remember("mintA", "creatorA");
  feed.remember("mintB", "creatorB");
  const close = (mint: string, inL: number, outL: number, reason = "trailing_stop") => ({ type: "close" as const, mint, reason, lamports_in: inL, lamports_out: outL, pnl_lamports: outL - inL });
  feed.write(close("mintA", 100, 40));
  feed.write(close("mintA", 100, 40)); // reported twice, counted once
  feed.write(close("mintB", 100, 90));
  feed.write({ type: "entry", mint: "mintB" });
  expect(decisions.records.length).toBe(4); // every record still reaches the decisions file
  store.flush();
  expect(store.getCreatorReputation("creatorA")).toMatchObject({ rugs: 1 });
  expect(store.getCreatorReputation("creatorB")).toBeNull();
  expect(OutcomeFeed.rugged(close("x", 100, 95, "creator_sell"))).toBe(true);
  expect(OutcomeFeed.rugged(close("x", 100, 120, "creator_sell"))).toBe(false);
  expect(feed.stats).toEqual({ closes: 3, rugs: 2, recorded: 1 });
  store.close();
  db.close();
});
