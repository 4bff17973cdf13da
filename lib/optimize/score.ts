/**
 * Scores (spec §5.4): one number per (candidate, fold), the CV score over the walk-forward test
 * folds, the holdout score and the blend — and the hard safety gates.
 *
 * Units: stakes per day. A stake is the SOL spent per entry (the execution model's --buy-sol,
 * else the candidate's buySol), so scores compare across buy sizes and across folds of different
 * lengths (the holdout is shorter than the CV data).
 *
 * Fold score, for a fold of L lifecycles spanning D days (fold.spanDays; 1 when 0) on which the
 * candidate made n trades:
 *
 *     score = ( R − α·DD − β·TAIL − γ·SHORT ) / D
 *
 *   R     = pnl / stake                     net result, every fee included (lib/sim SimSummary.pnlSol)
 *   DD    = maxDrawdown / stake             largest fall of the equity curve from its peak
 *   TAIL  = ⌈0.05·n⌉ · max(0, −CVaR5) / stake
 *                                           what the worst 5 % of trades lost in total (CVaR5 is
 *                                           their mean PnL); already inside R, so β adds weight
 *   SHORT = max(0, minEntryRate·L − n)      entries missing below --min-entry-rate: each costs γ
 *                                           stakes, a smooth pull towards the floor (a hard cut
 *                                           would leave the search no gradient)
 *   α = --dd-penalty (0.5), β = --tail-penalty (0.25), γ = --rate-penalty (0.5).
 *
 * CV score = mean of the fold scores over the WF test folds. Holdout score = the fold score on
 * permanent_holdout. Blended = (1 − w)·CV + w·holdout, w = --holdout-weight (0.6).
 *
 * Safety gates (hard; a candidate failing one is never promoted, and one failing a CV-side gate
 * ranks below every candidate that passes them during the search):
 *   trades     Σ CV trades ≥ --min-trades; holdout trades ≥ --min-holdout-trades
 *   rate       Σ CV trades / Σ CV lifecycles ≥ --min-entry-rate
 *   drawdown   every CV fold and the holdout: maxDrawdown ≤ --max-drawdown-stakes · stake
 *   tail       every CV fold and the holdout: CVaR5 ≥ −--max-tail-loss · stake
 *   profit     Σ CV pnl > 0
 */

/** Per-(candidate, fold) metrics, in this order in result arrays. */
export const M_SCORE = 0;
export const M_PNL = 1;
export const M_MAX_DD = 2;
export const M_CVAR5 = 3;
export const M_TRADES = 4;
/** Entries whose buy failed its slippage bound (they paid fees). */
export const M_FAILED = 5;
/** Σ and Σ² of per-trade PnL (SOL): Sharpe ratios for the deflated Sharpe without keeping trades. */
export const M_SUM_TRADE = 6;
export const M_SUM_TRADE2 = 7;
export const M_WINS = 8;
export const METRIC_COUNT = 9;

export interface ScoreConfig {
  minEntryRate: number;
  ddPenalty: number;
  tailPenalty: number;
  ratePenalty: number;
}

export interface GateConfig {
  minTrades: number;
  minHoldoutTrades: number;
  maxDrawdownStakes: number;
  maxTailLoss: number;
}

export const DEFAULT_SCORE: Readonly<ScoreConfig> = Object.freeze({ minEntryRate: 0, ddPenalty: 0.5, tailPenalty: 0.25, ratePenalty: 0.5 });
export const DEFAULT_GATES: Readonly<GateConfig> = Object.freeze({ minTrades: 20, minHoldoutTrades: 3, maxDrawdownStakes: 25, maxTailLoss: 0.75 });

/** What a fold contributes to a score besides the candidate's metrics. */
export interface FoldShape {
  lifecycles: number;
  spanDays: number;
}

/** The fold score (formula in the module doc). */
export function foldScore(pnl: number, maxDd: number, cvar5: number, trades: number, fold: FoldShape, stake: number, cfg: ScoreConfig): number {
  const days = fold.spanDays > 0 ? fold.spanDays : 1;
  const r = pnl / stake;
  const dd = maxDd / stake;
  const tail = trades > 0 ? (Math.ceil(0.05 * trades) * Math.max(0, -cvar5)) / stake : 0;
  const short = Math.max(0, cfg.minEntryRate * fold.lifecycles - trades);
  return (r - cfg.ddPenalty * dd - cfg.tailPenalty * tail - cfg.ratePenalty * short) / days;
}

export const blend = (cv: number, holdout: number, holdoutWeight: number): number => (1 - holdoutWeight) * cv + holdoutWeight * holdout;

/** Aggregates of one candidate over a set of folds (metrics rows `METRIC_COUNT` wide). */
export interface FoldSetStats {
  /** Mean fold score. */
  score: number;
  pnl: number;
  trades: number;
  lifecycles: number;
  worstDrawdown: number;
  worstCvar5: number;
  failed: number;
  wins: number;
  sumTrade: number;
  sumTrade2: number;
  /** Fold scores in fold order. */
  foldScores: number[];
}

export function foldSetStats(metrics: ArrayLike<number>, offset: number, folds: readonly FoldShape[]): FoldSetStats {
  const s: FoldSetStats = { score: 0, pnl: 0, trades: 0, lifecycles: 0, worstDrawdown: 0, worstCvar5: 0, failed: 0, wins: 0, sumTrade: 0, sumTrade2: 0, foldScores: [] };
  for (let f = 0; f < folds.length; f++) {
    const o = offset + f * METRIC_COUNT;
    s.foldScores.push(metrics[o + M_SCORE]);
    s.score += metrics[o + M_SCORE];
    s.pnl += metrics[o + M_PNL];
    s.trades += metrics[o + M_TRADES];
    s.lifecycles += folds[f].lifecycles;
    s.worstDrawdown = Math.max(s.worstDrawdown, metrics[o + M_MAX_DD]);
    s.worstCvar5 = Math.min(s.worstCvar5, metrics[o + M_CVAR5]);
    s.failed += metrics[o + M_FAILED];
    s.wins += metrics[o + M_WINS];
    s.sumTrade += metrics[o + M_SUM_TRADE];
    s.sumTrade2 += metrics[o + M_SUM_TRADE2];
  }
  s.score = folds.length ? s.score / folds.length : NaN;
  return s;
}

/** One failed safety gate: a stable code and a sentence for people. */
export interface GateFailure {
  gate: "trades" | "rate" | "drawdown" | "tail" | "profit" | "finite";
  message: string;
}

const fmt = (x: number, d = 3): string => (Number.isFinite(x) ? x.toFixed(d) : String(x));

/** cvSafetyFailures(…).length === 0 without building messages (the search calls it per sample). */
export function cvSafe(cv: FoldSetStats, stake: number, score: ScoreConfig, gates: GateConfig): boolean {
  const rate = cv.lifecycles > 0 ? cv.trades / cv.lifecycles : 0;
  return (
    Number.isFinite(cv.score) &&
    !(cv.trades < gates.minTrades) &&
    !(rate < score.minEntryRate) &&
    !(cv.worstDrawdown > gates.maxDrawdownStakes * stake) &&
    !(cv.worstCvar5 < -gates.maxTailLoss * stake) &&
    cv.pnl > 0
  );
}

/** The CV-side safety gates (also the search's feasibility test). Empty = all pass. */
export function cvSafetyFailures(cv: FoldSetStats, stake: number, score: ScoreConfig, gates: GateConfig): GateFailure[] {
  const out: GateFailure[] = [];
  if (!Number.isFinite(cv.score)) out.push({ gate: "finite", message: `CV score is ${cv.score}` });
  if (cv.trades < gates.minTrades) out.push({ gate: "trades", message: `${cv.trades} CV trades < --min-trades ${gates.minTrades}` });
  const rate = cv.lifecycles > 0 ? cv.trades / cv.lifecycles : 0;
  if (rate < score.minEntryRate) out.push({ gate: "rate", message: `CV entry rate ${fmt(rate)} < --min-entry-rate ${score.minEntryRate}` });
  if (cv.worstDrawdown > gates.maxDrawdownStakes * stake)
    out.push({ gate: "drawdown", message: `CV drawdown ${fmt(cv.worstDrawdown / stake, 2)} stakes > --max-drawdown-stakes ${gates.maxDrawdownStakes}` });
  if (cv.worstCvar5 < -gates.maxTailLoss * stake)
    out.push({ gate: "tail", message: `CV CVaR5 ${fmt(cv.worstCvar5 / stake)} stakes < −--max-tail-loss ${gates.maxTailLoss}` });
  if (!(cv.pnl > 0)) out.push({ gate: "profit", message: `CV PnL ${fmt(cv.pnl, 4)} SOL is not positive` });
  return out;
}

/** The holdout-side safety gates, for the promotion check. */
export function holdoutSafetyFailures(h: FoldSetStats, stake: number, gates: GateConfig): GateFailure[] {
  const out: GateFailure[] = [];
  if (!Number.isFinite(h.score)) out.push({ gate: "finite", message: `holdout score is ${h.score}` });
  if (h.trades < gates.minHoldoutTrades) out.push({ gate: "trades", message: `${h.trades} holdout trades < --min-holdout-trades ${gates.minHoldoutTrades}` });
  if (h.worstDrawdown > gates.maxDrawdownStakes * stake)
    out.push({ gate: "drawdown", message: `holdout drawdown ${fmt(h.worstDrawdown / stake, 2)} stakes > --max-drawdown-stakes ${gates.maxDrawdownStakes}` });
  if (h.worstCvar5 < -gates.maxTailLoss * stake)
    out.push({ gate: "tail", message: `holdout CVaR5 ${fmt(h.worstCvar5 / stake)} stakes < −--max-tail-loss ${gates.maxTailLoss}` });
  return out;
}
