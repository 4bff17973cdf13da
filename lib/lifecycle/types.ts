/**
 * Ground-truth lifecycle, version 1 (DESIGN §2.2): one per migrated token, written by
 * telemetry_tool to tel_out/ground_truth_analysis.jsonl, sorted by slot then mint.
 *
 * `series` holds equal-length per-second columns; element i covers [ts + i·1000, ts + (i+1)·1000)
 * after the migration. Values at second i: `price` (SOL per whole token) and `quote_reserve`
 * (SOL) at the end of that second (carried forward when nothing happened); `buy_sol` / `sell_sol`
 * flow volumes in SOL (flow.quote); `n_buys` / `n_sells` swap counts; `new_buyers` wallets buying
 * this token for the first time; `creator_sell_sol` SOL the creator received from sells;
 * `max_sell_sol` the largest single sell. `t` is 0..n-1 (kept for readers of the raw file).
 *
 * `outcome` is measured on the price column against the migration price (series.price[0] is the
 * first second's close; the reference is `price0` = quote_reserve0 / base_reserve0 in SOL/token).
 */
export const SERIES_COLUMNS = [
  "t",
  "price",
  "quote_reserve",
  "buy_sol",
  "sell_sol",
  "n_buys",
  "n_sells",
  "new_buyers",
  "creator_sell_sol",
  "max_sell_sol",
] as const;

export type SeriesColumn = (typeof SERIES_COLUMNS)[number];

export type LifecycleSeries = Record<SeriesColumn, number[]>;

export interface LifecycleOutcome {
  /** Highest price / price0. */
  peak_mult: number;
  /** Second of that peak. */
  t_peak: number;
  /** Lowest price / price0. */
  min_mult: number;
  /** Last price / price0. */
  final_mult: number;
}

export interface Lifecycle {
  v: 1;
  mint: string;
  pool: string;
  creator: string;
  slot: number;
  /** Migration time, Unix ms. */
  ts: number;
  /** Seconds from token creation to migration; null when unknown. */
  token_age_s: number | null;
  base_reserve0: number;
  quote_reserve0: number;
  base_decimals: number;
  lp_fee_bps: number;
  protocol_fee_bps: number;
  creator_fee_bps: number;
  series: LifecycleSeries;
  outcome: LifecycleOutcome;
}
