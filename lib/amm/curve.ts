/**
 * Pump.fun bonding-curve quotes — the one source of truth for what a curve trade costs, used by
 * paper fills and the chain simulator.
 *
 * The math is the official pump-sdk's (getBuyTokenAmountFromSolAmount,
 * getBuySolAmountFromTokenAmount, getSellSolAmountFromTokenAmount) with `feeConfig = null`: the
 * fees are Global's fee_basis_points (protocol) and creator_fee_basis_points, each
 * ceil(amount·bps/10 000) on the curve-side SOL amount. The creator fee applies only when the
 * curve has a creator; callers pass creatorFeeBps 0 otherwise. Products reach 1e15 × 1e11, past
 * what a double holds exactly, so the arithmetic is BigInt; inputs and outputs are numbers.
 */
import type { PoolReserves } from "./index.ts";

export interface CurveReserves {
  virtualTokenReserves: number;
  /** Lamports (BondingCurve.virtual_quote_reserves, virtual_sol_reserves in older layouts). */
  virtualQuoteReserves: number;
  realTokenReserves: number;
  realQuoteReserves: number;
}

export interface CurveFees {
  protocolFeeBps: number;
  /** 0 when the curve has no creator (the default key). */
  creatorFeeBps: number;
}

export interface CurveBuyQuote {
  tokensOut: number;
  /** Lamports the curve takes (TradeEvent.sol_amount; fees excluded). */
  solIntoCurve: number;
  protocolFee: number;
  creatorFee: number;
  /** Everything the buyer pays: solIntoCurve + fees. */
  totalLamports: number;
}

export interface CurveSellQuote {
  tokensIn: number;
  /** Lamports leaving the curve (TradeEvent.sol_amount; fees included). */
  solOutOfCurve: number;
  protocolFee: number;
  creatorFee: number;
  /** What the seller receives: solOutOfCurve − fees. */
  netLamports: number;
}

/**
 * Fee rates of a curve trade from Pump.fun's Global (feeConfig null): the creator fee only when the
 * curve has a creator (BondingCurve.creator is not the default key).
 */
export function curveFeesFromGlobal(global: { feeBasisPoints: number; creatorFeeBasisPoints: number }, hasCreator: boolean): CurveFees {
  return { protocolFeeBps: global.feeBasisPoints, creatorFeeBps: hasCreator ? global.creatorFeeBasisPoints : 0 };
}

/** A new curve as Pump.fun's Global creates it (solana_facts §2). */
export const PUMP_CURVE_INITIAL = {
  virtualTokenReserves: 1_073_000_000_000_000,
  virtualQuoteReserves: 30_000_000_000,
  realTokenReserves: 793_100_000_000_000,
} as const;

const BPS = 10_000n;
const big = (n: number): bigint => BigInt(Math.floor(n));
const fee = (amount: bigint, bps: number): bigint => (bps <= 0 ? 0n : (amount * BigInt(bps) + BPS - 1n) / BPS);

/** The SDK's getBuySolAmountFromTokenAmountQuote: floor(t·vQ/(vT − t)) + 1. */
const solForTokens = (tokens: bigint, vT: bigint, vQ: bigint): bigint => (tokens * vQ) / (vT - tokens) + 1n;

function buyQuote(tokens: bigint, sol: bigint, fees: CurveFees): CurveBuyQuote {
  const protocolFee = fee(sol, fees.protocolFeeBps);
  const creatorFee = fee(sol, fees.creatorFeeBps);
  return { tokensOut: Number(tokens), solIntoCurve: Number(sol), protocolFee: Number(protocolFee), creatorFee: Number(creatorFee), totalLamports: Number(sol + protocolFee + creatorFee) };
}

/** Whether the curve can trade at all (a migrated curve has zero virtual reserves). */
const live = (c: CurveReserves): boolean => c.virtualTokenReserves > 0 && c.virtualQuoteReserves > 0;

/**
 * Spend at most `spendableLamports`, fees included (Pump.fun `buy_exact_sol_in`). Tokens are the
 * SDK's getBuyTokenAmountFromSolAmount (capped at the real reserves); the cost is the exact-token
 * quote of those tokens. Null when nothing can be bought (BuyNotEnoughSolToCoverFees on chain).
 */
export function quoteCurveBuyExactSolIn(c: CurveReserves, spendableLamports: number, fees: CurveFees): CurveBuyQuote | null {
  if (!(spendableLamports > 0) || !live(c)) return null;
  const vT = big(c.virtualTokenReserves);
  const vQ = big(c.virtualQuoteReserves);
  const spend = big(spendableLamports);
  const input = ((spend - 1n) * BPS) / (BPS + BigInt(fees.protocolFeeBps + fees.creatorFeeBps));
  let tokens = (input * vT) / (vQ + input);
  const real = big(c.realTokenReserves);
  if (tokens > real) tokens = real;
  for (; tokens > 0n; tokens--) {
    // Only when t·vQ/(vT−t) lands exactly on an integer can the +1 and two fee ceilings exceed the
    // budget by a lamport; one token fewer then fits.
    const q = buyQuote(tokens, solForTokens(tokens, vT, vQ), fees);
    if (q.totalLamports <= spendableLamports) return q;
  }
  return null;
}

/** The cost of exactly `tokens` (capped at the real reserves), as Pump.fun `buy` charges it. */
export function quoteCurveBuyTokens(c: CurveReserves, tokens: number, fees: CurveFees): CurveBuyQuote | null {
  if (!(tokens > 0) || !live(c)) return null;
  const vT = big(c.virtualTokenReserves);
  const t = BigInt(Math.min(Math.floor(tokens), Math.floor(c.realTokenReserves)));
  if (t <= 0n || t >= vT) return null;
  return buyQuote(t, solForTokens(t, vT, big(c.virtualQuoteReserves)), fees);
}

/** Selling exactly `tokens` (Pump.fun `sell`). */
export function quoteCurveSell(c: CurveReserves, tokens: number, fees: CurveFees): CurveSellQuote | null {
  if (!(tokens > 0) || !live(c)) return null;
  const t = big(tokens);
  const vT = big(c.virtualTokenReserves);
  const out = (t * big(c.virtualQuoteReserves)) / (vT + t);
  const protocolFee = fee(out, fees.protocolFeeBps);
  const creatorFee = fee(out, fees.creatorFeeBps);
  const net = out - protocolFee - creatorFee;
  return { tokensIn: Number(t), solOutOfCurve: Number(out), protocolFee: Number(protocolFee), creatorFee: Number(creatorFee), netLamports: Number(net > 0n ? net : 0n) };
}

export function curveAfterBuy(c: CurveReserves, q: CurveBuyQuote): CurveReserves {
  return {
    virtualTokenReserves: c.virtualTokenReserves - q.tokensOut,
    virtualQuoteReserves: c.virtualQuoteReserves + q.solIntoCurve,
    realTokenReserves: c.realTokenReserves - q.tokensOut,
    realQuoteReserves: c.realQuoteReserves + q.solIntoCurve,
  };
}

export function curveAfterSell(c: CurveReserves, q: CurveSellQuote): CurveReserves {
  return {
    virtualTokenReserves: c.virtualTokenReserves + q.tokensIn,
    virtualQuoteReserves: c.virtualQuoteReserves - q.solOutOfCurve,
    realTokenReserves: c.realTokenReserves + q.tokensIn,
    realQuoteReserves: c.realQuoteReserves - q.solOutOfCurve,
  };
}

/**
 * A standard curve known only by its virtual reserves (the watcher's pool view of a curve: base =
 * virtual tokens, quote = virtual lamports). The real reserves follow from the initial offsets,
 * which trading never changes: real = virtual − (initial virtual − initial real).
 */
export function curveFromPoolReserves(r: PoolReserves): CurveReserves {
  const I = PUMP_CURVE_INITIAL;
  return {
    virtualTokenReserves: r.baseReserve,
    virtualQuoteReserves: r.quoteReserve,
    realTokenReserves: Math.max(0, r.baseReserve - (I.virtualTokenReserves - I.realTokenReserves)),
    realQuoteReserves: Math.max(0, r.quoteReserve - I.virtualQuoteReserves),
  };
}
