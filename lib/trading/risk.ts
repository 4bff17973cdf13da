/**
 * The circuit breaker as the trading stages use it (lib/risk's four tiers: Normal 1×, Warning
 * 0.5×, Critical no new entries, Emergency halt until a person resets it). One RiskGate owns the
 * breaker; the trade signal processor asks it at the last moment before a buy (the final gate),
 * both processors report every execution, the actor reports every closed trade's PnL, and a timer
 * lets cooldowns relieve. Every tier change is written to `circuit_breaker_events` (with the
 * breaker state in `metadata`, so a restart resumes the tier, an Emergency included), counted in
 * the metrics, logged and added to the decision records. `manualReset` is the operator's reset.
 */
import type { Logger } from "../log/index.ts";
import { CircuitBreaker, DEFAULT_CIRCUIT_BREAKER, RISK_TIER_NAMES, RiskTier, type BreakerEvent, type BreakerState, type CircuitBreakerConfig } from "../risk/index.ts";
import type { DecisionSink } from "./decisions.ts";
import type { TradingMetrics } from "./metrics.ts";
import type { PersistSink } from "./persistence.ts";

export interface GateDecision {
  allowed: boolean;
  sizeMultiplier: number;
  tier: RiskTier;
  tierName: string;
}

export class RiskGate {
  readonly breaker: CircuitBreaker;
  readonly events: BreakerEvent[] = [];

  constructor(
    private readonly deps: {
      config?: CircuitBreakerConfig;
      restored?: BreakerState | null;
      nowMs: () => number;
      persist: PersistSink;
      metrics?: TradingMetrics;
      logger?: Logger;
      decisions?: DecisionSink;
    },
  ) {
    this.breaker = new CircuitBreaker(deps.config ?? DEFAULT_CIRCUIT_BREAKER, deps.nowMs(), deps.restored ?? undefined);
    this.publish();
  }

  get tier(): RiskTier {
    return this.breaker.tier;
  }

  /** The final gate before a buy. */
  gateEntry(): GateDecision {
    this.apply(this.breaker.tick(this.deps.nowMs()));
    const tier = this.breaker.tier;
    return { allowed: this.breaker.allowsEntries, sizeMultiplier: this.breaker.sizeMultiplier, tier, tierName: RISK_TIER_NAMES[tier] };
  }

  recordExecution(ok: boolean): void {
    this.apply(this.breaker.recordExecution(ok, this.deps.nowMs()));
  }

  recordTradePnl(pnlLamports: number): void {
    this.apply(this.breaker.recordTradePnl(pnlLamports / 1e9, this.deps.nowMs()));
  }

  tick(): void {
    this.apply(this.breaker.tick(this.deps.nowMs()));
  }

  /** The operator's reset: back to Normal from any tier (Emergency included). */
  manualReset(who = "operator"): BreakerEvent | null {
    const e = this.breaker.manualReset(this.deps.nowMs(), who);
    this.apply(e);
    return e;
  }

  private apply(e: BreakerEvent | null): void {
    if (!e) return;
    this.events.push(e);
    if (this.events.length > 1000) this.events.shift();
    this.deps.persist.push({ op: "breaker_event", at: e.ts, event: e, snapshot: this.breaker.snapshot() });
    this.deps.metrics?.breakerTransitions.inc({ to: RISK_TIER_NAMES[e.to] });
    const level = e.to > e.from ? "warn" : "info";
    this.deps.logger?.[level]({ from: RISK_TIER_NAMES[e.from], to: RISK_TIER_NAMES[e.to], reason: e.reason, figures: e.figures }, "circuit breaker tier changed");
    this.deps.decisions?.write({ ts: e.ts, type: "circuit_breaker", from: RISK_TIER_NAMES[e.from], to: RISK_TIER_NAMES[e.to], reason: e.reason, figures: e.figures });
    this.publish();
  }

  private publish(): void {
    this.deps.metrics?.breakerTier.set(this.breaker.tier);
    this.deps.metrics?.breakerSizeMultiplier.set(this.breaker.sizeMultiplier);
  }
}
