/**
 * End-to-end boot of `ferrix` from source, in a scratch directory, every server on 127.0.0.1.
 */
import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { generateKeyPairSync } from "node:crypto";
import { join } from "node:path";
import { TABLES } from "../../lib/store";
import { parsePrometheus, runFerrix, sandboxFlags, scratchDir, startFerrix } from "./helpers.ts";

const dirs: string[] = [];
const scratch = () => {
  const d = scratchDir();
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A real AF_UNIX datagram socket standing in for systemd's NOTIFY_SOCKET. */
async function notifyReceiver(dir: string) {
  const sock = join(dir, "notify.sock");
  const proc = Bun.spawn(
    ["python3", "-c", "import socket,sys\ns=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)\ns.bind(sys.argv[1]);print('ready',flush=True)\ns.settimeout(30)\nwhile True:\n  m=s.recv(4096).decode();print(m.replace('\\n',' '),flush=True)\n  if m.startswith('STOPPING'): break\n", sock],
    { stdout: "pipe", stderr: "inherit" },
  );
  const messages: string[] = [];
  const ready = (async () => {
    let buf = "";
    const dec = new TextDecoder();
    let readyResolve!: () => void;
    const isReady = new Promise<void>((r) => (readyResolve = r));
    void (async () => {
      for await (const chunk of proc.stdout) {
        buf += dec.decode(chunk, { stream: true });
        let nl;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (line === "ready") readyResolve();
          else messages.push(line);
        }
      }
    })();
    await isReady;
  })();
  await ready;
  return { sock, messages, proc };
}

describe("ferrix migration --dummy-event --checks-off", () => {
  test("serves /metrics and /health, writes the status file, opens every table, stops cleanly on SIGTERM", async () => {
    const dir = scratch();
    const notify = await notifyReceiver(dir);
    const f = startFerrix(["migration", "--dummy-event", "--checks-off", ...sandboxFlags(dir)], {
      cwd: dir,
      env: { NOTIFY_SOCKET: notify.sock, WATCHDOG_USEC: "400000" },
    });
    try {
      // The bound address is printed in a log line (port 0 = any free port).
      const listening = await f.waitForLog((l) => l.msg === "metrics listening", 15_000, "metrics listening");
      const url = String(listening.url);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await f.waitForLog((l) => l.msg === "ferrix started", 15_000, "ferrix started");

      const samples = parsePrometheus(await (await fetch(`${url}/metrics`)).text());
      expect(samples.has("ferrix_process_resident_memory_bytes")).toBe(true);
      const health = await fetch(`${url}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ ok: true, phase: "running", mode: "migration", trading: "paper", intake: "dummy-event" });

      // The synthetic migration goes through as a verified (unchecked) signal.
      const signal = await f.waitForLog((l) => l.msg === "verified trade signal (checks off)", 10_000, "the dummy signal");
      expect(signal).toMatchObject({ checksSkipped: true, synthetic: true });
      const after = parsePrometheus(await (await fetch(`${url}/metrics`)).text());
      expect(after.get('ferrix_verified_signals_total{checks="skipped"}')).toBe(1);

      // Status file: present, the four keys, and refreshed.
      const statusPath = join(dir, "status.json");
      expect(existsSync(statusPath)).toBe(true);
      const s1 = JSON.parse(readFileSync(statusPath, "utf8"));
      expect(s1).toMatchObject({ open_positions: 0, observers: 0, active_telemetry: 0, phase: "running" });
      expect(typeof s1.updated_at).toBe("number");
      const deadline = Date.now() + 5_000;
      let s2 = s1;
      while (s2.updated_at <= s1.updated_at && Date.now() < deadline) {
        await Bun.sleep(50);
        s2 = JSON.parse(readFileSync(statusPath, "utf8"));
      }
      expect(s2.updated_at).toBeGreaterThan(s1.updated_at);

      // Every table exists while running (a second, read-only connection).
      const ro = new Database(join(dir, "trades.db"), { readonly: true });
      const tables = (ro.query("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
      ro.close();
      for (const t of TABLES) expect(tables).toContain(t);

      // systemd: READY=1, then watchdog pings from the main loop (every 200 ms here).
      const readyDeadline = Date.now() + 5_000;
      while (!notify.messages.includes("WATCHDOG=1") && Date.now() < readyDeadline) await Bun.sleep(20);
      expect(notify.messages[0]).toBe("READY=1");
      expect(notify.messages).toContain("WATCHDOG=1");

      f.proc.kill("SIGTERM");
      expect(await f.exited).toBe(0);
    } finally {
      if (f.proc.exitCode === null) f.proc.kill("SIGKILL");
    }
    await notify.proc.exited;
    expect(notify.messages.at(-1)).toBe("STOPPING=1");
    expect(f.lines.map((l) => l.msg)).toContain("ferrix stopped");

    const db = new Database(join(dir, "trades.db"));
    expect(db.query("PRAGMA integrity_check").get()).toEqual({ integrity_check: "ok" });
    db.close();
    expect(existsSync(join(dir, "trades.db-wal")) ? readFileSync(join(dir, "trades.db-wal")).length : 0).toBe(0);
    const final = JSON.parse(readFileSync(join(dir, "status.json"), "utf8"));
    expect(final.phase).toBe("stopped");
    const decisions = readFileSync(join(dir, "decisions.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({ decision: "verified", checks_skipped: true, synthetic: true });
    // The synthetic migration is never written to telemetry.
    expect(existsSync(join(dir, "telemetry.jsonl"))).toBe(false);
    // The same lines went to the rolling file.
    const fileLog = readFileSync(join(dir, "logs", "ferrix.log"), "utf8");
    expect(fileLog).toContain('"msg":"metrics listening"');
    expect(fileLog).toContain('"msg":"ferrix stopped"');
  }, 60_000);

  test("known_wallets.json is reloaded on change; a bad edit keeps the previous list", async () => {
    const dir = scratch();
    const a = "4eiA9LfFkxoSLBfpYuQDoNWhzBD5xjp37cTH2z5dqHBa";
    const b = "So11111111111111111111111111111111111111112";
    writeFileSync(join(dir, "known_wallets.json"), JSON.stringify([a]));
    const f = startFerrix(["migration", "--dummy-event", "--checks-off", ...sandboxFlags(dir)], { cwd: dir });
    try {
      const first = await f.waitForLog((l) => l.msg === "known wallets loaded", 15_000, "first load");
      expect(first.wallets).toBe(1);
      await f.waitForLog((l) => l.msg === "ferrix started", 15_000, "start");
      writeFileSync(join(dir, "known_wallets.json"), JSON.stringify([a, { address: b, label: "wsol", tags: ["blocklist"] }]));
      const reloaded = await f.waitForLog((l) => l.msg === "known wallets reloaded", 10_000, "reload");
      expect(reloaded).toMatchObject({ wallets: 2, blocklisted: 1 });
      writeFileSync(join(dir, "known_wallets.json"), "[oops");
      const rejected = await f.waitForLog((l) => l.msg === "known wallets file rejected; keeping the previous list", 10_000, "rejection");
      expect(rejected.kept).toBe(2);
      expect(String(rejected.error)).toContain("not valid JSON");
      f.proc.kill("SIGINT");
      expect(await f.exited).toBe(0);
    } finally {
      if (f.proc.exitCode === null) f.proc.kill("SIGKILL");
    }
  }, 60_000);
});

describe("refusals", () => {
  test("--live with a keypair readable by others is refused, and the key never appears in the output", async () => {
    const dir = scratch();
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const bytes = [...privateKey.export({ format: "der", type: "pkcs8" }).subarray(-32), ...publicKey.export({ format: "der", type: "spki" }).subarray(-32)];
    const key = join(dir, "id.json");
    writeFileSync(key, JSON.stringify(bytes));
    chmodSync(key, 0o644);
    const r = await runFerrix(["migration", "--live", "--keypair", key, "--dummy-event", ...sandboxFlags(dir)], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`keypair file ${key} is accessible by group or others (mode 0644)`);
    expect(r.stderr).toContain(`chmod 600 ${key}`);
    const all = r.stdout + r.stderr + (existsSync(join(dir, "logs", "ferrix.log")) ? readFileSync(join(dir, "logs", "ferrix.log"), "utf8") : "");
    expect(all).not.toContain(JSON.stringify(bytes).slice(1, 40));
    expect(all).not.toContain(Buffer.from(bytes.slice(0, 32)).toString("base64").slice(0, 16));
    // Refused before anything started: no status file, no database.
    expect(existsSync(join(dir, "status.json"))).toBe(false);
    expect(existsSync(join(dir, "trades.db"))).toBe(false);

    // --live without any keypair is a usage error.
    const noKey = await runFerrix(["migration", "--live", "--dummy-event", ...sandboxFlags(dir)], { cwd: dir });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain("needs --keypair");
  }, 30_000);

  test("a bad params file exits 1 naming the key", async () => {
    const dir = scratch();
    const params = JSON.parse(readFileSync(join(dir, "best_strategy_params.json"), "utf8"));
    params.params.trailWidthChaos = 7;
    writeFileSync(join(dir, "best_strategy_params.json"), JSON.stringify(params));
    const r = await runFerrix(["migration", "--dummy-event", "--checks-off", ...sandboxFlags(dir)], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("params.trailWidthChaos = 7 is out of bounds");
    expect(r.stdout).toContain('"msg":"ferrix failed to start"');
  }, 30_000);

  test("an unknown flag exits 2 before anything starts", async () => {
    const dir = scratch();
    const r = await runFerrix(["migration", "--dummy-evnt", ...sandboxFlags(dir)], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("ferrix migration: unknown option '--dummy-evnt'");
    expect(r.stdout).toBe("");
    const bad = await runFerrix(["migration", "--metrics-addr", "nowhere"], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("config metricsAddr (from --metrics-addr)");
  }, 30_000);

  test("token --immediate without --auto-trade is bad usage (exit 2), nothing started", async () => {
    const dir = scratch();
    const r = await runFerrix(["token", "--immediate", ...sandboxFlags(dir)], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--immediate decides when to buy: it needs --auto-trade");
    expect(existsSync(join(dir, "trades.db"))).toBe(false);
  }, 30_000);
});
