/**
 * Statistics that say whether a backtest's best result is luck: the probabilistic and deflated
 * Sharpe ratios and the probability of backtest overfitting (PBO) by combinatorially symmetric
 * cross-validation (CSCV).
 *
 * Sources:
 * - PSR: Bailey & López de Prado, "The Sharpe Ratio Efficient Frontier", J. of Risk 15(2), 2012:
 *   PSR(SR*) = Φ[(ŜR − SR*)·√(T−1) / √(1 − γ₃·ŜR + ((γ₄ − 1)/4)·ŜR²)], with γ₃ the skewness and
 *   γ₄ the raw (non-excess) kurtosis of the returns, ŜR the per-period (not annualised) Sharpe.
 * - DSR: Bailey & López de Prado, "The Deflated Sharpe Ratio", J. of Portfolio Management 40(5),
 *   2014: DSR = PSR(SR₀), SR₀ = √V[SRₙ]·[(1−γ)Φ⁻¹(1 − 1/N) + γΦ⁻¹(1 − 1/(N·e))], γ the
 *   Euler–Mascheroni constant, N the number of effectively independent trials, V[SRₙ] the variance
 *   of their Sharpe ratios (the expected maximum of N draws from N(0, V)).
 * - PBO: Bailey, Borwein, López de Prado & Zhu, "The Probability of Backtest Overfitting",
 *   J. of Computational Finance 20(4), 2017: split the T×N performance matrix into S row blocks; for
 *   each of the C(S, S/2) choices of half the blocks as in-sample, take the in-sample best strategy,
 *   its out-of-sample relative rank ω̄ ∈ (0, 1) and logit λ = ln(ω̄/(1 − ω̄)); PBO = share of λ ≤ 0.
 * - Φ: upper tail by the power series of Φ(x) − ½ = φ(x)·Σ x^(2k+1)/(2k+1)!! for |x| < 3 and Laplace's
 *   continued fraction Q(x) = φ(x)/(x + 1/(x + 2/(x + …))) beyond, both to ~1e-15 relative.
 *   Φ⁻¹: P. J. Acklam's rational approximation (relative error 1.15e-9) refined by two Halley steps.
 */

const SQRT_2PI = Math.sqrt(2 * Math.PI);
const EULER_MASCHERONI = 0.5772156649015329;

export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / SQRT_2PI;
}

/** Φ(x), the standard normal CDF, with full relative accuracy in the lower tail. */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  return x < 0 ? upperTail(-x) : 1 - upperTail(x);
}

/** Q(t) = 1 − Φ(t) for t ≥ 0. */
function upperTail(t: number): number {
  if (t === Infinity) return 0;
  if (t < 3) {
    let term = t;
    let sum = t;
    const t2 = t * t;
    for (let k = 1; term > 1e-17 * sum; k++) {
      term *= t2 / (2 * k + 1);
      sum += term;
    }
    return 0.5 - normalPdf(t) * sum;
  }
  return normalPdf(t) / laplaceContinuedFraction(t);
}

/** t + 1/(t + 2/(t + 3/(t + …))) by the modified Lentz method. */
function laplaceContinuedFraction(t: number): number {
  const tiny = 1e-300;
  let f = t;
  let c = t;
  let d = 0;
  for (let j = 1; j < 10_000; j++) {
    d = t + j * d;
    d = 1 / (d === 0 ? tiny : d);
    c = t + j / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return f;
}

/** Φ⁻¹(p) for p ∈ [0, 1]; −∞ and +∞ at the ends. */
export function normalInverseCdf(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  // 1 − p is exact for p ≥ ½, so the upper half keeps full precision via symmetry.
  return p > 0.5 ? -lowerHalfInverse(1 - p) : lowerHalfInverse(p);
}

function lowerHalfInverse(p: number): number {
  let x = acklam(p);
  for (let step = 0; step < 2; step++) {
    const error = upperTail(-x) - p;
    const u = error * SQRT_2PI * Math.exp(0.5 * x * x);
    x -= u / (1 + 0.5 * x * u);
  }
  return x;
}

function acklam(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

export interface ReturnMoments {
  observations: number;
  mean: number;
  /** Sample standard deviation (divisor T − 1). */
  standardDeviation: number;
  /** m₃/m₂^1.5 from population moments (divisor T), as in the PSR papers. */
  skewness: number;
  /** m₄/m₂², raw (3 for a normal distribution). */
  kurtosis: number;
}

export function returnMoments(returns: ArrayLike<number>): ReturnMoments {
  const T = returns.length;
  let mean = 0;
  for (let i = 0; i < T; i++) mean += returns[i];
  mean /= T;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < T; i++) {
    const dev = returns[i] - mean;
    const dev2 = dev * dev;
    m2 += dev2;
    m3 += dev2 * dev;
    m4 += dev2 * dev2;
  }
  const standardDeviation = T > 1 ? Math.sqrt(m2 / (T - 1)) : 0;
  m2 /= T;
  m3 /= T;
  m4 /= T;
  return {
    observations: T,
    mean,
    standardDeviation,
    skewness: m2 > 0 ? m3 / m2 ** 1.5 : 0,
    kurtosis: m2 > 0 ? m4 / (m2 * m2) : 3,
  };
}

export function sampleSkewness(returns: ArrayLike<number>): number {
  return returnMoments(returns).skewness;
}

/** Raw kurtosis m₄/m₂² (not excess: a normal sample gives ≈ 3). */
export function sampleKurtosis(returns: ArrayLike<number>): number {
  return returnMoments(returns).kurtosis;
}

/** Per-period Sharpe ratio mean/sd (sd with divisor T − 1, no risk-free rate, not annualised). */
export function sharpeRatio(returns: ArrayLike<number>): number {
  const m = returnMoments(returns);
  return sharpeFrom(m.mean, m.standardDeviation);
}

/** A zero-variance series has Sharpe 0 when flat and ±∞ otherwise, so rankings stay total. */
function sharpeFrom(mean: number, standardDeviation: number): number {
  if (standardDeviation > 0) return mean / standardDeviation;
  return mean === 0 ? 0 : mean > 0 ? Infinity : -Infinity;
}

/**
 * PSR: probability that the true Sharpe exceeds `srStar` given the observed per-period `sr` over
 * `observations` returns with skewness γ₃ and raw kurtosis γ₄.
 */
export function probabilisticSharpe(sr: number, srStar: number, observations: number, skewness: number, kurtosis: number): number {
  const variance = 1 - skewness * sr + ((kurtosis - 1) / 4) * sr * sr;
  if (!(observations > 1) || !(variance > 0)) return NaN;
  return normalCdf(((sr - srStar) * Math.sqrt(observations - 1)) / Math.sqrt(variance));
}

/** SR₀: the expected maximum Sharpe among `trials` unskilled trials with Sharpe variance V. */
export function expectedMaxSharpe(trials: number, varianceOfSharpes: number): number {
  if (!(trials > 1)) return 0;
  const g = EULER_MASCHERONI;
  return Math.sqrt(varianceOfSharpes) * ((1 - g) * normalInverseCdf(1 - 1 / trials) + g * normalInverseCdf(1 - 1 / (trials * Math.E)));
}

/** DSR = PSR(SR₀): the PSR of the best of `trials` trials against the luck benchmark SR₀. */
export function deflatedSharpe(
  sr: number,
  observations: number,
  skewness: number,
  kurtosis: number,
  trials: number,
  varianceOfSharpes: number,
): number {
  return probabilisticSharpe(sr, expectedMaxSharpe(trials, varianceOfSharpes), observations, skewness, kurtosis);
}

// ─── PBO by CSCV ──────────────────────────────────────────────────────────────────────────────

export type PerformanceMetric = "sharpe" | "mean";

export interface PboResult {
  /** Share of in-sample/out-of-sample splits whose in-sample winner ranks at or below the OOS median. */
  pbo: number;
  /** λ = ln(ω̄/(1 − ω̄)) per split, in enumeration order. */
  logits: Float64Array;
  /** Number of splits, C(S, S/2). */
  combinations: number;
  /** OLS slope of the winner's OOS performance on its IS performance (negative: degradation). */
  oosVsIsSlope: number;
  oosVsIsIntercept: number;
  /** Share of splits in which the in-sample winner loses out of sample (performance < 0). */
  probabilityOfOosLoss: number;
}

/**
 * PBO by CSCV. `matrix` has T rows (time, e.g. returns per period or per trade window) and N
 * columns (strategies / parameter trials). Rows are cut into `blockCount` contiguous blocks of
 * near-equal size (S even, ≤ 30). Each block keeps per-strategy sums, so a split costs O(S·N)
 * and no split's rows are ever materialised.
 */
export function probabilityOfBacktestOverfitting(
  matrix: ReadonlyArray<ArrayLike<number>>,
  blockCount = 16,
  metric: PerformanceMetric = "sharpe",
): PboResult {
  const T = matrix.length;
  const S = blockCount;
  if (!Number.isInteger(S) || S < 2 || S % 2 !== 0 || S > 30) throw new Error(`blockCount must be an even integer in [2, 30], got ${S}`);
  if (T < 2 * S) throw new Error(`need at least ${2 * S} rows for ${S} blocks, got ${T}`);
  const N = matrix[0].length;
  if (N < 2) throw new Error("need at least two strategies (columns)");

  const blocks = blockSums(matrix, S, N);
  const totalSum = new Float64Array(N);
  const totalSumSquares = new Float64Array(N);
  for (let s = 0; s < S; s++) {
    for (let j = 0; j < N; j++) {
      totalSum[j] += blocks.sum[s * N + j];
      totalSumSquares[j] += blocks.sumSquares[s * N + j];
    }
  }

  const combinations = binomial(S, S / 2);
  const logits = new Float64Array(combinations);
  const isSum = new Float64Array(N);
  const isSumSquares = new Float64Array(N);
  const winnerIs = new Float64Array(combinations);
  const winnerOos = new Float64Array(combinations);
  const performance = (sum: number, sumSquares: number, count: number): number => {
    const mean = sum / count;
    if (metric === "mean") return mean;
    const variance = Math.max(0, (sumSquares - sum * mean) / (count - 1));
    return sharpeFrom(mean, Math.sqrt(variance));
  };

  let overfitCount = 0;
  let lossCount = 0;
  let c = 0;
  for (let mask = (1 << (S / 2)) - 1; mask < 1 << S; mask = nextSameBitCount(mask)) {
    isSum.fill(0);
    isSumSquares.fill(0);
    let isRows = 0;
    for (let s = 0; s < S; s++) {
      if (!(mask & (1 << s))) continue;
      isRows += blocks.rows[s];
      for (let j = 0; j < N; j++) {
        isSum[j] += blocks.sum[s * N + j];
        isSumSquares[j] += blocks.sumSquares[s * N + j];
      }
    }
    const oosRows = T - isRows;

    let winner = 0;
    let winnerPerformance = -Infinity;
    for (let j = 0; j < N; j++) {
      const p = performance(isSum[j], isSumSquares[j], isRows);
      if (p > winnerPerformance) {
        winnerPerformance = p;
        winner = j;
      }
    }
    const winnerOosPerformance = performance(totalSum[winner] - isSum[winner], totalSumSquares[winner] - isSumSquares[winner], oosRows);
    let below = 0;
    let tied = 0;
    for (let j = 0; j < N; j++) {
      const p = performance(totalSum[j] - isSum[j], totalSumSquares[j] - isSumSquares[j], oosRows);
      if (p < winnerOosPerformance) below++;
      else if (p === winnerOosPerformance) tied++;
    }
    // Average rank among ties (tied counts the winner itself), relative rank in (0, 1).
    const relativeRank = (below + (tied + 1) / 2) / (N + 1);
    logits[c] = Math.log(relativeRank / (1 - relativeRank));
    if (logits[c] <= 0) overfitCount++;
    if (winnerOosPerformance < 0) lossCount++;
    winnerIs[c] = winnerPerformance;
    winnerOos[c] = winnerOosPerformance;
    c++;
  }

  const fit = leastSquaresLine(winnerIs, winnerOos);
  return {
    pbo: overfitCount / combinations,
    logits,
    combinations,
    oosVsIsSlope: fit.slope,
    oosVsIsIntercept: fit.intercept,
    probabilityOfOosLoss: lossCount / combinations,
  };
}

interface BlockSums {
  rows: Int32Array;
  /** S×N, row-major by block. */
  sum: Float64Array;
  sumSquares: Float64Array;
}

function blockSums(matrix: ReadonlyArray<ArrayLike<number>>, S: number, N: number): BlockSums {
  const T = matrix.length;
  const rows = new Int32Array(S);
  const sum = new Float64Array(S * N);
  const sumSquares = new Float64Array(S * N);
  for (let s = 0; s < S; s++) {
    const start = Math.floor((s * T) / S);
    const end = Math.floor(((s + 1) * T) / S);
    rows[s] = end - start;
    for (let t = start; t < end; t++) {
      const row = matrix[t];
      if (row.length !== N) throw new Error(`row ${t} has ${row.length} columns, expected ${N}`);
      for (let j = 0; j < N; j++) {
        const v = row[j];
        if (!Number.isFinite(v)) throw new Error(`matrix[${t}][${j}] is not finite`);
        sum[s * N + j] += v;
        sumSquares[s * N + j] += v * v;
      }
    }
  }
  return { rows, sum, sumSquares };
}

/** Gosper's hack: the next larger integer with the same number of set bits. */
function nextSameBitCount(x: number): number {
  const lowest = x & -x;
  const ripple = x + lowest;
  return (((ripple ^ x) >>> 2) / lowest) | ripple;
}

function binomial(n: number, k: number): number {
  let result = 1;
  for (let i = 1; i <= k; i++) result = (result * (n - k + i)) / i;
  return Math.round(result);
}

function leastSquaresLine(x: Float64Array, y: Float64Array): { slope: number; intercept: number } {
  const n = x.length;
  let mx = 0;
  let my = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) continue;
    mx += x[i];
    my += y[i];
    count++;
  }
  if (count < 2) return { slope: NaN, intercept: NaN };
  mx /= count;
  my /= count;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) continue;
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  const slope = sxx > 0 ? sxy / sxx : NaN;
  return { slope, intercept: my - slope * mx };
}
