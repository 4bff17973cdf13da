/**
 * Four-tier circuit breaker (after MemeSnipe): Normal trades at 1.0× size, Warning at 0.5×,
 * Critical takes no new entries (exits still run), Emergency halts entries until a person resets it.
 *
 * Tiers are driven by drawdown from peak realised equity, a daily (UTC) loss cap, consecutive
 * execution failures and the error rate over recent executions. Escalation is immediate; relief
 * is one tier at a time after a cooldown, and never below what the current figures demand.
 * Emergency only clears by `manualReset`. Time comes from the caller, so the same breaker runs
 * in tests, in the simulator and live. Every change is returned as an event for
 * `circuit_breaker_events` and the metrics.
 */
export enum RiskTier {
  Normal = 0,
  Warning = 1,
  Critical = 2,
  Emergency = 3,
}

export const RISK_TIER_NAMES = ["normal", "warning", "critical", "emergency"] as const;
export const SIZE_MULTIPLIER = [1, 0.5, 0, 0] as const;

export interface CircuitBreakerConfig {
  /** Drawdown from peak realised PnL, SOL, that moves to each tier [warning, critical, emergency]. */
  drawdownSol: [number, number, number];
  /** Realised loss within one UTC day that stops new entries (Critical); 1.5× halts (Emergency). */
  dailyLossCapSol: number;
  /** Consecutive failed executions for [warning, critical, emergency]. */
  consecutiveFailures: [number, number, number];
  /** Error rate over the last `errorWindow` executions for [warning, critical]. */
  errorRate: [number, number];
  errorWindow: number;
  /** Minimum executions in the window before the error rate counts. */
  errorRateMinSamples: number;
  /** Time in a tier with calmer figures before stepping down one tier. */
  cooldownMs: number;
}

export const DEFAULT_CIRCUIT_BREAKER: CircuitBreakerConfig = {
  drawdownSol: [1, 2, 4],
  dailyLossCapSol: 3,
  consecutiveFailures: [3, 5, 10],
  errorRate: [0.3, 0.5],
  errorWindow: 20,
  errorRateMinSamples: 10,
  cooldownMs: 15 * 60_000,
};

export interface BreakerFigures {
  realisedPnlSol: number;
  peakPnlSol: number;
  drawdownSol: number;
  dailyLossSol: number;
  consecutiveFailures: number;
  errorRate: number;
}

export interface BreakerEvent {
  ts: number;
  from: RiskTier;
  to: RiskTier;
  reason: string;
  figures: BreakerFigures;
}

export interface BreakerState {
  tier: RiskTier;
  tierSinceMs: number;
  realisedPnlSol: number;
  peakPnlSol: number;
  day: number;
  dayStartPnlSol: number;
  consecutiveFailures: number;
  /** Ring of recent execution outcomes (1 = failure). */
  recent: number[];
}

const utcDay = (ms: number) => Math.floor(ms / 86_400_000);

export class CircuitBreaker {
  private s: BreakerState;

  constructor(readonly config: CircuitBreakerConfig = DEFAULT_CIRCUIT_BREAKER, nowMs = 0, restored?: BreakerState) {
    this.s = restored ? { ...restored, recent: [...restored.recent] } : {
      tier: RiskTier.Normal,
      tierSinceMs: nowMs,
      realisedPnlSol: 0,
      peakPnlSol: 0,
      day: utcDay(nowMs),
      dayStartPnlSol: 0,
      consecutiveFailures: 0,
      recent: [],
    };
  }

  get tier(): RiskTier {
    return this.s.tier;
  }
  get sizeMultiplier(): number {
    return SIZE_MULTIPLIER[this.s.tier];
  }
  get allowsEntries(): boolean {
    return this.s.tier <= RiskTier.Warning;
  }
  /** A copy for persistence (re-hydrated through the constructor). */
  snapshot(): BreakerState {
    return { ...this.s, recent: [...this.s.recent] };
  }

  figures(nowMs: number): BreakerFigures {
    this.rollDay(nowMs);
    const failures = this.s.recent.reduce((a, b) => a + b, 0);
    return {
      realisedPnlSol: this.s.realisedPnlSol,
      peakPnlSol: this.s.peakPnlSol,
      drawdownSol: this.s.peakPnlSol - this.s.realisedPnlSol,
      dailyLossSol: Math.max(0, this.s.dayStartPnlSol - this.s.realisedPnlSol),
      consecutiveFailures: this.s.consecutiveFailures,
      errorRate: this.s.recent.length ? failures / this.s.recent.length : 0,
    };
  }

  /** A closed trade's realised PnL. */
  recordTradePnl(pnlSol: number, nowMs: number): BreakerEvent | null {
    this.rollDay(nowMs);
    this.s.realisedPnlSol += pnlSol;
    this.s.peakPnlSol = Math.max(this.s.peakPnlSol, this.s.realisedPnlSol);
    return this.evaluate(nowMs);
  }

  /** A buy or sell transaction's outcome (confirmed or failed). */
  recordExecution(ok: boolean, nowMs: number): BreakerEvent | null {
    this.s.consecutiveFailures = ok ? 0 : this.s.consecutiveFailures + 1;
    this.s.recent.push(ok ? 0 : 1);
    if (this.s.recent.length > this.config.errorWindow) this.s.recent.shift();
    return this.evaluate(nowMs);
  }

  /** Periodic check: day rollover and cooldown relief. */
  tick(nowMs: number): BreakerEvent | null {
    return this.evaluate(nowMs);
  }

  /** A person's reset: back to Normal, failure counters and the drawdown reference cleared. */
  manualReset(nowMs: number, who = "operator"): BreakerEvent | null {
    const from = this.s.tier;
    this.s.consecutiveFailures = 0;
    this.s.recent = [];
    this.s.peakPnlSol = this.s.realisedPnlSol;
    this.s.dayStartPnlSol = this.s.realisedPnlSol;
    this.s.tier = RiskTier.Normal;
    this.s.tierSinceMs = nowMs;
    return { ts: nowMs, from, to: RiskTier.Normal, reason: `manual_reset by ${who}`, figures: this.figures(nowMs) };
  }

  /** The tier the figures alone call for, with the reason. */
  demanded(f: BreakerFigures): { tier: RiskTier; reason: string } {
    const c = this.config;
    let tier = RiskTier.Normal;
    let reason = "figures_normal";
    const raise = (t: RiskTier, why: string) => {
      if (t > tier) {
        tier = t;
        reason = why;
      }
    };
    for (let i = 2; i >= 0; i--) if (f.drawdownSol >= c.drawdownSol[i]!) { raise(i + 1, `drawdown ${f.drawdownSol.toFixed(3)} SOL ≥ ${c.drawdownSol[i]}`); break; }
    if (f.dailyLossSol >= 1.5 * c.dailyLossCapSol) raise(RiskTier.Emergency, `daily loss ${f.dailyLossSol.toFixed(3)} SOL ≥ 1.5× cap ${c.dailyLossCapSol}`);
    else if (f.dailyLossSol >= c.dailyLossCapSol) raise(RiskTier.Critical, `daily loss ${f.dailyLossSol.toFixed(3)} SOL ≥ cap ${c.dailyLossCapSol}`);
    for (let i = 2; i >= 0; i--) if (f.consecutiveFailures >= c.consecutiveFailures[i]!) { raise(i + 1, `${f.consecutiveFailures} consecutive failures ≥ ${c.consecutiveFailures[i]}`); break; }
    if (this.s.recent.length >= c.errorRateMinSamples) {
      if (f.errorRate >= c.errorRate[1]) raise(RiskTier.Critical, `error rate ${(f.errorRate * 100).toFixed(0)}% ≥ ${c.errorRate[1] * 100}%`);
      else if (f.errorRate >= c.errorRate[0]) raise(RiskTier.Warning, `error rate ${(f.errorRate * 100).toFixed(0)}% ≥ ${c.errorRate[0] * 100}%`);
    }
    return { tier, reason };
  }

  private evaluate(nowMs: number): BreakerEvent | null {
    const f = this.figures(nowMs);
    const want = this.demanded(f);
    const from = this.s.tier;
    let to = from;
    let reason = want.reason;
    if (want.tier > from) to = want.tier;
    else if (from !== RiskTier.Emergency && want.tier < from && nowMs - this.s.tierSinceMs >= this.config.cooldownMs) {
      to = (from - 1) as RiskTier;
      reason = `cooldown: ${want.reason}`;
    }
    if (to === from) return null;
    this.s.tier = to;
    this.s.tierSinceMs = nowMs;
    return { ts: nowMs, from, to, reason, figures: f };
  }

  private rollDay(nowMs: number): void {
    const d = utcDay(nowMs);
    if (d !== this.s.day) {
      this.s.day = d;
      this.s.dayStartPnlSol = this.s.realisedPnlSol;
    }
  }
}
