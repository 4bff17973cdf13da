import { describe, expect, test } from "bun:test";
import * as pumpSdk from "@pump-fun/pump-sdk";
import { BN } from "@coral-xyz/anchor";
import { PublicKey } from "@solana/web3.js";
import { createRng } from "../util/rng.ts";
import {
  curveAfterBuy,
  curveAfterSell,
  curveFromPoolReserves,
  PUMP_CURVE_INITIAL,
  quoteCurveBuyExactSolIn,
  quoteCurveBuyTokens,
  quoteCurveSell,
  type CurveReserves,
} from "./curve.ts";

const PROTOCOL_BPS = 95;
const CREATOR_BPS = 30;
const K = BigInt(PUMP_CURVE_INITIAL.virtualTokenReserves) * BigInt(PUMP_CURVE_INITIAL.virtualQuoteReserves);
const OFFSET = PUMP_CURVE_INITIAL.virtualTokenReserves - PUMP_CURVE_INITIAL.realTokenReserves;

// Only the fields the SDK's fee math reads (feeConfig null → Global's bps).
const global = { feeBasisPoints: new BN(PROTOCOL_BPS), creatorFeeBasisPoints: new BN(CREATOR_BPS), creatorFeeConfigurable: false } as unknown as pumpSdk.Global;
const someCreator = new PublicKey("7LSsEoJGhLeZzGvDofTdNg7M3JttxQqGWNLo6vWMpump");

function sdkCurve(c: CurveReserves, creator: PublicKey): pumpSdk.BondingCurve {
  return {
    virtualTokenReserves: new BN(c.virtualTokenReserves),
    virtualQuoteReserves: new BN(c.virtualQuoteReserves),
    realTokenReserves: new BN(c.realTokenReserves),
    realQuoteReserves: new BN(c.realQuoteReserves),
    tokenTotalSupply: new BN(1_000_000_000_000_000),
    complete: false,
    creator,
    isMayhemMode: false,
    isCashbackCoin: false,
    quoteMint: PublicKey.default,
    creatorFeeBps: new BN(0),
    canEditCreatorFee: false,
    isHolderReward: false,
  } as pumpSdk.BondingCurve;
}

/** A curve somewhere along the standard path (or, every third one, off it: any vQ). */
function randomCurve(r: ReturnType<typeof createRng>, i: number): CurveReserves {
  const vT = Math.floor(r.uniform(OFFSET + 1e6, PUMP_CURVE_INITIAL.virtualTokenReserves));
  const vQ = i % 3 === 0 ? Math.floor(r.uniform(25e9, 200e9)) : Number(K / BigInt(vT));
  return { virtualTokenReserves: vT, virtualQuoteReserves: vQ, realTokenReserves: vT - OFFSET, realQuoteReserves: Math.max(0, vQ - 30e9) };
}

const logUniform = (r: ReturnType<typeof createRng>, lo: number, hi: number) => Math.floor(Math.exp(r.uniform(Math.log(lo), Math.log(hi))));

describe("Pump.fun curve quotes equal the official SDK (feeConfig null)", () => {
  const r = createRng(20260101).fork("curve-sdk");
  const cases = Array.from({ length: 3000 }, (_, i) => {
    const c = randomCurve(r, i);
    const withCreator = i % 2 === 0;
    return { c, withCreator, sol: logUniform(r, 2, 200e9), tokens: logUniform(r, 1, 900e12), sell: logUniform(r, 1, 900e12) };
  });

  test("buy_exact_sol_in: tokens = getBuyTokenAmountFromSolAmount, cost = getBuySolAmountFromTokenAmount(tokens) ≤ spendable", () => {
    let bought = 0;
    for (const { c, withCreator, sol } of cases) {
      const fees = { protocolFeeBps: PROTOCOL_BPS, creatorFeeBps: withCreator ? CREATOR_BPS : 0 };
      const curve = sdkCurve(c, withCreator ? someCreator : PublicKey.default);
      const args = { global, feeConfig: null, mintSupply: new BN(1_000_000_000_000_000), bondingCurve: curve, quoteMint: PublicKey.default };
      const sdkTokens = pumpSdk.getBuyTokenAmountFromSolAmount({ ...args, amount: new BN(sol) }).toNumber();
      const q = quoteCurveBuyExactSolIn(c, sol, fees);
      if (sdkTokens === 0) {
        expect(q).toBeNull();
        continue;
      }
      bought++;
      expect(q).not.toBeNull();
      expect(q!.tokensOut).toBe(sdkTokens);
      expect(q!.totalLamports).toBe(pumpSdk.getBuySolAmountFromTokenAmount({ ...args, amount: new BN(sdkTokens) }).toNumber());
      expect(q!.totalLamports).toBeLessThanOrEqual(sol);
      expect(q!.solIntoCurve + q!.protocolFee + q!.creatorFee).toBe(q!.totalLamports);
    }
    expect(bought).toBeGreaterThan(2500);
  });

  test("buy exact tokens = getBuySolAmountFromTokenAmount (capped at the real reserves)", () => {
    for (const { c, withCreator, tokens } of cases) {
      const fees = { protocolFeeBps: PROTOCOL_BPS, creatorFeeBps: withCreator ? CREATOR_BPS : 0 };
      const curve = sdkCurve(c, withCreator ? someCreator : PublicKey.default);
      const sdk = pumpSdk.getBuySolAmountFromTokenAmount({ global, feeConfig: null, mintSupply: new BN(1e15), bondingCurve: curve, amount: new BN(tokens), quoteMint: PublicKey.default });
      const q = quoteCurveBuyTokens(c, tokens, fees)!;
      expect(q.tokensOut).toBe(Math.min(tokens, c.realTokenReserves));
      expect(q.totalLamports).toBe(sdk.toNumber());
    }
  });

  test("sell = getSellSolAmountFromTokenAmount", () => {
    for (const { c, withCreator, sell } of cases) {
      const fees = { protocolFeeBps: PROTOCOL_BPS, creatorFeeBps: withCreator ? CREATOR_BPS : 0 };
      const curve = sdkCurve(c, withCreator ? someCreator : PublicKey.default);
      const sdk = pumpSdk.getSellSolAmountFromTokenAmount({ global, feeConfig: null, mintSupply: new BN(1e15), bondingCurve: curve, amount: new BN(sell) });
      const q = quoteCurveSell(c, sell, fees)!;
      expect(q.netLamports).toBe(Math.max(0, sdk.toNumber())); // the SDK goes negative on dust sells
      expect(Math.max(0, q.solOutOfCurve - q.protocolFee - q.creatorFee)).toBe(q.netLamports);
    }
  });
});

describe("curve bookkeeping", () => {
  const fees = { protocolFeeBps: PROTOCOL_BPS, creatorFeeBps: CREATOR_BPS };
  const fresh: CurveReserves = { ...PUMP_CURVE_INITIAL, realQuoteReserves: 0 };

  test("1 SOL into a fresh curve: hand-checked", () => {
    const q = quoteCurveBuyExactSolIn(fresh, 1_000_000_000, fees)!;
    // input = 999_999_999 · 10 000 / 10 125 = 987_654_320 exactly; tokens = floor(input · 1.073e15 / (30e9 + input))
    const input = 987_654_320n;
    expect(q.tokensOut).toBe(Number((input * 1_073_000_000_000_000n) / (30_000_000_000n + input)));
    expect(q.totalLamports).toBeLessThanOrEqual(1_000_000_000);
    expect(q.totalLamports).toBeGreaterThan(999_999_990);
  });

  test("after-trade reserves keep the real/virtual offsets; a round trip loses exactly the fees and rounding", () => {
    const q = quoteCurveBuyExactSolIn(fresh, 2_500_000_000, fees)!;
    const a = curveAfterBuy(fresh, q);
    expect(a.virtualTokenReserves - a.realTokenReserves).toBe(OFFSET);
    expect(a.virtualQuoteReserves - a.realQuoteReserves).toBe(30e9);
    expect(curveFromPoolReserves({ baseReserve: a.virtualTokenReserves, quoteReserve: a.virtualQuoteReserves })).toEqual(a);
    const s = quoteCurveSell(a, q.tokensOut, fees)!;
    const b = curveAfterSell(a, s);
    expect(b.virtualTokenReserves).toBe(fresh.virtualTokenReserves);
    expect(b.realQuoteReserves).toBeGreaterThanOrEqual(0);
    expect(s.solOutOfCurve).toBeLessThanOrEqual(q.solIntoCurve);
    expect(s.netLamports).toBeLessThan(q.totalLamports);
  });

  test("buying past the real reserves is capped; a completed or migrated curve quotes nothing", () => {
    const q = quoteCurveBuyTokens(fresh, 900_000_000_000_000, fees)!;
    expect(q.tokensOut).toBe(PUMP_CURVE_INITIAL.realTokenReserves);
    const done = curveAfterBuy(fresh, q);
    expect(done.realTokenReserves).toBe(0);
    // 793.1M tokens cost k/279.9e12 − 30e9 (+1 lamport of the SDK's rounding).
    expect(done.realQuoteReserves).toBe(85_005_359_057);
    expect(quoteCurveBuyTokens(done, 1, fees)).toBeNull();
    expect(quoteCurveBuyExactSolIn(done, 1e9, fees)).toBeNull();
    const migrated = { virtualTokenReserves: 0, virtualQuoteReserves: 0, realTokenReserves: 0, realQuoteReserves: 0 };
    expect(quoteCurveSell(migrated, 1e6, fees)).toBeNull();
    expect(quoteCurveBuyExactSolIn(fresh, 1, fees)).toBeNull();
  });
});
