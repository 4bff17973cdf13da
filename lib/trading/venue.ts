/**
 * Where a position trades, and how a fill there is priced. `pumpswap`: a migrated PumpSwap pool
 * (lib/amm: buy_exact_quote_in, sell). `curve`: a Pump.fun bonding curve before migration
 * (lib/amm/curve.ts: buy_exact_sol_in, sell), its virtual reserves standing in for the pool's
 * reserves everywhere else (features, exits, the actor), so the strategy code is the same.
 */
import { quoteBuyExactQuote, quoteSell, type PoolFees, type PoolReserves } from "../amm/index.ts";
import { curveFromPoolReserves, quoteCurveBuyExactSolIn, quoteCurveSell, type CurveFees } from "../amm/curve.ts";

export type Venue = "pumpswap" | "curve";

export interface VenueQuotes {
  /** Spend at most `spendLamports`, fees included: tokens received and lamports actually paid. */
  buy(reserves: PoolReserves, spendLamports: number, fees: PoolFees): { tokens: number; lamports: number } | null;
  /** Sell exactly `tokens`: lamports received, net of fees. */
  sell(reserves: PoolReserves, tokens: number, fees: PoolFees): { lamports: number } | null;
}

const curveFees = (f: PoolFees): CurveFees => ({ protocolFeeBps: f.protocolFeeBps, creatorFeeBps: f.creatorFeeBps });

export const VENUE_QUOTES: Record<Venue, VenueQuotes> = {
  pumpswap: {
    buy(reserves, spend, fees) {
      const q = quoteBuyExactQuote(reserves, spend, fees);
      return q ? { tokens: q.baseOut, lamports: q.totalQuoteIn } : null;
    },
    sell(reserves, tokens, fees) {
      const q = quoteSell(reserves, tokens, fees);
      return q ? { lamports: q.netQuoteOut } : null;
    },
  },
  curve: {
    buy(reserves, spend, fees) {
      const q = quoteCurveBuyExactSolIn(curveFromPoolReserves(reserves), spend, curveFees(fees));
      return q && q.tokensOut > 0 ? { tokens: q.tokensOut, lamports: q.totalLamports } : null;
    },
    sell(reserves, tokens, fees) {
      const q = quoteCurveSell(curveFromPoolReserves(reserves), tokens, curveFees(fees));
      return q ? { lamports: q.netLamports } : null;
    },
  },
};
