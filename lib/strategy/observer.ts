/**
 * The entry observer: watches a freshly migrated pool from second 0 and, at the close of each
 * second t, enters, keeps waiting, or rejects with a reason: a function of (observer state, that
 * second's features, params) that touches nothing else. The live actor calls observeEntry each
 * second; the simulator calls scanEntry, its batch form, tested to decide identically.
 *
 * Rules at the close of second t (t = row − startRow), in this order:
 *  1. creator sold more than maxCreatorSellSol since migration      → reject CreatorSelling
 *  2. price below (1 + minPriceChange) × migration price            → reject PriceCrashed
 *  3. t < entryDelayS                                               → wait
 *  4. the first unmet condition, if any, is the blocker:
 *       netFlowCum < minNetFlowSol → LowNetFlow; buyersCum < minBuyers → FewBuyers;
 *       price above (1 + maxPriceChange) × migration price → PriceTooHigh; rvr < minRvr → LowVolume
 *     no blocker                                                   → enter
 *  5. a blocker at t ≥ observerWindowS                              → reject with the blocker
 *     otherwise                                                     → wait
 * The migration price is the pool's price when it was created (quote ÷ base reserves of the
 * migration event), passed in by the caller.
 */
import type { FeatureColumns } from "../features/columns";
import type { StrategyParams } from "./compile";
import { EntryDecision, RejectReason } from "./types";

export class ObserverState {
  /** Row of the pool's second 0 in the feature columns. */
  startRow = 0;
  /** Migration price, SOL per token: the reference for the price band. */
  price0 = 0;
  /** Set when the decision is Reject (and the blocker while waiting). */
  reason: RejectReason = RejectReason.None;
  /** Row of the decision (enter or reject), −1 while waiting. */
  decidedRow = -1;
  /** Seconds scanEntry actually read (the rest it skipped by binary search). */
  visited = 0;
}

/** Begin watching a pool: second 0 is `startRow`, `price0` its migration price (SOL/token). */
export function startObserver(obs: ObserverState, startRow: number, price0: number): ObserverState {
  obs.startRow = startRow;
  obs.price0 = price0;
  obs.reason = RejectReason.None;
  obs.decidedRow = -1;
  obs.visited = 0;
  return obs;
}

/** Decide at the close of the second in `row` (see the file comment for the rules). */
export function observeEntry(obs: ObserverState, c: FeatureColumns, row: number, p: StrategyParams): EntryDecision {
  const t = row - obs.startRow;
  const price = c.price[row];
  if (c.creatorSellCum[row] > p.maxCreatorSellSol) return reject(obs, row, RejectReason.CreatorSelling);
  if (price < obs.price0 * p.minPriceMult) return reject(obs, row, RejectReason.PriceCrashed);
  if (t < p.entryDelayS) {
    obs.reason = RejectReason.None;
    return EntryDecision.Wait;
  }
  let blocker: RejectReason = RejectReason.None;
  if (c.netFlowCum[row] < p.minNetFlowSol) blocker = RejectReason.LowNetFlow;
  else if (c.buyersCum[row] < p.minBuyers) blocker = RejectReason.FewBuyers;
  else if (price > obs.price0 * p.maxPriceMult) blocker = RejectReason.PriceTooHigh;
  else if (c.rvr[row] < p.minRvr) blocker = RejectReason.LowVolume;
  if (blocker === RejectReason.None) {
    obs.reason = RejectReason.None;
    obs.decidedRow = row;
    return EntryDecision.Enter;
  }
  if (t >= p.observerWindowS) return reject(obs, row, blocker);
  obs.reason = blocker;
  return EntryDecision.Wait;
}

function reject(obs: ObserverState, row: number, reason: RejectReason): EntryDecision {
  obs.reason = reason;
  obs.decidedRow = row;
  return EntryDecision.Reject;
}

/**
 * Run the observer over one pool's rows [startRow, endRow) and return its decision: the entry
 * row, or −reason when it rejected (DataEnded when the rows ran out first). Leaves `obs` as the
 * last observeEntry call would have. This is the simulator's entry scan; the live actor calls
 * observeEntry once per second. strategy.test.ts checks the two agree on every pool for many
 * random parameter sets, including unrepaired ones.
 *
 * It finds the decision without walking every second, using columns that are monotone within a
 * pool (the dataset guarantees non-negative flows): creatorSellCum and buyersCum never decrease,
 * priceMinCum never increases. Binary searches give
 *   the first CreatorSelling row (creatorSellCum > maxCreatorSellSol),
 *   the first PriceCrashed row (priceMinCum < floor, i.e. some close so far was below it),
 *   the first row with enough buyers,
 * and only the seconds from max(entry delay, enough buyers) up to the first rejection or the
 * window's end are visited — with the same comparisons, in the same order, as observeEntry.
 * `obs.visited` counts them.
 */
export function scanEntry(obs: ObserverState, c: FeatureColumns, startRow: number, endRow: number, price0: number, p: StrategyParams): number {
  startObserver(obs, startRow, price0);
  const lastRow = endRow - 1;
  const creatorSellCum = c.creatorSellCum;
  const priceMinCum = c.priceMinCum;
  const buyersCum = c.buyersCum;
  const maxCreatorSell = p.maxCreatorSellSol;
  const floorPrice = price0 * p.minPriceMult;
  const minBuyers = p.minBuyers;
  const delayRow = startRow + p.entryDelayS; // t < entryDelayS ⇔ row < delayRow: wait
  // The first row where an unmet condition rejects: t ≥ observerWindowS and past the delay.
  const windowRow = startRow + (p.observerWindowS > p.entryDelayS ? p.observerWindowS : p.entryDelayS);
  const horizon = windowRow < lastRow ? windowRow : lastRow;

  // First rejection by creator selling or a crash, whichever comes first (creator wins a tie:
  // observeEntry checks it first).
  let lo = startRow;
  let hi = horizon + 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (creatorSellCum[mid] > maxCreatorSell) hi = mid;
    else lo = mid + 1;
  }
  const creatorRow = lo;
  lo = startRow;
  hi = creatorRow; // a crash only matters before the creator row
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (priceMinCum[mid] < floorPrice) hi = mid;
    else lo = mid + 1;
  }
  const crashRow = lo;
  const rejectRow = crashRow < creatorRow ? crashRow : creatorRow; // > horizon: none

  // Entries need enough buyers: skip the seconds before the first such row.
  lo = delayRow > startRow ? delayRow : startRow;
  hi = rejectRow < horizon + 1 ? rejectRow : horizon + 1;
  const scanEnd = hi; // exclusive: rows from here are a rejection, the window's end or no data
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (buyersCum[mid] >= minBuyers) hi = mid;
    else lo = mid + 1;
  }
  const price = c.price;
  const netFlowCum = c.netFlowCum;
  const rvr = c.rvr;
  const capPrice = price0 * p.maxPriceMult;
  const minNetFlow = p.minNetFlowSol;
  const minRvr = p.minRvr;
  obs.visited = 0;
  for (let row = lo; row < scanEnd; row++) {
    obs.visited++;
    if (netFlowCum[row] < minNetFlow || buyersCum[row] < minBuyers || price[row] > capPrice || rvr[row] < minRvr) continue;
    obs.reason = RejectReason.None;
    obs.decidedRow = row;
    return row;
  }
  obs.visited++; // the decision row below
  if (rejectRow <= horizon) {
    reject(obs, rejectRow, rejectRow === creatorRow ? RejectReason.CreatorSelling : RejectReason.PriceCrashed);
    return -obs.reason;
  }
  if (windowRow <= lastRow) {
    // The window closed with a blocker: the first unmet condition, in observeEntry's order.
    const row = windowRow;
    const blocker =
      netFlowCum[row] < minNetFlow
        ? RejectReason.LowNetFlow
        : buyersCum[row] < minBuyers
          ? RejectReason.FewBuyers
          : price[row] > capPrice
            ? RejectReason.PriceTooHigh
            : RejectReason.LowVolume;
    reject(obs, row, blocker);
    return -blocker;
  }
  obs.reason = RejectReason.DataEnded;
  obs.decidedRow = lastRow;
  return -RejectReason.DataEnded;
}
