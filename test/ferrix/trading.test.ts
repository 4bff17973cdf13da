/**
 * The compiled `bin/ferrix` trading against the local chain simulator (lib/devchain, in-process on
 * 127.0.0.1, ports 0, a seeded market at many simulated seconds per wall second): Yellowstone gRPC
 * into the watcher, telemetry teed into the position actor, verified signals into the trading
 * stages, trades into trades.db.
 *
 *  - autobuysell --checks-off, paper: positions opened (and some closed) for devchain mints,
 *    open_positions in the status file, decision records, nothing sent to the chain; SIGUSR2 and
 *    `ferrix reset-breaker` reset the circuit breaker of the running engine; a restart re-hydrates
 *    the positions left open.
 *  - migration, checks on: the observer gates entries (observers in the status file), only
 *    verified mints are ever traded, nothing sent.
 *  - autobuysell --live with a 0600 keypair funded by the devchain's airdrop: signed buys accepted
 *    by the devchain, recorded in trades.db with the chain's amounts, the key never printed.
 */
import { Database } from "bun:sqlite";
import { beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Devchain, FlowRecord, MigrationRecord } from "../../lib/devchain/index.ts";
import { testKeypair, writeKeypairFile } from "../../lib/trading/testing.ts";
import { chainFlags, devchain, healthy, readJsonl, run, scratch, tradeRows, until, watchStatus } from "./engine_rig.ts";
import { ensureBuilt, FERRIX_BIN, runFerrix, sandboxFlags } from "./helpers.ts";

const SIM_WALLET = "4eiA9LfFkxoSLBfpYuQDoNWhzBD5xjp37cTH2z5dqHBa";

beforeAll(() => ensureBuilt("ferrix"), 120_000);

const migrations = (chain: Devchain) => new Set(chain.records.filter((r): r is MigrationRecord => r.type === "migration").map((r) => r.mint));

describe("bin/ferrix trading on the devchain", () => {
  test("autobuysell --checks-off (paper): positions for devchain mints, status counts, decision records, nothing sent; SIGUSR2 and reset-breaker reset the breaker", async () => {
    const dc = await devchain({ seed: 21 });
    const dir = scratch();
    const f = run(["autobuysell", "--checks-off", ...sandboxFlags(dir), ...chainFlags(dc), "--latency-ms", "50", "--buy-sol", "0.05"], dir);
    const status = watchStatus(join(dir, "status.json"));
    const url = await healthy(f);
    const started = Date.now();

    // Trade for a while: some positions open, the status file shows them.
    await until(() => status.open_positions >= 1 && tradeRows(join(dir, "trades.db")).length >= 2 && Date.now() - started > 5_000, 30_000, "paper positions", f);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/ferrix_decisions_total\{kind="entry",reason="autobuysell"\} [1-9]/);

    // The operator's circuit-breaker resets of a running engine: SIGUSR2, then the command.
    f.proc.kill("SIGUSR2");
    await f.waitForLog((l) => l.msg === "circuit breaker reset by the operator" && l.by === "signal", 5_000, "the SIGUSR2 reset");
    const reset = await runFerrix(["reset-breaker", "--db", join(dir, "trades.db"), "--by", "tester"], { cwd: dir, bin: FERRIX_BIN });
    expect(reset.code).toBe(0);
    expect(reset.stdout).toContain("circuit breaker reset requested by tester");
    await f.waitForLog((l) => l.msg === "circuit breaker reset by the operator" && l.by === "tester", 5_000, "the recorded reset");

    f.proc.kill("SIGTERM");
    expect(await f.exited).toBe(0);
    expect(f.lines.map((l) => l.msg)).toContain("trading stages stopped");

    // trades.db: paper trades of devchain mints, cleanly closed (WAL checkpointed).
    const minted = migrations(dc.chain);
    const rows = tradeRows(join(dir, "trades.db"));
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const r of rows) {
      expect(minted.has(r.mint)).toBe(true);
      expect(r.mode).toBe("paper");
      expect(r.entry_sig).toBeNull(); // nothing signed
    }
    const held = rows.filter((r) => r.status === "open" || r.status === "closed");
    expect(held.length).toBeGreaterThanOrEqual(1);
    for (const r of held) expect(r.amount_in_lamports!).toBeLessThanOrEqual(50_000_000); // --buy-sol 0.05
    for (const r of rows.filter((x) => x.status === "closed")) expect(r.pnl_lamports).toBe(r.amount_out_lamports! - r.amount_in_lamports! - r.fees_lamports);
    const db = new Database(join(dir, "trades.db"), { readonly: true });
    const resets = (db.query("SELECT reason FROM circuit_breaker_events WHERE reason LIKE 'manual_reset%'").all() as { reason: string }[]).map((r) => r.reason);
    db.close();
    expect(resets).toEqual(["manual_reset by signal", "manual_reset by tester"]);
    expect(existsSync(join(dir, "trades.db-wal")) ? statSync(join(dir, "trades.db-wal")).size : 0).toBe(0);

    // Status file: positions showed while running; a last write when stopped.
    expect(status.open_positions).toBeGreaterThanOrEqual(1);
    const final = JSON.parse(readFileSync(join(dir, "status.json"), "utf8"));
    expect(final).toMatchObject({ phase: "stopped", trading: "paper", mode: "autobuysell" });
    expect(final.open_positions).toBe(rows.filter((r) => r.status === "open" || r.status === "opening" || r.status === "closing").length);

    // Decision records: the checks' verdicts and the trading decisions, one file.
    const decisions = readJsonl(join(dir, "decisions.jsonl"));
    const verified = new Set(decisions.filter((d) => d.type === "check" && d.decision === "verified").map((d) => d.mint));
    const entries = decisions.filter((d) => d.type === "entry");
    expect(entries.length).toBeGreaterThanOrEqual(rows.length);
    for (const e of entries) expect(e).toMatchObject({ reason: "autobuysell", mode: "paper" });
    for (const r of rows) {
      expect(verified.has(r.mint)).toBe(true);
      expect(entries.some((e) => e.position_id === r.position_id)).toBe(true);
    }
    expect(decisions.filter((d) => d.type === "circuit_breaker").length).toBeGreaterThanOrEqual(2);

    // Paper: nothing was signed, simulated or sent to the chain.
    expect(dc.rpc.stats.sendTransaction ?? 0).toBe(0);
    expect(dc.rpc.stats.simulateTransaction ?? 0).toBe(0);

    // A restart re-hydrates the positions left open, and counts them in the status file at once.
    const stillOpen = rows.filter((r) => r.status === "open").length;
    if (stillOpen > 0) {
      const again = run(["autobuysell", "--checks-off", ...sandboxFlags(dir), ...chainFlags(dc)], dir);
      const startedAgain = await again.waitForLog((l) => l.msg === "trading stages started", 15_000, "trading stages started");
      expect(startedAgain.restored).toBe(stillOpen);
      await again.waitForLog((l) => l.msg === "ferrix started", 15_000, "ferrix started");
      expect(JSON.parse(readFileSync(join(dir, "status.json"), "utf8")).open_positions).toBeGreaterThanOrEqual(stillOpen);
      again.proc.kill("SIGTERM");
      expect(await again.exited).toBe(0);
    }
  }, 90_000);

  test("migration (observer mode, checks on): the observer gates entries, only verified mints are traded, nothing sent", async () => {
    const dc = await devchain({ seed: 21 });
    dc.chain.airdrop(SIM_WALLET as never, 5_000_000_000);
    const dir = scratch();
    const f = run(["migration", ...sandboxFlags(dir), ...chainFlags(dc), "--simulation-wallet", SIM_WALLET, "--latency-ms", "50"], dir);
    const status = watchStatus(join(dir, "status.json"));
    await healthy(f);
    await until(() => status.observers >= 1 && tradeRows(join(dir, "trades.db")).some((r) => r.status !== "failed"), 40_000, "an observer and an entry", f);
    f.proc.kill("SIGTERM");
    expect(await f.exited).toBe(0);

    const decisions = readJsonl(join(dir, "decisions.jsonl"));
    const checks = decisions.filter((d) => d.type === "check");
    const verified = new Set(checks.filter((d) => d.decision === "verified").map((d) => d.mint));
    const rejected = new Set(checks.filter((d) => d.decision === "rejected").map((d) => d.mint));
    expect(verified.size).toBeGreaterThanOrEqual(1);
    for (const d of checks) expect(d.checks_skipped ?? false).toBe(false);
    // Observer decisions: entries through the observer, and observer rejections by their reason.
    const entries = decisions.filter((d) => d.type === "entry");
    expect(entries.length).toBeGreaterThanOrEqual(1);
    for (const e of entries) expect(e).toMatchObject({ reason: "observer_enter", mode: "paper" });
    expect(entries.every((e) => e.second >= 0 && e.features)).toBe(true);

    const rows = tradeRows(join(dir, "trades.db"));
    expect(rows.length).toBeGreaterThanOrEqual(1);
    const minted = migrations(dc.chain);
    for (const r of rows) {
      expect(minted.has(r.mint)).toBe(true);
      expect(verified.has(r.mint)).toBe(true);
      expect(rejected.has(r.mint)).toBe(false);
      expect(r.mode).toBe("paper");
    }
    expect(status.observers).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(readFileSync(join(dir, "status.json"), "utf8"))).toMatchObject({ phase: "stopped", mode: "migration" });
    // The honeypot probes were simulations; no transaction was sent.
    expect(dc.rpc.stats.simulateTransaction ?? 0).toBeGreaterThanOrEqual(1);
    expect(dc.rpc.stats.sendTransaction ?? 0).toBe(0);
  }, 90_000);

  test("autobuysell --live with a 0600 keypair funded by airdrop: signed buys are accepted by the devchain and recorded; the key is never printed", async () => {
    const dc = await devchain({ seed: 5, speed: 5, migrationsPerDay: 20_000 });
    const dir = scratch();
    const kp = testKeypair("ferrix e2e live");
    const keyPath = join(dir, "wallet.json");
    writeKeypairFile(keyPath, kp.secret, 0o600);
    dc.chain.airdrop(kp.address, 5_000_000_000);
    const secretJson = JSON.stringify(Array.from(kp.secret));
    const f = run(["autobuysell", "--checks-off", "--live", "--keypair", keyPath, "--buy-sol", "0.05", ...sandboxFlags(dir), ...chainFlags(dc)], dir);
    await healthy(f);
    const live = await f.waitForLog((l) => l.msg === "LIVE trading: transactions will be signed and sent", 5_000, "the live banner");
    expect(live.wallet).toBe(kp.address);

    const ours = () => dc.chain.records.filter((r): r is FlowRecord => r.type === "flow" && r.user === kp.address && r.side === "buy");
    await until(() => ours().length >= 1, 30_000, "a signed buy accepted by the devchain", f);
    const buy = ours()[0];
    await until(() => tradeRows(join(dir, "trades.db")).some((r) => r.entry_sig === buy.sig && r.status !== "opening"), 10_000, "the buy recorded in trades.db", f);
    f.proc.kill("SIGTERM");
    expect(await f.exited).toBe(0);

    // The chain accepted a transaction signed by the wallet; trades.db holds the chain's amounts.
    expect(dc.chain.signatureStatus(buy.sig)?.err).toBeNull();
    expect(buy.quote).toBeLessThanOrEqual(50_000_000);
    const row = tradeRows(join(dir, "trades.db")).find((r) => r.entry_sig === buy.sig)!;
    expect(row.mode).toBe("live");
    expect(row.tokens_raw).toBe(buy.base);
    expect(row.amount_in_lamports).toBe(buy.quote);
    expect(migrations(dc.chain).has(row.mint)).toBe(true);
    // Simulate-gated sends, journalled before sending.
    expect(dc.rpc.stats.simulateTransaction ?? 0).toBeGreaterThanOrEqual(dc.rpc.stats.sendTransaction ?? 0);
    expect(readFileSync(join(dir, "trades.db.sends.jsonl"), "utf8")).toContain(buy.sig);

    // The key never appears in any output.
    const all = f.stdout() + f.stderr() + readFileSync(join(dir, "logs", "ferrix.log"), "utf8") + readFileSync(join(dir, "decisions.jsonl"), "utf8");
    expect(all).not.toContain(secretJson.slice(1, 40));
    expect(all).not.toContain(Buffer.from(kp.secret.subarray(0, 32)).toString("base64").slice(0, 16));
    expect(all).not.toContain(Buffer.from(kp.secret.subarray(0, 32)).toString("hex").slice(0, 16));
  }, 90_000);
});
