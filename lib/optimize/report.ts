/**
 * The final check and the overfitting report, computed with the reference simulator
 * (lib/sim `simulate`), not the search's fast path: the winner and the champion are re-run
 * fold by fold, and their CV metrics are compared with the ones the search used (they must be
 * bit-identical; a difference is reported as an internal error).
 *
 * Overfitting report (spec §6.7; Bailey & López de Prado):
 *  - fold dispersion of the winner's CV fold scores: mean, standard deviation, min, max, share of
 *    positive folds;
 *  - probabilistic Sharpe PSR(0) and deflated Sharpe DSR of the winner's per-trade returns
 *    (PnL ÷ stake over all CV trades): T = trades, skewness and kurtosis of those returns;
 *    the trials are the samples whose per-trade Sharpe rests on at least max(10, --min-trades)
 *    CV trades (a 2-trade "Sharpe" is noise that would inflate V): N = their number (duplicates
 *    included: an upper bound on the independent trials, so the deflation is conservative),
 *    V = the variance of their Sharpe ratios (accumulated during the search);
 *  - PBO by CSCV over the top-K finalists: each CV fold is cut into B blocks of consecutive
 *    lifecycles (B = max(8, ⌈64 / rounds⌉)), the T×N matrix holds each finalist's PnL per block,
 *    S = 16 (overfitting.ts); plus the OOS-vs-IS slope and the Spearman rank correlation of the
 *    finalists' CV and holdout scores.
 */
import type { Fold } from "../dataset/types";
import { simulate, SimWorkspace, type ExecutionModel, type TradeRecord } from "../sim/index";
import { compileParams } from "../strategy/compile";
import { deflatedSharpe, expectedMaxSharpe, probabilisticSharpe, probabilityOfBacktestOverfitting, returnMoments } from "./overfitting";
import { foldScore, M_CVAR5, M_FAILED, M_MAX_DD, M_PNL, M_SCORE, M_SUM_TRADE, M_SUM_TRADE2, M_TRADES, M_WINS, METRIC_COUNT, type ScoreConfig } from "./score";
import type { EvalFold } from "./evaluator";

export interface ReferenceRun {
  /** METRIC_COUNT per fold, fold order. */
  metrics: Float64Array;
  trades: TradeRecord[][];
}

/** simulate() on each fold, metrics in the search's layout, trades kept. */
export function referenceRun(folds: readonly EvalFold[], vec: ArrayLike<number>, exec: ExecutionModel, score: ScoreConfig): ReferenceRun {
  const ws = new SimWorkspace();
  const p = compileParams(vec);
  const metrics = new Float64Array(folds.length * METRIC_COUNT);
  const trades: TradeRecord[][] = [];
  const stake = exec.buySol ?? p.buySol;
  folds.forEach(({ fold, feats }, f) => {
    const s = simulate(fold, feats, p, exec, ws, { recordTrades: true });
    const o = f * METRIC_COUNT;
    let s1 = 0;
    let s2 = 0;
    for (const t of ws.trades) {
      s1 += t.pnlSol;
      s2 += t.pnlSol * t.pnlSol;
    }
    metrics[o + M_PNL] = s.pnlSol;
    metrics[o + M_MAX_DD] = s.maxDrawdownSol;
    metrics[o + M_CVAR5] = s.cvar5Sol;
    metrics[o + M_TRADES] = s.trades;
    metrics[o + M_FAILED] = s.missedEntries;
    metrics[o + M_SUM_TRADE] = s1;
    metrics[o + M_SUM_TRADE2] = s2;
    metrics[o + M_WINS] = s.wins;
    metrics[o + M_SCORE] = foldScore(s.pnlSol, s.maxDrawdownSol, s.cvar5Sol, s.trades, { lifecycles: fold.count, spanDays: fold.spanDays }, stake, score);
    trades.push(ws.trades);
  });
  return { metrics, trades };
}

/** First field where the search's metrics differ from the reference (pnl, drawdown, CVaR, trades, score), or null. */
export function metricsMismatch(a: ArrayLike<number>, b: ArrayLike<number>, folds: number): string | null {
  const names: [number, string][] = [
    [M_PNL, "pnl"],
    [M_MAX_DD, "max drawdown"],
    [M_CVAR5, "CVaR5"],
    [M_TRADES, "trades"],
    [M_FAILED, "failed entries"],
    [M_WINS, "wins"],
    [M_SCORE, "score"],
  ];
  for (let f = 0; f < folds; f++) {
    for (const [m, name] of names) {
      const x = a[f * METRIC_COUNT + m];
      const y = b[f * METRIC_COUNT + m];
      if (!Object.is(x, y)) return `fold ${f + 1} ${name}: search ${x} ≠ reference ${y}`;
    }
  }
  return null;
}

export interface Dispersion {
  mean: number;
  std: number;
  min: number;
  max: number;
  positiveShare: number;
}

export function dispersion(xs: readonly number[]): Dispersion {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std, min: Math.min(...xs), max: Math.max(...xs), positiveShare: xs.filter((x) => x > 0).length / n };
}

/** Welford accumulator of per-candidate per-trade Sharpe ratios. */
export interface SharpeAccumulator {
  n: number;
  mean: number;
  m2: number;
}

export function addSharpe(acc: SharpeAccumulator, sum: number, sumSq: number, trades: number): void {
  if (trades < 2) return;
  const mean = sum / trades;
  const variance = (sumSq - sum * mean) / (trades - 1);
  if (!(variance > 0)) return;
  const sr = mean / Math.sqrt(variance);
  if (!Number.isFinite(sr)) return;
  acc.n++;
  const d = sr - acc.mean;
  acc.mean += d / acc.n;
  acc.m2 += d * (sr - acc.mean);
}

export interface SharpeReport {
  trades: number;
  sharpe: number;
  skewness: number;
  kurtosis: number;
  psr0: number;
  trials: number;
  sharpeVariance: number;
  expectedMaxSharpe: number;
  dsr: number;
}

export function sharpeReport(trades: readonly TradeRecord[], stake: number, acc: SharpeAccumulator, trials: number): SharpeReport {
  const r = trades.map((t) => t.pnlSol / stake);
  const m = returnMoments(r);
  const sr = m.standardDeviation > 0 ? m.mean / m.standardDeviation : 0;
  const variance = acc.n > 1 ? acc.m2 / (acc.n - 1) : 0;
  return {
    trades: r.length,
    sharpe: sr,
    skewness: m.skewness,
    kurtosis: m.kurtosis,
    psr0: probabilisticSharpe(sr, 0, r.length, m.skewness, m.kurtosis),
    trials,
    sharpeVariance: variance,
    expectedMaxSharpe: expectedMaxSharpe(trials, variance),
    dsr: deflatedSharpe(sr, r.length, m.skewness, m.kurtosis, trials, variance),
  };
}

export interface PboReport {
  finalists: number;
  rows: number;
  pbo: number | null;
  combinations: number;
  oosVsIsSlope: number | null;
  probabilityOfOosLoss: number | null;
  cvHoldoutRankCorrelation: number | null;
  note?: string;
}

/** The CSCV matrix: rows = blocks of consecutive lifecycles per CV fold, columns = finalists. */
export function pboReport(finalistTrades: TradeRecord[][][], folds: readonly Fold[], cvScores: readonly number[], holdoutScores: readonly number[]): PboReport {
  const n = finalistTrades.length;
  const blocks = Math.max(8, Math.ceil(64 / Math.max(1, folds.length)));
  const rows = blocks * folds.length;
  const corr = spearman(cvScores, holdoutScores);
  if (n < 2) return { finalists: n, rows, pbo: null, combinations: 0, oosVsIsSlope: null, probabilityOfOosLoss: null, cvHoldoutRankCorrelation: corr, note: "PBO needs at least two finalists" };
  const matrix = Array.from({ length: rows }, () => new Float64Array(n));
  finalistTrades.forEach((perFold, j) => {
    perFold.forEach((trades, f) => {
      const count = folds[f].count;
      for (const t of trades) {
        const b = Math.min(blocks - 1, Math.floor((t.lifecycle * blocks) / count));
        matrix[f * blocks + b][j] += t.pnlSol;
      }
    });
  });
  const r = probabilityOfBacktestOverfitting(matrix, 16, "sharpe");
  const fin = (x: number) => (Number.isFinite(x) ? x : null);
  return {
    finalists: n,
    rows,
    pbo: r.pbo,
    combinations: r.combinations,
    oosVsIsSlope: fin(r.oosVsIsSlope),
    probabilityOfOosLoss: r.probabilityOfOosLoss,
    cvHoldoutRankCorrelation: corr,
  };
}

function ranks(xs: readonly number[]): number[] {
  const idx = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(xs.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1][0] === idx[i][0]) j++;
    for (let k = i; k <= j; k++) out[idx[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

export function spearman(a: readonly number[], b: readonly number[]): number | null {
  if (a.length < 3 || a.length !== b.length) return null;
  const ra = ranks(a);
  const rb = ranks(b);
  const n = a.length;
  const ma = ra.reduce((x, y) => x + y, 0) / n;
  const mb = rb.reduce((x, y) => x + y, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (ra[i] - ma) * (rb[i] - mb);
    saa += (ra[i] - ma) ** 2;
    sbb += (rb[i] - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : null;
}
