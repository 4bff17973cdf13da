// The live curve executor against the devchain's Pump.fun program (JSON-RPC on 127.0.0.1, port 0):
// a buy and a full sell land with the TradeEvents' amounts and the wallet moves by exactly those;
// a sell whose bound cannot be met fails its simulation as slippage and is never sent; a curve
// that completed (the coin migrated) refuses trades as no_pool; a stale creator fails the
// creator-vault check and a refresh of the curve mends it.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Address } from "@solana/kit";
import { ataSync } from "../chain/pda_sync.ts";
import { startDevchain, type RunningDevchain } from "../devchain/index.ts";
import { systemClock } from "../ingest/clock.ts";
import { CurveInfoCache, CurveLiveExecutor } from "./curve_live.ts";
import { PROGRAM_ERRORS } from "./live.ts";
import { createKitTradingRpc } from "./rpc.ts";
import { TradingSigner } from "./signer.ts";
import { testKeypair } from "./testing.ts";
import type { BuyIntent, SellOrder } from "./types.ts";
import { PUMPFUN_ERRORS } from "../chain/pumpfun.ts";

let dev: RunningDevchain;
let exec: CurveLiveExecutor;
let signer: TradingSigner;
const AIRDROP = 3_000_000_000;

beforeAll(async () => {
  dev = await startDevchain({ seed: 9, market: false, speed: 4 });
  signer = TradingSigner.fromSecretKey(testKeypair("curve-live").secret);
  dev.chain.airdrop(signer.address, AIRDROP);
  const rpc = createKitTradingRpc(dev.rpcUrl);
  exec = new CurveLiveExecutor({
    rpc,
    signer,
    curves: new CurveInfoCache(rpc),
    streamReserves: () => null,
    chainNow: () => dev.chain.now,
    clock: systemClock,
    options: { confirmPollMs: 5, confirmTimeoutMs: 5_000, priorityFeeLamports: 10_000 },
    nowMs: () => Date.now(),
  });
  await exec.start();
});
afterAll(async () => {
  exec?.stop();
  await dev?.stop();
});

async function launch() {
  const t = await dev.chain.launchCurveToken({ profile: "safe" });
  const c = dev.chain.curveAccount(t.mint)!;
  const base = { mint: t.mint, pool: t.bondingCurve, t0: dev.chain.now, decisionRow: 0, decisionTs: dev.chain.now, fees: { lpFeeBps: 0, protocolFeeBps: 95, creatorFeeBps: 30 }, baseDecimals: 6, slippageBps: 500 };
  return { t, reserves: { baseReserve: c.virtualTokenReserves, quoteReserve: c.virtualQuoteReserves }, base };
}

describe("CurveLiveExecutor on the devchain", () => {
  test("a buy and a full sell land with the TradeEvents' amounts; the wallet moves by exactly those and the fees", async () => {
    const { t, reserves, base } = await launch();
    const intent: BuyIntent = { ...base, positionId: "p1", creator: t.creator, reserves, spendLamports: 50_000_000, reason: "test" };
    const bought = await exec.buy(intent, 50_000_000);
    if (!bought.ok) throw new Error(bought.failure.message);
    const buyRec = dev.chain.curveTrades.find((r) => r.sig === bought.fill.signature)!;
    expect(buyRec).toMatchObject({ side: "buy", user: signer.address, ix: "buy_exact_sol_in", source: "rpc" });
    expect(bought.fill).toMatchObject({ tokens: buyRec.tokens, lamports: buyRec.lamports, closeable: true });
    expect(bought.fill.lamports).toBeLessThanOrEqual(50_000_000);
    const ata = ataSync(signer.address, t.mint, t.tokenProgram);
    expect(bought.fill.rentLamports).toBe(dev.chain.getAccount(ata)!.lamports);

    const order: SellOrder = { ...base, positionId: "p1", tokens: bought.fill.tokens, closeBaseAccount: true, reserves, reason: "test", phase: "test" };
    const sold = await exec.sell(order, { attempt: 1, slippageBps: 500, reserves: { baseReserve: buyRec.virtual_token_reserves, quoteReserve: buyRec.virtual_sol_reserves }, unbounded: false });
    if (!sold.ok) throw new Error(sold.failure.message);
    const sellRec = dev.chain.curveTrades.find((r) => r.sig === sold.fill.signature)!;
    expect(sellRec).toMatchObject({ side: "sell", tokens: bought.fill.tokens });
    expect(sold.fill.lamports).toBe(sellRec.lamports);
    expect(dev.chain.getAccount(ata)).toBeNull(); // closed: its rent came back
    expect(dev.chain.getAccount(signer.address as Address)!.lamports).toBe(AIRDROP - bought.fill.lamports - bought.fill.feesLamports + sold.fill.lamports - sold.fill.feesLamports);
  }, 30_000);

  test("a sell whose minimum cannot be met fails its simulation as slippage (6003) and is never sent", async () => {
    const { t, reserves, base } = await launch();
    const bought = await exec.buy({ ...base, positionId: "p2", creator: t.creator, reserves, spendLamports: 20_000_000, reason: "test" }, 20_000_000);
    if (!bought.ok) throw new Error(bought.failure.message);
    const sends = dev.rpc.stats.sendTransaction ?? 0;
    // Quoted against a curve holding twice the SOL: the bound is far above what the sell pays.
    const dream = { baseReserve: reserves.baseReserve, quoteReserve: reserves.quoteReserve * 2 };
    const res = await exec.sell({ ...base, positionId: "p2", tokens: bought.fill.tokens, closeBaseAccount: true, reserves: dream, reason: "test", phase: "test" }, { attempt: 2, slippageBps: 0, reserves: dream, unbounded: false });
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.failure).toMatchObject({ kind: "slippage", code: PUMPFUN_ERRORS.TooLittleSolReceived, landed: false });
    expect(dev.rpc.stats.sendTransaction ?? 0).toBe(sends);
  }, 30_000);

  test("a completed curve (the coin migrated) refuses a buy as no_pool; a wrong creator vault is a creator_vault failure", async () => {
    const { t, reserves, base } = await launch();
    await dev.chain.launchToken({ mint: t.mint });
    expect(dev.chain.curveAccount(t.mint)!.complete).toBe(true);
    const res = await exec.buy({ ...base, positionId: "p3", creator: t.creator, reserves, spendLamports: 10_000_000, reason: "test" }, 10_000_000);
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.failure).toMatchObject({ kind: "no_pool", landed: false, message: expect.stringContaining("is complete") });

    // A cached creator that is no longer the curve's: the creator-vault PDA check (Anchor 2006).
    const other = await launch();
    const curves = (exec as unknown as { d: { curves: CurveInfoCache } }).d.curves;
    const info = await curves.load(other.t.bondingCurve, { mint: other.t.mint });
    info!.creator = signer.address;
    const wrong = await exec.buy({ ...other.base, positionId: "p4", creator: other.t.creator, reserves: other.reserves, spendLamports: 10_000_000, reason: "test" }, 10_000_000);
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) expect(wrong.failure).toMatchObject({ kind: "creator_vault", code: PROGRAM_ERRORS.ConstraintSeeds });
    expect(await exec.refreshPool(other.t.bondingCurve)).toBe(true);
    expect(curves.get(other.t.bondingCurve)!.creator).toBe(other.t.creator);
    const right = await exec.buy({ ...other.base, positionId: "p5", creator: other.t.creator, reserves: other.reserves, spendLamports: 10_000_000, reason: "test" }, 10_000_000);
    expect(right.ok).toBe(true);
  }, 30_000);
});
