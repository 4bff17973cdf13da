import { describe, expect, test } from "bun:test";
import { buildFold, fabricateLifecycles } from "../dataset/index";
import { makeFold, PRICE0 } from "../sim/fixtures";
import { computeFoldFeatures, FEATURE_NAMES, FeatureEngine, INPUT_NAMES, type SecondBar } from "./index";

describe("feature engine", () => {
  test("incremental engine (live) == precomputed fold columns, exactly, for every feature and second", () => {
    const lifecycles = fabricateLifecycles(25, { seed: 11, seconds: [1, 160] });
    const fold = buildFold(lifecycles, "features");
    const cols = computeFoldFeatures(fold);
    let compared = 0;
    for (let k = 0; k < fold.count; k++) {
      const engine = new FeatureEngine(16); // small: exercises growth
      const bar: SecondBar = { price: 0, quoteReserve: 0, buySol: 0, sellSol: 0, nBuys: 0, nSells: 0, newBuyers: 0, creatorSellSol: 0, maxSellSol: 0 };
      for (let row = fold.start[k]; row < fold.start[k + 1]; row++) {
        for (const name of INPUT_NAMES) bar[name] = fold.series[name][row];
        const snap = engine.push(bar);
        expect(snap.t).toBe(row - fold.start[k]);
        for (const name of FEATURE_NAMES) {
          const live = engine.columns[name][engine.row];
          if (!Object.is(live, cols[name][row]) || !Object.is(snap[name], live)) {
            throw new Error(`${name} differs at lifecycle ${k} second ${row - fold.start[k]}: live ${live} snapshot ${snap[name]} fold ${cols[name][row]}`);
          }
          compared++;
        }
      }
    }
    expect(compared).toBe(fold.rows * FEATURE_NAMES.length);
  });

  test("shared columns for workers", () => {
    const fold = buildFold(fabricateLifecycles(3, { seed: 2 }), "s");
    const cols = computeFoldFeatures(fold, { shared: true });
    expect(cols.rvr.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(cols.price).toBe(fold.series.price); // inputs alias the fold
  });

  test("hand-computed values on a small pool", () => {
    // seconds:        0    1    2    3    4    5    6
    const mult = [1, 1.1, 1.0, 0.9, 0.9, 0.95, 0.8];
    const fold = makeFold([
      {
        mult,
        buySol: [2, 1, 0, 0, 0, 0, 0],
        sellSol: [0, 0, 1, 2, 0, 0, 3],
        newBuyers: [3, 1, 0, 0, 0, 0, 0],
        creatorSellSol: [0, 0, 0, 0.5, 0, 0, 0],
        maxSellSol: [0, 0, 1, 1.5, 0, 0, 3],
      },
    ]);
    const c = computeFoldFeatures(fold);
    const f32 = Math.fround;
    expect(Array.from(c.netFlowCum)).toEqual([2, 3, 2, 0, 0, 0, -3]);
    expect(Array.from(c.buyersCum)).toEqual([3, 4, 4, 4, 4, 4, 4]);
    expect(Array.from(c.creatorSellCum)).toEqual([0, 0, 0, 0.5, 0.5, 0.5, 0.5]);
    expect(Array.from(c.redStreak)).toEqual([0, 0, 1, 2, 2, 0, 1]);
    expect(c.sellRatio10[6]).toBe(f32(6 / 9));
    expect(c.mom5[6]).toBe(f32(0.8 / 1.1 - 1));
    expect(c.mom5[3]).toBe(f32(0.9 / 1 - 1)); // younger than 5 s: vs second 0
    expect(c.drawdownFromHigh[6]).toBe(f32(1 - 0.8 / 1.1));
    // whale dump: 3 SOL sold against the reserve at the close of second 5
    expect(c.whaleDump[6]).toBe(f32(3 / fold.series.quoteReserve[5]));
    // rvr at second 6: both windows cover 7 s, so it is 1 whenever there is volume
    expect(c.rvr[6]).toBe(1);
    expect(c.volatility10[1]).toBe(f32(Math.abs(1.1 * PRICE0 / PRICE0 - 1)));
  });

  test("rvr compares the 10 s rate with the 60 s rate", () => {
    const n = 70;
    const buy = new Array<number>(n).fill(0);
    for (let i = 60; i < 70; i++) buy[i] = 6; // a burst in the last 10 s of 70
    const fold = makeFold([{ mult: new Array<number>(n).fill(1), buySol: buy }]);
    const c = computeFoldFeatures(fold);
    // last 10 s: 60 SOL → 6/s; last 60 s: 60 SOL → 1/s
    expect(c.rvr[69]).toBe(6);
    expect(c.vol60[69]).toBe(60);
  });
});
