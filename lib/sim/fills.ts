/**
 * Fills against a recorded pool state, through lib/amm (the one fee and constant-product math).
 * The reserves of a row are rebuilt from its close: quote = quote_reserve SOL × 1e9 lamports,
 * base = quote_reserve ÷ price × 10^decimals raw units (the inverse of spotPriceSol, to ±1 unit).
 */
import { LAMPORTS_PER_SOL, quoteBuyExactQuote, quoteSell, type PoolFees, type PoolReserves } from "../amm/index";
import type { FeatureInputs } from "../features/columns";

export { LAMPORTS_PER_SOL };

/** Fill `pool` with the reserves at `row`; false when the row has no usable state. */
export function reservesAt(pool: PoolReserves, c: FeatureInputs, row: number, tokenUnit: number): boolean {
  const price = c.price[row];
  const quote = c.quoteReserve[row];
  if (!(price > 0) || !(quote > 0)) {
    pool.baseReserve = 0;
    pool.quoteReserve = 0;
    return false;
  }
  pool.quoteReserve = Math.round(quote * LAMPORTS_PER_SOL);
  pool.baseReserve = Math.round((quote / price) * tokenUnit);
  return pool.baseReserve > 0;
}

/** Tokens (raw units) and total lamports paid for spending `spendLamports` at `row`; null if impossible. */
export function buyAt(pool: PoolReserves, fees: PoolFees, c: FeatureInputs, row: number, tokenUnit: number, spendLamports: number) {
  if (!reservesAt(pool, c, row, tokenUnit)) return null;
  return quoteBuyExactQuote(pool, spendLamports, fees);
}

/** Net lamports received for selling `tokens` raw units at `row` (0 when the pool is empty). */
export function sellAt(pool: PoolReserves, fees: PoolFees, c: FeatureInputs, row: number, tokenUnit: number, tokens: number): number {
  if (!reservesAt(pool, c, row, tokenUnit)) return 0;
  const q = quoteSell(pool, tokens, fees);
  return q === null ? 0 : q.netQuoteOut;
}
