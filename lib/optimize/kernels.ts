/**
 * The optimizer's specialised forms of the strategy's batch scans — the same decisions as
 * lib/strategy `scanEntry` / `scanExit`, rearranged so that work a candidate does not need is
 * never done. kernels.test.ts pins each to its lib/strategy reference over thousands of random
 * parameter sets (every exit family on its own, too).
 *
 * `entryRow` — scanEntry's entry row, without the reject reason (the optimizer scores trades,
 * not rejections). Cheap exact rejections come first, from monotone columns (creatorSellCum and
 * buyersCum never decrease within a pool, priceMinCum never increases) and from per-lifecycle
 * prefix extrema over the observer window (`EntryIndex`): if even the best value of a column over
 * [start, horizon] misses its threshold, no second in the (narrower) scan range can enter.
 * Binary searches run only when the cheap tests cannot settle it.
 *
 * `scanExitBlocked` — scanExit with a rule mask, skipping blocks of rows in which no enabled rule
 * can fire. An exit fires at the first second where ANY rule fires; the rules never change the
 * position's state (peak, last high, peak reserve, phase are functions of the path since the
 * fill), so with R = F ∪ V (fixed / varying rules)
 *     firstFire(R) = min(firstFire(F), firstFire(V)).
 * A sweep stage that varies one group scans the fixed rules once per trade (B = firstFire(F)) and
 * each candidate scans only the rules of its group, and only up to B − 1. The exit *reason* can
 * differ from scanExit's when two rules fire in the same second, but the exit second — all the
 * score needs — is exactly the same. (A scan with every rule is scanExit itself.)
 */
import type { FeatureColumns } from "../features/columns";
import type { StrategyParams } from "../strategy/compile";
import type { PositionState } from "../strategy/exits";

// ─── exit rules ──────────────────────────────────────────────────────────────────────────────

export const RULE_SHOCK = 1;
export const RULE_WHALE = 2;
export const RULE_PANIC = 4;
export const RULE_CREATOR = 8;
export const RULE_LIQUIDITY = 16;
export const RULE_DRAWDOWN = 32;
export const RULE_TRAIL = 64;
export const RULE_REVERSAL = 128;
export const RULE_CHURN = 256;
export const RULE_MAX_HOLD = 512;
export const RULES_ALL = 1023;

/**
 * Which exit rules read each parameter group. `phase` decides Chaos (shock, drawdown, reversal)
 * and the phase itself (trail widths, churn); entry and sizing.maxPositions read no exit rule;
 * sizing.buySol moves the entry price, so it touches every rule (the evaluator treats it apart).
 */
export const GROUP_RULES: Readonly<Record<string, number>> = {
  entry: 0,
  phase: RULE_SHOCK | RULE_DRAWDOWN | RULE_TRAIL | RULE_REVERSAL | RULE_CHURN,
  shock: RULE_SHOCK,
  dd: RULE_DRAWDOWN,
  trail: RULE_TRAIL,
  reversal: RULE_REVERSAL,
  churn: RULE_CHURN,
  creator: RULE_CREATOR | RULE_LIQUIDITY,
  panic: RULE_WHALE | RULE_PANIC,
  sizing: 0,
  hold: RULE_MAX_HOLD,
};

// ─── entries ─────────────────────────────────────────────────────────────────────────────────

type NumArrayCtor<T> = { new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): T; BYTES_PER_ELEMENT: number };
/** A typed array over a fresh ArrayBuffer, or a SharedArrayBuffer (tables shared by worker threads). */
function alloc<T>(Ctor: NumArrayCtor<T>, length: number, shared: boolean): T {
  const bytes = Math.max(1, length) * Ctor.BYTES_PER_ELEMENT;
  return new Ctor(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes), 0, length);
}

/** Longest observer window the schema allows (observerWindowS ≤ 300, entryDelayS ≤ 120 ≤ window after repair). */
export const ENTRY_SPAN = 301;

/**
 * Per-lifecycle prefix extrema over the first ENTRY_SPAN seconds of a fold (data only: built once
 * per fold). Lifecycle k's second i (i < span_k) is at k·ENTRY_SPAN + i.
 */
export interface EntryIndex {
  /** Seconds indexed per lifecycle: min(ENTRY_SPAN, rows of the lifecycle). */
  span: Int32Array;
  maxNetFlow: Float32Array;
  maxRvr: Float32Array;
  minPrice: Float64Array;
  /**
   * The same extrema per aligned block of BLOCK fold rows (all rows), for skipping blocks of the
   * entry scan. NaN counts as passing (+∞ for the maxima, −∞ for the minimum): scanEntry's tests
   * are "below the threshold → wait", which a NaN never is.
   */
  blockMaxNetFlow: Float32Array;
  blockMaxRvr: Float32Array;
  blockMinPrice: Float64Array;
  /**
   * Second-major copy for the quick rejections of `entryRows`: at (i·count + k)·4 the values of
   * lifecycle k's second min(i, span_k − 1): buyersCum, max netFlowCum, max rvr, min close since
   * second 0. A candidate reads one second i for every lifecycle, so the pass is sequential.
   */
  quick: Float64Array;
  count: number;
}

export function buildEntryIndex(c: FeatureColumns, start: ArrayLike<number>, count: number, shared = false): EntryIndex {
  const span = alloc(Int32Array, count, shared);
  const maxNetFlow = alloc(Float32Array, count * ENTRY_SPAN, shared);
  const maxRvr = alloc(Float32Array, count * ENTRY_SPAN, shared);
  const minPrice = alloc(Float64Array, count * ENTRY_SPAN, shared);
  for (let k = 0; k < count; k++) {
    const s = start[k];
    const n = Math.min(ENTRY_SPAN, start[k + 1] - s);
    span[k] = n;
    let mf = -Infinity;
    let mr = -Infinity;
    let mp = Infinity;
    for (let i = 0; i < n; i++) {
      const row = s + i;
      // A NaN passes scanEntry's "below threshold" tests, so it must never let the index reject.
      const f = c.netFlowCum[row];
      const r = c.rvr[row];
      const x = c.price[row];
      if (f !== f) mf = Infinity;
      else if (f > mf) mf = f;
      if (r !== r) mr = Infinity;
      else if (r > mr) mr = r;
      if (x !== x) mp = -Infinity;
      else if (x < mp) mp = x;
      maxNetFlow[k * ENTRY_SPAN + i] = mf;
      maxRvr[k * ENTRY_SPAN + i] = mr;
      minPrice[k * ENTRY_SPAN + i] = mp;
    }
  }
  const rows = start[count];
  const nb = (rows + BLOCK - 1) >> BLOCK_SHIFT;
  const blockMaxNetFlow = alloc(Float32Array, nb, shared).fill(-Infinity);
  const blockMaxRvr = alloc(Float32Array, nb, shared).fill(-Infinity);
  const blockMinPrice = alloc(Float64Array, nb, shared).fill(Infinity);
  for (let row = 0; row < rows; row++) {
    const b = row >> BLOCK_SHIFT;
    const f = c.netFlowCum[row];
    const r = c.rvr[row];
    const x = c.price[row];
    if (f !== f) blockMaxNetFlow[b] = Infinity;
    else if (f > blockMaxNetFlow[b]) blockMaxNetFlow[b] = f;
    if (r !== r) blockMaxRvr[b] = Infinity;
    else if (r > blockMaxRvr[b]) blockMaxRvr[b] = r;
    if (x !== x) blockMinPrice[b] = -Infinity;
    else if (x < blockMinPrice[b]) blockMinPrice[b] = x;
  }
  const quick = alloc(Float64Array, ENTRY_SPAN * count * 4, shared);
  for (let k = 0; k < count; k++) {
    const n = span[k];
    for (let i = 0; i < ENTRY_SPAN; i++) {
      const j = n > 0 ? (i < n ? i : n - 1) : -1;
      const q = (i * count + k) * 4;
      if (j < 0) {
        quick[q] = -Infinity; // no rows: rejected before the index is read
        continue;
      }
      quick[q] = c.buyersCum[start[k] + j];
      quick[q + 1] = maxNetFlow[k * ENTRY_SPAN + j];
      quick[q + 2] = maxRvr[k * ENTRY_SPAN + j];
      quick[q + 3] = minPrice[k * ENTRY_SPAN + j];
    }
  }
  return { span, maxNetFlow, maxRvr, minPrice, blockMaxNetFlow, blockMaxRvr, blockMinPrice, quick, count };
}

/**
 * entryRow for every lifecycle of the fold (out[k] = entry row or −1), with the quick
 * rejections done first in one sequential pass over `idx.quick`: the scan range of every
 * lifecycle ends at second min(window, span − 1), the same second for all of them, so its
 * buyers, prefix maxima of net flow and RVR and prefix minimum of the close are adjacent in
 * memory. A lifecycle they reject makes no other memory access.
 */
export function entryRows(c: FeatureColumns, idx: EntryIndex, start: ArrayLike<number>, count: number, price0: Float64Array, p: StrategyParams, out: Int32Array): void {
  const wOff = p.observerWindowS > p.entryDelayS ? p.observerWindowS : p.entryDelayS;
  const quick = idx.quick;
  const minBuyers = p.minBuyers;
  const minNetFlow = p.minNetFlowSol;
  const minRvr = p.minRvr;
  const maxPriceMult = p.maxPriceMult;
  if (wOff >= ENTRY_SPAN) {
    for (let k = 0; k < count; k++) out[k] = start[k + 1] > start[k] ? entryRow(c, idx, k, start[k], start[k + 1], price0[k], p) : -1;
    return;
  }
  let q = wOff * count * 4;
  for (let k = 0; k < count; k++, q += 4) {
    // buyersCum[horizon] < minBuyers, or a prefix extremum over [start, horizon] misses its bound
    if (quick[q] < minBuyers || quick[q + 1] < minNetFlow || quick[q + 2] < minRvr || quick[q + 3] > price0[k] * maxPriceMult || !(start[k + 1] > start[k])) {
      out[k] = -1;
      continue;
    }
    out[k] = entryRow(c, idx, k, start[k], start[k + 1], price0[k], p);
  }
}

/**
 * scanEntry's decision for lifecycle k (rows [startRow, endRow), endRow > startRow): the entry row,
 * or −1 when the observer rejects or the data ends first. Same comparisons as scanEntry.
 */
export function entryRow(c: FeatureColumns, idx: EntryIndex, k: number, startRow: number, endRow: number, price0: number, p: StrategyParams): number {
  const lastRow = endRow - 1;
  const delayRow = startRow + p.entryDelayS;
  const windowRow = startRow + (p.observerWindowS > p.entryDelayS ? p.observerWindowS : p.entryDelayS);
  const horizon = windowRow < lastRow ? windowRow : lastRow;
  const lo0 = delayRow > startRow ? delayRow : startRow;
  if (lo0 > horizon) return -1; // nothing to scan: a rejection, the window's end or no data
  const buyersCum = c.buyersCum;
  const minBuyers = p.minBuyers;
  // Every row that may enter lies in [lo0, horizon]; quick exact rejections from monotone
  // columns and prefix extrema over [startRow, horizon] ⊇ that range.
  if (buyersCum[horizon] < minBuyers) return -1;
  const h = horizon - startRow; // < span_k for params inside the schema bounds (window ≤ 300 s)
  const minNetFlow = p.minNetFlowSol;
  const minRvr = p.minRvr;
  const capPrice = price0 * p.maxPriceMult;
  if (h < idx.span[k]) {
    const base = k * ENTRY_SPAN + h;
    if (idx.maxNetFlow[base] < minNetFlow || idx.maxRvr[base] < minRvr || idx.minPrice[base] > capPrice) return -1;
  }

  // First rejection by creator selling or a crash (rows ≤ horizon), as scanEntry finds them.
  const creatorSellCum = c.creatorSellCum;
  const maxCreatorSell = p.maxCreatorSellSol;
  let lo: number;
  let hi: number;
  let creatorRow: number;
  if (!(creatorSellCum[horizon] > maxCreatorSell)) creatorRow = horizon + 1;
  else {
    lo = startRow;
    hi = horizon + 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (creatorSellCum[mid] > maxCreatorSell) hi = mid;
      else lo = mid + 1;
    }
    creatorRow = lo;
  }
  const priceMinCum = c.priceMinCum;
  const floorPrice = price0 * p.minPriceMult;
  let crashRow: number;
  if (creatorRow === startRow || !(priceMinCum[creatorRow - 1] < floorPrice)) crashRow = creatorRow;
  else {
    lo = startRow;
    hi = creatorRow;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (priceMinCum[mid] < floorPrice) hi = mid;
      else lo = mid + 1;
    }
    crashRow = lo;
  }
  const rejectRow = crashRow < creatorRow ? crashRow : creatorRow;
  hi = rejectRow < horizon + 1 ? rejectRow : horizon + 1;
  const scanEnd = hi;
  lo = lo0;
  if (lo >= scanEnd) return -1;
  if (!(buyersCum[lo] >= minBuyers)) {
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (buyersCum[mid] >= minBuyers) hi = mid;
      else lo = mid + 1;
    }
  }
  const price = c.price;
  const netFlowCum = c.netFlowCum;
  const rvr = c.rvr;
  const bNet = idx.blockMaxNetFlow;
  const bRvr = idx.blockMaxRvr;
  const bPrice = idx.blockMinPrice;
  // Rows lo..scanEnd−1 in aligned blocks; a block where some condition fails on every row is
  // skipped (the buyers condition holds from lo on: buyersCum never decreases).
  let row = lo;
  while (row < scanEnd) {
    const b = row >> BLOCK_SHIFT;
    const blockEnd = (b + 1) << BLOCK_SHIFT;
    const end = blockEnd < scanEnd ? blockEnd : scanEnd;
    if (bNet[b] < minNetFlow || bRvr[b] < minRvr || bPrice[b] > capPrice) {
      row = end;
      continue;
    }
    for (; row < end; row++) {
      if (netFlowCum[row] < minNetFlow || buyersCum[row] < minBuyers || price[row] > capPrice || rvr[row] < minRvr) continue;
      return row;
    }
  }
  return -1;
}

// ─── block skipping ──────────────────────────────────────────────────────────────────────────

/** Rows per block of the fold-wide block tables (a power of two). */
export const BLOCK_SHIFT = 4;
export const BLOCK = 1 << BLOCK_SHIFT;
/** Blocks per super block (a second, coarser level of the same tables), as a shift. */
export const SUPER_SHIFT = 4;
const SUPER_MASK = (1 << SUPER_SHIFT) - 1;
/** Rows per super block. */
export const SUPER = BLOCK << SUPER_SHIFT;

/**
 * Per-block extrema of the columns the exit rules read, over aligned blocks of BLOCK fold rows
 * (data only: built once per fold). NaN values are left out: a NaN never fires a rule nor
 * raises a running peak, so leaving it out keeps every bound valid.
 */
export interface BlockTables {
  minPx: Float64Array;
  maxPx: Float64Array;
  /** First row in the block holding maxPx (−1 when the block has no number). */
  argMaxPx: Int32Array;
  minQuote: Float64Array;
  maxQuote: Float64Array;
  /**
   * min over the block's rows of close ÷ (highest close from the block's first row to that row):
   * with the running peak P before the block, every row's close ÷ running peak is at least
   * min(minPx ÷ P, minRatioIn) — a drawdown bound that does not mistake a rising block for a fall.
   */
  minRatioIn: Float64Array;
  /** The same for the SOL reserve (exit-liquidity rule). */
  minQuoteRatioIn: Float64Array;
  maxWhale: Float32Array;
  maxSellRatio: Float32Array;
  maxSellVol: Float32Array;
  minMom5: Float32Array;
  maxRed: Float32Array;
  minVol: Float32Array;
  /** The same extrema over super blocks of SUPER rows (null in the super level itself). */
  super: BlockTables | null;
}

export function buildBlockTables(c: FeatureColumns, rows: number, shared = false, shift = BLOCK_SHIFT): BlockTables {
  const size = 1 << shift;
  const n = (rows + size - 1) >> shift;
  const t: BlockTables = {
    minPx: alloc(Float64Array, n, shared).fill(Infinity),
    maxPx: alloc(Float64Array, n, shared).fill(-Infinity),
    argMaxPx: alloc(Int32Array, n, shared).fill(-1),
    minQuote: alloc(Float64Array, n, shared).fill(Infinity),
    maxQuote: alloc(Float64Array, n, shared).fill(-Infinity),
    minRatioIn: alloc(Float64Array, n, shared).fill(Infinity),
    minQuoteRatioIn: alloc(Float64Array, n, shared).fill(Infinity),
    maxWhale: alloc(Float32Array, n, shared).fill(-Infinity),
    maxSellRatio: alloc(Float32Array, n, shared).fill(-Infinity),
    maxSellVol: alloc(Float32Array, n, shared).fill(-Infinity),
    minMom5: alloc(Float32Array, n, shared).fill(Infinity),
    maxRed: alloc(Float32Array, n, shared).fill(-Infinity),
    minVol: alloc(Float32Array, n, shared).fill(Infinity),
    super: shift === BLOCK_SHIFT ? buildBlockTables(c, rows, shared, BLOCK_SHIFT + SUPER_SHIFT) : null,
  };
  for (let row = 0; row < rows; row++) {
    const b = row >> shift;
    const px = c.price[row];
    if (px < t.minPx[b]) t.minPx[b] = px;
    if (px > t.maxPx[b]) {
      t.maxPx[b] = px;
      t.argMaxPx[b] = row;
    }
    // maxPx so far is the block's prefix maximum at this row
    const r = px / t.maxPx[b];
    if (r < t.minRatioIn[b]) t.minRatioIn[b] = r;
    const q = c.quoteReserve[row];
    if (q < t.minQuote[b]) t.minQuote[b] = q;
    if (q > t.maxQuote[b]) t.maxQuote[b] = q;
    const rq = q / t.maxQuote[b];
    if (rq < t.minQuoteRatioIn[b]) t.minQuoteRatioIn[b] = rq;
    if (c.whaleDump[row] > t.maxWhale[b]) t.maxWhale[b] = c.whaleDump[row];
    if (c.sellRatio10[row] > t.maxSellRatio[b]) t.maxSellRatio[b] = c.sellRatio10[row];
    if (c.sellVol10[row] > t.maxSellVol[b]) t.maxSellVol[b] = c.sellVol10[row];
    if (c.mom5[row] < t.minMom5[b]) t.minMom5[b] = c.mom5[row];
    if (c.redStreak[row] > t.maxRed[b]) t.maxRed[b] = c.redStreak[row];
    if (c.volatility10[row] < t.minVol[b]) t.minVol[b] = c.volatility10[row];
  }
  return t;
}

/** Relative margin on the multiplicative skip bounds (rounding of one product is ~1e-16). */
const SKIP_MARGIN = 1 + 1e-9;

/**
 * lib/strategy scanExit restricted to the rules in `mask` (RULE_*), over rows from..stop
 * (inclusive), from the state `openPosition` left in `pos`: the first row where an enabled rule
 * fires, or −1 when none fires up to `stop`. Only the rows of aligned blocks in which some enabled
 * rule could fire are visited. A block is skipped when, for every enabled rule, a bound from the
 * block tables and the running state proves it cannot fire in any of the block's rows (rule by
 * rule in the comments below; multiplicative bounds carry SKIP_MARGIN so that rounding can never
 * make a skip wrong). A skipped whole block advances the running state from the tables exactly as
 * the row scan would; the partial block at the start is skipped only when it cannot change that
 * state (no new high, no new reserve peak), the one at the end whenever it cannot fire. Rows that
 * are visited get scanExit's comparisons, with the same operands in the same order. `pos` is left
 * as openPosition set it (callers only need the row).
 */
export function scanExitBlocked(pos: PositionState, c: FeatureColumns, bt: BlockTables, from: number, stop: number, p: StrategyParams, mask: number): number {
  if (from > stop) return -1;
  const price = c.price;
  const quote = c.quoteReserve;
  const fillRow = pos.fillRow;
  const chaosEndRow = pos.startRow + p.chaosAgeS;
  const matureRow = pos.startRow + p.matureAgeS;
  const maturePrice = pos.maturePrice;
  const trendingPrice = pos.trendingPrice;

  const shockOn = (mask & RULE_SHOCK) !== 0;
  const whaleOn = (mask & RULE_WHALE) !== 0;
  const panicOn = (mask & RULE_PANIC) !== 0;
  const creatorOn = (mask & RULE_CREATOR) !== 0 && p.creatorExitOnSell;
  const liqOn = (mask & RULE_LIQUIDITY) !== 0;
  const ddOn = (mask & RULE_DRAWDOWN) !== 0;
  const trailOn = (mask & RULE_TRAIL) !== 0;
  const revOn = (mask & RULE_REVERSAL) !== 0;
  const churnOn = (mask & RULE_CHURN) !== 0;
  const holdOn = (mask & RULE_MAX_HOLD) !== 0;

  const whaleDump = c.whaleDump;
  const sellRatio10 = c.sellRatio10;
  const sellVol10 = c.sellVol10;
  const creatorSellCum = c.creatorSellCum;
  const volatility10 = c.volatility10;
  const mom5 = c.mom5;
  const redStreak = c.redStreak;

  const shockWindow = p.shockWindowS;
  const shockKeep = 1 - p.shockDrop;
  const shockKeepChaos = 1 - p.shockDropChaos;
  const whaleFrac = p.whaleDumpFrac;
  const panicRatio = p.panicSellRatio;
  const panicMinSol = p.panicMinSellSol;
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
  const w0 = p.trailWidthByPhase[0];
  const w1 = p.trailWidthByPhase[1];
  const w2 = p.trailWidthByPhase[2];
  const w3 = p.trailWidthByPhase[3];
  const volK = p.trailVolK;
  const reversalArmPrice = pos.reversalArmPrice;
  const reversalInChaos = p.reversalInChaos;
  const momDrop = -p.reversalMomDrop;
  const redNeeded = p.reversalRedStreak;
  const churnNoHigh = p.churnNoHighS;
  const churnMatureNoHigh = p.churnMatureNoHighS;
  const progressPrice = pos.progressPrice;
  const maxHoldRow = fillRow + p.maxHoldS;

  // Skip bounds.
  const shockKeepMax = (shockKeep > shockKeepChaos ? shockKeep : shockKeepChaos) * SKIP_MARGIN;
  const ddKeepMax = Math.max(keep0, keep1, keep2, keepChaos0, keepChaos1, keepChaos2) * SKIP_MARGIN;
  const wMin = Math.min(w0, w1, w2, w3);
  const churnMin = churnNoHigh < churnMatureNoHigh ? churnNoHigh : churnMatureNoHigh;
  const liqKeepBound = liqKeep * SKIP_MARGIN;
  const maxPxT = bt.maxPx;
  const maxQT = bt.maxQuote;
  const sb = bt.super;

  let peak = pos.peakPrice;
  let lastHighRow = pos.lastHighRow;
  let peakQuote = pos.peakQuote;
  const lastBlock = stop >> BLOCK_SHIFT;
  // The skip test below appears twice, for a super block and for a block; the two copies differ
  // only in the table and the rows they bound (a shared function was measured 2× slower).
  for (let b = from >> BLOCK_SHIFT; b <= lastBlock; b++) {
    const bs = b << BLOCK_SHIFT;
    // A whole super block inside [from, stop]: test it at once.
    if (sb !== null && (b & SUPER_MASK) === 0 && bs >= from && bs + SUPER - 1 <= stop) {
      const si = b >> SUPER_SHIFT;
      const sbe = bs + SUPER - 1;
      let mayS = false;
    {
      const maxPx = sb.maxPx[si];
      // Running peaks within the rows lie in [peak, peakA].
      const peakA = maxPx > peak ? maxPx : peak;
      const minPx = sb.minPx[si];
      mayS =
        // max hold: row ≥ maxHoldRow
        (holdOn && sbe >= maxHoldRow) ||
        // drawdown: close ÷ running peak ≥ min(minPx ÷ peak before, in-block ratio) > largest keep
        (ddOn && !(minPx > peak * ddKeepMax && sb.minRatioIn[si] > ddKeepMax)) ||
        // whale / panic: thresholds on the data itself
        (whaleOn && sb.maxWhale[si] >= whaleFrac) ||
        (panicOn && sb.maxSellRatio[si] >= panicRatio && sb.maxSellVol[si] >= panicMinSol) ||
        // churn: row − lastHigh ≤ hi − (last high before the rows)
        (churnOn && sbe - lastHighRow >= churnMin) ||
        // reversal: armed, allowed in the phase, momentum low and red streak long enough somewhere
        (revOn && peakA >= reversalArmPrice && (reversalInChaos || sbe >= chaosEndRow) && sb.minMom5[si] <= momDrop && sb.maxRed[si] >= redNeeded);
      if (!mayS && creatorOn) {
        // creator: SOL sold since entry never decreases; test it at the last row
        const sold = creatorSellCum[sbe] - creatorAtEntry;
        mayS = sold > 0 && sold >= creatorMinSol;
      }
      if (!mayS && trailOn && peakA >= trailArmPrice) {
        // trail: the width is at least the narrowest phase width at the lowest volatility
        let width = wMin * (1 + volK * sb.minVol[si]);
        if (width > 0.95) width = 0.95;
        const keep = (1 - width) * SKIP_MARGIN;
        mayS = !(minPx > peak * keep && sb.minRatioIn[si] > keep);
      }
      if (!mayS && shockOn) {
        // shock: the reference closes are rows max(row − W, fill) for the rows tested; the fine
        // blocks holding them bound them from above
        let rlo = bs - shockWindow;
        if (rlo < fillRow) rlo = fillRow;
        let rhi = sbe - shockWindow;
        if (rhi < fillRow) rhi = fillRow;
        let ref = -Infinity;
        for (let j = rlo >> BLOCK_SHIFT; j <= rhi >> BLOCK_SHIFT; j++) if (maxPxT[j] > ref) ref = maxPxT[j];
        mayS = !(minPx > ref * shockKeepMax);
      }
      // exit liquidity: reserve ÷ running reserve peak, bounded like the drawdown ratio
      if (!mayS && liqOn) mayS = !(sb.minQuote[si] > peakQuote * liqKeepBound && sb.minQuoteRatioIn[si] > liqKeepBound);
    }
      if (!mayS) {
        if (sb.maxPx[si] > peak) {
          peak = sb.maxPx[si];
          lastHighRow = sb.argMaxPx[si];
        }
        if (liqOn && sb.maxQuote[si] > peakQuote) peakQuote = sb.maxQuote[si];
        b += SUPER_MASK;
        continue;
      }
    }
    const be = bs + BLOCK - 1;
    const lo = bs < from ? from : bs;
    const hi = be > stop ? stop : be;
    let may = false;
    {
      const maxPx = bt.maxPx[b];
      // Running peaks within the rows lie in [peak, peakA].
      const peakA = maxPx > peak ? maxPx : peak;
      const minPx = bt.minPx[b];
      may =
        // max hold: row ≥ maxHoldRow
        (holdOn && hi >= maxHoldRow) ||
        // drawdown: close ÷ running peak ≥ min(minPx ÷ peak before, in-block ratio) > largest keep
        (ddOn && !(minPx > peak * ddKeepMax && bt.minRatioIn[b] > ddKeepMax)) ||
        // whale / panic: thresholds on the data itself
        (whaleOn && bt.maxWhale[b] >= whaleFrac) ||
        (panicOn && bt.maxSellRatio[b] >= panicRatio && bt.maxSellVol[b] >= panicMinSol) ||
        // churn: row − lastHigh ≤ hi − (last high before the rows)
        (churnOn && hi - lastHighRow >= churnMin) ||
        // reversal: armed, allowed in the phase, momentum low and red streak long enough somewhere
        (revOn && peakA >= reversalArmPrice && (reversalInChaos || hi >= chaosEndRow) && bt.minMom5[b] <= momDrop && bt.maxRed[b] >= redNeeded);
      if (!may && creatorOn) {
        // creator: SOL sold since entry never decreases; test it at the last row
        const sold = creatorSellCum[hi] - creatorAtEntry;
        may = sold > 0 && sold >= creatorMinSol;
      }
      if (!may && trailOn && peakA >= trailArmPrice) {
        // trail: the width is at least the narrowest phase width at the lowest volatility
        let width = wMin * (1 + volK * bt.minVol[b]);
        if (width > 0.95) width = 0.95;
        const keep = (1 - width) * SKIP_MARGIN;
        may = !(minPx > peak * keep && bt.minRatioIn[b] > keep);
      }
      if (!may && shockOn) {
        // shock: the reference closes are rows max(row − W, fill) for the rows tested; the fine
        // blocks holding them bound them from above
        let rlo = lo - shockWindow;
        if (rlo < fillRow) rlo = fillRow;
        let rhi = hi - shockWindow;
        if (rhi < fillRow) rhi = fillRow;
        let ref = -Infinity;
        for (let j = rlo >> BLOCK_SHIFT; j <= rhi >> BLOCK_SHIFT; j++) if (maxPxT[j] > ref) ref = maxPxT[j];
        may = !(minPx > ref * shockKeepMax);
      }
      // exit liquidity: reserve ÷ running reserve peak, bounded like the drawdown ratio
      if (!may && liqOn) may = !(bt.minQuote[b] > peakQuote * liqKeepBound && bt.minQuoteRatioIn[b] > liqKeepBound);
    }
    if (!may) {
      if (lo === bs && hi === be) {
        // A whole block: advance the running state as the row scan would.
        if (maxPxT[b] > peak) {
          peak = maxPxT[b];
          lastHighRow = bt.argMaxPx[b];
        }
        if (liqOn && maxQT[b] > peakQuote) peakQuote = maxQT[b];
        continue;
      }
      if (hi === stop) return -1; // the last (partial) block cannot fire
      // The first, partial block: skip only when it cannot move the running state.
      if (!(maxPxT[b] > peak) && !(liqOn && maxQT[b] > peakQuote)) continue;
    }
    // The rules of lib/strategy/exits.ts scanExit (decideExit), masked; kernels.test.ts pins each exit family to it.
    for (let row = lo; row <= hi; row++) {
      const px = price[row];
      if (px > peak) {
        peak = px;
        lastHighRow = row;
      }
      const q = quote[row];
      if (liqOn && q > peakQuote) peakQuote = q;
      const chaos = row < chaosEndRow;
      if (shockOn) {
        const back = row - shockWindow;
        if (px <= price[back > fillRow ? back : fillRow] * (chaos ? shockKeepChaos : shockKeep)) return row;
      }
      if (whaleOn && whaleDump[row] >= whaleFrac) return row;
      if (panicOn && sellRatio10[row] >= panicRatio && sellVol10[row] >= panicMinSol) return row;
      if (creatorOn) {
        const sold = creatorSellCum[row] - creatorAtEntry;
        if (sold > 0 && sold >= creatorMinSol) return row;
      }
      if (liqOn && q <= peakQuote * liqKeep) return row;
      if (ddOn) {
        const keep = peak >= tier2Price ? (chaos ? keepChaos2 : keep2) : peak >= tier1Price ? (chaos ? keepChaos1 : keep1) : chaos ? keepChaos0 : keep0;
        if (px <= peak * keep) return row;
      }
      if (trailOn && peak >= trailArmPrice) {
        // width by phase: Chaos, Mature, Trending, Discovery (lib/strategy/types Phase)
        const wPhase = chaos ? w0 : row >= matureRow || peak >= maturePrice ? w3 : peak >= trendingPrice ? w2 : w1;
        let width = wPhase * (1 + volK * volatility10[row]);
        if (width > 0.95) width = 0.95;
        if (px <= peak * (1 - width)) return row;
      }
      if (revOn && peak >= reversalArmPrice && (!chaos || reversalInChaos) && mom5[row] <= momDrop && redStreak[row] >= redNeeded) return row;
      if (churnOn) {
        if (!chaos && (row >= matureRow || peak >= maturePrice)) {
          if (row - lastHighRow >= churnMatureNoHigh) return row;
        } else if (row - lastHighRow >= churnNoHigh && peak < progressPrice) return row;
      }
      if (holdOn && row >= maxHoldRow) return row;
    }
  }
  return -1;
}

// ─── whole-trade bounds (split stages) ───────────────────────────────────────────────────────

/**
 * Exact extrema of one trade's rows from..to (the rows after the fill up to the fixed rules'
 * exit, in a sweep stage where entries, fills and entry prices are fixed), from the running state
 * at the fill: the same quantities the block tables hold, but for exactly these rows and with
 * the true running peaks. `tradeMayFire` tests a candidate's rules against them in O(1); when no
 * rule can fire, the trade's exit is the fixed rules' exit without visiting a row.
 */
export class TradeBounds {
  from = 0;
  to = -1;
  minPx = Infinity;
  maxPeak = -Infinity;
  /** min over rows of close ÷ running peak (the peak starting at the fill close). */
  minRatio = Infinity;
  /** min over rows of SOL reserve ÷ running reserve peak (starting at the fill row's reserve). */
  minQuoteRatio = Infinity;
  /** max over rows of row − (row of the last new high). */
  maxGap = -Infinity;
  maxWhale = -Infinity;
  maxSellRatio = -Infinity;
  maxSellVol = -Infinity;
  minMom5 = Infinity;
  maxRed = -Infinity;
  minVol = Infinity;
  /** max over the rows of the closes a shock rule may compare with (rows fill..to). */
  maxRefPx = -Infinity;
}

export function computeTradeBounds(pos: PositionState, c: FeatureColumns, from: number, to: number, out: TradeBounds = new TradeBounds()): TradeBounds {
  out.from = from;
  out.to = to;
  let peak = pos.peakPrice;
  let lastHigh = pos.lastHighRow;
  let peakQuote = pos.peakQuote;
  let minPx = Infinity;
  let minRatio = Infinity;
  let minQuoteRatio = Infinity;
  let maxGap = -Infinity;
  let maxWhale = -Infinity;
  let maxSellRatio = -Infinity;
  let maxSellVol = -Infinity;
  let minMom5 = Infinity;
  let maxRed = -Infinity;
  let minVol = Infinity;
  let maxRefPx = c.price[pos.fillRow];
  for (let row = from; row <= to; row++) {
    const px = c.price[row];
    if (px > peak) {
      peak = px;
      lastHigh = row;
    }
    if (px > maxRefPx) maxRefPx = px;
    if (px < minPx) minPx = px;
    const r = px / peak;
    if (r < minRatio) minRatio = r;
    const q = c.quoteReserve[row];
    if (q > peakQuote) peakQuote = q;
    const rq = q / peakQuote;
    if (rq < minQuoteRatio) minQuoteRatio = rq;
    if (row - lastHigh > maxGap) maxGap = row - lastHigh;
    if (c.whaleDump[row] > maxWhale) maxWhale = c.whaleDump[row];
    if (c.sellRatio10[row] > maxSellRatio) maxSellRatio = c.sellRatio10[row];
    if (c.sellVol10[row] > maxSellVol) maxSellVol = c.sellVol10[row];
    if (c.mom5[row] < minMom5) minMom5 = c.mom5[row];
    if (c.redStreak[row] > maxRed) maxRed = c.redStreak[row];
    if (c.volatility10[row] < minVol) minVol = c.volatility10[row];
  }
  out.minPx = minPx;
  out.maxPeak = peak;
  out.minRatio = minRatio;
  out.minQuoteRatio = minQuoteRatio;
  out.maxGap = maxGap;
  out.maxWhale = maxWhale;
  out.maxSellRatio = maxSellRatio;
  out.maxSellVol = maxSellVol;
  out.minMom5 = minMom5;
  out.maxRed = maxRed;
  out.minVol = minVol;
  out.maxRefPx = maxRefPx;
  return out;
}

/**
 * May a rule in `mask` fire in the trade's rows t.from..t.to, for params `p` and a position opened
 * at `entryPrice` in `fillRow` (lifecycle starting at `startRow`)? false = proven impossible, with
 * the block bounds' reasoning applied to exact whole-trade extrema. NaN rows never fire and are
 * left out of the extrema (a NaN ratio compares false), so the bounds stay valid.
 */
export function tradeMayFire(t: TradeBounds, p: StrategyParams, mask: number, entryPrice: number, fillRow: number, startRow: number, creatorSellCum: Float32Array, creatorAtEntry: number): boolean {
  const to = t.to;
  if (to < t.from) return false;
  if ((mask & RULE_MAX_HOLD) !== 0 && to >= fillRow + p.maxHoldS) return true;
  if ((mask & RULE_DRAWDOWN) !== 0) {
    const keepMax = Math.max(1 - p.ddCapByTier[0], 1 - p.ddCapByTier[1], 1 - p.ddCapByTier[2], 1 - p.ddCapChaosByTier[0], 1 - p.ddCapChaosByTier[1], 1 - p.ddCapChaosByTier[2]) * SKIP_MARGIN;
    if (!(t.minRatio > keepMax)) return true;
  }
  if ((mask & RULE_WHALE) !== 0 && t.maxWhale >= p.whaleDumpFrac) return true;
  if ((mask & RULE_PANIC) !== 0 && t.maxSellRatio >= p.panicSellRatio && t.maxSellVol >= p.panicMinSellSol) return true;
  if ((mask & RULE_CHURN) !== 0 && t.maxGap >= Math.min(p.churnNoHighS, p.churnMatureNoHighS)) return true;
  if (
    (mask & RULE_REVERSAL) !== 0 &&
    t.maxPeak >= entryPrice * p.reversalMinRunUp &&
    (p.reversalInChaos || to >= startRow + p.chaosAgeS) &&
    t.minMom5 <= -p.reversalMomDrop &&
    t.maxRed >= p.reversalRedStreak
  )
    return true;
  if ((mask & RULE_CREATOR) !== 0 && p.creatorExitOnSell) {
    const sold = creatorSellCum[to] - creatorAtEntry;
    if (sold > 0 && sold >= p.creatorExitSellSol) return true;
  }
  if ((mask & RULE_TRAIL) !== 0 && t.maxPeak >= entryPrice * p.trailActivationRunUp) {
    const w = p.trailWidthByPhase;
    let width = Math.min(w[0], w[1], w[2], w[3]) * (1 + p.trailVolK * t.minVol);
    if (width > 0.95) width = 0.95;
    if (!(t.minRatio > (1 - width) * SKIP_MARGIN)) return true;
  }
  if ((mask & RULE_SHOCK) !== 0) {
    const keep = Math.max(1 - p.shockDrop, 1 - p.shockDropChaos) * SKIP_MARGIN;
    if (!(t.minPx > t.maxRefPx * keep)) return true;
  }
  if ((mask & RULE_LIQUIDITY) !== 0 && !(t.minQuoteRatio > (1 - p.exitLiqDrop) * SKIP_MARGIN)) return true;
  return false;
}
