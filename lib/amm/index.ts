/**
 * PumpSwap constant-product math with fees — the one source of truth for what a swap costs,
 * used by the market generator, the simulator, paper fills and the chain simulator.
 *
 * Follows the official pump-swap-sdk quoting: fees are ceil(amount·bps/10 000) on the pool-side
 * quote amount; the LP fee stays in the pool's quote vault, the protocol and coin-creator fees
 * leave it. Amounts are integers (lamports, raw token units) carried in doubles: every input and
 * output is below 2^53, and products are divided before rounding, so results can differ from the
 * exact integer math (./exact.ts) by at most one unit; a property test pins that bound.
 */
export const LAMPORTS_PER_SOL = 1_000_000_000;

export interface PoolFees {
  lpFeeBps: number;
  protocolFeeBps: number;
  creatorFeeBps: number;
}

export interface PoolReserves {
  /** Token units in the pool's base vault. */
  baseReserve: number;
  /** Lamports in the pool's quote vault (plus virtual quote reserves where a pool has them). */
  quoteReserve: number;
}

export const feeOf = (amount: number, bps: number): number => (bps <= 0 || amount <= 0 ? 0 : Math.ceil((amount * bps) / 10_000));

export const totalFeeBps = (f: PoolFees): number => f.lpFeeBps + f.protocolFeeBps + f.creatorFeeBps;

export interface BuyQuote {
  baseOut: number;
  /** Lamports the pool's curve takes (before fees). */
  quoteIn: number;
  lpFee: number;
  protocolFee: number;
  creatorFee: number;
  /** Everything the buyer pays: quoteIn + all fees. */
  totalQuoteIn: number;
  /** Reserves after the swap. */
  after: PoolReserves;
}

export interface SellQuote {
  baseIn: number;
  /** Lamports the curve gives before fees. */
  quoteOut: number;
  lpFee: number;
  protocolFee: number;
  creatorFee: number;
  /** What the seller receives: quoteOut − all fees (never negative). */
  netQuoteOut: number;
  after: PoolReserves;
}

/** Buy exactly `baseOut` tokens (PumpSwap `buy`). Returns null when the pool cannot supply it. */
export function quoteBuyExactBase(pool: PoolReserves, baseOut: number, fees: PoolFees): BuyQuote | null {
  if (!(baseOut > 0) || baseOut >= pool.baseReserve) return null;
  const quoteIn = Math.ceil((pool.quoteReserve * baseOut) / (pool.baseReserve - baseOut));
  return buyResult(pool, baseOut, quoteIn, fees);
}

/**
 * Spend at most `spendLamports` in total, fees included (PumpSwap `buy_exact_quote_in`).
 * The curve input is the largest q with q + fees(q) ≤ spend.
 */
export function quoteBuyExactQuote(pool: PoolReserves, spendLamports: number, fees: PoolFees): BuyQuote | null {
  if (!(spendLamports > 0)) return null;
  let quoteIn = Math.floor((spendLamports * 10_000) / (10_000 + totalFeeBps(fees)));
  while (quoteIn > 0 && quoteIn + feeOf(quoteIn, fees.lpFeeBps) + feeOf(quoteIn, fees.protocolFeeBps) + feeOf(quoteIn, fees.creatorFeeBps) > spendLamports) quoteIn--;
  if (quoteIn <= 0) return null;
  const baseOut = Math.floor((pool.baseReserve * quoteIn) / (pool.quoteReserve + quoteIn));
  if (baseOut <= 0) return null;
  return buyResult(pool, baseOut, quoteIn, fees);
}

function buyResult(pool: PoolReserves, baseOut: number, quoteIn: number, fees: PoolFees): BuyQuote {
  const lpFee = feeOf(quoteIn, fees.lpFeeBps);
  const protocolFee = feeOf(quoteIn, fees.protocolFeeBps);
  const creatorFee = feeOf(quoteIn, fees.creatorFeeBps);
  return {
    baseOut,
    quoteIn,
    lpFee,
    protocolFee,
    creatorFee,
    totalQuoteIn: quoteIn + lpFee + protocolFee + creatorFee,
    after: { baseReserve: pool.baseReserve - baseOut, quoteReserve: pool.quoteReserve + quoteIn + lpFee },
  };
}

/** Sell exactly `baseIn` tokens (PumpSwap `sell`). */
export function quoteSell(pool: PoolReserves, baseIn: number, fees: PoolFees): SellQuote | null {
  if (!(baseIn > 0)) return null;
  const quoteOut = Math.floor((pool.quoteReserve * baseIn) / (pool.baseReserve + baseIn));
  const lpFee = feeOf(quoteOut, fees.lpFeeBps);
  const protocolFee = feeOf(quoteOut, fees.protocolFeeBps);
  const creatorFee = feeOf(quoteOut, fees.creatorFeeBps);
  return {
    baseIn,
    quoteOut,
    lpFee,
    protocolFee,
    creatorFee,
    netQuoteOut: Math.max(0, quoteOut - lpFee - protocolFee - creatorFee),
    after: { baseReserve: pool.baseReserve + baseIn, quoteReserve: pool.quoteReserve - quoteOut + lpFee },
  };
}

/** Spot price in SOL per whole token. */
export function spotPriceSol(pool: PoolReserves, baseDecimals = 6): number {
  return pool.quoteReserve / 1e9 / (pool.baseReserve / 10 ** baseDecimals);
}

/** Largest acceptable total for a buy with a slippage tolerance (the `max_quote_amount_in` bound). */
export const maxQuoteWithSlippage = (totalQuoteIn: number, slippageBps: number): number => Math.floor((totalQuoteIn * (10_000 + slippageBps)) / 10_000);

/** Fewest acceptable tokens for a spend-exact buy with a slippage tolerance (`min_base_amount_out`). */
export const minBaseWithSlippage = (baseOut: number, slippageBps: number): number => Math.floor((baseOut * (10_000 - slippageBps)) / 10_000);

/** Smallest acceptable proceeds for a sell with a slippage tolerance (`min_quote_amount_out`). */
export const minQuoteWithSlippage = (netQuoteOut: number, slippageBps: number): number => Math.floor((netQuoteOut * (10_000 - slippageBps)) / 10_000);
