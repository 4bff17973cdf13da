import { describe, expect, test } from "bun:test";
import { buildFold } from "./jsonl";
import type { Fold } from "./types";
import { fabricateLifecycles } from "./fixtures";
import {
  DEFAULT_SPLIT,
  holdoutSize,
  InsufficientDataError,
  planSplit,
  requiredTotalRecords,
  requiredTrainRecords,
  type SplitOptions,
  type SplitPlan,
} from "./split";

/** Split keys only (what planSplit reads): n records, slots strictly increasing, fixed lifecycle length. */
function keys(n: number, opts: { gapMs?: number; seconds?: number; slotOf?: (k: number) => number } = {}) {
  const gap = opts.gapMs ?? 600_000;
  const secs = opts.seconds ?? 60;
  const slot = new Float64Array(n);
  const ts = new Float64Array(n);
  const start = new Uint32Array(n + 1);
  for (let k = 0; k < n; k++) {
    slot[k] = opts.slotOf ? opts.slotOf(k) : 1000 + k * 7;
    ts[k] = 1_750_000_000_000 + k * gap;
    start[k + 1] = start[k]! + secs;
  }
  return { count: n, slot, ts, start };
}

const SPEC: SplitOptions = { minTrainTrades: 10, testWindowTrades: 450, embargoTrades: 40, nRounds: 5, sliding: true, holdoutShare: 0.05 };

function checkInvariants(plan: SplitPlan, o: SplitOptions, k: Pick<Fold, "count" | "slot" | "ts" | "start">): void {
  const N = k.count;
  const T = plan.trainSet.to;
  // holdout: the newest records, strictly newer by slot, at least max(1, ⌊N·share⌋)
  expect(plan.holdout).toEqual({ from: T, to: N });
  expect(plan.trainSet.from).toBe(0);
  expect(N - T).toBeGreaterThanOrEqual(holdoutSize(N, o.holdoutShare));
  expect(k.slot[T]!).toBeGreaterThan(k.slot[T - 1]!);
  // rounds numbered 1..R oldest first, test windows consecutive, last one ends at T
  expect(plan.rounds.map((r) => r.round)).toEqual(Array.from({ length: o.nRounds }, (_, i) => i + 1));
  expect(plan.rounds.at(-1)!.test.to).toBe(T);
  const L = T - o.nRounds * o.testWindowTrades - o.embargoTrades;
  plan.rounds.forEach((r, i) => {
    expect(r.test.to - r.test.from).toBe(o.testWindowTrades);
    if (i > 0) expect(r.test.from).toBe(plan.rounds[i - 1]!.test.to);
    // the embargo gap is exactly as requested, and belongs to neither side
    expect(r.embargo).toEqual({ from: r.test.from - o.embargoTrades, to: r.test.from });
    expect(r.window.to).toBe(r.embargo.from);
    // window shape
    if (o.sliding) {
      expect(r.window.to - r.window.from).toBe(L);
      expect(plan.trainWindow).toBe(L);
    } else {
      expect(r.window.from).toBe(0);
      expect(plan.trainWindow).toBeNull();
    }
    expect(r.window.from).toBeGreaterThanOrEqual(0);
    // train = window minus purged, disjoint from embargo and test, ≥ M
    expect([...r.train, ...r.purged].sort((a, b) => a - b)).toEqual(Array.from({ length: r.window.to - r.window.from }, (_, j) => r.window.from + j));
    for (const t of r.train) {
      expect(t).toBeLessThan(r.embargo.from);
      expect(k.ts[t]! + (k.start[t + 1]! - k.start[t]!) * 1000).toBeLessThanOrEqual(k.ts[r.test.from]!);
    }
    for (const p of r.purged) expect(k.ts[p]! + (k.start[p + 1]! - k.start[p]!) * 1000).toBeGreaterThan(k.ts[r.test.from]!);
    expect(r.train.length).toBeGreaterThanOrEqual(o.minTrainTrades);
    expect(r.test.to).toBeLessThanOrEqual(T);
  });
}

describe("planSplit", () => {
  test("the formula the flags need", () => {
    expect(requiredTrainRecords(SPEC)).toBe(2300);
    expect(requiredTotalRecords(SPEC)).toBe(2421);
    const n = requiredTotalRecords(SPEC);
    expect(n - holdoutSize(n, 0.05)).toBeGreaterThanOrEqual(2300);
    expect(n - 1 - holdoutSize(n - 1, 0.05)).toBeLessThan(2300);
  });

  for (const sliding of [true, false]) {
    test(`spec flags (${sliding ? "sliding" : "expanding"}): invariants at the minimum and with more data`, () => {
      const o = { ...SPEC, sliding };
      for (const n of [2421, 2500, 3001]) {
        const k = keys(n);
        const plan = planSplit(k, o);
        checkInvariants(plan, o, k);
        expect(plan.holdout.to - plan.holdout.from).toBe(holdoutSize(n, 0.05));
        expect(plan.rounds.every((r) => r.purged.length === 0)).toBe(true);
      }
    });
  }

  test("exact windows for the spec flags at N = 2500, sliding", () => {
    const plan = planSplit(keys(2500), SPEC);
    // H = 125, T = 2375, L = 2375 − 2250 − 40 = 85
    expect(plan.holdout).toEqual({ from: 2375, to: 2500 });
    expect(plan.trainWindow).toBe(85);
    expect(plan.rounds.map((r) => [r.window.from, r.window.to, r.embargo.from, r.test.from, r.test.to])).toEqual([
      [0, 85, 85, 125, 575],
      [450, 535, 535, 575, 1025],
      [900, 985, 985, 1025, 1475],
      [1350, 1435, 1435, 1475, 1925],
      [1800, 1885, 1885, 1925, 2375],
    ]);
  });

  test("small variants, both modes, many sizes", () => {
    const variants: Omit<SplitOptions, "sliding">[] = [
      { minTrainTrades: 3, testWindowTrades: 5, embargoTrades: 2, nRounds: 3, holdoutShare: 0.05 },
      { minTrainTrades: 1, testWindowTrades: 1, embargoTrades: 0, nRounds: 1, holdoutShare: 0 },
      { minTrainTrades: 4, testWindowTrades: 7, embargoTrades: 3, nRounds: 4, holdoutShare: 0.2 },
      { minTrainTrades: 10, testWindowTrades: 20, embargoTrades: 0, nRounds: 2, holdoutShare: 0.1 },
    ];
    for (const v of variants) {
      for (const sliding of [true, false]) {
        const o = { ...v, sliding };
        const min = requiredTotalRecords(o);
        expect(() => planSplit(keys(min - 1), o)).toThrow(InsufficientDataError);
        for (let n = min; n < min + 25; n++) {
          const k = keys(n);
          checkInvariants(planSplit(k, o), o, k);
        }
      }
    }
  });

  test("purge by time: train lifecycles running into the test window are dropped and counted", () => {
    // migrations 60 s apart, lifecycles 150 s long: the last ⌈150/60⌉ − 1 = 2 records before the
    // test start (embargo 0) end after it.
    const o: SplitOptions = { minTrainTrades: 3, testWindowTrades: 5, embargoTrades: 0, nRounds: 2, sliding: false, holdoutShare: 0.1 };
    const k = keys(40, { gapMs: 60_000, seconds: 150 });
    const plan = planSplit(k, o);
    checkInvariants(plan, o, k);
    for (const r of plan.rounds) expect(r.purged).toEqual([r.test.from - 2, r.test.from - 1]);
    // with an embargo of 2 records the overlap is gone
    const p2 = planSplit(k, { ...o, embargoTrades: 2 });
    for (const r of p2.rounds) expect(r.purged).toEqual([]);
    // a lifecycle exactly ending at the test start is kept (spans are half-open)
    const k3 = keys(40, { gapMs: 60_000, seconds: 60 });
    for (const r of planSplit(k3, o).rounds) expect(r.purged).toEqual([]);
    // one long lifecycle far back is purged too (by time, not by index)
    const k4 = keys(40, { gapMs: 60_000, seconds: 30 });
    const long = 10;
    const extra = 40 * 60; // seconds: reaches 40 minutes ahead
    for (let j = long + 1; j <= 40; j++) k4.start[j] = k4.start[j]! + extra;
    const p4 = planSplit(k4, o);
    const r1 = p4.rounds[0]!;
    expect(r1.purged).toEqual(k4.ts[long]! + (30 + extra) * 1000 > k4.ts[r1.test.from]! ? [long] : []);
    expect(r1.purged).toEqual([long]);
  });

  test("purge measures the test window from its earliest migration (ts may wobble against slot)", () => {
    const o: SplitOptions = { minTrainTrades: 3, testWindowTrades: 5, embargoTrades: 0, nRounds: 1, sliding: false, holdoutShare: 0.1 };
    const k = keys(30, { gapMs: 60_000, seconds: 50 });
    const plan = planSplit(k, o);
    const t = plan.rounds[0]!.test;
    expect(plan.rounds[0]!.purged).toEqual([]);
    k.ts[t.from + 2] = k.ts[t.from]! - 30_000; // a later slot with an earlier clock
    expect(planSplit(k, o).rounds[0]!.purged).toEqual([t.from - 1]);
  });

  test("purging below --min-train-trades is an error naming the round", () => {
    const o: SplitOptions = { minTrainTrades: 3, testWindowTrades: 2, embargoTrades: 0, nRounds: 1, sliding: false, holdoutShare: 0.1 };
    const k = keys(8, { gapMs: 1000, seconds: 100 });
    expect(() => planSplit(k, o)).toThrow(/round 1's train window holds 5 records, 5 of them purged.*leaving 0 < --min-train-trades 3/);
  });

  test("holdout is strictly newer by slot: ties at the boundary widen it", () => {
    // 100 records, share 0.05 → 5; records 93..99 share one slot → holdout becomes 7
    const k = keys(100, { slotOf: (i) => (i >= 93 ? 5000 : 1000 + i) });
    const o: SplitOptions = { minTrainTrades: 2, testWindowTrades: 10, embargoTrades: 1, nRounds: 3, sliding: true, holdoutShare: 0.05 };
    const plan = planSplit(k, o);
    expect(plan.holdout).toEqual({ from: 93, to: 100 });
    expect(plan.holdoutTies).toBe(2);
    checkInvariants(plan, o, k);
    // all in one slot: no holdout can be strictly newer
    expect(() => planSplit(keys(50, { slotOf: () => 7 }), o)).toThrow(/none is older than the newest/);
  });

  test("too little data: a message with what was found and the formula", () => {
    let err: Error | null = null;
    try {
      planSplit(keys(2420), SPEC);
    } catch (e) {
      err = e as Error;
    }
    expect(err).toBeInstanceOf(InsufficientDataError);
    expect(err!.message).toContain("found 2420, of which 2299 form the train set after holding out the newest 121");
    expect(err!.message).toContain("5·450 + 40 + 10 = 2300");
    expect(err!.message).toContain("at least 2421 records in all");
    expect(() => planSplit(keys(0), SPEC)).toThrow(/found 0/);
  });

  test("counts train_set lifecycles still running at the holdout start", () => {
    const k = keys(30, { gapMs: 10_000, seconds: 25 }); // each overlaps the next two
    const plan = planSplit(k, { minTrainTrades: 2, testWindowTrades: 3, embargoTrades: 3, nRounds: 2, sliding: false, holdoutShare: 0.1 });
    expect(plan.holdoutOverlap).toBe(2);
  });

  test("works on a real fold from buildFold", () => {
    const fold = buildFold(fabricateLifecycles(60, { seed: 4, seconds: [5, 9] }), "x");
    const o = { ...DEFAULT_SPLIT, testWindowTrades: 10, embargoTrades: 2, nRounds: 3, minTrainTrades: 5, sliding: true };
    const plan = planSplit(fold, o);
    checkInvariants(plan, o, fold);
  });
});
