/**
 * The optimizer's kernels decide exactly as lib/strategy's scans: entryRow ≡ scanEntry's entry
 * row, scanExitRules(all rules) ≡ scanExit (row and running state), scanExitBlocked ≡
 * scanExitRules for every rule mask, and min(fixed rules, varying rules) ≡ all rules.
 */
import { describe, expect, test } from "bun:test";
import { buildFold, fabricateLifecycles } from "../dataset/index";
import { computeFoldFeatures } from "../features/index";
import { fromUnit, PARAM_COUNT } from "../params/schema";
import { migrationPrice, scanEntries } from "../sim/index";
import { compileParams } from "../strategy/compile";
import { openPosition, PositionState, scanExit } from "../strategy/exits";
import { ExitReason } from "../strategy/types";
import { createRng } from "../util/rng";
import { buildBlockTables, buildEntryIndex, entryRow, entryRows, RULES_ALL, scanExitBlocked, scanExitRules } from "./kernels";

const fold = buildFold(fabricateLifecycles(120, { seed: 9, seconds: [60, 1500], gapMs: [30_000, 200_000] }), "k");
const feats = computeFoldFeatures(fold);
const rng = createRng(17);
const randomParams = () => {
  const u = new Float64Array(PARAM_COUNT);
  for (let k = 0; k < PARAM_COUNT; k++) u[k] = rng.next();
  return compileParams(fromUnit(u));
};

describe("entryRow", () => {
  test("entryRow and entryRows equal scanEntry's decision on every lifecycle for 300 random parameter sets", () => {
    const idx = buildEntryIndex(feats, fold.start, fold.count);
    const price0 = Float64Array.from({ length: fold.count }, (_, k) => migrationPrice(fold, k));
    let entered = 0;
    for (let c = 0; c < 300; c++) {
      const p = randomParams();
      if (c % 2 === 0) {
        // permissive variants so that plenty of lifecycles enter
        p.minBuyers = Math.floor(p.minBuyers / 20);
        p.minNetFlowSol = -20;
        p.minRvr = p.minRvr / 10;
        p.maxPriceMult = 11;
      }
      const ref = scanEntries(fold, feats, p);
      const batch = new Int32Array(fold.count);
      entryRows(feats, idx, fold.start, fold.count, price0, p, batch);
      for (let k = 0; k < fold.count; k++) {
        expect(batch[k]).toBe(ref[k] >= 0 ? ref[k] : -1);
        const got = entryRow(feats, idx, k, fold.start[k], fold.start[k + 1], migrationPrice(fold, k), p);
        expect(got).toBe(ref[k] >= 0 ? ref[k] : -1);
        if (got >= 0) entered++;
      }
    }
    expect(entered).toBeGreaterThan(1000);
  });
});

describe("exit scans", () => {
  const bt = buildBlockTables(feats, fold.rows);
  const pos = new PositionState();
  const cases: { k: number; f: number; stop: number; p: ReturnType<typeof compileParams> }[] = [];
  for (let c = 0; c < 400; c++) {
    const p = randomParams();
    const k = rng.int(fold.count);
    const s = fold.start[k];
    const last = fold.start[k + 1] - 1;
    const f = s + rng.int(Math.max(1, Math.min(60, last - s)));
    cases.push({ k, f, stop: Math.min(f + p.maxHoldS, last), p });
  }

  test("scanExitRules with every rule ≡ scanExit (exit row and running state)", () => {
    const ref = new PositionState();
    let fired = 0;
    for (const { k, f, stop, p } of cases) {
      openPosition(ref, feats, fold.start[k], f, feats.price[f] * 1.01, p);
      const reason = scanExit(ref, feats, f + 1, stop, p);
      openPosition(pos, feats, fold.start[k], f, feats.price[f] * 1.01, p);
      const row = scanExitRules(pos, feats, f + 1, stop, p, RULES_ALL);
      expect(row).toBe(reason === ExitReason.Hold ? -1 : ref.exitRow);
      expect(pos.peakPrice).toBe(ref.peakPrice);
      expect(pos.lastHighRow).toBe(ref.lastHighRow);
      expect(pos.peakQuote).toBe(ref.peakQuote);
      if (row >= 0) fired++;
    }
    expect(fired).toBeGreaterThan(100);
  });

  test("scanExitBlocked ≡ scanExitRules for random rule masks, and fixed ∪ varying = all", () => {
    for (const { k, f, stop, p } of cases) {
      for (let m = 0; m < 6; m++) {
        const mask = m === 0 ? RULES_ALL : 1 + rng.int(RULES_ALL);
        openPosition(pos, feats, fold.start[k], f, feats.price[f], p);
        const a = scanExitRules(pos, feats, f + 1, stop, p, mask);
        openPosition(pos, feats, fold.start[k], f, feats.price[f], p);
        const b = scanExitBlocked(pos, feats, bt, f + 1, stop, p, mask);
        expect(b).toBe(a);
        // split: the exit of all rules is the earlier of the two halves' exits
        openPosition(pos, feats, fold.start[k], f, feats.price[f], p);
        const all = scanExitBlocked(pos, feats, bt, f + 1, stop, p, RULES_ALL);
        openPosition(pos, feats, fold.start[k], f, feats.price[f], p);
        const fixed = scanExitBlocked(pos, feats, bt, f + 1, stop, p, RULES_ALL & ~mask);
        const limit = fixed >= 0 ? fixed - 1 : stop;
        openPosition(pos, feats, fold.start[k], f, feats.price[f], p);
        const varying = scanExitBlocked(pos, feats, bt, f + 1, limit, p, mask);
        expect(varying >= 0 ? varying : fixed).toBe(all);
      }
    }
  });
});
