/**
 * Table-driven simulator tests in the style of freqtrade's test_backtest_detail: hand-made
 * lifecycles (price paths as multiples of the migration price) and the exact trade expected.
 */
import { describe, expect, test } from "bun:test";
import { buildFold, fabricateLifecycles } from "../dataset/index";
import { computeFoldFeatures } from "../features/index";
import { defaultParams, type ParamValues, vectorFromParams } from "../params/schema";
import { compileNamed, ObserverState, RejectReason, REJECT_REASON_NAMES, scanEntry } from "../strategy/index";
import { executionModel, type ExecutionModel } from "./execution";
import { flat, makeFold, PRICE0, type LifecycleSpec } from "./fixtures";
import { idealExecution, quietParams } from "./fixtures_params";
import { evaluateVector, migrationPrice, scanEntries, simulate, SimWorkspace, summaryToJSON } from "./index";

function run(specs: LifecycleSpec[], params: Partial<ParamValues>, exec: ExecutionModel = idealExecution()) {
  const fold = makeFold(specs);
  const feats = computeFoldFeatures(fold);
  const ws = new SimWorkspace();
  const summary = simulate(fold, feats, compileNamed(quietParams(params)), exec, ws, { recordTrades: true });
  return { fold, feats, ws, summary, trades: ws.trades };
}

type ExitCase = [label: string, spec: LifecycleSpec, params: Partial<ParamValues>, exitSecond: number, reason: string, phase?: string];

const reversalPath = [1, 1.2, 1.4, 1.5, 1.5, 1.5, 1.5, 1.5, 1.45, 1.4, 1.3, 1.3, 1.3];

const exitCases: ExitCase[] = [
  ["shock drop within the window", { mult: [1, 1, 1, 1, 1, 0.85, 0.75, ...flat(6, 0.75)] }, { shockWindowS: 3, shockDrop: 0.2 }, 6, "shock_drop"],
  [
    "shock drop: Chaos tolerates more, Discovery exits",
    { mult: [...flat(5, 1), ...flat(20, 0.75), 0.55, ...flat(4, 0.55)] },
    { chaosAgeS: 20, shockWindowS: 3, shockDrop: 0.2, shockDropChaos: 0.4 },
    25,
    "shock_drop",
    "discovery",
  ],
  [
    "whale dump: one sell of 5 SOL against ~85 SOL",
    { mult: flat(12), sellSol: [0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0], maxSellSol: [0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0] },
    { whaleDumpFrac: 0.05 },
    7,
    "whale_dump",
  ],
  ["panic flow: 10 s sells reach 3 SOL at 100 % sell share", { mult: flat(12), sellSol: [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1] }, { panicSellRatio: 0.8, panicMinSellSol: 3 }, 7, "panic_flow"],
  [
    "creator sells 0.6 SOL after entry (the 1 SOL before does not count)",
    { mult: flat(12), creatorSellSol: [1, 0, 0, 0, 0.3, 0, 0.3, 0, 0, 0, 0, 0] },
    { creatorExitOnSell: true, creatorExitSellSol: 0.5 },
    6,
    "creator_sell",
  ],
  [
    "exit liquidity: SOL reserve 30 % below its peak",
    { mult: flat(12), quoteReserve: [85, 85, 85, 85, 85, 85, 85, 60, 59, 59, 59, 59] },
    { exitLiqDrop: 0.3 },
    8,
    "exit_liquidity",
  ],
  ["drawdown cap, tier 0 (stop-loss)", { mult: [1, 1, 0.9, 0.85, 0.81, 0.79, 0.79, 0.79] }, { ddCap0: 0.2 }, 5, "drawdown_cap"],
  [
    "drawdown cap, tier 1 after a run-up past ddTier1RunUp",
    { mult: [1, 1.2, 1.5, 1.4, 1.34, 1.3, 1.3] },
    { ddTier1RunUp: 1.3, ddCap0: 0.5, ddCap1: 0.1 },
    4,
    "drawdown_cap",
  ],
  [
    "drawdown cap: Chaos multiplier widens it until Chaos ends",
    { mult: [1, 1, ...flat(12, 0.75)] },
    { chaosAgeS: 10, ddCap0: 0.2, ddChaosMult: 2 },
    10,
    "drawdown_cap",
    "discovery",
  ],
  [
    "trailing stop: 15 % from the peak once armed",
    { mult: [1, 1.2, 1.5, 1.3, 1.27, 1.27] },
    { trailActivationRunUp: 1.2, trailWidthChaos: 0.15, trailWidthDiscovery: 0.15, trailWidthTrending: 0.15, trailWidthMature: 0.15 },
    4,
    "trailing_stop",
  ],
  [
    "trailing stop: Trending uses its tighter width",
    { mult: [1, 1.4, 1.32, 1.32] },
    { trailActivationRunUp: 1.1, trendingRunUp: 1.3, trailWidthDiscovery: 0.3, trailWidthTrending: 0.05 },
    2,
    "trailing_stop",
    "trending",
  ],
  [
    "trailing stop: Discovery's wide width holds the same 5.6 % pullback",
    { mult: [1, 1.25, 1.18, 1.18] },
    { trailActivationRunUp: 1.1, trendingRunUp: 1.3, trailWidthDiscovery: 0.3, trailWidthTrending: 0.05 },
    3,
    "end_of_data",
    "discovery",
  ],
  [
    "trailing stop: volatility widens the width (12 % pullback held)",
    { mult: [1, 1.5, 1.32, 1.32] },
    { trailActivationRunUp: 1.1, trailWidthDiscovery: 0.1, trailVolK: 10 },
    3,
    "end_of_data",
  ],
  ["trailing stop: the same pullback without widening exits", { mult: [1, 1.5, 1.32, 1.32] }, { trailActivationRunUp: 1.1, trailWidthDiscovery: 0.1, trailVolK: 0 }, 2, "trailing_stop"],
  ["momentum reversal after a run", { mult: reversalPath }, { reversalMinRunUp: 1.2, reversalMomDrop: 0.1, reversalRedStreak: 3 }, 10, "momentum_reversal"],
  ["momentum reversal is off in Chaos", { mult: reversalPath }, { chaosAgeS: 30, reversalMinRunUp: 1.2, reversalMomDrop: 0.1, reversalRedStreak: 3 }, 12, "end_of_data", "chaos"],
  [
    "momentum reversal in Chaos when allowed",
    { mult: reversalPath },
    { chaosAgeS: 30, reversalInChaos: true, reversalMinRunUp: 1.2, reversalMomDrop: 0.1, reversalRedStreak: 3 },
    10,
    "momentum_reversal",
    "chaos",
  ],
  ["churn: a dud with no new high for churnNoHighS", { mult: flat(30) }, { churnNoHighS: 20, churnMinProgress: 1.1 }, 20, "churn"],
  ["churn: counted from the last new high", { mult: [...flat(5, 1), ...flat(30, 1.05)] }, { churnNoHighS: 20, churnMinProgress: 1.1 }, 25, "churn"],
  [
    "churn: Mature stalls for churnMatureNoHighS",
    { mult: [1, 1.2, 1.5, ...flat(40, 1.5)] },
    { trendingRunUp: 1.2, matureRunUp: 1.3, churnNoHighS: 5, churnMinProgress: 1.1, churnMatureNoHighS: 15 },
    17,
    "churn",
    "mature",
  ],
  ["max hold", { mult: flat(50) }, { maxHoldS: 30 }, 30, "max_hold"],
  ["end of data with the position open", { mult: flat(10) }, {}, 9, "end_of_data"],
  ["end of data: a one-second lifecycle", { mult: [1] }, {}, 0, "end_of_data"],
  ["priority: shock drop and drawdown cap in the same second → shock drop", { mult: [1, 1, 1, 1, 0.7, 0.7] }, { shockWindowS: 3, shockDrop: 0.2, ddCap0: 0.2 }, 4, "shock_drop"],
];

describe("exit families fire at the exact second with the exact reason", () => {
  // Pad the optional phase: bun passes a `done` callback to a function with more parameters than values.
  const rows = exitCases.map((c) => [c[0], c[1], c[2], c[3], c[4], c[5] ?? null] as const);
  test.each(rows)("%s", (_label, spec, params, exitSecond, reason, phase) => {
    const { trades, summary } = run([spec], params);
    expect(trades.length).toBe(1);
    const t = trades[0];
    expect({ entry: t.entrySecond, exit: t.exitSecond, reason: t.exitReason }).toEqual({ entry: 0, exit: exitSecond, reason });
    if (phase) expect(t.phaseAtExit).toBe(phase);
    expect(t.exitFillSecond).toBe(exitSecond); // no latency here
    expect(summary.exitReasonCounts.reduce((a, b) => a + b, 0)).toBe(1);
  });
});

type EntryCase = [label: string, spec: LifecycleSpec, params: Partial<ParamValues>, expected: number | string, decidedSecond: number];

const entryCases: EntryCase[] = [
  ["enters at the entry delay", { mult: flat(20) }, { entryDelayS: 3 }, 3, 3],
  ["enters when net flow reaches the minimum", { mult: flat(20), buySol: 1 }, { minNetFlowSol: 3.5 }, 3, 3],
  ["enters when buyers reach the minimum", { mult: flat(20), newBuyers: 2 }, { minBuyers: 7 }, 3, 3],
  ["waits out a price above the band, enters when it cools", { mult: [2, 2, 2, 2, 2, 1.2, ...flat(10, 1.2)] }, { maxPriceChange: 0.5 }, 5, 5],
  ["rejects: creator selling", { mult: flat(20), creatorSellSol: [0, 0, 1, ...flat(17, 0)] }, { maxCreatorSellSol: 0.5, entryDelayS: 5 }, "creator_selling", 2],
  ["rejects: price crashed below the band", { mult: [1, 1, 1, 0.75, ...flat(16, 0.75)] }, { minPriceChange: -0.2, entryDelayS: 5 }, "price_crashed", 3],
  ["rejects: low net flow at the window's end", { mult: flat(20) }, { minNetFlowSol: 5 }, "low_net_flow", 10],
  ["rejects: few buyers at the window's end", { mult: flat(20), newBuyers: [1, 1, ...flat(18, 0)] }, { minBuyers: 5 }, "few_buyers", 10],
  ["rejects: price still above the band at the window's end", { mult: flat(20, 2) }, { maxPriceChange: 0.5 }, "price_too_high", 10],
  ["rejects: low relative volume", { mult: flat(20) }, { minRvr: 1.5 }, "low_volume", 10],
  ["rejects: the data ends inside the window", { mult: flat(6) }, { minBuyers: 5 }, "data_ended", 5],
];

describe("the entry observer enters, waits or rejects with each reason", () => {
  test.each(entryCases)("%s", (_label, spec, params, expected, decidedSecond) => {
    const { fold, feats, trades, summary } = run([spec], params);
    const obs = new ObserverState();
    const r = scanEntry(obs, feats, fold.start[0], fold.start[1], migrationPrice(fold, 0), compileNamed(quietParams(params)));
    expect(obs.decidedRow - fold.start[0]).toBe(decidedSecond);
    if (typeof expected === "number") {
      expect(r).toBe(expected);
      expect(trades.length).toBe(1);
      expect(trades[0].entrySecond).toBe(expected);
    } else {
      expect(REJECT_REASON_NAMES[-r]).toBe(expected as never);
      expect(trades.length).toBe(0);
      expect(summary.rejects[-r]).toBe(1);
    }
  });
});

describe("execution model", () => {
  // A pool of exactly 2e14 raw tokens against 85 SOL, then 2e14 against 100 SOL from second 10.
  const enterPrice = 85 / 200_000_000 / PRICE0;
  const exitPrice = 100 / 200_000_000 / PRICE0;
  const fillSpec: LifecycleSpec = {
    mult: [...flat(10, enterPrice), exitPrice, exitPrice],
    quoteReserve: [...flat(10, 85), 100, 100],
  };
  const fees = { priorityFeeLamports: 100_000, tipLamports: 100_000, baseFeeLamports: 5_000 };

  test("AMM fills against hand-computed lamports, pool and transaction fees included", () => {
    const { trades, summary } = run([fillSpec], { buySol: 0.1, maxHoldS: 10 }, idealExecution(fees));
    const t = trades[0];
    // Buy 0.1 SOL into (2e14 tokens, 85e9 lamports), fees 20 + 5 + 5 bps:
    //   curve input q: largest with q + ⌈q·20/1e4⌉ + 2·⌈q·5/1e4⌉ ≤ 1e8 → 99_700_896
    //   (fees 199_402 + 49_851 + 49_851, total exactly 100_000_000);
    //   tokens ⌊2e14 · 99_700_896 / (85e9 + 99_700_896)⌋ = 234_315_502_757.
    expect(t.tokens).toBe(234_315_502_757);
    expect(t.solIn).toBe((100_000_000 + 205_000) / 1e9);
    // Sell them into (2e14, 100e9): ⌊100e9 · 234_315_502_757 / (2e14 + 234_315_502_757)⌋ = 117_020_652;
    //   fees 234_042 + 58_511 + 58_511 → 116_669_588 net, minus 205_000 of transaction fees.
    expect(t.solOut).toBe((116_669_588 - 205_000) / 1e9);
    expect(t.pnlSol).toBe((116_464_588 - 100_205_000) / 1e9);
    expect(t.exitReason).toBe("max_hold");
    expect(summary.txFeesSol).toBe(410_000 / 1e9);
    expect(summary.pnlSol).toBe(t.pnlSol);
  });

  const jump: LifecycleSpec = { mult: [1, 1.02, 1.05, 1.05, ...flat(10, 1.05)] };
  test.each([
    [0, 0],
    [300, 1],
    [1000, 1],
    [1001, 2],
    [1500, 2],
  ])("latency %p ms fills at the close of second %p (decision at the close of second 0)", (latencyMs, fillSecond) => {
    const { trades, fold } = run([jump], { maxHoldS: 10 }, idealExecution({ latencyMs }));
    const t = trades[0];
    expect(t.entrySecond).toBe(0);
    expect(t.entryFillSecond).toBe(fillSecond);
    expect(t.entrySpot).toBe(fold.series.price[fillSecond]);
    // the exit is decided at fill + 10 (max hold) and fills the same lag later
    expect(t.exitSecond).toBe(fillSecond + 10 > 13 ? 13 : fillSecond + 10);
  });

  const runaway: LifecycleSpec = { mult: [1, 1.2, ...flat(12, 1.2)] };
  test("slippage: a buy whose price ran beyond the tolerance is a missed entry that still pays fees", () => {
    const exec = idealExecution({ latencyMs: 300, slippageBps: 1000, ...fees });
    const { trades, summary } = run([runaway], { maxHoldS: 10 }, exec);
    expect(trades.length).toBe(0);
    expect(summary.missedEntries).toBe(1);
    expect(summary.pnlSol).toBe(-105_000 / 1e9); // signature + priority fee, no tip
    expect(summary.maxDrawdownSol).toBe(105_000 / 1e9);
    const wide = run([runaway], { maxHoldS: 10 }, idealExecution({ latencyMs: 300, slippageBps: 2500 }));
    expect(wide.trades.length).toBe(1);
    expect(wide.summary.missedEntries).toBe(0);
  });

  test("slippage: a sell beyond the tolerance retries at the next second, re-quoted", () => {
    // dd cap exits at second 5 (0.79); the next close is 20 % lower, then steady.
    const spec: LifecycleSpec = { mult: [1, 1, 1, 1, 1, 0.79, 0.63, 0.62, ...flat(6, 0.62)] };
    const { trades, summary } = run([spec], { ddCap0: 0.2 }, idealExecution({ latencyMs: 300, slippageBps: 500 }));
    const t = trades[0];
    expect(t.exitSecond).toBe(5);
    expect(t.exitReason).toBe("drawdown_cap");
    // attempt 1: sent at the close of 5, lands in 6 (0.63 < 0.79 · 0.95) → fails;
    // attempt 2: sent at the close of 6 quoting 0.63, lands in 7 (0.62 ≥ 0.63 · 0.95) → fills.
    expect(t.sellAttempts).toBe(2);
    expect(t.exitFillSecond).toBe(7);
    expect(summary.sellRetries).toBe(1);
  });

  test("slippage: after maxSellRetries failures the sell goes out unbounded and fills", () => {
    const crash = [1, 1, 1, 1, 1, 0.79, 0.6, 0.45, 0.34, 0.26, 0.2, 0.15, 0.15, 0.15];
    const { trades } = run([{ mult: crash }], { ddCap0: 0.2 }, idealExecution({ latencyMs: 300, slippageBps: 500, maxSellRetries: 3 }));
    expect(trades[0].sellAttempts).toBe(4);
    expect(trades[0].exitFillSecond).toBe(9); // attempts land in 6, 7, 8 (fail) and 9
  });

  test("max concurrent positions across overlapping lifecycles (absolute time)", () => {
    const t0 = 1_750_000_000_000;
    const hold = { mult: flat(60) }; // each holds 30 s (max hold)
    const specs: LifecycleSpec[] = [
      { ...hold, ts: t0 },
      { ...hold, ts: t0 + 10_000 },
      { ...hold, ts: t0 + 20_000 }, // two open → skipped
      { ...hold, ts: t0 + 45_000 }, // the first closed at +31 s → allowed
    ];
    const { trades, summary } = run(specs, { maxHoldS: 30, maxPositions: 2 });
    expect(summary.skippedMaxPositions).toBe(1);
    expect(trades.map((t) => t.lifecycle)).toEqual([0, 1, 3]);
    const all = run(specs, { maxHoldS: 30, maxPositions: 3 });
    expect(all.summary.skippedMaxPositions).toBe(0);
    expect(all.trades.length).toBe(4);
  });
});

describe("fold summary and determinism", () => {
  const fold = buildFold(fabricateLifecycles(120, { seed: 5, seconds: [60, 900], gapMs: [20_000, 200_000] }), "det");
  const feats = computeFoldFeatures(fold);
  const params = { ...defaultParams(), minNetFlowSol: -5, minBuyers: 0, minRvr: 0, maxCreatorSellSol: 50, minPriceChange: -0.9, maxPriceChange: 10 };
  const vec = vectorFromParams(params);
  const exec = executionModel();

  test("same inputs → identical summaries and trades; a reused workspace changes nothing", () => {
    const ws1 = new SimWorkspace();
    const a = summaryToJSON(evaluateVector(fold, feats, vec, exec, ws1, { recordTrades: true }));
    const tradesA = ws1.trades;
    const ws2 = new SimWorkspace();
    evaluateVector(fold, feats, vectorFromParams(defaultParams()), exec, ws2); // dirty the workspace
    const b = summaryToJSON(evaluateVector(fold, feats, vec, exec, ws2, { recordTrades: true }));
    expect(b).toEqual(a);
    expect(ws2.trades).toEqual(tradesA);
    expect(a.trades).toBeGreaterThan(10);
  });

  test("precomputed entry decisions give the same result as scanning", () => {
    const ws = new SimWorkspace();
    const p = compileNamed(params);
    const a = summaryToJSON(simulate(fold, feats, p, exec, ws));
    const entries = scanEntries(fold, feats, p);
    const b = summaryToJSON(simulate(fold, feats, p, exec, ws, { entries }));
    expect({ ...b, ticks_visited: 0 }).toEqual({ ...a, ticks_visited: 0 });
  });

  test("summary identities: counts, PnL, win rate, entries per day, drawdown, CVaR", () => {
    const ws = new SimWorkspace();
    const s = evaluateVector(fold, feats, vec, exec, ws, { recordTrades: true });
    const trades = ws.trades;
    expect(s.trades).toBe(trades.length);
    const sum = trades.reduce((a, t) => a + t.pnlSol, 0);
    expect(s.pnlSol).toBeCloseTo(sum - s.missedEntries * 105_000e-9, 12);
    expect(s.winRate).toBeCloseTo(trades.filter((t) => t.pnlSol > 0).length / trades.length, 12);
    expect(s.entriesPerDay).toBeCloseTo(trades.length / fold.spanDays, 9);
    const worst = trades.map((t) => t.pnlSol).sort((x, y) => x - y).slice(0, Math.ceil(0.05 * trades.length));
    expect(s.cvar5Sol).toBeCloseTo(worst.reduce((a, b) => a + b, 0) / worst.length, 12);
    // drawdown of the time-ordered equity curve
    const events = trades.map((t) => [t.exitTs / 1000, t.pnlSol] as const).sort((x, y) => x[0] - y[0]);
    if (s.missedEntries === 0) {
      let eq = 0;
      let peak = 0;
      let dd = 0;
      for (const [, p] of events) {
        eq += p;
        peak = Math.max(peak, eq);
        dd = Math.max(dd, peak - eq);
      }
      expect(s.maxDrawdownSol).toBeCloseTo(dd, 12);
    }
    let byReason = 0;
    for (const c of s.exitReasonCounts) byReason += c;
    expect(byReason).toBe(s.trades);
    let byPhase = 0;
    for (const c of s.phaseTrades) byPhase += c;
    expect(byPhase).toBe(s.trades);
    let rejects = 0;
    for (const c of s.rejects) rejects += c;
    expect(rejects + s.entrySignals).toBe(fold.count);
    expect(s.entrySignals).toBe(s.trades + s.missedEntries + s.missedNoData + s.skippedMaxPositions);
    expect(s.ticksVisited).toBeLessThan(fold.rows);
  });

  test("a reject ends the lifecycle: at most the observed seconds are visited", () => {
    const p = compileNamed({ ...params, minNetFlowSol: 100 }); // every pool is rejected at the window's end
    const s = simulate(fold, feats, p, exec, new SimWorkspace());
    expect(s.trades).toBe(0);
    let observed = 0;
    for (let k = 0; k < fold.count; k++) observed += Math.min(p.observerWindowS + 1, fold.start[k + 1] - fold.start[k]);
    expect(s.ticksVisited).toBeLessThanOrEqual(observed);
    // with too few buyers in every pool, the scan jumps straight to the decision second
    const strict = simulate(fold, feats, compileNamed({ ...params, minBuyers: 500 }), exec, new SimWorkspace());
    expect(strict.trades).toBe(0);
    expect(strict.ticksVisited).toBe(fold.count);
    expect(s.rejects[RejectReason.LowNetFlow] + s.rejects[RejectReason.CreatorSelling] + s.rejects[RejectReason.PriceCrashed]).toBeGreaterThan(0);
  });
});
