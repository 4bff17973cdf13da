/**
 * The optimizer (spec §5.3 step 5, §5.4, §6): evolutionary search over the strategy parameters on
 * walk-forward test folds, holdout check, guarded promotion of the champion.
 *
 * @example
 * const r = await runOptimization({ dataDir: "tel_out", paramsPath: "best_strategy_params.json", samples: 100_000, ... });
 * console.log(r.status); // "NEW CHAMPION CONFIRMED" or "NO PROMOTION: <reason>"
 *
 * Modules: run.ts (the orchestration and the search objective), score.ts (fold score, gates),
 * promote.ts (promotion gates, champion file), candidates.ts (random / jitter / CMA-ES lanes),
 * engine.ts + kernels.ts (exact fast evaluation), evaluator.ts (the batch interface) with
 * pool.ts + worker.ts (Bun Workers), resume.ts (checkpoints), sensitivity.ts, report.ts
 * (reference re-check, DSR, PBO), cma.ts and overfitting.ts (the algorithms).
 */
export { runOptimization, stakeOf, type OptimizeOptions, type OptimizeResult } from "./run";
export * from "./score";
export { decidePromotion, readChampion, writeChampion, ChampionChangedError, type PromotionDecision, type GateResult } from "./promote";
export { InProcessEvaluator, BatchRunner, type Evaluator, type EvalBatch, type EvalContext, type EvalFold } from "./evaluator";
export { WorkerPoolEvaluator } from "./pool";
export { FoldEngine, prepareStage, diffCandidate, CandidateDiff, type StageSpec } from "./engine";
export { StageSampler, MODES, type Mode } from "./candidates";
export { loadOptimizeData, type OptimizeData } from "./data";
