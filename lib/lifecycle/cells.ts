/**
 * A finished token as the builder hands it over: its static facts plus its per-second cells,
 * row-major in one Float64Array (row i at i·STRIDE). Plain data with one transferable buffer, so
 * it can be turned into a Lifecycle (and text) on the builder's thread or in a worker.
 *
 * Cells per second: the close (the ts + 1 of the event that set it, 0 = none this second, and
 * the reserves after it), flow sums in lamports, counts, the creator's sells and the largest sell.
 */
import { spotPriceSol } from "../amm/index";
import type { Lifecycle } from "./types";

export const CLOSE_TS = 0;
export const CLOSE_BASE = 1;
export const CLOSE_QUOTE = 2;
export const BUY = 3;
export const SELL = 4;
export const N_BUYS = 5;
export const N_SELLS = 6;
export const NEW_BUYERS = 7;
export const CREATOR_SELL = 8;
export const MAX_SELL = 9;
export const STRIDE = 10;

const LAMPORTS = 1e9;

export interface FinishedLifecycle {
  mint: string;
  pool: string;
  creator: string;
  slot: number;
  /** Migration time, Unix ms. */
  ts: number;
  ageS: number | null;
  /** Raw migration reserves (base units, lamports). */
  baseReserve: number;
  quoteReserve: number;
  decimals: number;
  lpFeeBps: number;
  protocolFeeBps: number;
  creatorFeeBps: number;
  /** Seconds in the series (≥ 1). */
  rows: number;
  /** At least rows · STRIDE cells (only those are meaningful); row 0 always has a close. */
  cells: Float64Array;
}

/**
 * The lifecycle record (lib/lifecycle/types.ts) of a finished token: price and quote_reserve are
 * the close of each second carried forward, flow columns converted from lamports to SOL, the
 * outcome measured against price0. Initial reserves are given in SOL and whole tokens, so
 * quote_reserve0 / base_reserve0 is price0 in SOL per token, exactly as spotPriceSol computes it.
 */
export function toLifecycle(f: FinishedLifecycle): Lifecycle {
  const n = f.rows;
  const t = new Array<number>(n);
  const price = new Array<number>(n);
  const quoteReserve = new Array<number>(n);
  const buySol = new Array<number>(n);
  const sellSol = new Array<number>(n);
  const nBuys = new Array<number>(n);
  const nSells = new Array<number>(n);
  const newBuyers = new Array<number>(n);
  const creatorSellSol = new Array<number>(n);
  const maxSellSol = new Array<number>(n);
  const dec = f.decimals;
  const c = f.cells;
  let base = f.baseReserve;
  let quote = f.quoteReserve;
  let p = spotPriceSol({ baseReserve: base, quoteReserve: quote }, dec);
  let q = quote / LAMPORTS;
  for (let i = 0, r = 0; i < n; i++, r += STRIDE) {
    if (c[r + CLOSE_TS]! > 0 && (c[r + CLOSE_BASE] !== base || c[r + CLOSE_QUOTE] !== quote)) {
      base = c[r + CLOSE_BASE]!;
      quote = c[r + CLOSE_QUOTE]!;
      p = spotPriceSol({ baseReserve: base, quoteReserve: quote }, dec);
      q = quote / LAMPORTS;
    }
    t[i] = i;
    price[i] = p;
    quoteReserve[i] = q;
    buySol[i] = c[r + BUY]! / LAMPORTS;
    sellSol[i] = c[r + SELL]! / LAMPORTS;
    nBuys[i] = c[r + N_BUYS]!;
    nSells[i] = c[r + N_SELLS]!;
    newBuyers[i] = c[r + NEW_BUYERS]!;
    creatorSellSol[i] = c[r + CREATOR_SELL]! / LAMPORTS;
    maxSellSol[i] = c[r + MAX_SELL]! / LAMPORTS;
  }
  const quoteReserve0 = f.quoteReserve / LAMPORTS;
  const baseReserve0 = f.baseReserve / 10 ** dec;
  const price0 = quoteReserve0 / baseReserve0;
  let peak = price[0]!;
  let tPeak = 0;
  let low = price[0]!;
  for (let i = 1; i < n; i++) {
    const v = price[i]!;
    if (v > peak) {
      peak = v;
      tPeak = i;
    }
    if (v < low) low = v;
  }
  return {
    v: 1,
    mint: f.mint,
    pool: f.pool,
    creator: f.creator,
    slot: f.slot,
    ts: f.ts,
    token_age_s: f.ageS,
    base_reserve0: baseReserve0,
    quote_reserve0: quoteReserve0,
    base_decimals: dec,
    lp_fee_bps: f.lpFeeBps,
    protocol_fee_bps: f.protocolFeeBps,
    creator_fee_bps: f.creatorFeeBps,
    series: {
      t,
      price,
      quote_reserve: quoteReserve,
      buy_sol: buySol,
      sell_sol: sellSol,
      n_buys: nBuys,
      n_sells: nSells,
      new_buyers: newBuyers,
      creator_sell_sol: creatorSellSol,
      max_sell_sol: maxSellSol,
    },
    outcome: { peak_mult: peak / price0, t_peak: tPeak, min_mult: low / price0, final_mult: price[n - 1]! / price0 },
  };
}
