/**
 * CMA-ES: the (μ/μ_w, λ) covariance matrix adaptation evolution strategy with active (negative)
 * recombination weights, cumulative step-size adaptation (CSA), a smooth box-bound transform and
 * IPOP restarts — a port of pycma 4.x's defaults (CMA-ES/pycma: options_parameters.py
 * `CMAParameters`, recombination_weights.py, sampler.py `GaussFullSampler`, sigma_adaptation.py
 * `CMAAdaptSigmaCSA`, transformations.py `BoxConstraintsLinQuadTransformation`), and
 * N. Hansen, "The CMA Evolution Strategy: A Tutorial", arXiv:1604.00772.
 *
 * Strategy parameters (n = dimension, pycma's values where the tutorial differs):
 *   λ = ⌊4 + 3 ln n⌋, w′ᵢ = ln((λ+1)/2) − ln i, positive weights sum to 1, μ = #positive;
 *   μ_eff = 1/Σ(w⁺)²; c_c = (4 + μ_eff/n)/(n + 4 + 2μ_eff/n);
 *   c₁ = min(1, λ/6)·2/((n+1.3)² + μ_eff);
 *   c_μ = min(1 − c₁, 2(0.25 + μ_eff + 1/μ_eff − 2)/((n+2)² + μ_eff))   — pycma's variant (the
 *         tutorial has no 0.25); the offset barely matters and keeps us on pycma's numbers;
 *   c_σ = (μ_eff + 2)/(n + μ_eff + 3)   — pycma's variant (tutorial: + 5); we validate against
 *         pycma's evaluation counts, so we take its constant;
 *   d_σ = 1 + 2·max(0, √((μ_eff−1)/(n+1)) − 1) + c_σ; E‖N(0,I)‖ ≈ √n(1 − 1/(4n) + 1/(21n²)).
 * Negative weights are scaled as pycma's `finalize_negative_weights` does: their sum is set to
 * −(1 + c₁/c_μ) (so C has zero decay: 1 − c₁ − c_μΣw = 0), then limited by (1 − c₁ − c_μ)/(c_μ n)
 * and 1 + 2μ⁻_eff/(μ_eff + 2); each negative-weight step yᵢ is rescaled to Mahalanobis length √n
 * before the rank-μ update. C's eigendecomposition (Householder tridiagonalisation + QL, as in
 * Hansen's reference implementations) is refreshed lazily, every ⌈1/((c₁+c_μ)·n·10)⌉ generations.
 *
 * Termination (pycma defaults): ftarget, maxfevals, maxiter = 100 + 150(n+3)²/√λ, tolfun 1e-11
 * (current and recent best values), tolfunhist 1e-12, tolx 1e-11 (σ·max(|p_c|, √Cᵢᵢ)), tolfacupx 1e3,
 * tolupsigma 1e20, tolstagnation (medians over 100 + 100n^1.5/λ iterations), conditioncov 1e14,
 * noeffectaxis, noeffectcoord, tolflatfitness (> 1 consecutive generation in which the μ+1 best
 * values are equal). Not ported: mirrored sampling (off by default for λ ≥ 6), coordinate-wise
 * "alleviate conditioning" (only acts above condition 1e8), tolxstagnation, noise handling.
 *
 * Bounds: the algorithm lives in an unbounded genotype space; `ask()` maps every candidate
 * through pycma's piecewise linear/quadratic periodic reflection into [lb, ub] (identity in the
 * interior, C¹ at the edges), and `tell()` learns from the stored genotype. When bounds are
 * finite the coordinate-wise standard deviation is capped at (ub − lb)/3 (pycma's
 * `maxstd_boundrange`).
 *
 * Ask/tell contract: `ask()` returns λ fresh Float64Arrays; evaluate them in any order, in any
 * batches, and pass them back to `tell(candidates, fitnesses)` (minimisation) in any order. A
 * candidate is recognised by identity, else by equal contents (so copies from worker threads
 * work); an unrecognised point is accepted too, its genotype taken from the inverse transform and
 * its Mahalanobis length clipped (pycma's `repair_genotype`). Ranking ties are broken by ask
 * order, so the result does not depend on the order of `tell`'s arguments.
 *
 * Normalised parameter space (how the Ferrix optimizer uses this module): the caller maps each
 * strategy parameter p ∈ [lo, hi] to u = (p − lo)/(hi − lo) ∈ [0, 1], creates the strategy with
 * lowerBounds 0, upperBounds 1, x0 = the normalised starting parameters and σ₀ ≈ 0.2–0.3 (σ is
 * capped at 1/3 from the first tell on), decodes each asked u back to p = lo + u(hi − lo) and rounds integer parameters
 * itself. The CMA never sees the rounding: it learns from the continuous candidate it sampled, so
 * the caller may round a copy or even the asked array in place before `tell`. Rounding makes the
 * fitness piecewise constant; `minStd` (pycma's `minstd`, e.g. a fraction of one integer step in
 * u units) keeps σ from collapsing below the quantisation, and flat generations end a run (then
 * IPOP restarts with a larger population).
 */
import { createRng, type Rng } from "../util/rng";

export type StopReason =
  | "ftarget"
  | "maxfevals"
  | "maxiter"
  | "tolfun"
  | "tolfunhist"
  | "tolx"
  | "tolfacupx"
  | "tolupsigma"
  | "tolstagnation"
  | "conditioncov"
  | "noeffectaxis"
  | "noeffectcoord"
  | "tolflatfitness";

export interface CmaTolerances {
  /** Range of the current and recent best f values below which the run stops (pycma tolfun). */
  fun: number;
  /** Range of the recent best f values below which the run stops (pycma tolfunhist). */
  funHist: number;
  /** σ·max(|p_c,i|, √C_ii) below this in every coordinate stops the run (pycma tolx). */
  x: number;
  /** Stop when a coordinate's std exceeds σ₀ times this (pycma tolfacupx). */
  facUpX: number;
  /** Stop when σ/σ₀ exceeds this times the largest axis of C (pycma tolupsigma). */
  upSigma: number;
  /** Stop when the condition number of C exceeds this (pycma tolconditioncov). */
  conditionCov: number;
  /** Iterations window for the stagnation test; default 100 + 100·n^1.5/λ (pycma tolstagnation). */
  stagnationIterations: number;
  /** Consecutive flat generations tolerated (pycma tolflatfitness). */
  flatFitnessIterations: number;
}

export interface CmaEsOptions {
  /** Starting point (phenotype, inside the bounds). */
  x0: ArrayLike<number>;
  /** Initial step size, in the units of x. */
  sigma0: number;
  lowerBounds?: ArrayLike<number> | number;
  upperBounds?: ArrayLike<number> | number;
  /** λ; default 4 + ⌊3 ln n⌋. */
  popSize?: number;
  rng: Rng;
  /** Stop once a value ≤ targetF has been told (default −∞). */
  targetF?: number;
  /** Stop once this many candidates have been told (default ∞). */
  maxEvaluations?: number;
  /** Default 100 + ⌊150(n+3)²/√λ⌋. */
  maxIterations?: number;
  /** Lower limit of each coordinate's standard deviation (pycma minstd); default 0. */
  minStd?: ArrayLike<number> | number;
  /** Upper limit of each coordinate's standard deviation; default (ub − lb)/3 where finite. */
  maxStd?: ArrayLike<number> | number;
  tolerances?: Partial<CmaTolerances>;
}

export interface CmaBest {
  /** The best candidate told so far (phenotype, a copy). */
  x: Float64Array;
  f: number;
  /** Evaluation count at which it was told. */
  evaluation: number;
}

/** Recombination weights and learning rates, fixed by n and λ. */
export interface CmaParameters {
  dimension: number;
  popSize: number;
  /** Number of positive weights. */
  mu: number;
  /** λ weights, positive ones summing to 1, negative ones finalised for the active update. */
  weights: Float64Array;
  muEff: number;
  cc: number;
  cs: number;
  c1: number;
  cmu: number;
  damps: number;
  /** E‖N(0, I)‖. */
  chiN: number;
  /** Generations between eigendecompositions (fractional; < 1 means every generation). */
  lazyGap: number;
}

export function defaultPopSize(dimension: number): number {
  return 4 + Math.floor(3 * Math.log(dimension));
}

export function cmaParameters(dimension: number, popSize = defaultPopSize(dimension)): CmaParameters {
  const n = dimension;
  const lambda = popSize;
  if (!Number.isInteger(n) || n < 1) throw new Error(`dimension must be a positive integer, got ${n}`);
  if (!Number.isInteger(lambda) || lambda < 2) throw new Error(`popSize must be an integer ≥ 2, got ${lambda}`);
  const weights = new Float64Array(lambda);
  for (let i = 0; i < lambda; i++) weights[i] = Math.log((lambda + 1) / 2) - Math.log(i + 1);
  let mu = 0;
  let positiveSum = 0;
  let negativeSum = 0;
  for (const w of weights) {
    if (w > 0) {
      mu++;
      positiveSum += w;
    } else negativeSum += w;
  }
  // Positive weights sum to 1, negative ones to −1 before finalisation (pycma's raw weights).
  for (let i = 0; i < lambda; i++) weights[i] /= weights[i] > 0 ? positiveSum : -negativeSum || 1;
  let sumSquares = 0;
  for (let i = 0; i < mu; i++) sumSquares += weights[i] * weights[i];
  const muEff = 1 / sumSquares;

  const cc = (4 + muEff / n) / (n + 4 + (2 * muEff) / n);
  const c1 = (Math.min(1, lambda / 6) * 2) / ((n + 1.3) ** 2 + muEff);
  const cmu = Math.min(1 - c1, (2 * (0.25 + muEff + 1 / muEff - 2)) / ((n + 2) ** 2 + muEff));
  finalizeNegativeWeights(weights, mu, muEff, n, c1, cmu);

  const cs = (muEff + 2) / (n + muEff + 3);
  const damps = 1 + 2 * Math.max(0, Math.sqrt((muEff - 1) / (n + 1)) - 1) + cs;
  const chiN = Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));
  const lazyGap = 1 / (c1 + cmu + 1e-23) / n / 10;
  return { dimension: n, popSize: lambda, mu, weights, muEff, cc, cs, c1, cmu, damps, chiN, lazyGap };
}

/** pycma RecombinationWeights.finalize_negative_weights: the three limits, in pycma's order. */
function finalizeNegativeWeights(weights: Float64Array, mu: number, muEff: number, n: number, c1: number, cmu: number): void {
  if (!(weights[weights.length - 1] < 0)) return;
  const negativeSum = (): number => {
    let s = 0;
    for (let i = mu; i < weights.length; i++) s += weights[i];
    return s;
  };
  const scaleNegatives = (factor: number): void => {
    for (let i = mu; i < weights.length; i++) weights[i] *= factor;
  };
  const limitNegativeSum = (limit: number): void => {
    const sum = negativeSum();
    if (sum >= -limit) return;
    scaleNegatives(Math.abs(limit / sum));
  };
  if (cmu > 0) {
    scaleNegatives(Math.abs((1 + c1 / cmu) / negativeSum()));
    limitNegativeSum((1 - c1 - cmu) / cmu / n);
  }
  let sumSquares = 0;
  for (let i = mu; i < weights.length; i++) sumSquares += weights[i] * weights[i];
  const muEffMinus = sumSquares === 0 ? 0 : negativeSum() ** 2 / sumSquares;
  limitNegativeSum(1 + (2 * muEffMinus) / (muEff + 2));
}

/**
 * pycma's BoxConstraintsLinQuadTransformation with margin max(1, |bound|)/20: the identity on
 * [lb + al, ub − au], quadratic towards each bound, periodically mirrored beyond, so every real
 * genotype maps into [lb, ub] and the map is C¹.
 */
export class BoundTransform {
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  private readonly marginLower: Float64Array;
  private readonly marginUpper: Float64Array;

  constructor(lower: ArrayLike<number>, upper: ArrayLike<number>) {
    const n = lower.length;
    if (upper.length !== n) throw new Error("lower and upper bounds differ in length");
    this.lower = Float64Array.from(lower);
    this.upper = Float64Array.from(upper);
    this.marginLower = new Float64Array(n);
    this.marginUpper = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const lb = this.lower[i];
      const ub = this.upper[i];
      if (Number.isNaN(lb) || Number.isNaN(ub) || !(lb < ub)) throw new Error(`bounds[${i}] must satisfy lower < upper, got [${lb}, ${ub}]`);
      this.marginLower[i] = Number.isFinite(lb) ? Math.min((ub - lb) / 2, Math.max(1, Math.abs(lb)) / 20) : 1;
      this.marginUpper[i] = Number.isFinite(ub) ? Math.min((ub - lb) / 2, Math.max(1, Math.abs(ub)) / 20) : 1;
    }
  }

  get dimension(): number {
    return this.lower.length;
  }

  /** Phenotype (inside [lb, ub]) of genotype coordinate x. */
  toPhenotype(x: number, i: number): number {
    const lb = this.lower[i];
    const ub = this.upper[i];
    const al = this.marginLower[i];
    const au = this.marginUpper[i];
    let y = x;
    if (y < lb - 2 * al - (ub - lb) / 2 || y > ub + 2 * au + (ub - lb) / 2) {
      const period = 2 * (ub - lb + al + au);
      const start = lb - 2 * al - (ub - lb) / 2;
      y -= period * Math.floor((y - start) / period);
    }
    if (y > ub + au) y -= 2 * (y - ub - au);
    if (y < lb - al) y += 2 * (lb - al - y);
    if (y < lb + al) y = lb + (y - (lb - al)) ** 2 / 4 / al;
    else if (y > ub - au) y = ub - (y - (ub + au)) ** 2 / 4 / au;
    // Rounding in the periodic shift can leave y an ulp outside; the contract is "inside".
    return Math.min(ub, Math.max(lb, y));
  }

  /** The genotype in [lb − al, ub + au] that maps to phenotype coordinate y (clipped into bounds). */
  toGenotype(y: number, i: number): number {
    const lb = this.lower[i];
    const ub = this.upper[i];
    const al = this.marginLower[i];
    const au = this.marginUpper[i];
    const v = Math.min(ub, Math.max(lb, y));
    if (v < lb + al) return lb - al + 2 * Math.sqrt(al * (v - lb));
    if (v < ub - au) return v;
    return ub + au - 2 * Math.sqrt(au * (ub - v));
  }

  phenotype(genotype: ArrayLike<number>, out = new Float64Array(genotype.length)): Float64Array {
    for (let i = 0; i < genotype.length; i++) out[i] = this.toPhenotype(genotype[i], i);
    return out;
  }

  genotype(phenotype: ArrayLike<number>, out = new Float64Array(phenotype.length)): Float64Array {
    for (let i = 0; i < phenotype.length; i++) out[i] = this.toGenotype(phenotype[i], i);
    return out;
  }
}

const DEFAULT_TOLERANCES: Omit<CmaTolerances, "stagnationIterations"> = {
  fun: 1e-11,
  funHist: 1e-12,
  x: 1e-11,
  facUpX: 1e3,
  upSigma: 1e20,
  conditionCov: 1e14,
  flatFitnessIterations: 1,
};

export class CmaEs {
  readonly params: CmaParameters;
  readonly tolerances: CmaTolerances;
  readonly sigma0: number;
  readonly targetF: number;
  readonly maxEvaluations: number;
  readonly maxIterations: number;

  /** Step size σ. */
  sigma: number;
  /** Completed generations (tell calls). */
  iteration = 0;
  /** Candidates told so far. */
  evaluations = 0;

  private readonly n: number;
  private readonly rng: Rng;
  private readonly bounds: BoundTransform | null;
  private readonly minStd: Float64Array;
  private readonly maxStd: Float64Array;
  /** Distribution mean, genotype space. */
  private readonly meanGenotype: Float64Array;
  /** Covariance matrix, row-major n×n. */
  private readonly C: Float64Array;
  /** Eigenvectors of C as columns (row-major, B[i·n + k] = i-th coordinate of k-th vector). */
  private readonly B: Float64Array;
  /** Square roots of C's eigenvalues, ascending. */
  private readonly D: Float64Array;
  private readonly pc: Float64Array;
  private readonly ps: Float64Array;
  private readonly scratch: Float64Array;
  private readonly scratch2: Float64Array;
  private readonly scratch3: Float64Array;
  private tellsAtDecomposition = 0;

  /** The generation awaiting `tell`: genotypes and the phenotype arrays handed out. */
  private pendingGenotypes: Float64Array[] = [];
  private pendingPhenotypes: Float64Array[] = [];
  private readonly pendingIndex = new Map<Float64Array, number>();

  private bestSoFar: CmaBest | null = null;
  private lastSortedF: Float64Array | null = null;
  /** Best f per generation, oldest first, at most 10 + 30n/λ entries (pycma fit.hist). */
  private readonly recentBest: number[] = [];
  /** Best and median f every 5th generation, oldest first (pycma fit.histbest/histmedian). */
  private readonly sparseBest: number[] = [];
  private readonly sparseMedian: number[] = [];
  private flatIterations = 0;

  constructor(options: CmaEsOptions) {
    const n = options.x0.length;
    this.n = n;
    this.params = cmaParameters(n, options.popSize ?? defaultPopSize(n));
    if (!(options.sigma0 > 0) || !Number.isFinite(options.sigma0)) throw new Error(`sigma0 must be a positive number, got ${options.sigma0}`);
    this.rng = options.rng;
    this.sigma0 = options.sigma0;
    this.sigma = options.sigma0;
    this.targetF = options.targetF ?? -Infinity;
    this.maxEvaluations = options.maxEvaluations ?? Infinity;
    const lambda = this.params.popSize;
    this.maxIterations = options.maxIterations ?? 100 + Math.floor((150 * (n + 3) ** 2) / Math.sqrt(lambda));
    this.tolerances = {
      ...DEFAULT_TOLERANCES,
      stagnationIterations: Math.floor(100 + (100 * n ** 1.5) / lambda),
      ...options.tolerances,
    };

    const lower = expand(options.lowerBounds ?? -Infinity, n, "lowerBounds");
    const upper = expand(options.upperBounds ?? Infinity, n, "upperBounds");
    const bounded = lower.some(Number.isFinite) || upper.some(Number.isFinite);
    this.bounds = bounded ? new BoundTransform(lower, upper) : null;
    this.minStd = expand(options.minStd ?? 0, n, "minStd");
    this.maxStd = options.maxStd === undefined ? lower.map((lb, i) => (upper[i] - lb) / 3) : expand(options.maxStd, n, "maxStd");

    for (let i = 0; i < n; i++) {
      const x = options.x0[i];
      if (!Number.isFinite(x)) throw new Error(`x0[${i}] is not finite`);
      if (x < lower[i] || x > upper[i]) throw new Error(`x0[${i}] = ${x} lies outside [${lower[i]}, ${upper[i]}]`);
    }
    this.meanGenotype = this.bounds ? this.bounds.genotype(options.x0) : Float64Array.from(options.x0);
    this.C = new Float64Array(n * n);
    this.B = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      this.C[i * n + i] = 1;
      this.B[i * n + i] = 1;
    }
    this.D = new Float64Array(n).fill(1);
    this.pc = new Float64Array(n);
    this.ps = new Float64Array(n);
    this.scratch = new Float64Array(n);
    this.scratch2 = new Float64Array(n);
    this.scratch3 = new Float64Array(n);
  }

  get dimension(): number {
    return this.n;
  }

  get popSize(): number {
    return this.params.popSize;
  }

  /** Best candidate told so far, or null before the first tell. */
  get best(): CmaBest | null {
    return this.bestSoFar;
  }

  /** Distribution mean mapped into the bounds: pycma's "favourite" solution. */
  get mean(): Float64Array {
    return this.bounds ? this.bounds.phenotype(this.meanGenotype) : Float64Array.from(this.meanGenotype);
  }

  /** Condition number of C (ratio of its largest to smallest eigenvalue). */
  get conditionNumber(): number {
    return (this.D[this.n - 1] / this.D[0]) ** 2;
  }

  /** Per-coordinate standard deviations σ·√C_ii (genotype space). */
  get standardDeviations(): Float64Array {
    const out = new Float64Array(this.n);
    for (let i = 0; i < this.n; i++) out[i] = this.sigma * Math.sqrt(this.C[i * this.n + i]);
    return out;
  }

  /** Sample λ candidates, each inside the bounds. Call `tell` with them before asking again. */
  ask(): Float64Array[] {
    if (this.pendingGenotypes.length > 0) throw new Error("ask() called again before tell() for the previous generation");
    this.updateEigensystemIfDue();
    const { n, B, D } = this;
    const z = this.scratch;
    const lambda = this.params.popSize;
    const candidates: Float64Array[] = [];
    for (let k = 0; k < lambda; k++) {
      for (let j = 0; j < n; j++) z[j] = D[j] * this.rng.normal();
      const genotype = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let y = 0;
        for (let j = 0; j < n; j++) y += B[i * n + j] * z[j];
        genotype[i] = this.meanGenotype[i] + this.sigma * y;
      }
      const phenotype = this.bounds ? this.bounds.phenotype(genotype) : Float64Array.from(genotype);
      this.pendingGenotypes.push(genotype);
      this.pendingPhenotypes.push(phenotype);
      this.pendingIndex.set(phenotype, k);
      candidates.push(phenotype);
    }
    return candidates;
  }

  /**
   * Report f values (minimised) for a full generation. `candidates` may be in any order; NaN
   * values are replaced by the median of the others (pycma's behaviour), ±∞ are ranked as given.
   */
  tell(candidates: ReadonlyArray<ArrayLike<number>>, fitnesses: ArrayLike<number>): void {
    const lambda = this.params.popSize;
    if (candidates.length !== lambda) throw new Error(`tell() needs ${lambda} candidates, got ${candidates.length}`);
    if (fitnesses.length !== lambda) throw new Error(`tell() needs ${lambda} fitness values, got ${fitnesses.length}`);
    const f = replaceNaNByMedian(fitnesses);
    const { genotypes, askOrder } = this.resolveGenotypes(candidates);
    const order = Array.from({ length: lambda }, (_, k) => k).sort((a, b) => f[a] - f[b] || askOrder[a] - askOrder[b]);
    const sortedF = Float64Array.from(order, (k) => f[k]);

    this.iteration++;
    this.evaluations += lambda;
    this.recordBest(candidates[order[0]], sortedF[0]);
    this.recordHistory(sortedF);

    const meanOld = Float64Array.from(this.meanGenotype);
    this.recombineMean(genotypes, order);
    const hsig = this.updateEvolutionPaths(meanOld);
    this.updateCovariance(genotypes, order, meanOld, hsig);
    this.adaptStepSize();

    this.pendingGenotypes = [];
    this.pendingPhenotypes = [];
    this.pendingIndex.clear();
  }

  /** Termination reasons met now (empty while the run should go on). */
  stop(): StopReason[] {
    const reasons: StopReason[] = [];
    const { n, tolerances: tol } = this;
    if (this.bestSoFar && this.bestSoFar.f <= this.targetF) reasons.push("ftarget");
    if (this.evaluations >= this.maxEvaluations) reasons.push("maxfevals");
    if (this.iteration >= this.maxIterations) reasons.push("maxiter");
    if (this.iteration === 0 || !this.lastSortedF) return reasons;

    const sortedF = this.lastSortedF;
    const historyRange = range(this.recentBest);
    if (sortedF[sortedF.length - 1] - sortedF[0] < tol.fun && historyRange < tol.fun) reasons.push("tolfun");
    if (this.recentBest.length > 9 && historyRange < tol.funHist) reasons.push("tolfunhist");

    let allBelowTolX = true;
    let anyAboveFacUpX = false;
    let anyNoEffectCoord = false;
    for (let i = 0; i < n; i++) {
      const std = this.sigma * Math.sqrt(this.C[i * n + i]);
      if (this.sigma * Math.abs(this.pc[i]) >= tol.x || std >= tol.x) allBelowTolX = false;
      if (std > this.sigma0 * tol.facUpX) anyAboveFacUpX = true;
      const m = this.meanGenotype[i];
      if (m === m + 0.2 * std) anyNoEffectCoord = true;
    }
    if (allBelowTolX) reasons.push("tolx");
    if (anyAboveFacUpX) reasons.push("tolfacupx");
    if (this.sigma / this.sigma0 > tol.upSigma * this.D[n - 1]) reasons.push("tolupsigma");
    if (this.isStagnating()) reasons.push("tolstagnation");
    if (this.conditionNumber > tol.conditionCov) reasons.push("conditioncov");

    const axis = this.iteration % n;
    let noEffectAxis = true;
    for (let i = 0; i < n; i++) {
      const m = this.meanGenotype[i];
      if (m !== m + 0.1 * this.sigma * this.D[axis] * this.B[i * n + axis]) noEffectAxis = false;
    }
    if (noEffectAxis) reasons.push("noeffectaxis");
    if (anyNoEffectCoord) reasons.push("noeffectcoord");
    if (this.flatIterations > tol.flatFitnessIterations) reasons.push("tolflatfitness");
    return reasons;
  }

  private resolveGenotypes(candidates: ReadonlyArray<ArrayLike<number>>): { genotypes: Float64Array[]; askOrder: Int32Array } {
    const lambda = this.params.popSize;
    const used = new Uint8Array(this.pendingGenotypes.length);
    const genotypes: Float64Array[] = new Array(lambda);
    const askOrder = new Int32Array(lambda);
    for (let k = 0; k < lambda; k++) {
      const candidate = candidates[k];
      if (candidate.length !== this.n) throw new Error(`candidate ${k} has ${candidate.length} coordinates, expected ${this.n}`);
      let index = candidate instanceof Float64Array ? (this.pendingIndex.get(candidate) ?? -1) : -1;
      if (index >= 0 && used[index]) index = -1;
      if (index < 0) index = this.findPendingByContents(candidate, used);
      if (index >= 0) {
        used[index] = 1;
        genotypes[k] = this.pendingGenotypes[index];
        askOrder[k] = index;
      } else {
        genotypes[k] = this.foreignGenotype(candidate);
        askOrder[k] = lambda + k;
      }
    }
    return { genotypes, askOrder };
  }

  private findPendingByContents(candidate: ArrayLike<number>, used: Uint8Array): number {
    outer: for (let index = 0; index < this.pendingPhenotypes.length; index++) {
      if (used[index]) continue;
      const phenotype = this.pendingPhenotypes[index];
      for (let i = 0; i < this.n; i++) if (phenotype[i] !== candidate[i]) continue outer;
      return index;
    }
    return -1;
  }

  /** A point this strategy did not sample: invert the bound map, clip its Mahalanobis length. */
  private foreignGenotype(candidate: ArrayLike<number>): Float64Array {
    const genotype = this.bounds ? this.bounds.genotype(candidate) : Float64Array.from(candidate);
    const step = this.scratch2;
    for (let i = 0; i < this.n; i++) step[i] = genotype[i] - this.meanGenotype[i];
    const upperLength = Math.sqrt(this.n) + (2 * this.n) / (this.n + 2);
    const factor = this.mahalanobisNorm(step) / this.sigma / upperLength;
    if (factor > 1) for (let i = 0; i < this.n; i++) genotype[i] = this.meanGenotype[i] + step[i] / factor;
    return genotype;
  }

  private recordBest(candidate: ArrayLike<number>, f: number): void {
    if (this.bestSoFar && !(f < this.bestSoFar.f)) return;
    const x = Float64Array.from(candidate);
    // A foreign point told from outside the box is recorded as its projection into the box.
    if (this.bounds) for (let i = 0; i < x.length; i++) x[i] = Math.min(this.bounds.upper[i], Math.max(this.bounds.lower[i], x[i]));
    this.bestSoFar = { x, f, evaluation: this.evaluations };
  }

  private recordHistory(sortedF: Float64Array): void {
    const lambda = sortedF.length;
    this.lastSortedF = sortedF;
    this.recentBest.push(sortedF[0]);
    if (this.recentBest.length > 10 + (30 * this.n) / lambda) this.recentBest.shift();
    if (this.iteration % 5 === 0) {
      const median = lambda % 2 ? sortedF[lambda >> 1] : (sortedF[lambda / 2 - 1] + sortedF[lambda / 2]) / 2;
      this.sparseBest.push(sortedF[0]);
      this.sparseMedian.push(median);
      if (this.sparseBest.length > 2e4) {
        this.sparseBest.shift();
        this.sparseMedian.shift();
      }
    }
    const flat = sortedF[0] === sortedF[Math.min(this.params.mu, lambda - 1)];
    this.flatIterations = flat ? this.flatIterations + 1 : 0;
  }

  /** pycma tolstagnation: the medians of the latest window are no better than the previous one. */
  private isStagnating(): boolean {
    const count = this.sparseBest.length;
    const window = Math.floor(Math.max(this.tolerances.stagnationIterations / 5 / 2, count / 10));
    if (!(this.iteration > this.n * (5 + 100 / this.params.popSize) && count > 100 && 2 * window < count)) return false;
    const latest = (xs: number[]): number => median(xs.slice(count - window));
    const previous = (xs: number[]): number => median(xs.slice(count - 2 * window, count - window));
    return latest(this.sparseMedian) >= previous(this.sparseMedian) && latest(this.sparseBest) >= previous(this.sparseBest);
  }

  private recombineMean(genotypes: Float64Array[], order: number[]): void {
    const { mu, weights } = this.params;
    this.meanGenotype.fill(0);
    for (let r = 0; r < mu; r++) {
      const x = genotypes[order[r]];
      for (let i = 0; i < this.n; i++) this.meanGenotype[i] += weights[r] * x[i];
    }
  }

  /** Cumulate p_σ (isotropic) and p_c; returns h_σ, which stalls p_c when p_σ is long. */
  private updateEvolutionPaths(meanOld: Float64Array): boolean {
    const { n, ps, pc } = this;
    const { cs, cc, muEff } = this.params;
    const shift = this.scratch2;
    for (let i = 0; i < n; i++) shift[i] = this.meanGenotype[i] - meanOld[i];
    const whitened = this.inverseRootC(shift, this.scratch);
    const psFactor = (Math.sqrt(cs * (2 - cs)) * Math.sqrt(muEff)) / this.sigma;
    let psSquared = 0;
    for (let i = 0; i < n; i++) {
      ps[i] = (1 - cs) * ps[i] + psFactor * whitened[i];
      psSquared += ps[i] * ps[i];
    }
    const hsig = psSquared / (1 - (1 - cs) ** (2 * this.iteration)) / n - 1 < 1 + 4 / (n + 1);
    const pcFactor = hsig ? Math.sqrt(cc * (2 - cc) * muEff) / this.sigma : 0;
    for (let i = 0; i < n; i++) pc[i] = (1 - cc) * pc[i] + pcFactor * shift[i];
    return hsig;
  }

  /** Rank-one plus active rank-μ update (pycma GaussFullSampler.update). */
  private updateCovariance(genotypes: Float64Array[], order: number[], meanOld: Float64Array, hsig: boolean): void {
    const { n, C, pc } = this;
    const { c1, cmu, cc, weights } = this.params;
    const c1a = c1 * (1 - (hsig ? 0 : 1) * cc * (2 - cc));
    let weightSum = 0;
    for (const w of weights) weightSum += w;
    const decay = 1 - c1a - cmu * weightSum;
    for (let i = 0; i < n * n; i++) C[i] *= decay;
    addOuterProduct(C, n, c1, pc);

    const step = this.scratch2;
    for (let r = 0; r < order.length; r++) {
      let w = cmu * weights[r];
      if (w === 0) continue;
      const x = genotypes[order[r]];
      for (let i = 0; i < n; i++) step[i] = (x[i] - meanOld[i]) / this.sigma;
      if (w < 0) w *= n / (this.mahalanobisNorm(step) + 1e-9) ** 2;
      addOuterProduct(C, n, w, step);
    }
  }

  /** CSA, then the coordinate-wise std limits (pycma minstd / maxstd). */
  private adaptStepSize(): void {
    const { cs, damps, chiN } = this.params;
    let psNorm = 0;
    for (let i = 0; i < this.n; i++) psNorm += this.ps[i] * this.ps[i];
    psNorm = Math.sqrt(psNorm);
    const logChange = Math.min(1, Math.max(-1, ((psNorm / chiN - 1) * cs) / damps));
    this.sigma *= Math.exp(logChange);

    let raiseTo = 0;
    let lowerTo = Infinity;
    for (let i = 0; i < this.n; i++) {
      const axisScale = Math.sqrt(this.C[i * this.n + i]);
      raiseTo = Math.max(raiseTo, this.minStd[i] / axisScale);
      lowerTo = Math.min(lowerTo, this.maxStd[i] / axisScale);
    }
    if (this.sigma < raiseTo) this.sigma = raiseTo;
    else if (this.sigma > lowerTo) this.sigma = lowerTo;
  }

  private updateEigensystemIfDue(): void {
    const tellsSince = this.iteration - this.tellsAtDecomposition;
    if (tellsSince === 0 || tellsSince < this.params.lazyGap) return;
    this.tellsAtDecomposition = this.iteration;
    const { n, C } = this;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) {
        const symmetric = (C[i * n + j] + C[j * n + i]) / 2;
        C[i * n + j] = symmetric;
        C[j * n + i] = symmetric;
      }
    }
    const eigenvalues = new Float64Array(n);
    symmetricEigen(C, n, this.B, eigenvalues);
    if (!(eigenvalues[0] > 0)) {
      // pycma's recovery: add the previous smallest eigenvalue to the diagonal and retry.
      const bump = this.D[0] * this.D[0];
      for (let i = 0; i < n; i++) C[i * n + i] += bump;
      symmetricEigen(C, n, this.B, eigenvalues);
      if (!(eigenvalues[0] > 0)) throw new Error("covariance matrix is not positive definite");
    }
    for (let i = 0; i < n; i++) this.D[i] = Math.sqrt(eigenvalues[i]);
  }

  /** C^(−1/2)·v = B·diag(1/D)·Bᵀ·v, with the current eigendecomposition. */
  private inverseRootC(v: ArrayLike<number>, out: Float64Array): Float64Array {
    const { n, B, D } = this;
    const projected = this.scratch3;
    for (let k = 0; k < n; k++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += B[i * n + k] * v[i];
      projected[k] = s / D[k];
    }
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += B[i * n + k] * projected[k];
      out[i] = s;
    }
    return out;
  }

  /** ‖C^(−1/2)·v‖ = ‖diag(1/D)·Bᵀ·v‖. */
  private mahalanobisNorm(v: ArrayLike<number>): number {
    const { n, B, D } = this;
    let sum = 0;
    for (let k = 0; k < n; k++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += B[i * n + k] * v[i];
      sum += (s / D[k]) ** 2;
    }
    return Math.sqrt(sum);
  }
}

function addOuterProduct(M: Float64Array, n: number, weight: number, v: ArrayLike<number>): void {
  for (let i = 0; i < n; i++) {
    const wi = weight * v[i];
    for (let j = 0; j < n; j++) M[i * n + j] += wi * v[j];
  }
}

function expand(value: ArrayLike<number> | number, n: number, name: string): Float64Array {
  if (typeof value === "number") return new Float64Array(n).fill(value);
  if (value.length !== n) throw new Error(`${name} has ${value.length} entries, expected ${n}`);
  return Float64Array.from(value);
}

function range(xs: readonly number[]): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of xs) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return xs.length ? hi - lo : 0;
}

function median(xs: number[]): number {
  const sorted = xs.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function replaceNaNByMedian(values: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(values);
  const valid = Array.from(out).filter((v) => !Number.isNaN(v));
  if (valid.length === out.length) return out;
  if (valid.length === 0) throw new Error("all fitness values are NaN");
  const fill = median(valid);
  for (let i = 0; i < out.length; i++) if (Number.isNaN(out[i])) out[i] = fill;
  return out;
}

/**
 * Eigendecomposition of a symmetric n×n matrix A (row-major): Householder tridiagonalisation
 * and implicit QL (tred2/tql2, as in JAMA and Hansen's cmaes.c). Writes eigenvalues ascending
 * into `eigenvalues` and the matching unit eigenvectors as the columns of `vectors`.
 */
export function symmetricEigen(A: ArrayLike<number>, n: number, vectors: Float64Array, eigenvalues: Float64Array): void {
  const V = vectors;
  for (let i = 0; i < n * n; i++) V[i] = A[i];
  const d = eigenvalues;
  const e = new Float64Array(n);
  tridiagonalize(V, n, d, e);
  diagonalizeTridiagonal(V, n, d, e);
}

function tridiagonalize(V: Float64Array, n: number, d: Float64Array, e: Float64Array): void {
  for (let j = 0; j < n; j++) d[j] = V[(n - 1) * n + j];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = V[(i - 1) * n + j];
        V[i * n + j] = 0;
        V[j * n + i] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        V[j * n + i] = f;
        g = e[j] + V[j * n + j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += V[k * n + j] * d[k];
          e[k] += V[k * n + j] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        for (let k = j; k <= i - 1; k++) V[k * n + j] -= f * e[k] + g * d[k];
        d[j] = V[(i - 1) * n + j];
        V[i * n + j] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    V[(n - 1) * n + i] = V[i * n + i];
    V[i * n + i] = 1;
    const h = d[i + 1];
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = V[k * n + i + 1] / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += V[k * n + i + 1] * V[k * n + j];
        for (let k = 0; k <= i; k++) V[k * n + j] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) V[k * n + i + 1] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = V[(n - 1) * n + j];
    V[(n - 1) * n + j] = 0;
  }
  V[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

function diagonalizeTridiagonal(V: Float64Array, n: number, d: Float64Array, e: Float64Array): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]) > eps * tst1) m++;
    if (m > l) {
      let iterations = 0;
      do {
        if (++iterations > 100) throw new Error("symmetricEigen: QL iteration did not converge");
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          for (let k = 0; k < n; k++) {
            h = V[k * n + i + 1];
            V[k * n + i + 1] = s * V[k * n + i] + c * h;
            V[k * n + i] = c * V[k * n + i] - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
  sortEigenpairs(V, n, d);
}

function sortEigenpairs(V: Float64Array, n: number, d: Float64Array): void {
  for (let i = 0; i < n - 1; i++) {
    let k = i;
    for (let j = i + 1; j < n; j++) if (d[j] < d[k]) k = j;
    if (k === i) continue;
    const t = d[k];
    d[k] = d[i];
    d[i] = t;
    for (let row = 0; row < n; row++) {
      const v = V[row * n + i];
      V[row * n + i] = V[row * n + k];
      V[row * n + k] = v;
    }
  }
}

// ─── IPOP restarts ───────────────────────────────────────────────────────────────────────────

export interface MinimizeOptions {
  /** Start of the first run; without it (and for every restart) x0 is drawn uniformly from initBox. */
  x0?: ArrayLike<number>;
  /** Box for random starts; defaults to the bounds when both are finite. */
  initBox?: { lower: ArrayLike<number> | number; upper: ArrayLike<number> | number };
  /** Needed only when neither x0 nor an array-valued box or bound fixes the dimension. */
  dimension?: number;
  sigma0: number;
  lowerBounds?: ArrayLike<number> | number;
  upperBounds?: ArrayLike<number> | number;
  /** λ of the first run; default 4 + ⌊3 ln n⌋. */
  popSize?: number;
  /** Restarts after the first run (0 = a single run). Each restart multiplies λ by popSizeFactor. */
  maxRestarts?: number;
  /** IPOP population growth per restart (default 2). */
  popSizeFactor?: number;
  /** Total evaluation budget over all runs (the last generation may overshoot by < λ). */
  maxEvaluations?: number;
  /** Stop everything once f ≤ targetF. */
  targetF?: number;
  /** Seed for a fresh stream, or a stream to fork from. */
  seed?: number;
  rng?: Rng;
  minStd?: ArrayLike<number> | number;
  maxStd?: ArrayLike<number> | number;
  tolerances?: Partial<CmaTolerances>;
}

export interface RunSummary {
  popSize: number;
  evaluations: number;
  fBest: number;
  stopReasons: StopReason[];
}

export interface MinimizeResult {
  xBest: Float64Array;
  fBest: number;
  /** Evaluations over all runs. */
  evaluations: number;
  /** Restarts performed (runs − 1). */
  restarts: number;
  runs: RunSummary[];
}

/** Sequential minimisation with optional IPOP restarts; f is called once per candidate. */
export function minimize(f: (x: Float64Array) => number, options: MinimizeOptions): MinimizeResult {
  const schedule = new RestartSchedule(options);
  for (let es = schedule.next(); es; es = schedule.next()) {
    while (es.stop().length === 0) {
      const candidates = es.ask();
      es.tell(candidates, candidates.map((x) => f(x)));
    }
    schedule.finish(es);
  }
  return schedule.result();
}

/** As `minimize`, with a whole generation evaluated per call (e.g. fanned out to workers). */
export async function minimizeBatches(
  evaluateBatch: (candidates: Float64Array[]) => Promise<ArrayLike<number>>,
  options: MinimizeOptions,
): Promise<MinimizeResult> {
  const schedule = new RestartSchedule(options);
  for (let es = schedule.next(); es; es = schedule.next()) {
    while (es.stop().length === 0) {
      const candidates = es.ask();
      es.tell(candidates, await evaluateBatch(candidates));
    }
    schedule.finish(es);
  }
  return schedule.result();
}

/** The IPOP bookkeeping shared by the sync and async drivers. */
class RestartSchedule {
  private readonly rng: Rng;
  private readonly dimension: number;
  private readonly initLower: Float64Array;
  private readonly initUpper: Float64Array;
  private readonly maxEvaluations: number;
  private readonly targetF: number;
  private readonly runs: RunSummary[] = [];
  private evaluations = 0;
  private best: CmaBest | null = null;
  private done = false;

  constructor(private readonly options: MinimizeOptions) {
    this.rng = options.rng ?? createSeededRng(options.seed);
    this.dimension = inferDimension(options);
    const lower = expand(options.lowerBounds ?? -Infinity, this.dimension, "lowerBounds");
    const upper = expand(options.upperBounds ?? Infinity, this.dimension, "upperBounds");
    const box = options.initBox ?? (lower.every(Number.isFinite) && upper.every(Number.isFinite) ? { lower, upper } : undefined);
    if (!box && (options.maxRestarts ?? 0) > 0) throw new Error("restarts need initBox (or finite bounds) to draw fresh starting points");
    if (!box && !options.x0) throw new Error("give x0, initBox, or finite bounds");
    this.initLower = box ? expand(box.lower, this.dimension, "initBox.lower") : new Float64Array(this.dimension);
    this.initUpper = box ? expand(box.upper, this.dimension, "initBox.upper") : new Float64Array(this.dimension);
    // Starting points must lie inside the bounds; clip the box rather than reject a wide one.
    for (let i = 0; i < this.dimension; i++) {
      this.initLower[i] = Math.max(this.initLower[i], lower[i]);
      this.initUpper[i] = Math.min(this.initUpper[i], upper[i]);
      if (box && !(this.initLower[i] <= this.initUpper[i])) throw new Error(`initBox[${i}] does not intersect the bounds`);
    }
    this.maxEvaluations = options.maxEvaluations ?? Infinity;
    this.targetF = options.targetF ?? -Infinity;
  }

  next(): CmaEs | null {
    const runIndex = this.runs.length;
    if (this.done || runIndex > (this.options.maxRestarts ?? 0) || this.evaluations >= this.maxEvaluations) return null;
    const runRng = this.rng.fork(`cma-run-${runIndex}`);
    const x0 = runIndex === 0 && this.options.x0 ? this.options.x0 : this.drawStart(runRng);
    const basePopSize = this.options.popSize ?? defaultPopSize(this.dimension);
    const popSize = Math.round(basePopSize * (this.options.popSizeFactor ?? 2) ** runIndex);
    return new CmaEs({
      x0,
      sigma0: this.options.sigma0,
      lowerBounds: this.options.lowerBounds,
      upperBounds: this.options.upperBounds,
      popSize,
      rng: runRng,
      targetF: this.targetF,
      maxEvaluations: this.maxEvaluations - this.evaluations,
      minStd: this.options.minStd,
      maxStd: this.options.maxStd,
      tolerances: this.options.tolerances,
    });
  }

  finish(es: CmaEs): void {
    const reasons = es.stop();
    this.evaluations += es.evaluations;
    const runBest = es.best;
    if (runBest && (!this.best || runBest.f < this.best.f)) this.best = { ...runBest, evaluation: this.evaluations - es.evaluations + runBest.evaluation };
    this.runs.push({ popSize: es.popSize, evaluations: es.evaluations, fBest: runBest?.f ?? Infinity, stopReasons: reasons });
    if (reasons.includes("ftarget")) this.done = true;
  }

  result(): MinimizeResult {
    if (!this.best) throw new Error("no evaluations were made (maxEvaluations too small?)");
    return {
      xBest: this.best.x,
      fBest: this.best.f,
      evaluations: this.evaluations,
      restarts: Math.max(0, this.runs.length - 1),
      runs: this.runs,
    };
  }

  private drawStart(rng: Rng): Float64Array {
    return Float64Array.from({ length: this.dimension }, (_, i) => rng.uniform(this.initLower[i], this.initUpper[i]));
  }
}

function inferDimension(options: MinimizeOptions): number {
  const candidates: Array<ArrayLike<number> | number | undefined> = [
    options.x0,
    options.initBox?.lower,
    options.initBox?.upper,
    options.lowerBounds,
    options.upperBounds,
  ];
  for (const c of candidates) if (c !== undefined && typeof c !== "number") return c.length;
  if (options.dimension !== undefined) return options.dimension;
  throw new Error("cannot infer the dimension: give x0, an array-valued box or bounds, or dimension");
}

function createSeededRng(seed: number | undefined): Rng {
  if (seed === undefined) throw new Error("minimize needs seed or rng");
  return createRng(seed);
}
