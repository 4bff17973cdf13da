/**
 * Hand-made lifecycles for table-driven tests (the freqtrade test_backtest_detail idiom): give a
 * price path and whatever flow columns matter, get a valid Lifecycle whose pool reserves follow
 * the constant product of a freshly migrated PumpSwap pool (quote = √(k · price)), so fills
 * through lib/amm behave like a real pool.
 */
import { buildFold } from "../dataset/index";
import type { Fold } from "../dataset/types";
import type { Lifecycle, LifecycleSeries } from "../lifecycle/types";

/** A fresh PumpSwap pool: ~206.9M tokens against ~84.99 SOL (price ≈ 4.1e-7 SOL per token). */
export const POOL_BASE0 = 206_900_000;
export const POOL_QUOTE0 = 84.99;
export const PRICE0 = POOL_QUOTE0 / POOL_BASE0;

export interface LifecycleSpec {
  /** Close prices as multiples of the migration price (1 = PRICE0), one per second. */
  mult: number[];
  /** Per-second columns (default 0); a number fills the whole column. */
  buySol?: number[] | number;
  sellSol?: number[] | number;
  nBuys?: number[] | number;
  nSells?: number[] | number;
  newBuyers?: number[] | number;
  creatorSellSol?: number[] | number;
  maxSellSol?: number[] | number;
  /** Override the SOL reserve column (default: constant product with the price). */
  quoteReserve?: number[];
  /** Migration time, Unix ms (default 1.75e12 + index·10 min). */
  ts?: number;
  mint?: string;
  fees?: { lp: number; protocol: number; creator: number };
}

let counter = 0;

export function makeLifecycle(spec: LifecycleSpec, index = counter++): Lifecycle {
  const n = spec.mult.length;
  const col = (v: number[] | number | undefined): number[] => {
    if (Array.isArray(v)) {
      if (v.length !== n) throw new Error(`column has ${v.length} values, mult has ${n}`);
      return [...v];
    }
    return new Array<number>(n).fill(v ?? 0);
  };
  const k = POOL_BASE0 * POOL_QUOTE0;
  const price = spec.mult.map((m) => m * PRICE0);
  const series: LifecycleSeries = {
    t: Array.from({ length: n }, (_, i) => i),
    price,
    quote_reserve: spec.quoteReserve ? [...spec.quoteReserve] : price.map((p) => Math.sqrt(k * p)),
    buy_sol: col(spec.buySol),
    sell_sol: col(spec.sellSol),
    n_buys: col(spec.nBuys),
    n_sells: col(spec.nSells),
    new_buyers: col(spec.newBuyers),
    creator_sell_sol: col(spec.creatorSellSol),
    max_sell_sol: col(spec.maxSellSol),
  };
  let peak = -Infinity;
  let tPeak = 0;
  let low = Infinity;
  for (let i = 0; i < n; i++) {
    if (price[i] > peak) [peak, tPeak] = [price[i], i];
    if (price[i] < low) low = price[i];
  }
  const ts = spec.ts ?? 1_750_000_000_000 + index * 600_000;
  return {
    v: 1,
    mint: spec.mint ?? `Test${String(index).padStart(6, "0")}pump`,
    pool: `Pool${String(index).padStart(6, "0")}`,
    creator: `Creator${index}`,
    slot: 340_000_000 + Math.round((ts - 1_750_000_000_000) / 400),
    ts,
    token_age_s: 3600,
    base_reserve0: POOL_BASE0,
    quote_reserve0: POOL_QUOTE0,
    base_decimals: 6,
    lp_fee_bps: spec.fees?.lp ?? 20,
    protocol_fee_bps: spec.fees?.protocol ?? 5,
    creator_fee_bps: spec.fees?.creator ?? 5,
    series,
    outcome: { peak_mult: peak / PRICE0, t_peak: tPeak, min_mult: low / PRICE0, final_mult: price[n - 1] / PRICE0 },
  };
}

/** A fold of hand-made lifecycles (migration order = order given unless ts say otherwise). */
export function makeFold(specs: LifecycleSpec[], name = "test"): Fold {
  return buildFold(specs.map((s, i) => makeLifecycle(s, i)), name);
}

/** `n` seconds of a constant multiple. */
export const flat = (n: number, mult = 1): number[] => new Array<number>(n).fill(mult);
