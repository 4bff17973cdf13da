/**
 * Parameter sets for table-driven tests: `quietParams` enters every pool at second 0 and disables
 * every exit family (each set to the end of its range), so a test switches on exactly the family
 * it is about. Not used outside tests.
 */
import { defaultParams, type ParamValues } from "../params/schema";
import { executionModel, type ExecutionModel } from "./execution";

export function quietParams(overrides: Partial<ParamValues> = {}): ParamValues {
  return {
    ...defaultParams(),
    observerWindowS: 10,
    entryDelayS: 0,
    minNetFlowSol: -20,
    minBuyers: 0,
    maxCreatorSellSol: 50,
    minPriceChange: -0.9,
    maxPriceChange: 10,
    minRvr: 0,
    chaosAgeS: 0,
    matureAgeS: 7200,
    trendingRunUp: 5,
    matureRunUp: 20,
    shockWindowS: 5,
    shockDrop: 0.9,
    shockDropChaos: 0.95,
    ddTier1RunUp: 5,
    ddTier2RunUp: 20,
    ddCap0: 0.9,
    ddCap1: 0.9,
    ddCap2: 0.9,
    ddChaosMult: 1,
    trailActivationRunUp: 5,
    trailVolK: 0,
    reversalMinRunUp: 10,
    reversalInChaos: false,
    churnNoHighS: 1800,
    churnMatureNoHighS: 3600,
    creatorExitOnSell: false,
    exitLiqDrop: 0.95,
    panicSellRatio: 1,
    panicMinSellSol: 100,
    whaleDumpFrac: 0.5,
    buySol: 0.1,
    maxPositions: 50,
    maxHoldS: 7200,
    ...overrides,
  };
}

/** Instant, frictionless execution apart from pool fees and impact: isolates the strategy. */
export function idealExecution(overrides: Partial<ExecutionModel> = {}): ExecutionModel {
  return executionModel({ latencyMs: 0, slippageBps: 10_000, priorityFeeLamports: 0, tipLamports: 0, baseFeeLamports: 0, ...overrides });
}
