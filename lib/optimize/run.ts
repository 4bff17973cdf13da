/**
 * optimize_params as a library call (spec §5.3 step 5, §5.4, §6): load the champion and the data
 * once, search in sweep stages, check the finalists, decide promotion, write the champion.
 *
 * What the search optimises — and why. Each candidate is scored on the walk-forward TEST folds
 * (wf_round_<n>_test, n = 1..rounds): the CV score, the mean of the fold scores (score.ts), with
 * candidates failing the CV-side safety gates ranked below all that pass. The train windows are
 * not used, and the holdout never drives the search:
 *  - leakage: the sliding rounds' train windows overlap each other and the earlier rounds' test
 *    windows, so "fit on train, pick on test" would still select on test data unless each round
 *    got its own parameters — five models, not the one champion production runs. Selecting on
 *    the test folds is honest about what it is: the CV score of the winner is in-sample for the
 *    selection (optimistic), and the one untouched estimate is the newest 5 % (the holdout),
 *    which the search never sees. That is why promotion blends in the holdout at 60 %, gates on
 *    holdout-vs-CV degradation, and why the report deflates the Sharpe ratio for the number of
 *    trials and estimates PBO.
 *  - speed: the test folds are ~450 lifecycles each; the train windows are 4–5× larger and
 *    mostly the same lifecycles round after round, so scoring them would cost ~5× per candidate
 *    for largely repeated work.
 * The holdout is evaluated for the top-K finalists only — to report how CV and holdout agree —
 * and the winner is chosen without it: the best finalist by the search's ranking. Promotion
 * (promote.ts) is the only decision the holdout takes part in.
 *
 * Stages: with --multi-sweep g1,g2,g3 the search runs one stage per group, each varying only that
 * group with everything else fixed at the best vector so far (the first stage's base is the
 * champion); without it, one stage varies every group. --samples is the budget PER STAGE (the
 * spec's 3 M samples × 3 stages × 5 rounds = 45 M fold evaluations). Each stage draws batches of
 * --batch-size candidates (candidates.ts): the stage base first, CMA-ES generations (--use-cma),
 * then jitter around the stage's elite and uniform samples in the mode's proportions.
 *
 * Determinism: batch i of stage s depends only on (seed, s, i) and the results of batches < i, so
 * a seed reproduces a run for ANY thread count, and a checkpoint (resume.ts) continues it exactly.
 * Memory is flat in --samples: batches are generated, evaluated and dropped; the run keeps a
 * bounded top-K, a stage elite of 8 and a duplicate cache of at most 16 384 entries, and collects
 * its garbage every two seconds (a long run's heap otherwise grows between the collector's own
 * full collections).
 */
import { PARAM_COUNT, PARAM_GROUPS, PARAM_INDEX, paramsFromVector, type ParamGroup } from "../params/schema";
import type { ExecutionModel } from "../sim/execution";
import { sha256Hex } from "../dataset/index";
import { dimsKey, stageDims, StageSampler, type Mode, type Sample } from "./candidates";
import { loadOptimizeData, type OptimizeData } from "./data";
import type { StageSpec } from "./engine";
import { InProcessEvaluator, type Evaluator } from "./evaluator";
import { WorkerPoolEvaluator } from "./pool";
import { createOptimizeProgress, type ProgressSink } from "./progress";
import { ChampionChangedError, decidePromotion, readChampion, writeChampion, type PromotionDecision } from "./promote";
import { addSharpe, dispersion, metricsMismatch, pboReport, referenceRun, sharpeReport, type Dispersion, type PboReport, type SharpeAccumulator, type SharpeReport } from "./report";
import { loadCheckpoint, removeCheckpoint, saveCheckpoint, type RunState, type SavedCandidate, type StageSummary } from "./resume";
import { blend, cvSafe, foldSetStats, METRIC_COUNT, type FoldSetStats, type FoldShape, type GateConfig, type ScoreConfig } from "./score";
import { loadSensitivity, saveSensitivity, updateSensitivity } from "./sensitivity";
import { TopK, type Ranked } from "./topk";

export interface OptimizeOptions {
  dataDir: string;
  /** WF rounds to use (default: all found). */
  rounds?: number;
  paramsPath: string;
  /** Candidates per stage. */
  samples: number;
  useCma: boolean;
  cmaShare: number;
  mode: Mode;
  hailMary: boolean;
  /** Groups of the sweep stages (one stage each); null = one stage over every group. */
  sweep: ParamGroup[] | null;
  holdoutWeight: number;
  minImprovement: number;
  maxHoldoutDegradation: number;
  score: ScoreConfig;
  gates: GateConfig;
  exec: ExecutionModel;
  seed: number;
  topK: number;
  threads: number;
  batchSize: number;
  resume: boolean;
  checkpointPath: string;
  checkpointEverySec: number;
  sensitivityPath: string;
  /** false: never write the champion (--dry-run). */
  write: boolean;
  /** Progress sink (default: stderr bar / lines); null = none. */
  progress?: ProgressSink | null;
  /** Human notes (stderr in the CLI). */
  note?: (message: string) => void;
  /** Set `stop` to end the search at the next batch boundary (SIGINT). */
  signal?: { stop: boolean };
  /** Injected evaluator (tests); otherwise in-process for 1 thread, a worker pool above. */
  evaluator?: Evaluator;
  /** Stop after this many batches in total (tests of --resume), as if interrupted. */
  stopAfterBatches?: number;
}

export interface ScoredVector {
  params: Record<string, number | boolean>;
  cv: number;
  holdout: number;
  blended: number;
  cvFoldScores: number[];
  cvTrades: number;
  cvEntryRate: number;
  cvPnlSol: number;
  holdoutTrades: number;
  holdoutPnlSol: number;
  worstDrawdownSol: number;
  worstCvar5Sol: number;
}

export interface OptimizeResult {
  interrupted: boolean;
  promoted: boolean;
  /** "NEW CHAMPION CONFIRMED" or "NO PROMOTION: <reason>". */
  status: string;
  reason: string;
  decision: PromotionDecision;
  winner: ScoredVector;
  winnerVector: Float64Array;
  champion: ScoredVector & { recordedBlended: number | null; source: string };
  finalists: { cv: number; holdout: number; blended: number; safe: boolean; stage: number }[];
  overfitting: { foldDispersion: Dispersion; sharpe: SharpeReport; pbo: PboReport };
  run: {
    seed: number;
    samples: number;
    evaluatedCandidates: number;
    duplicates: number;
    foldEvals: number;
    seconds: number;
    /** Seconds of the search itself (after loading, before the final checks). */
    searchSeconds: number;
    /** Fold evaluations of this process ÷ searchSeconds. */
    foldEvalsPerSec: number;
    /** Mean trades per (candidate, fold) over the samples scored: how much simulation a fold evaluation carried. */
    tradesPerFoldEval: number;
    cpuSeconds: number;
    threads: number;
    evaluator: string;
    stages: StageSummary[];
    reuse: { full: number; memo: number; split: number };
    resumedFrom: { stage: number; batch: number } | null;
    rounds: number;
    dataFingerprint: string;
    loadMs: number;
    featureMs: number;
  };
  files: { champion: string; backup: string | null; written: boolean; sensitivity: string | null; checkpoint: string | null };
  warnings: string[];
}

interface Scored extends Ranked {
  key: string;
  vec: Float64Array;
  metrics: Float64Array;
  cv: FoldSetStats;
  stage: number;
}

const DUP_CACHE = 16_384;
const GC_EVERY_MS = 2000;
const ELITE = 8;
/** CMA ranks candidates failing the CV-side safety gates below all that pass. */
const UNSAFE_PENALTY = 1e6;

export function stakeOf(vec: ArrayLike<number>, exec: ExecutionModel): number {
  return exec.buySol ?? vec[PARAM_INDEX.buySol];
}

/** The search configuration's fingerprint (what a checkpoint must match). */
function configFingerprint(o: OptimizeOptions, data: OptimizeData, championSha: string, widths: Record<string, number>): string {
  const doc = {
    v: 1,
    data: data.fingerprint,
    rounds: data.rounds,
    champion: championSha,
    samples: o.samples,
    useCma: o.useCma,
    cmaShare: o.cmaShare,
    mode: o.mode,
    hailMary: o.hailMary,
    sweep: o.sweep,
    score: o.score,
    gates: o.gates,
    exec: o.exec,
    seed: o.seed,
    topK: o.topK,
    batchSize: o.batchSize,
    widths,
  };
  return sha256Hex(new TextEncoder().encode(JSON.stringify(doc)));
}

export async function runOptimization(o: OptimizeOptions): Promise<OptimizeResult> {
  const note = o.note ?? ((m: string) => void process.stderr.write(m + "\n"));
  const warnings: string[] = [];
  const warn = (m: string) => {
    warnings.push(m);
    note(m);
  };
  const started = performance.now();
  const cpu0 = process.cpuUsage();

  // 1. The champion first: a bad file fails before any work (and is never written).
  const champion = readChampion(o.paramsPath);
  for (const w of champion.loaded.warnings) warn(`warning: ${w}`);
  if (!champion.exists) note(`note: ${o.paramsPath} does not exist; starting from the schema defaults (it is created on promotion)`);

  // 2. Data, once.
  const data = loadOptimizeData(o.dataDir, o.rounds, (m) => note(m));
  const R = data.rounds;
  const cvShapes: FoldShape[] = data.cv.map(({ fold }) => ({ lifecycles: fold.count, spanDays: fold.spanDays }));
  const holdoutShape: FoldShape[] = [{ lifecycles: data.holdout.fold.count, spanDays: data.holdout.fold.spanDays }];
  const cvIndices = Array.from({ length: R }, (_, i) => i);
  note(
    `data: ${data.dir}: ${R} WF test fold(s) (${cvShapes.map((s) => s.lifecycles).join(", ")} lifecycles) + holdout (${holdoutShape[0].lifecycles}); ` +
      `${data.sources.filter((s) => s.via === "twin").length}/${data.sources.length} from binary twins; loaded in ${data.loadMs.toFixed(0)} ms, features ${data.featureMs.toFixed(0)} ms; fingerprint ${data.fingerprint.slice(0, 16)}`,
  );

  // 3. Sensitivity widths (fixed for the run; a resumed run must use the same ones).
  const sensitivity = loadSensitivity(o.sensitivityPath, warn);
  const fingerprint = configFingerprint(o, data, champion.sha256, sensitivity.widths);

  // 4. Stages.
  const stageGroups: ParamGroup[][] = o.sweep && o.sweep.length ? o.sweep.map((g) => [g]) : [[...PARAM_GROUPS]];
  // With the stake fixed by the execution model, buySol has no effect: leave it out of the search.
  const skipBuySol = o.exec.buySol !== null;

  // 5. State: fresh or from the checkpoint.
  let state: RunState = {
    stageIndex: 0,
    batchIndex: 0,
    stageSamples: 0,
    stageBase: Float64Array.from(champion.loaded.vector),
    elite: [],
    top: [],
    lanes: [],
    counters: { samples: 0, evaluated: 0, foldEvals: 0, duplicates: 0 },
    sharpe: { n: 0, mean: 0, m2: 0 },
    stages: [],
    elapsedSec: 0,
  };
  let resumedFrom: { stage: number; batch: number } | null = null;
  if (o.resume) {
    const saved = loadCheckpoint(o.checkpointPath, fingerprint);
    if (saved) {
      state = saved;
      resumedFrom = { stage: state.stageIndex, batch: state.batchIndex };
      note(`resuming ${o.checkpointPath}: stage ${state.stageIndex + 1}/${stageGroups.length}, batch ${state.batchIndex}, ${state.counters.samples} samples done`);
    } else note(`note: --resume: no checkpoint at ${o.checkpointPath}; starting a fresh run`);
  }

  const toScored = (c: SavedCandidate): Scored => {
    const cv = foldSetStats(c.metrics, 0, cvShapes);
    const stake = stakeOf(c.vec, o.exec);
    return { key: c.vec.join(","), vec: c.vec, metrics: c.metrics, cv, stage: c.stage, order: c.order, score: cv.score, safe: cvSafe(cv, stake, o.score, o.gates) };
  };
  const top = new TopK<Scored>(o.topK);
  for (const c of state.top) top.offer(toScored(c));
  let elite = new TopK<Scored>(ELITE);
  for (const c of state.elite) elite.offer(toScored(c));
  const sharpe: SharpeAccumulator = { ...state.sharpe };

  // 6. Evaluator.
  const evaluator: Evaluator = o.evaluator ?? (o.threads <= 1 ? new InProcessEvaluator() : new WorkerPoolEvaluator(o.threads));
  const progress = o.progress === undefined ? createOptimizeProgress() : o.progress;
  let interrupted = false;
  let batchesRun = 0;
  let foldEvalsThisProcess = 0;
  let searchSeconds = 0;
  /** Σ CV trades of the samples this process scored (the workload's weight, for reports). */
  let tradesSeen = 0;
  let samplesThisProcess = 0;
  const totalFoldEvals = o.samples * stageGroups.length * R;
  // Trials for the deflated Sharpe ratio: samples whose Sharpe rests on at least this many trades.
  const sharpeMinTrades = Math.max(10, o.gates.minTrades);
  try {
    await evaluator.init({ folds: [...data.cv, data.holdout], exec: o.exec, score: o.score });
    const searchStarted = performance.now();
    let lastYield = searchStarted;
    let lastGc = searchStarted;
    let lastCheckpoint = performance.now();
    const elapsedBefore = state.elapsedSec;
    const checkpoint = (lanes: RunState["lanes"]) => {
      state.top = top.list().map((s) => ({ vec: s.vec, metrics: s.metrics, order: s.order, stage: s.stage }));
      state.elite = elite.list().map((s) => ({ vec: s.vec, metrics: s.metrics, order: s.order, stage: s.stage }));
      state.sharpe = { ...sharpe };
      state.lanes = lanes;
      state.elapsedSec = elapsedBefore + (performance.now() - started) / 1000;
      saveCheckpoint(o.checkpointPath, fingerprint, state, o.seed);
      lastCheckpoint = performance.now();
    };

    for (; state.stageIndex < stageGroups.length; ) {
      const s = state.stageIndex;
      const groups = stageGroups[s];
      const base = state.stageBase;
      let dims = stageDims(groups);
      if (skipBuySol) dims = dims.filter((k) => k !== PARAM_INDEX.buySol);
      if (dims.length === 0) {
        note(`stage ${s + 1}/${stageGroups.length} [${groups.join(",")}]: nothing to search (its only parameter is fixed by the execution model)`);
        state.stages.push({ index: s, groups, samples: 0, foldEvals: 0, seconds: 0, bestScore: top.best()?.score ?? null, bestSafe: top.best()?.safe ?? false });
        state.stageIndex++;
        continue;
      }
      const sampler = new StageSampler({
        seed: o.seed,
        stageIndex: s,
        groups,
        base,
        mode: o.mode,
        hailMary: o.hailMary,
        widths: sensitivity.widths,
        useCma: o.useCma,
        batchSize: o.batchSize,
        cmaShare: o.cmaShare,
        dims,
      });
      if (state.lanes.length) {
        if (state.lanes.length !== sampler.lanes.length) throw new Error("checkpoint CMA lanes do not match this configuration");
        state.lanes.forEach((l, i) => sampler.lanes[i].restore(l));
        state.lanes = [];
      }
      const stage: StageSpec = { id: s + 1, base, groups };
      const dup = new Map<string, Float64Array>();
      const stageStarted = performance.now();
      let stageFoldEvals = 0;
      const width = R * METRIC_COUNT;

      while (state.stageSamples < o.samples) {
        // Jitter centres: the stage's elite, the stage base until the elite has members.
        const centres = elite.size > 0 ? elite.list().map((e) => e.vec) : [base];
        const samples: Sample[] = sampler.batch(state.batchIndex, centres, o.samples - state.stageSamples);
        // Duplicates (integer / boolean rounding makes them common in small groups) reuse results.
        const keys = samples.map((x) => dimsKey(x.vec, sampler.dims));
        const rows: (Float64Array | null)[] = keys.map((k) => dup.get(k) ?? null);
        const need: number[] = [];
        const firstOfKey = new Map<string, number>();
        for (let i = 0; i < samples.length; i++) {
          if (rows[i]) continue;
          if (!firstOfKey.has(keys[i])) {
            firstOfKey.set(keys[i], need.length);
            need.push(i);
          }
        }
        if (need.length) {
          const cand = new Float64Array(need.length * PARAM_COUNT);
          need.forEach((i, j) => cand.set(samples[i].vec, j * PARAM_COUNT));
          const metrics = await evaluator.evaluate({ stage, candidates: cand, count: need.length, folds: cvIndices });
          for (let j = 0; j < need.length; j++) {
            const row = metrics.slice(j * width, (j + 1) * width);
            const key = keys[need[j]];
            if (dup.size >= DUP_CACHE) dup.delete(dup.keys().next().value!);
            dup.set(key, row);
          }
          for (let i = 0; i < samples.length; i++) if (!rows[i]) rows[i] = dup.get(keys[i]) ?? metrics.slice(firstOfKey.get(keys[i])! * width, (firstOfKey.get(keys[i])! + 1) * width);
          state.counters.evaluated += need.length;
          state.counters.foldEvals += need.length * R;
          stageFoldEvals += need.length * R;
          foldEvalsThisProcess += need.length * R;
        }
        state.counters.duplicates += samples.length - need.length;
        const fitness = new Float64Array(samples.length);
        for (let i = 0; i < samples.length; i++) {
          const row = rows[i]!;
          const cv = foldSetStats(row, 0, cvShapes);
          const stake = stakeOf(samples[i].vec, o.exec);
          const safe = cvSafe(cv, stake, o.score, o.gates);
          const order = state.counters.samples + i;
          fitness[i] = -(Number.isFinite(cv.score) ? cv.score : -1e12) + (safe ? 0 : UNSAFE_PENALTY);
          if (cv.trades >= sharpeMinTrades) addSharpe(sharpe, cv.sumTrade, cv.sumTrade2, cv.trades);
          tradesSeen += cv.trades;
          const r: Ranked = { safe, score: cv.score, order };
          if (top.admits(r) || elite.admits(r)) {
            const item: Scored = { ...r, key: samples[i].vec.join(","), vec: samples[i].vec, metrics: row, cv, stage: s };
            top.offer(item);
            elite.offer(item);
          }
        }
        sampler.tellLanes(samples, fitness);
        state.counters.samples += samples.length;
        samplesThisProcess += samples.length;
        state.stageSamples += samples.length;
        state.batchIndex++;
        batchesRun++;
        const best = top.best();
        progress?.update(state.counters.samples * R, totalFoldEvals, `stage ${s + 1}/${stageGroups.length} ${groups.length > 3 ? "all groups" : groups.join(",")}  best ${best ? best.score.toFixed(4) + (best.safe ? "" : " (unsafe)") : "-"}`);
        // In-process evaluation never leaves the microtask queue: give the event loop a turn now
        // and then so that SIGINT / SIGTERM handlers run.
        if (performance.now() - lastYield > 50) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          lastYield = performance.now();
        }
        // Every batch leaves ~1 MB of garbage here (samples, result blocks); left to its own
        // heuristics the collector lets the heap grow by hundreds of MB over a long run, so collect
        // fully every couple of seconds (measured: peak RSS flat, no throughput cost).
        if (performance.now() - lastGc > GC_EVERY_MS) {
          Bun.gc(true);
          lastGc = performance.now();
        }
        const stopNow = o.signal?.stop === true || (o.stopAfterBatches !== undefined && batchesRun >= o.stopAfterBatches);
        const stageDone = state.stageSamples >= o.samples;
        if (stopNow && !stageDone) {
          checkpoint(sampler.lanes.map((l) => { const x = l.snapshot(); return { ...x, log: Float64Array.from(x.log) }; }));
          interrupted = true;
          break;
        }
        if (!stageDone && performance.now() - lastCheckpoint >= o.checkpointEverySec * 1000) {
          checkpoint(sampler.lanes.map((l) => { const x = l.snapshot(); return { ...x, log: Float64Array.from(x.log) }; }));
        }
        if (stopNow) {
          interrupted = true;
          break;
        }
      }
      if (interrupted && state.stageSamples < o.samples) break;
      // Stage complete: the next stage starts from the best vector so far.
      const best = top.best();
      state.stages.push({
        index: s,
        groups,
        samples: state.stageSamples,
        foldEvals: stageFoldEvals,
        seconds: (performance.now() - stageStarted) / 1000,
        bestScore: best?.score ?? null,
        bestSafe: best?.safe ?? false,
      });
      note(`stage ${s + 1}/${stageGroups.length} [${groups.join(",")}]: ${state.stageSamples} samples, best CV ${best ? best.score.toFixed(4) : "-"}${best && !best.safe ? " (fails a safety gate)" : ""}`);
      state.stageIndex++;
      state.batchIndex = 0;
      state.stageSamples = 0;
      state.stageBase = best ? Float64Array.from(best.vec) : base;
      elite = new TopK<Scored>(ELITE);
      // An interrupt that lands on the last batch of the last stage interrupts nothing.
      if (interrupted && state.stageIndex >= stageGroups.length) interrupted = false;
      if (interrupted) {
        checkpoint([]);
        break;
      }
      if (state.stageIndex < stageGroups.length) checkpoint([]);
    }
    progress?.done();
    searchSeconds = (performance.now() - searchStarted) / 1000;

    // 7. Finalists: holdout for every one (reported), the winner chosen without it.
    const finalistsRanked = top.list();
    if (finalistsRanked.length === 0) throw new Error("no candidate was evaluated (--samples too small?)");
    const holdoutStage: StageSpec = { id: 1_000_000, base: finalistsRanked[0].vec, groups: [...PARAM_GROUPS] };
    const fc = new Float64Array(finalistsRanked.length * PARAM_COUNT);
    finalistsRanked.forEach((f, i) => fc.set(f.vec, i * PARAM_COUNT));
    const holdoutMetrics = await evaluator.evaluate({ stage: holdoutStage, candidates: fc, count: finalistsRanked.length, folds: [R] });
    const finalists = finalistsRanked.map((f, i) => {
      const h = foldSetStats(holdoutMetrics, i * METRIC_COUNT, holdoutShape);
      return { f, holdout: h, blended: blend(f.cv.score, h.score, o.holdoutWeight) };
    });
    const reuse = await evaluator.counters();
    const winnerRanked = finalistsRanked[0];

    // 8. Reference check of the winner and the champion with lib/sim simulate.
    const allFolds = [...data.cv, data.holdout];
    const winRef = referenceRun(allFolds, winnerRanked.vec, o.exec, o.score);
    const mismatch = metricsMismatch(winnerRanked.metrics, winRef.metrics, R);
    if (mismatch) warn(`INTERNAL ERROR: the search's fast path disagrees with the reference simulator (${mismatch}); the reference values are used`);
    const champRef = referenceRun(allFolds, champion.loaded.vector, o.exec, o.score);
    const scoredFrom = (vec: Float64Array, metrics: Float64Array): { s: ScoredVector; cv: FoldSetStats; holdout: FoldSetStats } => {
      const cv = foldSetStats(metrics, 0, cvShapes);
      const holdout = foldSetStats(metrics, R * METRIC_COUNT, holdoutShape);
      return {
        cv,
        holdout,
        s: {
          params: paramsFromVector(vec) as unknown as Record<string, number | boolean>,
          cv: cv.score,
          holdout: holdout.score,
          blended: blend(cv.score, holdout.score, o.holdoutWeight),
          cvFoldScores: cv.foldScores,
          cvTrades: cv.trades,
          cvEntryRate: cv.lifecycles > 0 ? cv.trades / cv.lifecycles : 0,
          cvPnlSol: cv.pnl,
          holdoutTrades: holdout.trades,
          holdoutPnlSol: holdout.pnl,
          worstDrawdownSol: Math.max(cv.worstDrawdown, holdout.worstDrawdown),
          worstCvar5Sol: Math.min(cv.worstCvar5, holdout.worstCvar5),
        },
      };
    };
    const win = scoredFrom(winnerRanked.vec, winRef.metrics);
    const champ = scoredFrom(champion.loaded.vector, champRef.metrics);

    // 9. Overfitting report.
    const winTrades = winRef.trades.slice(0, R).flat();
    const sharpeRep = sharpeReport(winTrades, stakeOf(winnerRanked.vec, o.exec), sharpe, Math.max(1, sharpe.n));
    const pboFinalists = finalists.slice(0, Math.min(finalists.length, 64));
    const pbo = pboReport(
      pboFinalists.map((x) => referenceRun(data.cv, x.f.vec, o.exec, o.score).trades),
      data.cv.map((d) => d.fold),
      pboFinalists.map((x) => x.f.cv.score),
      pboFinalists.map((x) => x.holdout.score),
    );

    // 10. Promotion.
    const decision = decidePromotion(
      { vector: winnerRanked.vec, stake: stakeOf(winnerRanked.vec, o.exec), cv: win.cv, holdout: win.holdout, blended: win.s.blended },
      { vector: champion.loaded.vector, rescoredBlended: champ.s.blended, recordedBlended: champion.recordedBlended },
      { minImprovement: o.minImprovement, maxHoldoutDegradation: o.maxHoldoutDegradation, gates: o.gates, score: o.score },
    );
    let promoted = false;
    let reason = decision.reason;
    let backup: string | null = null;
    let written = false;
    if (interrupted) reason = `interrupted after ${state.counters.samples} samples (best so far reported; continue with --resume)`;
    else if (decision.promote) {
      if (!o.write) reason = "--dry-run: the winner passed every gate but the champion was not written";
      else {
        try {
          const meta = {
            scores: {
              cv: win.s.cv,
              holdout: win.s.holdout,
              blended: win.s.blended,
              champion_blended: champ.s.blended,
            },
            cv_fold_scores: win.s.cvFoldScores,
            data_fingerprint: data.fingerprint,
            created_at: new Date().toISOString(),
            parent: champion.exists ? champion.sha256 : null,
            seed: o.seed,
            optimizer: {
              samples_per_stage: o.samples,
              stages: stageGroups.map((g) => g.join(",")),
              mode: o.mode,
              use_cma: o.useCma,
              hail_mary: o.hailMary,
              wf_rounds: R,
              holdout_weight: o.holdoutWeight,
              min_entry_rate: o.score.minEntryRate,
              execution: o.exec,
            },
            overfitting: { dsr: finiteOrNull(sharpeRep.dsr), psr0: finiteOrNull(sharpeRep.psr0), pbo: pbo.pbo, trials: sharpeRep.trials },
          };
          backup = writeChampion(o.paramsPath, winnerRanked.vec, meta, champion.sha256).backup;
          promoted = true;
          written = true;
        } catch (err) {
          if (!(err instanceof ChampionChangedError)) throw err;
          reason = err.message;
        }
      }
    }
    const status = promoted ? "NEW CHAMPION CONFIRMED" : `NO PROMOTION: ${reason}`;

    // 11. Sensitivity cache (completed runs only) and the checkpoint.
    let sensitivityWritten: string | null = null;
    if (!interrupted) {
      const searched = new Set<number>();
      for (const g of stageGroups) for (const k of stageDims(g)) searched.add(k);
      saveSensitivity(o.sensitivityPath, updateSensitivity(sensitivity, searched, finalistsRanked.map((f) => f.vec), winnerRanked.vec, champion.loaded.vector));
      sensitivityWritten = o.sensitivityPath;
      removeCheckpoint(o.checkpointPath);
    }

    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpu0);
    return {
      interrupted,
      promoted,
      status,
      reason: promoted ? "every gate passed" : reason,
      decision,
      winner: win.s,
      winnerVector: winnerRanked.vec,
      champion: { ...champ.s, recordedBlended: champion.recordedBlended, source: champion.loaded.source },
      finalists: finalists.map((x) => ({ cv: x.f.cv.score, holdout: x.holdout.score, blended: x.blended, safe: x.f.safe, stage: x.f.stage })),
      overfitting: { foldDispersion: dispersion(win.s.cvFoldScores), sharpe: sharpeRep, pbo },
      run: {
        seed: o.seed,
        samples: state.counters.samples,
        evaluatedCandidates: state.counters.evaluated,
        duplicates: state.counters.duplicates,
        foldEvals: state.counters.foldEvals,
        seconds,
        searchSeconds,
        foldEvalsPerSec: foldEvalsThisProcess / Math.max(1e-9, searchSeconds),
        tradesPerFoldEval: samplesThisProcess > 0 ? tradesSeen / (samplesThisProcess * R) : 0,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        threads: evaluator.threads,
        evaluator: evaluator.kind,
        stages: state.stages,
        reuse,
        resumedFrom,
        rounds: R,
        dataFingerprint: data.fingerprint,
        loadMs: data.loadMs,
        featureMs: data.featureMs,
      },
      files: { champion: o.paramsPath, backup, written, sensitivity: sensitivityWritten, checkpoint: interrupted ? o.checkpointPath : null },
      warnings,
    };
  } finally {
    progress?.done();
    if (!o.evaluator) await evaluator.close();
  }
}

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);
