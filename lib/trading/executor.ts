/**
 * Executors: how a buy or sell intent becomes a fill. One interface, two forms:
 *
 * - PaperExecutor (the default): nothing is signed or sent. The fill is priced from the pool's
 *   reserves through lib/amm — the simulator's fee and constant-product impact math
 *   (lib/sim/fills.ts uses the same functions; on a Pump.fun curve, lib/amm/curve.ts) — and pays the execution model's network fees
 *   (signature + priority fee, + tip when it lands; lib/sim/execution.ts). With latency 0 the
 *   fill meets the reserves of the decision instant; with latency L it waits L ms and meets the
 *   pool's reserves then (the live stream's, where the simulator can only use the next close).
 *   Slippage is checked as the simulator does: a buy below min_base_amount_out is a missed entry;
 *   a sell below min_quote_amount_out fails and is retried by the sell processor.
 * - LiveExecutor (./live.ts): builds with @solana/kit, signs with the one signer, simulates, sends,
 *   confirms.
 */
import type { Address } from "@solana/kit";
import { maxQuoteWithSlippage, minQuoteWithSlippage, type PoolReserves } from "../amm/index.ts";
import type { BuyIntent, ExecFailure, ExecResult, SellOrder, TradingMode } from "./types.ts";
import { VENUE_QUOTES, type VenueQuotes } from "./venue.ts";

export interface SellAttempt {
  /** 1 for the first attempt. */
  attempt: number;
  slippageBps: number;
  /** Reserves the attempt is quoted against (the order's, or re-read after a failure). */
  reserves: PoolReserves;
  /** Send without a price bound (min_quote_amount_out 0): the last resort after the retries. */
  unbounded: boolean;
}

export interface BuyHooks {
  /** The signed transaction is about to be handed to the sender (live only). */
  onSigned?: (signature: string) => void;
}

export interface Executor {
  readonly mode: TradingMode;
  buy(intent: BuyIntent, spendLamports: number, hooks?: BuyHooks): Promise<ExecResult>;
  sell(order: SellOrder, attempt: SellAttempt, hooks?: BuyHooks): Promise<ExecResult>;
  /** Reserves to re-quote a failed sell against (live: re-read from the chain). */
  freshReserves(pool: Address): Promise<PoolReserves | null>;
  /** Re-read the pool account (the coin creator changed: its vault PDAs with it). */
  refreshPool(pool: Address): Promise<boolean>;
}

/** Network fee knobs of paper fills (lib/sim ExecutionModel's). */
export interface PaperFees {
  baseFeeLamports: number;
  priorityFeeLamports: number;
  tipLamports: number;
}

export const failure = (kind: ExecFailure["kind"], message: string, extra: Partial<ExecFailure> = {}): ExecResult => ({
  ok: false,
  failure: { kind, code: null, message, landed: false, feesLamports: 0, signature: null, ...extra },
});

export class PaperExecutor implements Executor {
  readonly mode = "paper" as const;
  readonly stats = { buys: 0, sells: 0, slippageFailures: 0 };

  constructor(
    private readonly o: {
      /** The pool's reserves now (the live stream's), or null when unknown. */
      currentReserves: (pool: Address) => PoolReserves | null;
      latencyMs: number;
      fees: PaperFees;
      sleep?: (ms: number) => Promise<void>;
      /** How fills are priced (default: PumpSwap pools). */
      quotes?: VenueQuotes;
    },
  ) {
    this.quotes = o.quotes ?? VENUE_QUOTES.pumpswap;
  }

  private readonly quotes: VenueQuotes;

  private async landedReserves(pool: Address, atDecision: PoolReserves): Promise<PoolReserves> {
    if (this.o.latencyMs <= 0) return atDecision;
    await (this.o.sleep ?? ((ms) => Bun.sleep(ms)))(this.o.latencyMs);
    return this.o.currentReserves(pool) ?? atDecision;
  }

  async buy(intent: BuyIntent, spendLamports: number): Promise<ExecResult> {
    this.stats.buys++;
    const quoted = this.quotes.buy(intent.reserves, spendLamports, intent.fees);
    if (!quoted) return failure("no_pool", "no usable pool state at the decision");
    const minOut = Math.floor((quoted.tokens * (10_000 - intent.slippageBps)) / 10_000);
    const reserves = await this.landedReserves(intent.pool, intent.reserves);
    const filled = this.quotes.buy(reserves, spendLamports, intent.fees);
    const failedFees = this.o.fees.baseFeeLamports + this.o.fees.priorityFeeLamports;
    if (!filled || filled.tokens < minOut) {
      this.stats.slippageFailures++;
      return failure("slippage", `paper buy: ${filled?.tokens ?? 0} tokens < min ${minOut}`, { code: 6040, landed: true, feesLamports: failedFees });
    }
    return {
      ok: true,
      fill: {
        signature: null,
        slot: null,
        landedTs: intent.decisionTs + Math.max(0, this.o.latencyMs),
        tokens: filled.tokens,
        lamports: filled.lamports,
        feesLamports: failedFees + this.o.fees.tipLamports,
        rentLamports: 0,
        closeable: true,
      },
    };
  }

  async sell(order: SellOrder, a: SellAttempt): Promise<ExecResult> {
    this.stats.sells++;
    const quoted = this.quotes.sell(a.reserves, order.tokens, order.fees);
    const minOut = a.unbounded || !quoted ? 0 : minQuoteWithSlippage(quoted.lamports, a.slippageBps);
    const reserves = a.attempt === 1 ? await this.landedReserves(order.pool, order.reserves) : (this.o.currentReserves(order.pool) ?? a.reserves);
    const filled = this.quotes.sell(reserves, order.tokens, order.fees);
    const failedFees = this.o.fees.baseFeeLamports + this.o.fees.priorityFeeLamports;
    if (!filled || filled.lamports < minOut) {
      this.stats.slippageFailures++;
      return failure("slippage", `paper sell: ${filled?.lamports ?? 0} lamports < min ${minOut}`, { code: 6004, landed: true, feesLamports: failedFees });
    }
    return {
      ok: true,
      fill: {
        signature: null,
        slot: null,
        landedTs: order.decisionTs + Math.max(0, this.o.latencyMs),
        tokens: order.tokens,
        lamports: filled.lamports,
        feesLamports: failedFees + this.o.fees.tipLamports,
        rentLamports: 0,
      },
    };
  }

  async freshReserves(pool: Address): Promise<PoolReserves | null> {
    return this.o.currentReserves(pool);
  }

  async refreshPool(): Promise<boolean> {
    return true;
  }
}

export { maxQuoteWithSlippage, minQuoteWithSlippage };
