/**
 * Candidate parameter vectors for one sweep stage: the stage's varying dimensions are searched in
 * the schema's [0, 1] cube (lib/params toUnit / fromUnit: log scales, integer rounding, boolean
 * thresholds, then repairVector), every other value is copied from the stage base bit for bit —
 * which is what lets the evaluator reuse work (engine.ts).
 *
 * Sources (all deterministic from the run seed, the stage and the batch index):
 *  - random: uniform in the cube, except that the entry group uses an entry-aware prior (below);
 *  - jitter: around one of the stage's elite points, N(0, σ) per perturbed dimension with
 *    σ = width (sensitivity_cache.json) × mode scale (normal 1, explore 2, chaos 4) × 3 for the
 *    entry and trail groups under --hail-mary; reflected into [0, 1]; each dimension is
 *    perturbed with probability min(1, 3/d) (at least one);
 *  - CMA-ES lanes (--use-cma): independent CmaEs runs over the stage's dimensions with bounds
 *    [0, 1] (cma.ts's smooth box transform), IPOP restarts from uniform random points with λ
 *    doubled per restart (capped), each run at most MAX_RUN_EVALS evaluations (then a restart),
 *    so that a checkpoint can replay a run from its logged fitness values (resume.ts).
 *
 * Entry-aware prior: a uniform draw of the eight entry thresholds rarely lets a pool through
 * (bench:sim measured ~0.5 trades per fold for uniform vectors), so it would waste most of the
 * budget under --min-entry-rate. For random draws, each entry threshold's coordinate is pulled
 * towards its permissive end with probability 1/2: u = v² (low = permissive: entryDelayS,
 * minNetFlowSol, minBuyers, minPriceChange, minRvr) or u = 1 − v² (high = permissive:
 * observerWindowS, maxCreatorSellSol, maxPriceChange). It only shapes where samples go; every
 * sample is still scored exactly.
 */
import { CmaEs } from "./cma";
import { GROUP_INDICES, PARAM_COUNT, PARAM_INDEX, PARAM_SCHEMA, repairVector, toUnit, type ParamGroup } from "../params/schema";
import { createRng, hashSeed, type Rng } from "../util/rng";

export type Mode = "normal" | "explore" | "chaos";
export const MODES: readonly Mode[] = ["normal", "explore", "chaos"];
export const MODE_SCALE: Readonly<Record<Mode, number>> = { normal: 1, explore: 2, chaos: 4 };
/** Share of the non-CMA candidates drawn uniformly (the rest jitter around the elite). */
export const MODE_RANDOM_SHARE: Readonly<Record<Mode, number>> = { normal: 0.1, explore: 0.3, chaos: 0.6 };
/** Jitter widths are multiplied by this for the entry and trail groups under --hail-mary. */
export const HAIL_MARY_FACTOR = 3;
export const DEFAULT_WIDTH = 0.1;
/** A CMA run is restarted after this many evaluations (bounds the replay log). */
export const MAX_RUN_EVALS = 50_000;

const PERMISSIVE_LOW = new Set(["entryDelayS", "minNetFlowSol", "minBuyers", "minPriceChange", "minRvr"]);
const PERMISSIVE_HIGH = new Set(["observerWindowS", "maxCreatorSellSol", "maxPriceChange"]);

/** fromUnit for one dimension (the same arithmetic, so a full-cube decode equals fromUnit). */
export function decodeDim(k: number, unit: number): number {
  const s = PARAM_SCHEMA[k];
  const u = Math.min(1, Math.max(0, Number.isFinite(unit) ? unit : 0.5));
  let x = s.scale === "log" ? s.min * Math.pow(s.max / s.min, u) : s.min + u * (s.max - s.min);
  if (s.type === "int") x = Math.round(x);
  else if (s.type === "bool") x = u >= 0.5 ? 1 : 0;
  return Math.min(s.max, Math.max(s.min, x));
}

/** Stage dimensions of a list of groups, in schema order. */
export function stageDims(groups: readonly ParamGroup[]): Int32Array {
  const set = new Set<number>();
  for (const g of groups) for (const k of GROUP_INDICES[g]) set.add(k);
  return Int32Array.from([...set].sort((a, b) => a - b));
}

/** The vector for unit coordinates `u` (one per stage dimension) with everything else from `base`. */
export function decodeCandidate(u: ArrayLike<number>, dims: Int32Array, base: Float64Array, out: Float64Array = new Float64Array(PARAM_COUNT)): Float64Array {
  out.set(base);
  for (let i = 0; i < dims.length; i++) out[dims[i]] = decodeDim(dims[i], u[i]);
  repairVector(out);
  return out;
}

/** A text key of a vector's stage dimensions (duplicate detection). */
export function dimsKey(vec: ArrayLike<number>, dims: Int32Array): string {
  let key = "";
  for (let i = 0; i < dims.length; i++) key += vec[dims[i]] + ",";
  return key;
}

const reflect = (x: number): number => {
  let y = x;
  for (let i = 0; i < 4 && (y < 0 || y > 1); i++) y = y < 0 ? -y : 2 - y;
  return Math.min(1, Math.max(0, y));
};

export interface StageSamplerOptions {
  seed: number;
  stageIndex: number;
  groups: readonly ParamGroup[];
  base: Float64Array;
  mode: Mode;
  hailMary: boolean;
  /** Jitter width per parameter name in unit coordinates. */
  widths: Readonly<Record<string, number>>;
  useCma: boolean;
  /** Candidates per batch. */
  batchSize: number;
  /** Share of each batch the CMA lanes aim to fill (with --use-cma). */
  cmaShare: number;
  /** The dimensions to search (default: every parameter of `groups`). */
  dims?: Int32Array;
}

/** One CMA-ES lane with IPOP restarts and a replayable log of the current run. */
export class CmaLane {
  es!: CmaEs;
  restart = 0;
  popSize: number;
  /** Fitness values told in the current run, in order (for replay). */
  log: number[] = [];
  private pending: Float64Array[] | null = null;

  constructor(
    readonly seed: number,
    readonly stageIndex: number,
    readonly lane: number,
    readonly dims: number,
    readonly x0: Float64Array,
    readonly sigma0: number,
    readonly basePopSize: number,
    readonly maxPopSize: number,
    readonly minStd: Float64Array,
  ) {
    this.popSize = basePopSize;
    this.startRun(0, basePopSize);
  }

  private startRun(restart: number, popSize: number): void {
    this.restart = restart;
    this.popSize = popSize;
    const rng = createRng(hashSeed(this.seed, `cma-s${this.stageIndex}-l${this.lane}-r${restart}`));
    let x0 = this.x0;
    if (restart > 0) {
      x0 = new Float64Array(this.dims);
      for (let i = 0; i < this.dims; i++) x0[i] = rng.next();
    }
    this.es = new CmaEs({ x0, sigma0: this.sigma0, lowerBounds: 0, upperBounds: 1, popSize, rng, minStd: this.minStd, maxEvaluations: MAX_RUN_EVALS });
    this.log = [];
    this.pending = null;
  }

  /** Population of the next ask (a finished run restarts with λ doubled, capped). */
  nextPopSize(): number {
    return this.es.stop().length > 0 ? Math.min(this.maxPopSize, this.popSize * 2) : this.popSize;
  }

  /** The next generation (unit coordinates over the stage dims). */
  ask(): Float64Array[] {
    if (this.pending) throw new Error("CmaLane.ask twice without tell");
    if (this.es.stop().length > 0) this.startRun(this.restart + 1, Math.min(this.maxPopSize, this.popSize * 2));
    this.pending = this.es.ask();
    return this.pending;
  }

  /** Fitness (minimised) of the last generation, in ask order. */
  tell(fitness: ArrayLike<number>): void {
    if (!this.pending) throw new Error("CmaLane.tell without ask");
    this.es.tell(this.pending, fitness);
    for (let i = 0; i < fitness.length; i++) this.log.push(fitness[i]);
    this.pending = null;
  }

  /** Checkpoint form: the run, its λ and the fitness values told in it. */
  snapshot(): { restart: number; popSize: number; log: number[] } {
    if (this.pending) throw new Error("CmaLane.snapshot with a generation in flight");
    return { restart: this.restart, popSize: this.popSize, log: [...this.log] };
  }

  /** Restore a snapshot: restart the same run and replay its told fitness values. */
  restore(snap: { restart: number; popSize: number; log: ArrayLike<number> }): void {
    this.startRun(snap.restart, snap.popSize);
    let i = 0;
    while (i < snap.log.length) {
      const gen = this.es.ask();
      if (i + gen.length > snap.log.length) throw new Error("checkpoint CMA log ends inside a generation");
      const f = Array.from({ length: gen.length }, (_, j) => snap.log[i + j]);
      this.es.tell(gen, f);
      for (const x of f) this.log.push(x);
      i += gen.length;
    }
  }
}

export interface Sample {
  vec: Float64Array;
  /** "base", "random", "jitter" or "cma:<lane>". */
  source: string;
  /** For CMA samples: the lane and the position in its generation. */
  lane: number;
  slot: number;
}

/**
 * The candidate stream of one stage. `batch(i, elite, remaining)` returns batch i; CMA lanes that
 * were asked in it must be told (`tellLanes`) before the next batch is drawn.
 */
export class StageSampler {
  readonly dims: Int32Array;
  readonly baseUnit: Float64Array;
  readonly sigma: Float64Array;
  readonly lanes: CmaLane[] = [];

  constructor(readonly o: StageSamplerOptions) {
    this.dims = o.dims ?? stageDims(o.groups);
    const fullUnit = toUnit(o.base);
    this.baseUnit = Float64Array.from(this.dims, (k) => fullUnit[k]);
    const scale = MODE_SCALE[o.mode];
    this.sigma = Float64Array.from(this.dims, (k) => {
      const spec = PARAM_SCHEMA[k];
      let w = o.widths[spec.name] ?? DEFAULT_WIDTH;
      if (!(w > 0)) w = DEFAULT_WIDTH;
      if (o.hailMary && (spec.group === "entry" || spec.group === "trail")) w *= HAIL_MARY_FACTOR;
      return Math.min(0.5, w * scale);
    });
    if (o.useCma) {
      const n = this.dims.length;
      const lambda0 = 4 + Math.floor(3 * Math.log(n));
      const laneCount = Math.max(1, Math.round((o.batchSize * o.cmaShare) / lambda0 / 2));
      const sigma0 = Math.min(0.45, 0.12 * scale);
      const minStd = Float64Array.from(this.dims, (k) => {
        const s = PARAM_SCHEMA[k];
        if (s.type === "bool") return 0.05;
        if (s.type === "int") return s.scale === "log" ? 0.01 : Math.min(0.05, 0.2 / (s.max - s.min));
        return 0;
      });
      const maxPop = Math.max(lambda0, Math.floor((o.batchSize * o.cmaShare) / 2));
      for (let l = 0; l < laneCount; l++) {
        const rng = createRng(hashSeed(o.seed, `cma-x0-s${o.stageIndex}-l${l}`));
        const x0 = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          if (l === 0) x0[i] = this.baseUnit[i];
          else if (o.mode === "chaos" && l % 2 === 1) x0[i] = rng.next();
          else x0[i] = reflect(this.baseUnit[i] + this.sigma[i] * rng.normal());
        }
        this.lanes.push(new CmaLane(o.seed, o.stageIndex, l, n, x0, sigma0, lambda0, maxPop, minStd));
      }
    }
  }

  /**
   * Batch `index` of the stage: the base first (batch 0), then one generation of every CMA lane,
   * then jitter / random samples, `limit` candidates at most (CMA generations are never split:
   * when one does not fit, the lane sits the batch out).
   */
  batch(index: number, elite: readonly Float64Array[], limit: number): Sample[] {
    const o = this.o;
    const rng = createRng(hashSeed(o.seed, `s${o.stageIndex}-b${index}`));
    const out: Sample[] = [];
    const target = Math.min(limit, o.batchSize);
    if (index === 0) out.push({ vec: Float64Array.from(o.base), source: "base", lane: -1, slot: -1 });
    const L = this.lanes.length;
    for (let j = 0; j < L; j++) {
      // Rotate the first lane so that grown (IPOP) populations do not starve the later lanes.
      const lane = this.lanes[(index + j) % L];
      if (out.length + lane.nextPopSize() > target) continue;
      const gen = lane.ask();
      for (let s = 0; s < gen.length; s++) out.push({ vec: decodeCandidate(gen[s], this.dims, o.base), source: `cma:${lane.lane}`, lane: lane.lane, slot: s });
    }
    const randomShare = MODE_RANDOM_SHARE[o.mode];
    const u = new Float64Array(this.dims.length);
    while (out.length < target) {
      if (elite.length === 0 || rng.next() < randomShare) {
        this.drawRandom(rng, u);
        out.push({ vec: decodeCandidate(u, this.dims, o.base), source: "random", lane: -1, slot: -1 });
      } else {
        const centre = elite[rng.int(Math.min(elite.length, 8))];
        this.drawJitter(rng, centre, u);
        out.push({ vec: decodeCandidate(u, this.dims, o.base), source: "jitter", lane: -1, slot: -1 });
      }
    }
    return out;
  }

  /** Tell every lane that was asked in the last batch: `fitness[i]` for out[i] (minimised). */
  tellLanes(samples: readonly Sample[], fitness: ArrayLike<number>): void {
    const byLane = new Map<number, number[]>();
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i];
      if (s.lane < 0) continue;
      let arr = byLane.get(s.lane);
      if (!arr) byLane.set(s.lane, (arr = []));
      arr[s.slot] = fitness[i];
    }
    for (const [l, f] of byLane) this.lanes[l].tell(f);
  }

  private drawRandom(rng: Rng, u: Float64Array): void {
    for (let i = 0; i < this.dims.length; i++) {
      const name = PARAM_SCHEMA[this.dims[i]].name;
      const v = rng.next();
      if (PERMISSIVE_LOW.has(name) && rng.next() < 0.5) u[i] = v * v;
      else if (PERMISSIVE_HIGH.has(name) && rng.next() < 0.5) u[i] = 1 - v * v;
      else u[i] = v;
    }
  }

  private drawJitter(rng: Rng, centre: Float64Array, u: Float64Array): void {
    const full = toUnit(centre);
    const d = this.dims.length;
    const q = Math.min(1, 3 / d);
    let moved = 0;
    for (let i = 0; i < d; i++) {
      u[i] = full[this.dims[i]];
      if (rng.next() < q) {
        u[i] = reflect(u[i] + this.sigma[i] * rng.normal());
        moved++;
      }
    }
    if (moved === 0) {
      const i = rng.int(d);
      u[i] = reflect(u[i] + this.sigma[i] * rng.normal());
    }
  }
}

/** Index of the buySol parameter (the stake when the execution model does not fix it). */
export const BUY_SOL_INDEX = PARAM_INDEX.buySol;
