/**
 * The feature engine: ONE incremental implementation, second by second, used by
 *  - `computeFoldFeatures` (./fold.ts), which runs it over every lifecycle of a fold once, and
 *  - the live position actor, which owns one `FeatureEngine` per watched pool and pushes one
 *    closed second (`SecondBar`) at a time.
 * Both end in `stepFeatures`, so a pool's features are the same numbers in the backtest and live.
 *
 * Nothing here allocates per second: volume windows are exact running sums in whole lamports (the
 * chain's unit, so nothing drifts), running totals live in a small FeatureState, and the
 * TickSnapshot is one preallocated object refilled in place.
 */
import { LAMPORTS_PER_SOL } from "../amm";
import {
  allocateInputs,
  allocateOutputs,
  FEATURE_NAMES,
  INPUT_NAMES,
  type FeatureColumns,
  type FeatureInputs,
  type FeatureOutputs,
} from "./columns";



/** Running totals of one pool, carried from second to second. */
export class FeatureState {
  netFlow = 0;
  buyers = 0;
  creatorSell = 0;
  peakPrice = 0;
  minPrice = Infinity;
  peakQuote = 0;
  redStreak = 0;
  /** Window sums in lamports (integers). */
  buy10 = 0;
  sell10 = 0;
  creator10 = 0;
  vol60 = 0;
  /** The last 10 absolute one-second returns (a ring indexed by nRet % 10) and how many so far. */
  readonly absRet = new Float64Array(10);
  nRet = 0;

  reset(): void {
    this.netFlow = 0;
    this.buyers = 0;
    this.creatorSell = 0;
    this.peakPrice = 0;
    this.minPrice = Infinity;
    this.peakQuote = 0;
    this.redStreak = 0;
    this.buy10 = 0;
    this.sell10 = 0;
    this.creator10 = 0;
    this.vol60 = 0;
    this.nRet = 0;
  }
}

/**
 * Compute the features of `row` (second `row − start` of the pool whose second 0 is row `start`)
 * from the inputs at rows start..row and the running state (which it advances). Rows must be
 * stepped in order from `start`, with `st` reset at `start`.
 */
export function stepFeatures(st: FeatureState, c: FeatureColumns, start: number, row: number): void {
  const t = row - start;
  const price = c.price[row];
  const quote = c.quoteReserve[row];
  const buy = c.buySol[row];
  const sell = c.sellSol[row];

  st.netFlow += buy - sell;
  st.buyers += c.newBuyers[row];
  st.creatorSell += c.creatorSellSol[row];
  if (price > st.peakPrice) st.peakPrice = price;
  if (price < st.minPrice) st.minPrice = price;
  if (quote > st.peakQuote) st.peakQuote = quote;
  if (t > 0) {
    const prev = c.price[row - 1];
    if (price < prev) st.redStreak += 1;
    else if (price > prev) st.redStreak = 0;
  } else st.redStreak = 0;

  // Volume windows as whole-lamport running sums: integer arithmetic in doubles is exact, so
  // adding the new second and subtracting the one that left the window never drifts (a window that
  // emptied is exactly 0), and a second costs O(1) instead of a 60-row pass.
  const buyL = Math.round(buy * LAMPORTS_PER_SOL);
  const sellL = Math.round(sell * LAMPORTS_PER_SOL);
  st.buy10 += buyL;
  st.sell10 += sellL;
  st.creator10 += Math.round(c.creatorSellSol[row] * LAMPORTS_PER_SOL);
  st.vol60 += buyL + sellL;
  if (t >= 10) {
    const out = row - 10;
    st.buy10 -= Math.round(c.buySol[out] * LAMPORTS_PER_SOL);
    st.sell10 -= Math.round(c.sellSol[out] * LAMPORTS_PER_SOL);
    st.creator10 -= Math.round(c.creatorSellSol[out] * LAMPORTS_PER_SOL);
  }
  if (t >= 60) {
    const out = row - 60;
    st.vol60 -= Math.round(c.buySol[out] * LAMPORTS_PER_SOL) + Math.round(c.sellSol[out] * LAMPORTS_PER_SOL);
  }
  // Volatility: mean |1 s return| over the last 10 returns. Each return is computed once into a
  // ring; the mean re-adds the ring in a fixed order (returns are not integers: no running sum).
  if (t === 0) st.nRet = 0;
  else {
    const p0 = c.price[row - 1];
    const ret = p0 > 0 ? price / p0 - 1 : 0; // prices are > 0 in valid data
    st.absRet[st.nRet % 10] = ret < 0 ? -ret : ret;
    st.nRet++;
  }
  const nRet = st.nRet < 10 ? st.nRet : 10;
  let absRet = 0;
  for (let k = 0; k < nRet; k++) absRet += st.absRet[(st.nRet - nRet + k) % 10];
  const span10 = t + 1 < 10 ? t + 1 : 10;
  const span60 = t + 1 < 60 ? t + 1 : 60;
  const vol10L = st.buy10 + st.sell10;

  c.priceMinCum[row] = st.minPrice;
  c.netFlowCum[row] = st.netFlow;
  c.buyersCum[row] = st.buyers;
  c.creatorSellCum[row] = st.creatorSell;
  c.creatorSell10[row] = st.creator10 / LAMPORTS_PER_SOL;
  c.buyVol10[row] = st.buy10 / LAMPORTS_PER_SOL;
  c.sellVol10[row] = st.sell10 / LAMPORTS_PER_SOL;
  c.vol60[row] = st.vol60 / LAMPORTS_PER_SOL;
  c.rvr[row] = st.vol60 > 0 ? vol10L / span10 / (st.vol60 / span60) : 0;
  const ref5 = c.price[row - 5 > start ? row - 5 : start];
  const ref15 = c.price[row - 15 > start ? row - 15 : start];
  c.mom5[row] = ref5 > 0 ? price / ref5 - 1 : 0;
  c.mom15[row] = ref15 > 0 ? price / ref15 - 1 : 0;
  c.volatility10[row] = nRet > 0 ? absRet / nRet : 0;
  c.redStreak[row] = st.redStreak;
  c.drawdownFromHigh[row] = st.peakPrice > 0 ? 1 - price / st.peakPrice : 0;
  c.liqDrawdown[row] = st.peakQuote > 0 ? 1 - quote / st.peakQuote : 0;
  c.sellRatio10[row] = vol10L > 0 ? st.sell10 / vol10L : 0;
  const poolBefore = t > 0 ? c.quoteReserve[row - 1] : quote;
  c.whaleDump[row] = poolBefore > 0 ? c.maxSellSol[row] / poolBefore : 0;
}

/** One closed second of a pool, as the live actor aggregates it from flow and tick events. */
export type SecondBar = { [K in keyof FeatureInputs]: number };

/** Every input and feature of one second, by name, for decision records and people. */
export class TickSnapshot implements Record<keyof FeatureColumns, number> {
  /** Row in the engine's columns (what lib/strategy decisions take). */
  row = 0;
  /** Seconds since migration. */
  t = 0;
  price = 0;
  quoteReserve = 0;
  buySol = 0;
  sellSol = 0;
  nBuys = 0;
  nSells = 0;
  newBuyers = 0;
  creatorSellSol = 0;
  maxSellSol = 0;
  priceMinCum = 0;
  netFlowCum = 0;
  buyersCum = 0;
  creatorSellCum = 0;
  creatorSell10 = 0;
  buyVol10 = 0;
  sellVol10 = 0;
  vol60 = 0;
  rvr = 0;
  mom5 = 0;
  mom15 = 0;
  volatility10 = 0;
  redStreak = 0;
  drawdownFromHigh = 0;
  liqDrawdown = 0;
  sellRatio10 = 0;
  whaleDump = 0;

  /** Refill from a row of any feature columns (no allocation). */
  fill(c: FeatureColumns, row: number, start: number): this {
    this.row = row;
    this.t = row - start;
    this.price = c.price[row];
    this.quoteReserve = c.quoteReserve[row];
    this.buySol = c.buySol[row];
    this.sellSol = c.sellSol[row];
    this.nBuys = c.nBuys[row];
    this.nSells = c.nSells[row];
    this.newBuyers = c.newBuyers[row];
    this.creatorSellSol = c.creatorSellSol[row];
    this.maxSellSol = c.maxSellSol[row];
    this.priceMinCum = c.priceMinCum[row];
    this.netFlowCum = c.netFlowCum[row];
    this.buyersCum = c.buyersCum[row];
    this.creatorSellCum = c.creatorSellCum[row];
    this.creatorSell10 = c.creatorSell10[row];
    this.buyVol10 = c.buyVol10[row];
    this.sellVol10 = c.sellVol10[row];
    this.vol60 = c.vol60[row];
    this.rvr = c.rvr[row];
    this.mom5 = c.mom5[row];
    this.mom15 = c.mom15[row];
    this.volatility10 = c.volatility10[row];
    this.redStreak = c.redStreak[row];
    this.drawdownFromHigh = c.drawdownFromHigh[row];
    this.liqDrawdown = c.liqDrawdown[row];
    this.sellRatio10 = c.sellRatio10[row];
    this.whaleDump = c.whaleDump[row];
    return this;
  }

  /** A plain copy (allocates: for logs and decision records, not the hot path). */
  toJSON(): Record<string, number> {
    return { ...this } as unknown as Record<string, number>;
  }
}

/**
 * Features of one live pool, appended second by second. Its columns start at row 0 = the
 * migration second, so `decide…(…, engine.columns, engine.row, …)` in lib/strategy reads it
 * exactly as the simulator reads a fold.
 *
 * @example
 * const engine = new FeatureEngine();
 * const bar = { price, quoteReserve, buySol, sellSol, nBuys, nSells, newBuyers, creatorSellSol, maxSellSol };
 * const snap = engine.push(bar);          // once per closed second
 * if (snap.whaleDump > 0.1) log.warn({ snap: snap.toJSON() }, "whale sell");
 */
export class FeatureEngine {
  private cols: FeatureColumns;
  private capacity: number;
  private count = 0;
  private readonly state = new FeatureState();
  /** The last second's values, refilled in place by each push. */
  readonly snapshot = new TickSnapshot();

  /** `capacity`: rows preallocated (4096 s ≈ 68 min); grows by doubling beyond it. */
  constructor(capacity = 4096) {
    this.capacity = Math.max(16, capacity);
    this.cols = { ...allocateInputs(this.capacity), ...allocateOutputs(this.capacity) };
  }

  /** The columns decisions read (valid rows 0..row). Re-read after a push: growth swaps arrays. */
  get columns(): FeatureColumns {
    return this.cols;
  }
  /** Row of the last pushed second (−1 before the first push). */
  get row(): number {
    return this.count - 1;
  }
  /** Seconds pushed so far. */
  get length(): number {
    return this.count;
  }

  /** Append the next closed second and compute its features. */
  push(bar: SecondBar): TickSnapshot {
    if (this.count === this.capacity) this.grow();
    const row = this.count;
    const c = this.cols;
    c.price[row] = bar.price;
    c.quoteReserve[row] = bar.quoteReserve;
    c.buySol[row] = bar.buySol;
    c.sellSol[row] = bar.sellSol;
    c.nBuys[row] = bar.nBuys;
    c.nSells[row] = bar.nSells;
    c.newBuyers[row] = bar.newBuyers;
    c.creatorSellSol[row] = bar.creatorSellSol;
    c.maxSellSol[row] = bar.maxSellSol;
    if (row === 0) this.state.reset();
    stepFeatures(this.state, c, 0, row);
    this.count = row + 1;
    return this.snapshot.fill(c, row, 0);
  }

  reset(): void {
    this.count = 0;
    this.state.reset();
  }

  private grow(): void {
    const next = this.capacity * 2;
    const cols = { ...allocateInputs(next), ...allocateOutputs(next) } as FeatureColumns;
    for (const name of INPUT_NAMES) (cols[name] as Float64Array).set(this.cols[name]);
    for (const name of FEATURE_NAMES) (cols[name] as Float32Array | Float64Array).set(this.cols[name]);
    this.cols = cols;
    this.capacity = next;
  }
}

export type { FeatureColumns, FeatureInputs, FeatureOutputs };
