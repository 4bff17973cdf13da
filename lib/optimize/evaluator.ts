/**
 * The one interface all evaluation work goes through (DESIGN §6): a batch of candidates × folds
 * in, a dense block of metrics out. The search never calls the simulator itself, so a distributed
 * backend (a queue on an existing engine) only has to implement `Evaluator`.
 *
 * Contract:
 *  - `init(context)` once: the folds (with their features) every batch may name by index, the
 *    execution model and the score configuration. Local implementations share the folds' memory
 *    (SharedArrayBuffer columns); a remote one would ship the data fingerprint and load its own
 *    copy of the same files.
 *  - `evaluate(batch)`: every candidate of `batch.candidates` (count × PARAM_COUNT, row-major,
 *    each a valid schema vector) on every fold of `batch.folds`; returns count × folds.length ×
 *    METRIC_COUNT numbers (score.ts M_*), candidate-major. Results depend only on (candidate,
 *    fold, execution, score config): never on the batch split, the thread count or the order of
 *    completion. `batch.stage` names the sweep stage the candidates come from; evaluators may use
 *    it to reuse exact work (engine.ts) but must give the same numbers without it.
 *  - `close()` releases threads / connections.
 */
import type { Fold } from "../dataset/types";
import type { FoldFeatures } from "../features/fold";
import { PARAM_COUNT } from "../params/schema";
import type { ExecutionModel } from "../sim/execution";
import { compileParams, StrategyParams } from "../strategy/compile";
import { CandidateDiff, diffCandidate, FoldEngine, prepareStage, type EngineCounters, type FoldMemo, type FoldTables, type PreparedStage, type StageSpec } from "./engine";
import { METRIC_COUNT, type ScoreConfig } from "./score";

export interface EvalFold {
  fold: Fold;
  feats: FoldFeatures;
}

export interface EvalContext {
  folds: EvalFold[];
  exec: ExecutionModel;
  score: ScoreConfig;
  /**
   * Memo tables per fold shared by several threads (engine.ts FoldMemo); whoever passes them
   * resets them between stages (the pool's main thread). Absent: each engine keeps its own.
   */
  memos?: FoldMemo[];
  /** Prebuilt data-only tables per fold (engine.ts FoldTables), shared by the pool's workers. */
  tables?: FoldTables[];
}

export interface EvalBatch {
  stage: StageSpec;
  /** count × PARAM_COUNT, row-major. */
  candidates: Float64Array;
  count: number;
  /** Indices into the context's folds. */
  folds: readonly number[];
}

export interface Evaluator {
  /** Threads doing the work (for reports). */
  readonly threads: number;
  readonly kind: string;
  init(context: EvalContext): Promise<void>;
  evaluate(batch: EvalBatch): Promise<Float64Array>;
  /** Evaluation counts by engine path, summed over threads. */
  counters(): Promise<EngineCounters>;
  close(): Promise<void>;
}

/**
 * The evaluation loop both local backends run (the pool's workers call it too): one FoldEngine
 * per fold, the stage prepared once per stage id.
 */
export class BatchRunner {
  private readonly engines: (FoldEngine | null)[];
  private stage: PreparedStage | null = null;
  /** Compiled candidates of the current call (grown on demand, reused). */
  private params: StrategyParams[] = [];
  private diffs: CandidateDiff[] = [];

  constructor(readonly context: EvalContext) {
    this.engines = context.folds.map(() => null);
  }

  private engine(f: number): FoldEngine {
    let e = this.engines[f];
    if (!e) {
      const { fold, feats } = this.context.folds[f];
      e = this.engines[f] = new FoldEngine(fold, feats, this.context.exec, this.context.score, this.context.memos?.[f], this.context.tables?.[f]);
    }
    return e;
  }

  run(stage: StageSpec, candidates: Float64Array, count: number, folds: readonly number[], out: Float64Array = new Float64Array(count * folds.length * METRIC_COUNT), outOffset = 0): Float64Array {
    if (candidates.length < count * PARAM_COUNT) throw new Error(`batch holds ${candidates.length / PARAM_COUNT} candidates, expected ${count}`);
    if (this.stage === null || this.stage.id !== stage.id) this.stage = prepareStage(stage);
    const prepared = this.stage;
    const engines = folds.map((f) => {
      if (!(f >= 0 && f < this.engines.length)) throw new Error(`fold index ${f} outside 0..${this.engines.length - 1}`);
      const e = this.engine(f);
      e.setStage(prepared);
      return e;
    });
    const exec = this.context.exec;
    while (this.params.length < count) {
      this.params.push(new StrategyParams());
      this.diffs.push(new CandidateDiff());
    }
    for (let c = 0; c < count; c++) {
      const vec = candidates.subarray(c * PARAM_COUNT, (c + 1) * PARAM_COUNT);
      compileParams(vec, this.params[c]);
      diffCandidate(vec, prepared, exec, this.diffs[c]);
    }
    // Fold-major: one fold's columns and memo tables stay in cache across the candidates.
    for (let j = 0; j < engines.length; j++) {
      const engine = engines[j];
      for (let c = 0; c < count; c++) {
        engine.evaluate(candidates.subarray(c * PARAM_COUNT, (c + 1) * PARAM_COUNT), this.params[c], this.diffs[c], out, outOffset + (c * engines.length + j) * METRIC_COUNT);
      }
    }
    return out;
  }

  counters(): EngineCounters {
    const c: EngineCounters = { full: 0, memo: 0, split: 0 };
    for (const e of this.engines) {
      if (!e) continue;
      c.full += e.counters.full;
      c.memo += e.counters.memo;
      c.split += e.counters.split;
    }
    return c;
  }
}

/** Evaluates on the calling thread (--threads 1, tests, the final checks). */
export class InProcessEvaluator implements Evaluator {
  readonly threads = 1;
  readonly kind = "in-process";
  private runner: BatchRunner | null = null;

  async init(context: EvalContext): Promise<void> {
    this.runner = new BatchRunner(context);
  }

  /** Synchronous form (the same work). */
  evaluateSync(batch: EvalBatch): Float64Array {
    if (!this.runner) throw new Error("evaluator not initialised");
    return this.runner.run(batch.stage, batch.candidates, batch.count, batch.folds);
  }

  async evaluate(batch: EvalBatch): Promise<Float64Array> {
    return this.evaluateSync(batch);
  }

  async counters(): Promise<EngineCounters> {
    return this.runner ? this.runner.counters() : { full: 0, memo: 0, split: 0 };
  }

  async close(): Promise<void> {
    this.runner = null;
  }
}
