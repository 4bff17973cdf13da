/**
 * StrategyParams: the schema vector turned into one flat object of numbers the decision functions
 * read by name (monomorphic field loads, no lookups per tick), plus values derived once per
 * parameter set instead of once per tick: drawdown caps per tier with the Chaos multiplier
 * applied, trailing widths indexed by phase, integer seconds.
 *
 * Compile once per candidate (optimizer) or once per champion load (live); `compileParams` can
 * refill an existing object so the optimizer allocates nothing per candidate.
 */
import { PARAM_COUNT, PARAM_INDEX as P, defaultVector, type ParamValues, vectorFromParams } from "../params/schema";
import { Phase } from "./types";

const MAX_FRACTION = 0.95;

export class StrategyParams {
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
  out.observerWindowS = vec[P.observerWindowS];
  out.entryDelayS = vec[P.entryDelayS];
  out.minNetFlowSol = vec[P.minNetFlowSol];
  out.minBuyers = vec[P.minBuyers];
  out.maxCreatorSellSol = vec[P.maxCreatorSellSol];
  out.minPriceChange = vec[P.minPriceChange];
  out.maxPriceChange = vec[P.maxPriceChange];
  out.minRvr = vec[P.minRvr];
  out.chaosAgeS = vec[P.chaosAgeS];
  out.matureAgeS = vec[P.matureAgeS];
  out.trendingRunUp = vec[P.trendingRunUp];
  out.matureRunUp = vec[P.matureRunUp];
  out.shockWindowS = vec[P.shockWindowS];
  out.shockDrop = vec[P.shockDrop];
  out.shockDropChaos = vec[P.shockDropChaos];
  out.ddTier1RunUp = vec[P.ddTier1RunUp];
  out.ddTier2RunUp = vec[P.ddTier2RunUp];
  out.ddCap0 = vec[P.ddCap0];
  out.ddCap1 = vec[P.ddCap1];
  out.ddCap2 = vec[P.ddCap2];
  out.ddChaosMult = vec[P.ddChaosMult];
  out.trailActivationRunUp = vec[P.trailActivationRunUp];
  out.trailWidthChaos = vec[P.trailWidthChaos];
  out.trailWidthDiscovery = vec[P.trailWidthDiscovery];
  out.trailWidthTrending = vec[P.trailWidthTrending];
  out.trailWidthMature = vec[P.trailWidthMature];
  out.trailVolK = vec[P.trailVolK];
  out.reversalMinRunUp = vec[P.reversalMinRunUp];
  out.reversalMomDrop = vec[P.reversalMomDrop];
  out.reversalRedStreak = vec[P.reversalRedStreak];
  out.reversalInChaos = vec[P.reversalInChaos] >= 0.5;
  out.churnNoHighS = vec[P.churnNoHighS];
  out.churnMinProgress = vec[P.churnMinProgress];
  out.churnMatureNoHighS = vec[P.churnMatureNoHighS];
  out.creatorExitOnSell = vec[P.creatorExitOnSell] >= 0.5;
  out.creatorExitSellSol = vec[P.creatorExitSellSol];
  out.exitLiqDrop = vec[P.exitLiqDrop];
  out.panicSellRatio = vec[P.panicSellRatio];
  out.panicMinSellSol = vec[P.panicMinSellSol];
  out.whaleDumpFrac = vec[P.whaleDumpFrac];
  out.buySol = vec[P.buySol];
  out.maxPositions = vec[P.maxPositions];
  out.maxHoldS = vec[P.maxHoldS];

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
