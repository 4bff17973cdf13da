/**
 * Exit logic (DESIGN §3): phase-aware over Chaos / Discovery / Trending / Mature, functions of
 * (position state, that second's features, params) that touch nothing else. The live actor calls
 * `positionTick` once per closed second while a position is open; the simulator calls `scanExit`,
 * the same decisions over a run of seconds, tested bit-identical to it.
 *
 * Position reference values: `entryPrice` is what we actually paid per token (pool fees and our
 * own impact included, transaction fees not); the peak is the highest close from our fill second
 * on; run-up = peak ÷ entryPrice; drawdown = 1 − close ÷ peak. Run-up thresholds are turned into
 * price levels once at `openPosition`, so a tick compares prices and never divides by entryPrice.
 *
 * Phase at a second (pool age a = seconds since migration, run-up u):
 *   a < chaosAgeS → Chaos; else a ≥ matureAgeS or u ≥ matureRunUp → Mature;
 *   else u ≥ trendingRunUp → Trending; else Discovery.
 *
 * Exit checks at the close of second `row`, first that fires wins (the ExitReason order):
 *   ShockDrop        close ≤ (1 − drop) × close shockWindowS s ago (not before our fill);
 *                    drop = shockDropChaos in Chaos, shockDrop otherwise
 *   WhaleDump        whaleDump ≥ whaleDumpFrac
 *   PanicFlow        sellRatio10 ≥ panicSellRatio and sellVol10 ≥ panicMinSellSol
 *   CreatorSell      creatorExitOnSell and the creator sold > 0 and ≥ creatorExitSellSol since entry
 *   ExitLiquidity    SOL reserve ≤ (1 − exitLiqDrop) × its peak since our fill
 *   DrawdownCap      drawdown ≥ cap of the run-up tier (tier 1 from ddTier1RunUp, tier 2 from
 *                    ddTier2RunUp), × ddChaosMult in Chaos
 *   TrailingStop     run-up ≥ trailActivationRunUp and drawdown ≥ width(phase) × (1 + trailVolK ×
 *                    volatility10), width at most 0.95
 *   MomentumReversal run-up ≥ reversalMinRunUp, mom5 ≤ −reversalMomDrop, redStreak ≥
 *                    reversalRedStreak; not in Chaos unless reversalInChaos
 *   Churn            Mature: no new high for churnMatureNoHighS; other phases: no new high for
 *                    churnNoHighS while the run-up stayed below churnMinProgress (a dud)
 *   MaxHold          held (seconds since the fill) ≥ maxHoldS
 * The first check happens at the second after the fill second (whose close is the baseline).
 */
import type { FeatureColumns } from "../features/columns";
import type { StrategyParams } from "./compile";
import { ExitReason, Phase } from "./types";

export class PositionState {
  /** Row of the pool's second 0 (migration). */
  startRow = 0;
  /** Row of the second our buy filled in. */
  fillRow = 0;
  /** SOL per token we paid (effective: pool fees and impact included). */
  entryPrice = 0;
  /** Highest close since the fill. */
  peakPrice = 0;
  /** Row of the last new high (strictly above the previous peak). */
  lastHighRow = 0;
  /** Highest pool SOL reserve since the fill. */
  peakQuote = 0;
  /** creatorSellCum at the fill: creator selling is measured from here. */
  creatorSellAtEntry = 0;
  /** Phase at the last decideExit call. */
  phase: Phase = Phase.Chaos;
  /** Row of the exit decision found by scanExit (−1 when none fired). */
  exitRow = -1;

  // Run-up thresholds as price levels (entryPrice × multiple), set by openPosition.
  trendingPrice = 0;
  maturePrice = 0;
  tier1Price = 0;
  tier2Price = 0;
  trailArmPrice = 0;
  reversalArmPrice = 0;
  progressPrice = 0;
}

/** Open a position whose buy filled in `fillRow` at `entryPrice` SOL per token. */
export function openPosition(pos: PositionState, c: FeatureColumns, startRow: number, fillRow: number, entryPrice: number, p: StrategyParams): PositionState {
  pos.startRow = startRow;
  pos.fillRow = fillRow;
  pos.entryPrice = entryPrice;
  pos.peakPrice = c.price[fillRow];
  pos.lastHighRow = fillRow;
  pos.peakQuote = c.quoteReserve[fillRow];
  pos.creatorSellAtEntry = c.creatorSellCum[fillRow];
  pos.phase = Phase.Chaos;
  pos.exitRow = -1;
  pos.trendingPrice = entryPrice * p.trendingRunUp;
  pos.maturePrice = entryPrice * p.matureRunUp;
  pos.tier1Price = entryPrice * p.ddTier1RunUp;
  pos.tier2Price = entryPrice * p.ddTier2RunUp;
  pos.trailArmPrice = entryPrice * p.trailActivationRunUp;
  pos.reversalArmPrice = entryPrice * p.reversalMinRunUp;
  pos.progressPrice = entryPrice * p.churnMinProgress;
  return pos;
}

/** Advance the peaks with the close of `row`. */
export function updatePosition(pos: PositionState, c: FeatureColumns, row: number): void {
  const price = c.price[row];
  if (price > pos.peakPrice) {
    pos.peakPrice = price;
    pos.lastHighRow = row;
  }
  const quote = c.quoteReserve[row];
  if (quote > pos.peakQuote) pos.peakQuote = quote;
}

/** Phase at pool age `age` seconds with the position's current peak. */
export function phaseOf(pos: PositionState, age: number, p: StrategyParams): Phase {
  if (age < p.chaosAgeS) return Phase.Chaos;
  if (age >= p.matureAgeS || pos.peakPrice >= pos.maturePrice) return Phase.Mature;
  if (pos.peakPrice >= pos.trendingPrice) return Phase.Trending;
  return Phase.Discovery;
}

/** The exit reason at the close of `row` (Hold = stay in); also records `pos.phase`. */
export function decideExit(pos: PositionState, c: FeatureColumns, row: number, p: StrategyParams): ExitReason {
  const price = c.price[row];
  const peak = pos.peakPrice;
  const phase = phaseOf(pos, row - pos.startRow, p);
  pos.phase = phase;
  const chaos = phase === Phase.Chaos;

  const back = row - p.shockWindowS;
  const ref = c.price[back > pos.fillRow ? back : pos.fillRow];
  if (price <= ref * (1 - (chaos ? p.shockDropChaos : p.shockDrop))) return ExitReason.ShockDrop;

  if (c.whaleDump[row] >= p.whaleDumpFrac) return ExitReason.WhaleDump;

  if (c.sellRatio10[row] >= p.panicSellRatio && c.sellVol10[row] >= p.panicMinSellSol) return ExitReason.PanicFlow;

  if (p.creatorExitOnSell) {
    const sold = c.creatorSellCum[row] - pos.creatorSellAtEntry;
    if (sold > 0 && sold >= p.creatorExitSellSol) return ExitReason.CreatorSell;
  }

  if (c.quoteReserve[row] <= pos.peakQuote * (1 - p.exitLiqDrop)) return ExitReason.ExitLiquidity;

  const tier = runUpTier(pos);
  const cap = chaos ? p.ddCapChaosByTier[tier] : p.ddCapByTier[tier];
  if (price <= peak * (1 - cap)) return ExitReason.DrawdownCap;

  if (peak >= pos.trailArmPrice) {
    let width = p.trailWidthByPhase[phase] * (1 + p.trailVolK * c.volatility10[row]);
    if (width > 0.95) width = 0.95;
    if (price <= peak * (1 - width)) return ExitReason.TrailingStop;
  }

  if (peak >= pos.reversalArmPrice && (!chaos || p.reversalInChaos) && c.mom5[row] <= -p.reversalMomDrop && c.redStreak[row] >= p.reversalRedStreak) {
    return ExitReason.MomentumReversal;
  }

  const sinceHigh = row - pos.lastHighRow;
  if (phase === Phase.Mature) {
    if (sinceHigh >= p.churnMatureNoHighS) return ExitReason.Churn;
  } else if (sinceHigh >= p.churnNoHighS && peak < pos.progressPrice) return ExitReason.Churn;

  if (row - pos.fillRow >= p.maxHoldS) return ExitReason.MaxHold;
  return ExitReason.Hold;
}

/** One closed second of an open position: update the peaks, then decide. */
export function positionTick(pos: PositionState, c: FeatureColumns, row: number, p: StrategyParams): ExitReason {
  updatePosition(pos, c, row);
  return decideExit(pos, c, row, p);
}

/** Run-up tier (0, 1, 2) for the position's current peak. */
export function runUpTier(pos: PositionState): number {
  return pos.peakPrice >= pos.tier2Price ? 2 : pos.peakPrice >= pos.tier1Price ? 1 : 0;
}

/**
 * `positionTick` over rows from..stop in one call, stopping at the first exit: the simulator's
 * hold loop. It is the same logic as updatePosition + decideExit with the column and parameter
 * loads hoisted out of the loop (decideExit is too large for the JIT to inline into a loop), and
 * every comparison written with the same operands in the same order, so results are bit-identical;
 * strategy.test.ts checks it against positionTick over thousands of positions and random params.
 * Returns the exit reason (Hold when none fired up to `stop`); sets pos.exitRow, the peaks and
 * pos.phase exactly as the last positionTick call would have left them.
 */
export function scanExit(pos: PositionState, c: FeatureColumns, from: number, stop: number, p: StrategyParams): ExitReason {
  const price = c.price;
  const quote = c.quoteReserve;
  const whaleDump = c.whaleDump;
  const sellRatio10 = c.sellRatio10;
  const sellVol10 = c.sellVol10;
  const creatorSellCum = c.creatorSellCum;
  const volatility10 = c.volatility10;
  const mom5 = c.mom5;
  const redStreak = c.redStreak;

  const fillRow = pos.fillRow;
  const chaosEndRow = pos.startRow + p.chaosAgeS; // rows before it are Chaos (age < chaosAgeS)
  const matureRow = pos.startRow + p.matureAgeS; // rows from it are Mature by age
  const maturePrice = pos.maturePrice;
  const trendingPrice = pos.trendingPrice;
  const shockWindow = p.shockWindowS;
  const shockKeep = 1 - p.shockDrop;
  const shockKeepChaos = 1 - p.shockDropChaos;
  const whaleFrac = p.whaleDumpFrac;
  const panicRatio = p.panicSellRatio;
  const panicMinSol = p.panicMinSellSol;
  const creatorOn = p.creatorExitOnSell;
  const creatorMinSol = p.creatorExitSellSol;
  const creatorAtEntry = pos.creatorSellAtEntry;
  const liqKeep = 1 - p.exitLiqDrop;
  const tier1Price = pos.tier1Price;
  const tier2Price = pos.tier2Price;
  const keep0 = 1 - p.ddCapByTier[0];
  const keep1 = 1 - p.ddCapByTier[1];
  const keep2 = 1 - p.ddCapByTier[2];
  const keepChaos0 = 1 - p.ddCapChaosByTier[0];
  const keepChaos1 = 1 - p.ddCapChaosByTier[1];
  const keepChaos2 = 1 - p.ddCapChaosByTier[2];
  const trailArmPrice = pos.trailArmPrice;
  const widths = p.trailWidthByPhase;
  const volK = p.trailVolK;
  const reversalArmPrice = pos.reversalArmPrice;
  const reversalInChaos = p.reversalInChaos;
  const momDrop = -p.reversalMomDrop;
  const redNeeded = p.reversalRedStreak;
  const churnNoHigh = p.churnNoHighS;
  const churnMatureNoHigh = p.churnMatureNoHighS;
  const progressPrice = pos.progressPrice;
  const maxHoldRow = fillRow + p.maxHoldS; // held ≥ maxHoldS ⇔ row ≥ fillRow + maxHoldS

  let peak = pos.peakPrice;
  let lastHighRow = pos.lastHighRow;
  let peakQuote = pos.peakQuote;
  let phase: Phase = pos.phase;
  let reason: ExitReason = ExitReason.Hold;
  let row = from;
  for (; row <= stop; row++) {
    const px = price[row];
    if (px > peak) {
      peak = px;
      lastHighRow = row;
    }
    const q = quote[row];
    if (q > peakQuote) peakQuote = q;

    const chaos = row < chaosEndRow;
    phase = chaos ? Phase.Chaos : row >= matureRow || peak >= maturePrice ? Phase.Mature : peak >= trendingPrice ? Phase.Trending : Phase.Discovery;

    const back = row - shockWindow;
    if (px <= price[back > fillRow ? back : fillRow] * (chaos ? shockKeepChaos : shockKeep)) {
      reason = ExitReason.ShockDrop;
      break;
    }
    if (whaleDump[row] >= whaleFrac) {
      reason = ExitReason.WhaleDump;
      break;
    }
    if (sellRatio10[row] >= panicRatio && sellVol10[row] >= panicMinSol) {
      reason = ExitReason.PanicFlow;
      break;
    }
    if (creatorOn) {
      const sold = creatorSellCum[row] - creatorAtEntry;
      if (sold > 0 && sold >= creatorMinSol) {
        reason = ExitReason.CreatorSell;
        break;
      }
    }
    if (q <= peakQuote * liqKeep) {
      reason = ExitReason.ExitLiquidity;
      break;
    }
    const keep = peak >= tier2Price ? (chaos ? keepChaos2 : keep2) : peak >= tier1Price ? (chaos ? keepChaos1 : keep1) : chaos ? keepChaos0 : keep0;
    if (px <= peak * keep) {
      reason = ExitReason.DrawdownCap;
      break;
    }
    if (peak >= trailArmPrice) {
      let width = widths[phase] * (1 + volK * volatility10[row]);
      if (width > 0.95) width = 0.95;
      if (px <= peak * (1 - width)) {
        reason = ExitReason.TrailingStop;
        break;
      }
    }
    if (peak >= reversalArmPrice && (!chaos || reversalInChaos) && mom5[row] <= momDrop && redStreak[row] >= redNeeded) {
      reason = ExitReason.MomentumReversal;
      break;
    }
    if (phase === Phase.Mature) {
      if (row - lastHighRow >= churnMatureNoHigh) {
        reason = ExitReason.Churn;
        break;
      }
    } else if (row - lastHighRow >= churnNoHigh && peak < progressPrice) {
      reason = ExitReason.Churn;
      break;
    }
    if (row >= maxHoldRow) {
      reason = ExitReason.MaxHold;
      break;
    }
  }
  pos.peakPrice = peak;
  pos.lastHighRow = lastHighRow;
  pos.peakQuote = peakQuote;
  pos.phase = phase;
  pos.exitRow = reason === ExitReason.Hold ? -1 : row;
  return reason;
}
