/**
 * The optimizer's kernels decide exactly as lib/strategy's scans: entryRow ≡ scanEntry's entry
 * row; scanExitBlocked(all rules) ≡ scanExit's exit row; scanExitBlocked(mask) ≡ scanExit with
 * the families outside the mask switched off, for every exit family alone and random masks; and
 * min(fixed rules, varying rules) ≡ all rules.
 */
import { describe, expect, test } from "bun:test";
import { buildFold, fabricateLifecycles } from "../dataset/index";
import { computeFoldFeatures } from "../features/index";
import { fromUnit, PARAM_COUNT } from "../params/schema";
import { migrationPrice, scanEntries } from "../sim/index";
import { compileParams, type StrategyParams } from "../strategy/compile";
import { openPosition, PositionState, scanExit } from "../strategy/exits";
import { ExitReason } from "../strategy/types";
import { createRng } from "../util/rng";
import { buildBlockTables, buildEntryIndex, entryRow, entryRows, RULE_CHURN, RULE_CREATOR, RULE_DRAWDOWN, RULE_LIQUIDITY, RULE_MAX_HOLD, RULE_PANIC, RULE_REVERSAL, RULE_SHOCK, RULE_TRAIL, RULE_WHALE, RULES_ALL, scanExitBlocked } from "./kernels";

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

/**
 * A copy of `vec`'s params with every exit family outside `mask` switched off (a threshold no
 * value reaches: NaN comparisons and ±∞ bounds are false), so that lib/strategy's own scanExit is
 * the reference for a masked scan.
 */
function onlyRules(vec: Float64Array, mask: number): StrategyParams {
  const q = compileParams(vec);
  if (!(mask & RULE_SHOCK)) q.shockDrop = q.shockDropChaos = Infinity;
  if (!(mask & RULE_WHALE)) q.whaleDumpFrac = Infinity;
  if (!(mask & RULE_PANIC)) q.panicSellRatio = Infinity;
  if (!(mask & RULE_CREATOR)) q.creatorExitOnSell = false;
  if (!(mask & RULE_LIQUIDITY)) q.exitLiqDrop = Infinity;
  if (!(mask & RULE_DRAWDOWN)) {
    q.ddCapByTier.fill(Infinity);
    q.ddCapChaosByTier.fill(Infinity);
  }
  if (!(mask & RULE_TRAIL)) q.trailActivationRunUp = Infinity;
  if (!(mask & RULE_REVERSAL)) q.reversalMinRunUp = Infinity;
  if (!(mask & RULE_CHURN)) q.churnNoHighS = q.churnMatureNoHighS = Infinity;
  if (!(mask & RULE_MAX_HOLD)) q.maxHoldS = Infinity;
  return q;
}

/** RULE_* bit of an exit reason (the bits follow the ExitReason order). */
const ruleOf = (reason: number) => 1 << (reason - 1);

describe("exit scans", () => {
  const bt = buildBlockTables(feats, fold.rows);
  const pos = new PositionState();
  const ref = new PositionState();
  const cases: { k: number; f: number; stop: number; vec: Float64Array; p: StrategyParams }[] = [];
  for (let c = 0; c < 400; c++) {
    const u = new Float64Array(PARAM_COUNT);
    for (let k = 0; k < PARAM_COUNT; k++) u[k] = rng.next();
    const vec = fromUnit(u);
    const p = compileParams(vec);
    const k = rng.int(fold.count);
    const s = fold.start[k];
    const last = fold.start[k + 1] - 1;
    const f = s + rng.int(Math.max(1, Math.min(60, last - s)));
    cases.push({ k, f, stop: Math.min(f + p.maxHoldS, last), vec, p });
  }
  /** lib/strategy's exit row (−1: none) with only the families in `mask`. */
  const refRow = (k: number, f: number, stop: number, vec: Float64Array, mask: number, entryPrice: number) => {
    const q = onlyRules(vec, mask);
    openPosition(ref, feats, fold.start[k], f, entryPrice, q);
    return scanExit(ref, feats, f + 1, stop, q) === ExitReason.Hold ? -1 : ref.exitRow;
  };

  test("scanExitBlocked with every rule ≡ scanExit (exit row), and the firing family alone exits there", () => {
    let fired = 0;
    const byReason = new Set<number>();
    for (const { k, f, stop, p } of cases) {
      const entryPrice = feats.price[f] * 1.01;
      openPosition(ref, feats, fold.start[k], f, entryPrice, p);
      const reason = scanExit(ref, feats, f + 1, stop, p);
      openPosition(pos, feats, fold.start[k], f, entryPrice, p);
      const row = scanExitBlocked(pos, feats, bt, f + 1, stop, p, RULES_ALL);
      expect(row).toBe(reason === ExitReason.Hold ? -1 : ref.exitRow);
      if (row >= 0) {
        fired++;
        byReason.add(reason);
        openPosition(pos, feats, fold.start[k], f, entryPrice, p);
        expect(scanExitBlocked(pos, feats, bt, f + 1, stop, p, ruleOf(reason))).toBe(row);
      }
    }
    expect(fired).toBeGreaterThan(100);
    expect(byReason.size).toBeGreaterThanOrEqual(6);
  });

  test("each exit family alone ≡ scanExit with every other family switched off; every family fires", () => {
    for (let bit = RULE_SHOCK; bit <= RULE_MAX_HOLD; bit <<= 1) {
      let fired = 0;
      for (const { k, f, stop, vec, p } of cases) {
        const entryPrice = feats.price[f];
        const want = refRow(k, f, stop, vec, bit, entryPrice);
        openPosition(pos, feats, fold.start[k], f, entryPrice, p);
        expect(scanExitBlocked(pos, feats, bt, f + 1, stop, p, bit)).toBe(want);
        if (want >= 0) fired++;
      }
      expect({ rule: bit, fires: fired > 0 }).toEqual({ rule: bit, fires: true });
    }
  });

  test("scanExitBlocked ≡ scanExit for random rule masks, and fixed ∪ varying = all", () => {
    for (const { k, f, stop, vec, p } of cases) {
      for (let m = 0; m < 6; m++) {
        const mask = m === 0 ? RULES_ALL : 1 + rng.int(RULES_ALL);
        const a = refRow(k, f, stop, vec, mask, feats.price[f]);
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
