/**
 * A fold: a set of lifecycles held column-wise in typed arrays, loaded once and then scanned by
 * the simulator millions of times. Built from a lifecycle JSONL file or its binary twin
 * (`.msgpack`) by the one loader in lib/dataset.
 *
 * Lifecycle k's per-second rows are [start[k], start[k+1]) in every series column; its second i is
 * row start[k] + i. Static values are per lifecycle. Unknown token age is NaN.
 * Arrays may be backed by a SharedArrayBuffer so worker threads read them without copying.
 */
export interface FoldSeries {
  price: Float64Array;
  quoteReserve: Float64Array;
  buySol: Float64Array;
  sellSol: Float64Array;
  nBuys: Float64Array;
  nSells: Float64Array;
  newBuyers: Float64Array;
  creatorSellSol: Float64Array;
  maxSellSol: Float64Array;
}

export interface FoldOutcome {
  peakMult: Float64Array;
  tPeak: Float64Array;
  minMult: Float64Array;
  finalMult: Float64Array;
}

export interface Fold {
  /** File stem, e.g. "wf_round_1_test" or "permanent_holdout". */
  name: string;
  /** Number of lifecycles. */
  count: number;
  /** Total per-second rows (start[count]). */
  rows: number;
  mint: string[];
  pool: string[];
  creator: string[];
  slot: Float64Array;
  ts: Float64Array;
  tokenAgeS: Float64Array;
  baseReserve0: Float64Array;
  quoteReserve0: Float64Array;
  baseDecimals: Float64Array;
  lpFeeBps: Float64Array;
  protocolFeeBps: Float64Array;
  creatorFeeBps: Float64Array;
  start: Uint32Array;
  series: FoldSeries;
  outcome: FoldOutcome;
  /**
   * Days the fold covers: (last − first migration) plus one mean gap between migrations, so n
   * migrations at a steady cadence g span n·g (entries per day = entries / spanDays). 0 if empty.
   */
  spanDays: number;
}
