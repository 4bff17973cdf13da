/**
 * StrategyParams: the schema vector turned into one flat object of numbers the decision functions
 * read by name (monomorphic field loads, no lookups per tick), plus values derived once per
 * parameter set instead of once per tick: drawdown caps per tier with the Chaos multiplier
 * applied, trailing widths indexed by phase, integer seconds.
 *
 * Compile once per candidate (optimizer) or once per champion load (live); `compileParams` can
 * refill an existing object so the optimizer allocates nothing per candidate.
 */
import { PARAM_COUNT, PARAM_SCHEMA, defaultVector, type ParamName, type ParamValues, vectorFromParams } from "../params/schema";
import { Phase } from "./types";

const MAX_FRACTION = 0.95;

export class StrategyParams implements ParamValues {
  // entry
  observerWindowS = 0;
  entryDelayS = 0;
  minNetFlowSol = 0;
  minBuyers = 0;
  maxCreatorSellSol = 0;
  minPriceChange = 0;
  maxPriceChange = 0;
  minRvr = 0;
  // phase
  chaosAgeS = 0;
  matureAgeS = 0;
  trendingRunUp = 0;
  matureRunUp = 0;
  // shock
  shockWindowS = 0;
  shockDrop = 0;
  shockDropChaos = 0;
  // dd
  ddTier1RunUp = 0;
  ddTier2RunUp = 0;
  ddCap0 = 0;
  ddCap1 = 0;
  ddCap2 = 0;
  ddChaosMult = 0;
  // trail
  trailActivationRunUp = 0;
  trailWidthChaos = 0;
  trailWidthDiscovery = 0;
  trailWidthTrending = 0;
  trailWidthMature = 0;
  trailVolK = 0;
  // reversal
  reversalMinRunUp = 0;
  reversalMomDrop = 0;
  reversalRedStreak = 0;
  reversalInChaos = false;
  // churn
  churnNoHighS = 0;
  churnMinProgress = 0;
  churnMatureNoHighS = 0;
  // creator
  creatorExitOnSell = false;
  creatorExitSellSol = 0;
  exitLiqDrop = 0;
  // panic
  panicSellRatio = 0;
  panicMinSellSol = 0;
  whaleDumpFrac = 0;
  // sizing
  buySol = 0;
  maxPositions = 0;
  // hold
  maxHoldS = 0;

  // derived
  /** Drawdown caps by tier outside Chaos: [tier0, tier1, tier2]. */
  readonly ddCapByTier = new Float64Array(3);
  /** Drawdown caps by tier in Chaos (× ddChaosMult, at most 0.95). */
  readonly ddCapChaosByTier = new Float64Array(3);
  /** Trailing width by Phase value. */
  readonly trailWidthByPhase = new Float64Array(4);
  /** The entry price band as multiples of the migration price: 1 + minPriceChange, 1 + maxPriceChange. */
  minPriceMult = 0;
  maxPriceMult = 0;
}

/** Compile a schema-order vector (already validated / repaired) into StrategyParams. */
export function compileParams(vec: ArrayLike<number>, out: StrategyParams = new StrategyParams()): StrategyParams {
  if (vec.length !== PARAM_COUNT) throw new Error(`params vector has ${vec.length} values, the schema has ${PARAM_COUNT}`);
  // Every schema parameter is a field of the same name (`implements ParamValues` checks it).
  const named = out as unknown as Record<ParamName, number | boolean>;
  for (let k = 0; k < PARAM_COUNT; k++) {
    const spec = PARAM_SCHEMA[k];
    named[spec.name] = spec.type === "bool" ? vec[k] >= 0.5 : vec[k];
  }

  out.ddCapByTier[0] = out.ddCap0;
  out.ddCapByTier[1] = out.ddCap1;
  out.ddCapByTier[2] = out.ddCap2;
  for (let k = 0; k < 3; k++) out.ddCapChaosByTier[k] = Math.min(MAX_FRACTION, out.ddCapByTier[k] * out.ddChaosMult);
  out.trailWidthByPhase[Phase.Chaos] = out.trailWidthChaos;
  out.trailWidthByPhase[Phase.Discovery] = out.trailWidthDiscovery;
  out.trailWidthByPhase[Phase.Trending] = out.trailWidthTrending;
  out.trailWidthByPhase[Phase.Mature] = out.trailWidthMature;
  out.minPriceMult = 1 + out.minPriceChange;
  out.maxPriceMult = 1 + out.maxPriceChange;
  return out;
}

/** Compile from the named form (tests, live config). */
export function compileNamed(params: Partial<ParamValues>): StrategyParams {
  return compileParams(vectorFromParams(params, defaultVector()));
}
