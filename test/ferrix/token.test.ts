/**
 * `bin/ferrix token` against the devchain, whose seeded market creates Pump.fun coins and trades
 * them on their bonding curves through the real Pump.fun instructions:
 *
 *  - token (no --auto-trade): launches recorded to telemetry_token.jsonl (curve = pool), checked
 *    (contract and creator only), nothing traded, telemetry.jsonl untouched.
 *  - token --auto-trade --immediate --checks-off (paper): positions on devchain curves priced with
 *    lib/amm/curve.ts from the curves' reserves, closed by the strategy's exits, nothing sent.
 *  - token --auto-trade (observer, paper): the strategy's observer follows launches.
 *  - token --auto-trade --live: signed Pump.fun buys and sells accepted by the devchain; trades.db
 *    amounts equal the chain's TradeEvents; the wallet's balance is what trades.db accounts for.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Address } from "@solana/kit";
import { ataSync } from "../../lib/chain/pda_sync.ts";
import type { CurveTradeRecord } from "../../lib/devchain/index.ts";
import { testKeypair, writeKeypairFile } from "../../lib/trading/testing.ts";
import { chainFlags, devchain, healthy, readJsonl, run, scratch, tradeRows, until, watchStatus } from "./engine_rig.ts";
import { ensureBuilt, sandboxFlags } from "./helpers.ts";

beforeAll(() => ensureBuilt("ferrix"), 120_000);

/** The devchain's launches: mint → bonding curve. */
const curvesOf = (trades: readonly CurveTradeRecord[]) => new Map(trades.map((t) => [t.mint, t.bonding_curve]));

describe("bin/ferrix token on the devchain", () => {
  test("without --auto-trade: launches recorded to telemetry_token.jsonl and checked, nothing traded", async () => {
    const dc = await devchain({ seed: 21 });
    const dir = scratch();
    const f = run(["token", ...sandboxFlags(dir).filter((a, i, all) => a !== "--telemetry" && all[i - 1] !== "--telemetry"), ...chainFlags(dc)], dir);
    await healthy(f);
    await until(() => readJsonl(join(dir, "telemetry_token.jsonl")).filter((l) => l.type === "flow").length >= 20 && readJsonl(join(dir, "decisions.jsonl")).filter((d) => d.type === "check").length >= 3, 40_000, "launches, curve flow and checks", f);
    f.proc.kill("SIGTERM");
    expect(await f.exited).toBe(0);

    const tel = readJsonl(join(dir, "telemetry_token.jsonl"));
    const curves = curvesOf(dc.chain.curveTrades);
    const launches = tel.filter((l) => l.type === "migration");
    expect(launches.length).toBeGreaterThanOrEqual(1);
    for (const l of launches) {
      expect(l.token_created_ts).toBe(l.ts);
      expect(l.lp_fee_bps).toBe(0);
      expect([l.protocol_fee_bps, l.creator_fee_bps]).toEqual([95, 30]);
      if (curves.has(l.mint)) expect(l.pool).toBe(curves.get(l.mint));
    }
    // Each flow line is one of the chain's curve trades, with the curve's reserves after it.
    const bySig = new Map(dc.chain.curveTrades.map((t) => [t.sig, t]));
    const flows = tel.filter((l) => l.type === "flow");
    for (const l of flows) {
      const t = bySig.get(l.sig)!;
      expect(t).toBeDefined();
      expect({ pool: l.pool, side: l.side, base: l.base, quote: l.quote, base_reserve: l.base_reserve, quote_reserve: l.quote_reserve }).toEqual({
        pool: t.bonding_curve,
        side: t.side,
        base: t.tokens,
        quote: t.lamports,
        base_reserve: t.virtual_token_reserves,
        quote_reserve: t.virtual_sol_reserves,
      });
    }
    // Checked for contract and creator only; unsafe mints (a share of the devchain's) are rejected.
    const checks = readJsonl(join(dir, "decisions.jsonl")).filter((d) => d.type === "check");
    const launched = new Set(launches.map((l) => l.mint));
    for (const c of checks) expect(launched.has(c.mint)).toBe(true);
    const reasons = checks.filter((c) => c.decision === "rejected").flatMap((c) => c.reasons as { check: string }[]);
    for (const r of reasons) expect(["contract", "creator"]).toContain(r.check);
    expect(tradeRows(join(dir, "trades.db"))).toHaveLength(0);
    expect(existsSync(join(dir, "telemetry.jsonl"))).toBe(false);
    expect(f.lines.map((l) => l.msg)).toContain("watching token creations only: checked and recorded, not traded (add --auto-trade to trade them)");
  }, 90_000);

  test("--auto-trade --immediate --checks-off (paper): curve positions opened and closed, priced from the curves, nothing sent", async () => {
    const dc = await devchain({ seed: 21 });
    const dir = scratch();
    const f = run(["token", "--auto-trade", "--immediate", "--checks-off", ...sandboxFlags(dir), ...chainFlags(dc), "--latency-ms", "0", "--buy-sol", "0.05"], dir);
    await healthy(f);
    await until(() => tradeRows(join(dir, "trades.db")).filter((r) => r.status === "closed").length >= 2, 60_000, "closed curve positions", f);
    f.proc.kill("SIGTERM");
    expect(await f.exited).toBe(0);

    const curves = curvesOf(dc.chain.curveTrades);
    const rows = tradeRows(join(dir, "trades.db"));
    for (const r of rows) {
      expect(r.mode).toBe("paper");
      expect(r.entry_sig).toBeNull();
      if (curves.has(r.mint)) expect(r.pool).toBe(curves.get(r.mint)!);
    }
    const held = rows.filter((r) => r.status === "open" || r.status === "closed");
    expect(held.length).toBeGreaterThanOrEqual(2);
    for (const r of held) {
      expect(r.amount_in_lamports!).toBeLessThanOrEqual(50_000_000);
      expect(r.amount_in_lamports!).toBeGreaterThan(49_000_000);
      expect(r.tokens_raw!).toBeGreaterThan(0);
    }
    for (const r of rows.filter((x) => x.status === "closed")) expect(r.pnl_lamports).toBe(r.amount_out_lamports! - r.amount_in_lamports! - r.fees_lamports);
    const entries = readJsonl(join(dir, "decisions.jsonl")).filter((d) => d.type === "entry");
    expect(entries.length).toBeGreaterThanOrEqual(rows.length);
    expect(dc.rpc.stats.sendTransaction ?? 0).toBe(0);
    expect(dc.chain.curveTrades.filter((t) => t.source === "rpc")).toHaveLength(0);
  }, 120_000);

  test("--auto-trade (observer, paper): the strategy's observer follows the launches", async () => {
    const dc = await devchain({ seed: 22 });
    const dir = scratch();
    const f = run(["token", "--auto-trade", "--checks-off", ...sandboxFlags(dir), ...chainFlags(dc)], dir);
    const status = watchStatus(join(dir, "status.json"));
    await healthy(f);
    await until(() => status.observers >= 1, 40_000, "an observer on a curve", f);
    f.proc.kill("SIGTERM");
    expect(await f.exited).toBe(0);
    for (const e of readJsonl(join(dir, "decisions.jsonl")).filter((d) => d.type === "entry")) expect(e.reason).toBe("observer_enter");
  }, 90_000);

  test("--auto-trade --live: signed curve buys and sells land; trades.db and the wallet agree with the chain; the key is never printed", async () => {
    const dc = await devchain({ seed: 5, speed: 10 });
    const dir = scratch();
    const kp = testKeypair("ferrix token live");
    const keyPath = join(dir, "wallet.json");
    writeKeypairFile(keyPath, kp.secret, 0o600);
    const airdrop = 5_000_000_000;
    dc.chain.airdrop(kp.address, airdrop);
    const f = run(["token", "--auto-trade", "--immediate", "--checks-off", "--live", "--keypair", keyPath, "--buy-sol", "0.02", ...sandboxFlags(dir), ...chainFlags(dc)], dir);
    await healthy(f);
    const ours = () => dc.chain.curveTrades.filter((t) => t.user === kp.address);
    await until(() => tradeRows(join(dir, "trades.db")).some((r) => r.status === "closed"), 90_000, "a live curve round trip", f);
    f.proc.kill("SIGTERM");
    expect(await f.exited).toBe(0);

    // trades.db holds the chain's amounts: each buy and sell is one of the wallet's curve trades.
    const bySig = new Map(ours().map((t) => [t.sig, t]));
    const rows = tradeRows(join(dir, "trades.db"));
    for (const r of rows) expect(r.mode).toBe("live");
    const held = rows.filter((r) => r.status === "open" || r.status === "closed");
    expect(rows.filter((r) => r.status === "closed").length).toBeGreaterThanOrEqual(1);
    for (const r of held) {
      const buy = bySig.get(r.entry_sig!)!;
      expect(buy).toMatchObject({ side: "buy", mint: r.mint, bonding_curve: r.pool, source: "rpc" });
      expect(r.amount_in_lamports).toBe(buy.lamports);
      expect(r.tokens_raw).toBe(buy.tokens);
      expect(buy.lamports).toBeLessThanOrEqual(20_000_000);
    }
    for (const r of rows.filter((x) => x.status === "closed")) {
      const sell = bySig.get(r.exit_sig!)!;
      expect(sell).toMatchObject({ side: "sell", mint: r.mint, tokens: r.tokens_raw });
      expect(r.amount_out_lamports).toBe(sell.lamports);
    }
    // Every lamport the wallet lost or gained is in trades.db: closed trades' PnL, what open ones
    // cost (with the rent of their token accounts), the fees of failed attempts.
    const rentOf = (mint: string) => {
      const program = dc.chain.getAccount(mint as Address)!.owner;
      return dc.chain.getAccount(ataSync(kp.address, mint as Address, program))?.lamports ?? 0;
    };
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const expected =
      airdrop +
      sum(rows.filter((r) => r.status === "closed").map((r) => r.pnl_lamports!)) -
      sum(rows.filter((r) => r.status === "open").map((r) => r.amount_in_lamports! + r.fees_lamports + rentOf(r.mint))) -
      sum(rows.filter((r) => r.status === "failed").map((r) => r.fees_lamports));
    expect(dc.chain.getAccount(kp.address)!.lamports).toBe(expected);
    expect(dc.rpc.stats.simulateTransaction ?? 0).toBeGreaterThanOrEqual(dc.rpc.stats.sendTransaction ?? 0);

    const all = f.stdout() + f.stderr() + readFileSync(join(dir, "logs", "ferrix.log"), "utf8") + readFileSync(join(dir, "decisions.jsonl"), "utf8");
    expect(all).not.toContain(JSON.stringify(Array.from(kp.secret)).slice(1, 40));
    expect(all).not.toContain(Buffer.from(kp.secret.subarray(0, 32)).toString("hex").slice(0, 16));
  }, 150_000);
});
