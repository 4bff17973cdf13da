/**
 * The fast path is exact: FoldEngine's metrics are bit-identical to lib/sim simulate's summary in
 * every path (memo, split, full), for candidates jittered and drawn inside each kind of stage and
 * under several execution models; reusing entry decisions and exits gives the same scores as
 * evaluating without any reuse; the batch runner and the worker pool agree exactly.
 */
import { describe, expect, test } from "bun:test";
import { buildFold, fabricateLifecycles } from "../dataset/index";
import { computeFoldFeatures } from "../features/index";
import { GROUP_INDICES, PARAM_COUNT, PARAM_GROUPS, repairVector, toUnit, vectorFromParams, type ParamGroup } from "../params/schema";
import { executionModel, simulate, SimWorkspace } from "../sim/index";
import { compileParams } from "../strategy/compile";
import { createRng } from "../util/rng";
import { decodeCandidate, stageDims } from "./candidates";
import { CandidateDiff, diffCandidate, FoldEngine, prepareStage } from "./engine";
import { BatchRunner, InProcessEvaluator } from "./evaluator";
import { WorkerPoolEvaluator } from "./pool";
import { DEFAULT_SCORE, foldScore, M_CVAR5, M_FAILED, M_MAX_DD, M_PNL, M_SCORE, M_TRADES, M_WINS, METRIC_COUNT } from "./score";
import { testChampion } from "./testing";

const fold = buildFold(fabricateLifecycles(160, { seed: 21, seconds: [120, 1500], gapMs: [20_000, 150_000] }), "e", { shared: true });
const feats = computeFoldFeatures(fold, { shared: true });
const base = vectorFromParams(testChampion({ maxPositions: 4 }));
const rng = createRng(5);
const score = { ...DEFAULT_SCORE, minEntryRate: 0.2 };

/** Candidates of a stage over `groups`: jittered near the base and uniform in the cube. */
function stageCandidates(groups: readonly ParamGroup[], n: number): Float64Array[] {
  const dims = stageDims(groups);
  const ub = toUnit(base);
  const out: Float64Array[] = [Float64Array.from(base)];
  for (let c = 1; c < n; c++) {
    const u = Float64Array.from(dims, (k) => (c % 3 === 0 ? rng.next() : Math.min(1, Math.max(0, ub[k] + 0.15 * rng.normal()))));
    out.push(decodeCandidate(u, dims, base));
  }
  return out;
}

const STAGES: ParamGroup[][] = [["entry"], ["trail"], ["dd"], ["phase"], ["hold"], ["sizing"], ["creator", "panic"], ["shock", "reversal", "churn"], [...PARAM_GROUPS]];

describe("FoldEngine ≡ simulate", () => {
  for (const [label, exec] of [
    ["default execution", executionModel()],
    ["spec execution (latency 300, slippage 300, buy 0.5)", executionModel({ latencyMs: 300, slippageBps: 300, buySol: 0.5 })],
    ["slow and tight (latency 1500, slippage 30)", executionModel({ latencyMs: 1500, slippageBps: 30 })],
  ] as const) {
    test(label, () => {
      const engine = new FoldEngine(fold, feats, exec, score);
      const ws = new SimWorkspace();
      const out = new Float64Array(METRIC_COUNT);
      const diff = new CandidateDiff();
      let id = 1;
      let trades = 0;
      for (const groups of STAGES) {
        const stage = prepareStage({ id: id++, base, groups });
        engine.setStage(stage);
        for (const vec of stageCandidates(groups, 60)) {
          const p = compileParams(vec);
          engine.evaluate(vec, p, diffCandidate(vec, stage, exec, diff), out, 0);
          const s = simulate(fold, feats, compileParams(vec), exec, ws);
          expect(out[M_PNL]).toBe(s.pnlSol);
          expect(out[M_MAX_DD]).toBe(s.maxDrawdownSol);
          expect(out[M_CVAR5]).toBe(s.cvar5Sol);
          expect(out[M_TRADES]).toBe(s.trades);
          expect(out[M_FAILED]).toBe(s.missedEntries);
          expect(out[M_WINS]).toBe(s.wins);
          const stake = exec.buySol ?? vec[GROUP_INDICES.sizing[0]];
          expect(out[M_SCORE]).toBe(foldScore(s.pnlSol, s.maxDrawdownSol, s.cvar5Sol, s.trades, { lifecycles: fold.count, spanDays: fold.spanDays }, stake, score));
          trades += s.trades;
        }
      }
      expect(trades).toBeGreaterThan(5000);
      // every path was exercised
      expect(engine.counters.memo).toBeGreaterThan(50);
      expect(engine.counters.split).toBeGreaterThan(200);
      expect(engine.counters.full).toBeGreaterThan(50);
    });
  }

  test("a candidate mislabelled as outside its stage is still exact (full path)", () => {
    const exec = executionModel();
    const engine = new FoldEngine(fold, feats, exec, score);
    const stage = prepareStage({ id: 1, base, groups: ["trail"] });
    engine.setStage(stage);
    const vec = Float64Array.from(base);
    for (const k of GROUP_INDICES.dd) vec[k] = vec[k] * 0.9;
    repairVector(vec);
    const out = new Float64Array(METRIC_COUNT);
    const diff = diffCandidate(vec, stage, exec);
    expect(diff.outside).toBe(true);
    engine.evaluate(vec, compileParams(vec), diff, out, 0);
    expect(out[M_PNL]).toBe(simulate(fold, feats, compileParams(vec), exec, new SimWorkspace()).pnlSol);
  });
});

describe("reuse is exact", () => {
  test("entry reuse and exit splitting give the scores of evaluating with no reuse", () => {
    const exec = executionModel({ buySol: 0.5 });
    const context = { folds: [{ fold, feats }], exec, score };
    for (const groups of [["trail"], ["dd"], ["hold"], ["entry"], ["sizing"]] as ParamGroup[][]) {
      const cands = stageCandidates(groups, 80);
      const flat = new Float64Array(cands.length * PARAM_COUNT);
      cands.forEach((v, i) => flat.set(v, i * PARAM_COUNT));
      const reuse = new BatchRunner(context).run({ id: 1, base, groups }, flat, cands.length, [0]);
      // Each candidate alone in a stage whose base differs from it in an entry AND an exit value:
      // nothing of the stage can be reused, every evaluation takes the full path.
      const noReuseRunner = new BatchRunner(context);
      const none = new Float64Array(cands.length * METRIC_COUNT);
      const bump = new Set([GROUP_INDICES.hold[0], GROUP_INDICES.entry[3]]);
      cands.forEach((v, i) => noReuseRunner.run({ id: 100 + i, base: v.map((x, k) => (bump.has(k) ? x + 1 : x)), groups: [...PARAM_GROUPS] }, v, 1, [0], none, i * METRIC_COUNT));
      expect(Array.from(reuse)).toEqual(Array.from(none));
      expect(noReuseRunner.counters().full).toBe(cands.length);
    }
  });
});

describe("evaluators agree", () => {
  test("in-process and a 2-worker pool give identical metrics", async () => {
    const fold2 = buildFold(fabricateLifecycles(80, { seed: 22, seconds: [120, 900] }), "f2", { shared: true });
    const context = { folds: [{ fold, feats }, { fold: fold2, feats: computeFoldFeatures(fold2, { shared: true }) }], exec: executionModel(), score };
    const cands = stageCandidates(["trail"], 50).concat(stageCandidates([...PARAM_GROUPS], 30));
    const flat = new Float64Array(cands.length * PARAM_COUNT);
    cands.forEach((v, i) => flat.set(v, i * PARAM_COUNT));
    const batch = { stage: { id: 3, base, groups: ["trail"] as ParamGroup[] }, candidates: flat, count: cands.length, folds: [1, 0] };
    const local = new InProcessEvaluator();
    await local.init(context);
    const pool = new WorkerPoolEvaluator(2);
    await pool.init(context);
    try {
      const a = await local.evaluate(batch);
      const b = await pool.evaluate(batch);
      expect(b.length).toBe(cands.length * 2 * METRIC_COUNT);
      expect(Array.from(b)).toEqual(Array.from(a));
      const c = await local.counters();
      expect(c.split + c.full + c.memo).toBe(cands.length * 2);
    } finally {
      await pool.close();
    }
  });

  test("a worker that cannot load fails loudly", async () => {
    const pool = new WorkerPoolEvaluator(1, { specifier: "/nonexistent/optimize_worker.ts", startTimeoutMs: 5000 });
    await expect(pool.init({ folds: [{ fold, feats }], exec: executionModel(), score })).rejects.toThrow(/failed to start/);
    await pool.close();
  });
});
