/**
 * The trade signal processor and the sell order processor (spec §3.3 steps 4–5).
 *
 * TradeSignalProcessor: takes BuyIntents from the actor, asks the circuit breaker at the last
 * moment (the final gate: Critical and Emergency refuse, Warning halves the size), records the
 * trade as `opening` (its signature once signed), executes through the executor and reports
 * `buy_confirmed` / `buy_failed` / `buy_rejected` back to the actor. Every execution outcome
 * feeds the breaker.
 *
 * SellOrderProcessor: takes SellOrders and sells with retries —
 *  - slippage (ExceededSlippage 6004 or the simulator's equivalent): re-quote against fresh
 *    reserves and widen the tolerance (× `widenFactor`, at most `maxSlippageBps`); after
 *    `maxRetries` failed attempts, one last attempt goes out without a price bound when
 *    `unboundedLastResort` (the simulator's rule), else the sell is reported failed;
 *  - creator vault (ConstraintSeeds 2006 on the coin-creator vault: the pool's coin creator
 *    changed): re-read the pool account and retry (at most `maxCreatorRefreshes`);
 *  - anything else: retry up to `maxRetries` at the same tolerance.
 * It reports `sell_confirmed` with the realised output, or `sell_failed` (the actor re-sends at
 * the next second).
 */
import type { Logger } from "../log/index.ts";
import type { Executor } from "./executor.ts";
import type { TradingMetrics } from "./metrics.ts";
import type { PersistSink } from "./persistence.ts";
import type { RiskGate } from "./risk.ts";
import type { BuyIntent, ExecFailure, PositionCommand, SellOrder, TradingMode } from "./types.ts";

export interface ProcessorDeps {
  executor: Executor;
  risk: RiskGate;
  command: (cmd: PositionCommand) => void;
  persist: PersistSink;
  mode: TradingMode;
  paramsHash: string;
  nowMs: () => number;
  monoMs: () => number;
  metrics?: TradingMetrics;
  logger?: Logger;
}

export class TradeSignalProcessor {
  readonly stats = { intents: 0, rejected: 0, confirmed: 0, failed: 0 };
  private inFlight = 0;

  constructor(private readonly d: ProcessorDeps) {}

  get busy(): number {
    return this.inFlight;
  }

  /** From the actor; never blocks (the execution runs on its own). */
  submit(intent: BuyIntent): void {
    this.stats.intents++;
    this.inFlight++;
    void this.run(intent).finally(() => this.inFlight--);
  }

  /**
   * Runs synchronously up to the executor's hand-off to the sender (live, pool info cached): the
   * gate, the `opening` row, the buy. The actor's remaining entry work comes after, so a refusal
   * reaches it on the next microtask (its entry record first), and the opening row reads the
   * entry record when it is written, by which time the actor has set it.
   */
  private async run(intent: BuyIntent): Promise<void> {
    const d = this.d;
    const gate = d.risk.gateEntry();
    if (!gate.allowed) {
      this.stats.rejected++;
      queueMicrotask(() => d.command({ kind: "buy_rejected", positionId: intent.positionId, reason: `circuit_breaker_${gate.tierName}`, tier: gate.tierName }));
      return;
    }
    const spend = Math.floor(intent.spendLamports * gate.sizeMultiplier);
    d.persist.push({
      op: "trade_opening",
      at: d.nowMs(),
      row: {
        position_id: intent.positionId,
        mint: intent.mint,
        pool: intent.pool,
        creator: intent.creator,
        mode: d.mode,
        params_hash: d.paramsHash,
        get entry_reason() {
          return intent.entryRecord ?? null;
        },
        entry_sig: intent.priorSignature ?? null,
      },
    });
    const t0 = d.monoMs();
    let result;
    try {
      result = await d.executor.buy(intent, spend, {
        onSigned: (signature) => {
          d.persist.push({ op: "trade_update", at: d.nowMs(), positionId: intent.positionId, fields: { entry_sig: signature } });
          const rx = intent.receivedAtMono;
          if (rx === undefined || !d.metrics) return;
          // Measured now, recorded once the transaction is with the sender.
          const seconds = Math.max(0, d.monoMs() - rx) / 1000;
          queueMicrotask(() => d.metrics?.buyPathLatency.observe({ mode: d.mode }, seconds));
        },
      });
    } catch (err) {
      result = { ok: false as const, failure: { kind: "other" as const, code: null, message: (err as Error).message, landed: false, feesLamports: 0, signature: null } };
    }
    const seconds = (d.monoMs() - t0) / 1000;
    d.risk.recordExecution(result.ok);
    if (result.ok) {
      this.stats.confirmed++;
      d.metrics?.trades.inc({ side: "buy", result: "confirmed" });
      d.metrics?.executionLatency.observe({ side: "buy" }, seconds);
      if (d.mode === "paper" && intent.receivedAtMono !== undefined) d.metrics?.buyPathLatency.observe({ mode: d.mode }, Math.max(0, d.monoMs() - intent.receivedAtMono) / 1000);
      d.command({ kind: "buy_confirmed", positionId: intent.positionId, fill: result.fill, spendLamports: spend, sizeMultiplier: gate.sizeMultiplier });
    } else {
      this.stats.failed++;
      d.metrics?.trades.inc({ side: "buy", result: result.failure.kind });
      d.logger?.warn({ positionId: intent.positionId, mint: intent.mint, failure: result.failure.kind, code: result.failure.code, message: result.failure.message }, "buy failed");
      d.command({ kind: "buy_failed", positionId: intent.positionId, failure: result.failure });
    }
  }
}

export interface SellPolicy {
  maxRetries: number;
  widenFactor: number;
  maxSlippageBps: number;
  maxCreatorRefreshes: number;
  /** After maxRetries failed attempts, one more without a price bound (the simulator's rule). */
  unboundedLastResort: boolean;
}

export const DEFAULT_SELL_POLICY: SellPolicy = { maxRetries: 3, widenFactor: 2, maxSlippageBps: 5000, maxCreatorRefreshes: 2, unboundedLastResort: false };

export class SellOrderProcessor {
  readonly stats = { orders: 0, attempts: 0, confirmed: 0, failed: 0, slippageRetries: 0, creatorRefreshes: 0 };
  /** Per order: the slippage of each attempt and its outcome (tests, decision records). */
  readonly history = new Map<string, { slippageBps: number; unbounded: boolean; result: string; code: number | null }[]>();
  private inFlight = 0;

  constructor(
    private readonly d: ProcessorDeps,
    private readonly policy: SellPolicy = DEFAULT_SELL_POLICY,
  ) {}

  get busy(): number {
    return this.inFlight;
  }

  submit(order: SellOrder): void {
    this.stats.orders++;
    this.inFlight++;
    void this.run(order).finally(() => this.inFlight--);
  }

  private async run(order: SellOrder): Promise<void> {
    const d = this.d;
    const pol = this.policy;
    const t0 = d.monoMs();
    let bps = order.slippageBps;
    let reserves = order.reserves;
    let failedFees = 0;
    let attempts = 0;
    let retries = 0;
    let refreshes = 0;
    let last: ExecFailure | null = null;
    const hist: { slippageBps: number; unbounded: boolean; result: string; code: number | null }[] = [];
    this.history.set(order.positionId, hist);
    if (this.history.size > 10_000) this.history.delete(this.history.keys().next().value!);
    for (;;) {
      attempts++;
      this.stats.attempts++;
      const unbounded = pol.unboundedLastResort && retries >= pol.maxRetries;
      let result;
      try {
        result = await d.executor.sell(order, { attempt: attempts, slippageBps: bps, reserves, unbounded }, {
          onSigned: (signature) => d.persist.push({ op: "trade_update", at: d.nowMs(), positionId: order.positionId, fields: { exit_sig: signature } }),
        });
      } catch (err) {
        result = { ok: false as const, failure: { kind: "other" as const, code: null, message: (err as Error).message, landed: false, feesLamports: 0, signature: null } };
      }
      d.risk.recordExecution(result.ok);
      if (result.ok) {
        hist.push({ slippageBps: bps, unbounded, result: "ok", code: null });
        this.stats.confirmed++;
        d.metrics?.sellAttempts.inc({ result: "ok" });
        d.metrics?.trades.inc({ side: "sell", result: "confirmed" });
        d.metrics?.executionLatency.observe({ side: "sell" }, (d.monoMs() - t0) / 1000);
        d.command({ kind: "sell_confirmed", positionId: order.positionId, fill: result.fill, attempts, failedFeesLamports: failedFees });
        return;
      }
      const f = result.failure;
      last = f;
      hist.push({ slippageBps: bps, unbounded, result: f.kind, code: f.code });
      failedFees += f.feesLamports;
      d.metrics?.sellAttempts.inc({ result: f.kind === "slippage" || f.kind === "creator_vault" ? f.kind : "other" });
      d.logger?.warn({ positionId: order.positionId, attempt: attempts, slippageBps: bps, failure: f.kind, code: f.code, message: f.message }, "sell attempt failed");
      if (f.kind === "creator_vault" && refreshes < pol.maxCreatorRefreshes) {
        refreshes++;
        this.stats.creatorRefreshes++;
        await d.executor.refreshPool(order.pool).catch(() => false);
        continue;
      }
      if (unbounded || retries >= pol.maxRetries) break;
      retries++;
      if (f.kind === "slippage") {
        this.stats.slippageRetries++;
        bps = Math.max(bps, Math.min(pol.maxSlippageBps, Math.round(bps * pol.widenFactor)));
        reserves = (await d.executor.freshReserves(order.pool).catch(() => null)) ?? reserves;
      }
    }
    this.stats.failed++;
    d.metrics?.trades.inc({ side: "sell", result: last?.kind ?? "other" });
    d.command({ kind: "sell_failed", positionId: order.positionId, failure: last!, attempts, failedFeesLamports: failedFees });
  }
}
