/**
 * One strategy, two engines (DESIGN §3): the live call sequence documented in ./index.ts, driven
 * second by second through a FeatureEngine, must give the simulator's entry second, exit second,
 * exit reason and phase for every pool.
 */
import { describe, expect, test } from "bun:test";
import { buildFold, fabricateLifecycles } from "../dataset/index";
import { computeFoldFeatures, FeatureEngine, INPUT_NAMES, type SecondBar } from "../features/index";
import { fromUnit, PARAM_COUNT, PARAM_INDEX, vectorFromParams, defaultParams } from "../params/schema";
import { buyAt, LAMPORTS_PER_SOL, migrationPrice, simulate, SimWorkspace } from "../sim/index";
import { idealExecution } from "../sim/fixtures_params";
import { createRng } from "../util/rng";
import {
  compileNamed,
  compileParams,
  EntryDecision,
  EXIT_REASON_NAMES,
  ExitReason,
  observeEntry,
  ObserverState,
  openPosition,
  Phase,
  phaseOf,
  PHASE_NAMES,
  PositionState,
  positionTick,
  REJECT_REASON_NAMES,
  scanEntry,
  scanExit,
  startObserver,
  type StrategyParams,
} from "./index";

interface Outcome {
  lifecycle: number;
  entry: number | string;
  exit?: number;
  reason?: string;
  phase?: string;
}

/** The live actor's sequence for one pool, fed second by second. */
function liveRun(fold: ReturnType<typeof buildFold>, k: number, p: StrategyParams): Outcome {
  const engine = new FeatureEngine(64);
  const obs = startObserver(new ObserverState(), 0, migrationPrice(fold, k));
  const pos = new PositionState();
  const bar: SecondBar = { price: 0, quoteReserve: 0, buySol: 0, sellSol: 0, nBuys: 0, nSells: 0, newBuyers: 0, creatorSellSol: 0, maxSellSol: 0 };
  const start = fold.start[k];
  const n = fold.start[k + 1] - start;
  let observing = true;
  let holding = false;
  let entry: number | string = REJECT_REASON_NAMES[7];
  let fillRow = -1;
  for (let t = 0; t < n; t++) {
    for (const name of INPUT_NAMES) bar[name] = fold.series[name][start + t];
    engine.push(bar);
    if (observing) {
      const d = observeEntry(obs, engine.columns, engine.row, p);
      if (d === EntryDecision.Reject) return { lifecycle: k, entry: REJECT_REASON_NAMES[obs.reason] };
      if (d === EntryDecision.Enter) {
        observing = false;
        entry = t;
        // latency 0: the buy fills at this close; the paper fill uses the same AMM math
        const fees = { lpFeeBps: fold.lpFeeBps[k], protocolFeeBps: fold.protocolFeeBps[k], creatorFeeBps: fold.creatorFeeBps[k] };
        const unit = 10 ** fold.baseDecimals[k];
        const q = buyAt({ baseReserve: 0, quoteReserve: 0 }, fees, engine.columns, engine.row, unit, Math.round(p.buySol * LAMPORTS_PER_SOL))!;
        openPosition(pos, engine.columns, 0, engine.row, q.totalQuoteIn / LAMPORTS_PER_SOL / (q.baseOut / unit), p);
        fillRow = engine.row;
        holding = true;
        continue;
      }
      if (t === n - 1) return { lifecycle: k, entry: REJECT_REASON_NAMES[7] };
      continue;
    }
    if (holding) {
      const reason = positionTick(pos, engine.columns, engine.row, p);
      if (reason !== ExitReason.Hold) return { lifecycle: k, entry, exit: t, reason: EXIT_REASON_NAMES[reason], phase: PHASE_NAMES[pos.phase] };
    }
  }
  if (fillRow === n - 1) pos.phase = phaseOf(pos, n - 1, p);
  return { lifecycle: k, entry, exit: n - 1, reason: EXIT_REASON_NAMES[ExitReason.EndOfData], phase: PHASE_NAMES[pos.phase] };
}

describe("live sequence == simulator", () => {
  const fold = buildFold(fabricateLifecycles(80, { seed: 21, seconds: [20, 700], gapMs: [60_000, 600_000] }), "parity");
  const feats = computeFoldFeatures(fold);
  const rng = createRng(99);

  const paramSets: Float64Array[] = [vectorFromParams({ ...defaultParams(), minNetFlowSol: -5, minBuyers: 0, minRvr: 0, maxPriceChange: 10, minPriceChange: -0.9 })];
  for (let i = 0; i < 24; i++) {
    const u = new Float64Array(PARAM_COUNT);
    for (let j = 0; j < PARAM_COUNT; j++) u[j] = rng.next();
    const v = fromUnit(u);
    if (i % 2 === 0) {
      // permissive entries so most pools trade
      v[PARAM_INDEX.minNetFlowSol] = -20;
      v[PARAM_INDEX.minBuyers] = 0;
      v[PARAM_INDEX.minRvr] = 0;
      v[PARAM_INDEX.maxCreatorSellSol] = 50;
      v[PARAM_INDEX.minPriceChange] = -0.9;
      v[PARAM_INDEX.maxPriceChange] = 10;
    }
    v[PARAM_INDEX.maxPositions] = 50; // no position limit: pools are independent live
    paramSets.push(v);
  }

  test.each(paramSets.map((v, i) => [i, v] as const))("parameter set %p", (_i, vec) => {
    const p = compileParams(vec);
    const ws = new SimWorkspace();
    const s = simulate(fold, feats, p, idealExecution(), ws, { recordTrades: true });
    const simByLifecycle = new Map(ws.trades.map((t) => [t.lifecycle, t]));
    let trades = 0;
    for (let k = 0; k < fold.count; k++) {
      const live = liveRun(fold, k, p);
      const t = simByLifecycle.get(k);
      if (t) {
        trades++;
        expect(live).toEqual({ lifecycle: k, entry: t.entrySecond, exit: t.exitSecond, reason: t.exitReason, phase: t.phaseAtExit });
      } else {
        expect(typeof live.entry).toBe("string");
      }
    }
    expect(trades).toBe(s.trades);
  });

  test("the parameter sets exercise many exit reasons", () => {
    const seen = new Set<string>();
    for (const v of paramSets) {
      const ws = new SimWorkspace();
      simulate(fold, feats, compileParams(v), idealExecution(), ws, { recordTrades: true });
      for (const t of ws.trades) seen.add(t.exitReason);
    }
    expect(seen.size).toBeGreaterThanOrEqual(6);
  });
});

describe("phases", () => {
  const p = compileNamed({ ...defaultParams(), chaosAgeS: 20, matureAgeS: 600, trendingRunUp: 1.5, matureRunUp: 3 });
  const pos = new PositionState();
  const cols = { price: new Float64Array([1]), quoteReserve: new Float64Array([80]), creatorSellCum: new Float32Array([0]) };
  openPosition(pos, cols as never, 0, 0, 1, p);
  test.each([
    [5, 1.0, Phase.Chaos],
    [5, 4.0, Phase.Chaos],
    [20, 1.0, Phase.Discovery],
    [20, 1.5, Phase.Trending],
    [100, 2.99, Phase.Trending],
    [100, 3.0, Phase.Mature],
    [600, 1.0, Phase.Mature],
  ])("age %p s, peak %p × entry → phase %p", (age, peak, phase) => {
    pos.peakPrice = peak;
    expect(phaseOf(pos, age, p)).toBe(phase);
  });
});

describe("the simulator's hoisted loops are bit-identical to the per-second decisions", () => {
  const fold = buildFold(fabricateLifecycles(40, { seed: 8, seconds: [5, 900], gapMs: 60_000 }), "kernels");
  const feats = computeFoldFeatures(fold);
  const rng = createRng(1234);
  const sets = Array.from({ length: 90 }, (_, i) => {
    const u = new Float64Array(PARAM_COUNT);
    for (let j = 0; j < PARAM_COUNT; j++) u[j] = rng.next();
    const v = fromUnit(u);
    if (i % 3 === 1) {
      // entry values around the data's own quantiles, so all outcomes occur
      v[PARAM_INDEX.minBuyers] = Math.floor(rng.next() * 30);
      v[PARAM_INDEX.minNetFlowSol] = rng.next() * 6 - 3;
      v[PARAM_INDEX.maxCreatorSellSol] = rng.next() * 0.6;
      v[PARAM_INDEX.minPriceChange] = -0.4 * rng.next();
      v[PARAM_INDEX.maxPriceChange] = 0.05 + 0.5 * rng.next();
      v[PARAM_INDEX.minRvr] = 1.5 * rng.next();
    }
    if (i % 3 === 2) {
      // unrepaired: the entry delay beyond the window (compileParams accepts it; live waits for the delay)
      v[PARAM_INDEX.observerWindowS] = 5 + Math.floor(rng.next() * 20);
      v[PARAM_INDEX.entryDelayS] = v[PARAM_INDEX.observerWindowS] + Math.floor(rng.next() * 30);
      v[PARAM_INDEX.minBuyers] = Math.floor(rng.next() * 20);
    }
    return compileParams(v);
  });

  test("scanExit == positionTick at every second (reason, exit row, peaks, phase)", () => {
    let positions = 0;
    const a = new PositionState();
    const b = new PositionState();
    for (const p of sets) {
      for (let k = 0; k < fold.count; k++) {
        const start = fold.start[k];
        const last = fold.start[k + 1] - 1;
        for (const offset of [0, 3, 17, 60]) {
          const f = start + offset;
          if (f > last) continue;
          const entryPrice = feats.price[f] * (1 + 0.01 * rng.next());
          openPosition(a, feats, start, f, entryPrice, p);
          openPosition(b, feats, start, f, entryPrice, p);
          const stop = f + p.maxHoldS < last ? f + p.maxHoldS : last;
          let reason: number = ExitReason.Hold;
          let exitRow = -1;
          for (let row = f + 1; row <= stop; row++) {
            reason = positionTick(a, feats, row, p);
            if (reason !== ExitReason.Hold) {
              exitRow = row;
              break;
            }
          }
          const r2 = scanExit(b, feats, f + 1, stop, p);
          positions++;
          if (r2 !== reason || b.exitRow !== exitRow || b.peakPrice !== a.peakPrice || b.lastHighRow !== a.lastHighRow || b.peakQuote !== a.peakQuote || b.phase !== a.phase) {
            throw new Error(`lifecycle ${k} fill +${offset}: positionTick ${EXIT_REASON_NAMES[reason]}@${exitRow} phase ${a.phase}, scanExit ${EXIT_REASON_NAMES[r2]}@${b.exitRow} phase ${b.phase}`);
          }
        }
      }
    }
    expect(positions).toBeGreaterThan(5000);
  });

  test("scanEntry == observeEntry second by second (decision, row, reason)", () => {
    const a = new ObserverState();
    const b = new ObserverState();
    const outcomes = new Set<string>();
    let decided = 0;
    for (const p of sets) {
      for (let k = 0; k < fold.count; k++) {
        const start = fold.start[k];
        const end = fold.start[k + 1];
        const price0 = migrationPrice(fold, k);
        startObserver(a, start, price0);
        let expected = -7; // DataEnded
        let row = start;
        for (; row < end; row++) {
          const d = observeEntry(a, feats, row, p);
          if (d === EntryDecision.Enter) {
            expected = row;
            break;
          }
          if (d === EntryDecision.Reject) {
            expected = -a.reason;
            break;
          }
        }
        if (row === end) {
          a.reason = 7;
          a.decidedRow = end - 1;
        }
        const got = scanEntry(b, feats, start, end, price0, p);
        if (got !== expected || b.reason !== a.reason || b.decidedRow !== a.decidedRow) {
          throw new Error(`lifecycle ${k}: observeEntry ${expected} (${REJECT_REASON_NAMES[a.reason]} @${a.decidedRow - start}), scanEntry ${got} (${REJECT_REASON_NAMES[b.reason]} @${b.decidedRow - start})`);
        }
        outcomes.add(got >= 0 ? "enter" : REJECT_REASON_NAMES[-got]);
        decided++;
      }
    }
    expect(decided).toBe(sets.length * fold.count);
    expect([...outcomes].sort()).toEqual(["creator_selling", "data_ended", "enter", "few_buyers", "low_net_flow", "low_volume", "price_crashed", "price_too_high"]);
  });
});
