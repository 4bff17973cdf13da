/**
 * Feature columns: the per-second market series of a pool plus the features derived from them,
 * one typed array per quantity, one row per second. The same layout serves
 *  - the simulator: rows of all lifecycles of a fold back to back (lifecycle k's second i is row
 *    fold.start[k] + i; the input columns alias the fold's own series arrays), computed once per
 *    fold and reused by every candidate parameter set;
 *  - the live position actor: one pool's rows, appended second by second by a FeatureEngine.
 * Decisions (lib/strategy) read a feature as `cols.<name>[row]`, so both engines run the same code
 * on the same numbers.
 *
 * Inputs are Float64 (prices need the precision). Derived features are stored as Float32: half the
 * memory per fold, and both engines read the same rounded value, so they still agree exactly.
 */
import { SERIES_KEYS } from "../dataset/columns";
import type { FoldSeries } from "../dataset/types";

/**
 * The per-second inputs are exactly a fold's series columns (lib/dataset FoldSeries; units and
 * meaning in lib/lifecycle/types.ts): one definition, so the simulator aliases `fold.series` and
 * the live engine fills the same shape.
 */
export type FeatureInputs = FoldSeries;

/**
 * Data-only features: functions of the pool's own series up to and including that second, never
 * of the strategy parameters (those are compared against them in lib/strategy). Windows are fixed
 * here, not parameters, so that a fold's columns are computed once and shared by all candidates.
 * Window volumes are summed in whole lamports (each second's SOL rounded to the lamport, the
 * chain's own unit) and reported in SOL.
 */
export interface FeatureOutputs {
  /**
   * Lowest close since migration (Float64: an exact copy of a price, so "the price has been below
   * x" is one comparison). Non-increasing within a pool, which lets the entry scan binary-search it.
   */
  priceMinCum: Float64Array;
  /** Σ (buySol − sellSol) since migration, SOL. */
  netFlowCum: Float32Array;
  /** Σ newBuyers since migration: distinct buyer wallets. */
  buyersCum: Float32Array;
  /** Σ creatorSellSol since migration, SOL. */
  creatorSellCum: Float32Array;
  /** Creator sells over the last 10 s, SOL. */
  creatorSell10: Float32Array;
  /** Buy volume over the last 10 s (this second included), SOL. */
  buyVol10: Float32Array;
  /** Sell volume over the last 10 s, SOL. */
  sellVol10: Float32Array;
  /** Buy + sell volume over the last 60 s, SOL. */
  vol60: Float32Array;
  /**
   * Relative volume ratio: the 10 s volume rate over the 60 s volume rate (each divided by the
   * seconds its window actually covers, so young pools are not penalised); 0 without volume.
   */
  rvr: Float32Array;
  /** Momentum: price ÷ price 5 s earlier − 1 (earliest second of the pool when younger). */
  mom5: Float32Array;
  /** Price ÷ price 15 s earlier − 1. */
  mom15: Float32Array;
  /** Volatility: mean |1 s return| over the last 10 returns (0 at the first second). */
  volatility10: Float32Array;
  /** Consecutive falling closes; a rise resets it, an unchanged close keeps it. */
  redStreak: Float32Array;
  /** 1 − price ÷ highest close since migration. */
  drawdownFromHigh: Float32Array;
  /** Exit-liquidity signal: 1 − SOL reserve ÷ highest SOL reserve since migration. */
  liqDrawdown: Float32Array;
  /** Panic flow: sellVol10 ÷ (buyVol10 + sellVol10); 0 without volume. */
  sellRatio10: Float32Array;
  /** Whale dump: largest single sell this second ÷ the pool's SOL reserve before the second. */
  whaleDump: Float32Array;
}

export type FeatureColumns = FeatureInputs & FeatureOutputs;

/** The input column names, in the dataset's series order. */
export const INPUT_NAMES: readonly (keyof FeatureInputs)[] = SERIES_KEYS.map(([key]) => key);

/** Derived features stored as Float64. */
export const FEATURE_NAMES_F64 = ["priceMinCum"] as const satisfies readonly (keyof FeatureOutputs)[];

/** Derived features stored as Float32. */
export const FEATURE_NAMES_F32 = [
  "netFlowCum",
  "buyersCum",
  "creatorSellCum",
  "creatorSell10",
  "buyVol10",
  "sellVol10",
  "vol60",
  "rvr",
  "mom5",
  "mom15",
  "volatility10",
  "redStreak",
  "drawdownFromHigh",
  "liqDrawdown",
  "sellRatio10",
  "whaleDump",
] as const satisfies readonly (keyof FeatureOutputs)[];

export const FEATURE_NAMES = [...FEATURE_NAMES_F64, ...FEATURE_NAMES_F32] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];
/** Compile-time check that every FeatureOutputs column is in a list above (and so gets allocated). */
type AllNamed<Missing extends never> = Missing;
export type AllFeatureOutputsNamed = AllNamed<Exclude<keyof FeatureOutputs, FeatureName>>;

/**
 * Fresh derived-feature columns of `rows` rows in one buffer (Float64 columns first, so every
 * view is aligned), optionally a SharedArrayBuffer for worker threads.
 */
export function allocateOutputs(rows: number, shared = false): FeatureOutputs {
  const f64Bytes = FEATURE_NAMES_F64.length * rows * 8;
  const bytes = f64Bytes + FEATURE_NAMES_F32.length * rows * 4;
  const buf = shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  const out: Partial<Record<FeatureName, Float64Array | Float32Array>> = {};
  FEATURE_NAMES_F64.forEach((name, k) => {
    out[name] = new Float64Array(buf, k * rows * 8, rows);
  });
  FEATURE_NAMES_F32.forEach((name, k) => {
    out[name] = new Float32Array(buf, f64Bytes + k * rows * 4, rows);
  });
  return out as FeatureOutputs;
}

export function allocateInputs(rows: number): FeatureInputs {
  const out: Partial<FeatureInputs> = {};
  for (const name of INPUT_NAMES) out[name] = new Float64Array(rows);
  return out as FeatureInputs;
}
