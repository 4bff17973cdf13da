/**
 * The simulator: one parameter set over one fold → a SimSummary (and, when asked, per-trade
 * records). Deterministic; no I/O, strings or allocation per tick.
 *
 * Per lifecycle, in fold (migration) order:
 *  1. Entry: the observer (lib/strategy `scanEntry` → `observeEntry`) over seconds 0..window, or a
 *     precomputed `entries` array from `scanEntries` (entry decisions depend only on the entry
 *     group and the data: the optimizer reuses them across candidates that share those values).
 *     A rejection ends the lifecycle: no later tick is visited.
 *  2. Position limit: positions are open from their entry decision to their exit fill, in absolute
 *     time (migration ts + seconds). An entry while maxPositions are open is skipped (counted).
 *     Lifecycles are decided in migration order, so an earlier-migrated pool's later entry can hold
 *     a slot against a later pool's earlier entry — the documented approximation of this order.
 *  3. Buy at the fill row (lib/sim/execution.ts: latency, impact, fees, slippage → missed entry).
 *  4. Hold: lib/strategy's `scanExit` — `positionTick` at each second after the fill second
 *     with its loads hoisted, tested bit-identical to it — up to maxHoldS seconds: nothing beyond
 *     max hold or after the exit is visited. Data ending with the position open is an EndOfData
 *     exit at the last row.
 *  5. Sell with slippage retries, PnL, tallies.
 */
import type { PoolFees, PoolReserves } from "../amm/index";
import type { Fold } from "../dataset/types";
import type { FoldFeatures } from "../features/fold";
import { compileParams, StrategyParams } from "../strategy/compile";
import { openPosition, phaseOf, PositionState, scanExit } from "../strategy/exits";
import { ObserverState, scanEntry } from "../strategy/observer";
import { ExitReason, EXIT_REASON_NAMES, PHASE_NAMES, RejectReason } from "../strategy/types";
import { fillLagSeconds, type ExecutionModel } from "./execution";
import { buyAt, LAMPORTS_PER_SOL, sellAt } from "./fills";
import { SimSummary } from "./summary";

/** One closed trade, produced only when `recordTrades` is set. */
export interface TradeRecord {
  lifecycle: number;
  mint: string;
  pool: string;
  /** Second (since migration) of the entry decision and of the buy fill. */
  entrySecond: number;
  entryFillSecond: number;
  /** Second of the exit decision and of the sell fill. */
  exitSecond: number;
  exitFillSecond: number;
  /** Unix ms of the fills (close of the fill second). */
  entryTs: number;
  exitTs: number;
  /** Effective SOL per token paid / received (pool fees and impact included). */
  entryPrice: number;
  exitPrice: number;
  /** Closes of the fill seconds, SOL per token. */
  entrySpot: number;
  exitSpot: number;
  /** Raw token units bought. */
  tokens: number;
  /** SOL spent (fees of the buy transaction included) and received (fees of every sell attempt deducted). */
  solIn: number;
  solOut: number;
  pnlSol: number;
  pnlPct: number;
  exitReason: string;
  phaseAtExit: string;
  /** Peak close since the fill ÷ entryPrice. */
  peakRunUp: number;
  heldS: number;
  sellAttempts: number;
  /** Features at the entry decision second. */
  entryFeatures: {
    priceChange: number;
    netFlowCum: number;
    buyersCum: number;
    rvr: number;
    mom5: number;
    volatility10: number;
    sellRatio10: number;
    creatorSellCum: number;
  };
}

export interface SimOptions {
  /** Collect TradeRecord objects into `ws.trades` (allocates per trade; off for the optimizer). */
  recordTrades?: boolean;
  /** Entry rows from `scanEntries` for the same fold, features and entry-group values. */
  entries?: Int32Array;
}

/**
 * Reusable scratch for `simulate`: sized to the largest fold seen, so repeated evaluations
 * allocate nothing. One per thread.
 */
export class SimWorkspace {
  readonly summary = new SimSummary();
  readonly params = new StrategyParams();
  readonly observer = new ObserverState();
  readonly position = new PositionState();
  readonly pool: PoolReserves = { baseReserve: 0, quoteReserve: 0 };
  readonly fees: PoolFees = { lpFeeBps: 0, protocolFeeBps: 0, creatorFeeBps: 0 };
  /** Trade records of the last run (only with recordTrades). */
  trades: TradeRecord[] = [];
  /** Equity events of the last run: time (Unix s), PnL (SOL); `events` of them, in run order. */
  eventTime = new Float64Array(0);
  eventPnl = new Float64Array(0);
  /** Event indices sorted by time (valid after a run). */
  eventOrder = new Uint32Array(0);
  events = 0;
  /** PnL of each trade (run order) and the CVaR buffer. */
  tradePnl = new Float64Array(0);
  worst = new Float64Array(0);
  readonly open = new OpenPositions();
  readonly sold = new SellFill();

  ensure(lifecycles: number): void {
    if (this.eventTime.length >= lifecycles) return;
    const n = Math.max(16, lifecycles);
    this.eventTime = new Float64Array(n);
    this.eventPnl = new Float64Array(n);
    this.eventOrder = new Uint32Array(n);
    this.tradePnl = new Float64Array(n);
    this.worst = new Float64Array(n);
  }

}

/** Open positions for the position limit: entry and exit times (Unix s); allocation-free once grown. */
export class OpenPositions {
  entry = new Float64Array(16);
  exit = new Float64Array(16);
  count = 0;

  private grow(): void {
    const n = this.entry.length * 2;
    const e = new Float64Array(n);
    const x = new Float64Array(n);
    e.set(this.entry);
    x.set(this.exit);
    this.entry = e;
    this.exit = x;
  }

  /** Drop positions that closed by `time` (no later decision can be earlier than `time`). */
  prune(time: number): void {
    let w = 0;
    for (let r = 0; r < this.count; r++) {
      if (this.exit[r] > time) {
        this.entry[w] = this.entry[r];
        this.exit[w] = this.exit[r];
        w++;
      }
    }
    this.count = w;
  }

  /** Positions open at `time`: entered at or before it, not yet exited. */
  openAt(time: number): number {
    let n = 0;
    for (let r = 0; r < this.count; r++) if (this.entry[r] <= time && this.exit[r] > time) n++;
    return n;
  }

  add(entry: number, exit: number): void {
    if (this.count === this.entry.length) this.grow();
    this.entry[this.count] = entry;
    this.exit[this.count] = exit;
    this.count++;
  }
}

/** Migration price (SOL per token) of lifecycle k: quote_reserve0 ÷ base_reserve0, else the first close. */
export function migrationPrice(fold: Fold, k: number): number {
  const p = fold.quoteReserve0[k] / fold.baseReserve0[k];
  return p > 0 && Number.isFinite(p) ? p : fold.series.price[fold.start[k]];
}

/** What `sellWithRetries` found (refilled in place). */
export class SellFill {
  /** Row the sell that landed filled in. */
  fillRow = 0;
  outLamports = 0;
  /** Transactions sent (1 + slippage failures). */
  attempts = 1;
  /** Fees of the failed attempts. */
  failedLamports = 0;
}

/**
 * Sell `tokens` decided at row `d` (lifecycle's last row `last`), retrying on slippage as the live
 * sell processor does: each attempt fills `lag` seconds after it is sent (never past the data's
 * end), fails when it gets less than (10 000 − slippage) bps of the quote at sending, and costs
 * `failedTxLamports`; the next is sent at the failed fill (at least a second later); after
 * `maxRetries` retries, or at the data's last row, it is sent without a price bound.
 */
export function sellWithRetries(
  out: SellFill,
  pool: PoolReserves,
  fees: PoolFees,
  feats: FoldFeatures,
  d: number,
  last: number,
  lag: number,
  tokenUnit: number,
  tokens: number,
  keepBps: number,
  maxRetries: number,
  failedTxLamports: number,
): SellFill {
  let attempts = 1;
  let failedLamports = 0;
  let sentAt = d;
  let fillRow: number;
  let outLamports: number;
  for (;;) {
    if (sentAt >= last) {
      fillRow = last;
      outLamports = sellAt(pool, fees, feats, last, tokenUnit, tokens);
      break;
    }
    fillRow = sentAt + lag < last ? sentAt + lag : last;
    outLamports = sellAt(pool, fees, feats, fillRow, tokenUnit, tokens);
    if (attempts > maxRetries) break; // sent without a price bound
    const quotedOut = fillRow === sentAt ? outLamports : sellAt(pool, fees, feats, sentAt, tokenUnit, tokens);
    if (outLamports >= Math.floor((quotedOut * keepBps) / 10_000)) break;
    attempts++;
    failedLamports += failedTxLamports;
    sentAt = fillRow > sentAt + 1 ? fillRow : sentAt + 1;
  }
  out.fillRow = fillRow;
  out.outLamports = outLamports;
  out.attempts = attempts;
  out.failedLamports = failedLamports;
  return out;
}

/**
 * Entry decisions of every lifecycle for one parameter set: the entry row, or −RejectReason.
 * Depends only on the entry group (see `entryKey` in lib/params) and the data.
 */
export function scanEntries(fold: Fold, feats: FoldFeatures, p: StrategyParams, out: Int32Array = new Int32Array(fold.count), obs = new ObserverState()): Int32Array {
  for (let k = 0; k < fold.count; k++) {
    const start = fold.start[k];
    const end = fold.start[k + 1];
    out[k] = end > start ? scanEntry(obs, feats, start, end, migrationPrice(fold, k), p) : -RejectReason.DataEnded;
  }
  return out;
}

/**
 * Evaluate compiled params `p` on a fold. Returns `ws.summary` (refilled in place: copy what you
 * keep before the next call).
 */
export function simulate(fold: Fold, feats: FoldFeatures, p: StrategyParams, exec: ExecutionModel, ws: SimWorkspace, opts: SimOptions = {}): SimSummary {
  const S = ws.summary;
  S.reset();
  S.fold = fold.name;
  S.lifecycles = fold.count;
  S.spanDays = fold.spanDays;
  S.foldTicks = fold.rows;
  ws.ensure(fold.count);
  ws.events = 0;
  ws.open.count = 0;
  const record = opts.recordTrades === true;
  if (record) ws.trades = [];
  const entries = opts.entries;
  if (entries && entries.length < fold.count) throw new Error(`entries has ${entries.length} values for ${fold.count} lifecycles`);

  const obs = ws.observer;
  const pos = ws.position;
  const pool = ws.pool;
  const fees = ws.fees;
  const lag = fillLagSeconds(exec.latencyMs);
  const buySol = exec.buySol ?? p.buySol;
  const spendLamports = Math.round(buySol * LAMPORTS_PER_SOL);
  const failedTxLamports = exec.baseFeeLamports + exec.priorityFeeLamports;
  const landedTxLamports = failedTxLamports + exec.tipLamports;
  const keepBps = 10_000 - exec.slippageBps;
  const maxRetries = exec.maxSellRetries;
  const maxHold = p.maxHoldS;
  const maxPositions = p.maxPositions;

  let ticks = 0;
  let txFeeLamports = 0;
  let holdTotal = 0;
  let nTrades = 0;
  let tradePnlSum = 0;

  for (let k = 0; k < fold.count; k++) {
    const start = fold.start[k];
    const end = fold.start[k + 1];
    if (end <= start) {
      S.rejects[RejectReason.DataEnded]++;
      continue;
    }
    const last = end - 1;

    // 1. entry
    let e: number;
    if (entries) e = entries[k];
    else {
      e = scanEntry(obs, feats, start, end, migrationPrice(fold, k), p);
      ticks += obs.visited;
    }
    if (e < 0) {
      S.rejects[-e]++;
      continue;
    }
    S.entrySignals++;
    const migS = fold.ts[k] / 1000;
    const decisionTime = migS + (e - start + 1);

    // 2. position limit
    ws.open.prune(migS);
    if (ws.open.openAt(decisionTime) >= maxPositions) {
      S.skippedMaxPositions++;
      continue;
    }

    // 3. buy
    const f = e + lag;
    if (f > last) {
      S.missedNoData++;
      continue;
    }
    const tokenUnit = 10 ** fold.baseDecimals[k];
    fees.lpFeeBps = fold.lpFeeBps[k];
    fees.protocolFeeBps = fold.protocolFeeBps[k];
    fees.creatorFeeBps = fold.creatorFeeBps[k];
    const quoted = buyAt(pool, fees, feats, e, tokenUnit, spendLamports);
    if (quoted === null) {
      // No usable pool state at the decision (empty reserves): nothing would be sent.
      S.missedNoData++;
      continue;
    }
    const filled = f === e ? quoted : buyAt(pool, fees, feats, f, tokenUnit, spendLamports);
    if (filled === null || filled.baseOut < Math.floor((quoted.baseOut * keepBps) / 10_000)) {
      // The buy transaction failed on its min_base_amount_out: a missed entry that still paid fees.
      S.missedEntries++;
      txFeeLamports += failedTxLamports;
      pushEvent(ws, migS + (f - start + 1), -failedTxLamports / LAMPORTS_PER_SOL);
      continue;
    }
    const tokens = filled.baseOut;
    const solInLamports = filled.totalQuoteIn + landedTxLamports;
    const entryPrice = filled.totalQuoteIn / LAMPORTS_PER_SOL / (tokens / tokenUnit);
    openPosition(pos, feats, start, f, entryPrice, p);

    // 4. hold: seconds after the fill, never beyond max hold
    const stop = f + maxHold < last ? f + maxHold : last;
    let reason: number = scanExit(pos, feats, f + 1, stop, p);
    let d = reason === ExitReason.Hold ? stop : pos.exitRow;
    ticks += d - f;
    if (reason === ExitReason.Hold) {
      // Only possible when the data ran out first (at f + maxHold decideExit returns MaxHold).
      reason = ExitReason.EndOfData;
      d = last;
      if (last === f) pos.phase = phaseOf(pos, last - start, p);
    }

    // 5. sell, retrying on slippage as the live sell processor does
    const sold = sellWithRetries(ws.sold, pool, fees, feats, d, last, lag, tokenUnit, tokens, keepBps, maxRetries, failedTxLamports);
    const fillRow = sold.fillRow;
    const outLamports = sold.outLamports;
    const attempts = sold.attempts;
    const failedLamports = sold.failedLamports;
    S.sellRetries += attempts - 1;
    txFeeLamports += landedTxLamports * 2 + failedLamports;
    const solOutLamports = outLamports - landedTxLamports - failedLamports;
    const pnl = (solOutLamports - solInLamports) / LAMPORTS_PER_SOL;
    const exitTime = migS + (fillRow - start + 1);
    ws.open.add(decisionTime, exitTime);
    pushEvent(ws, exitTime, pnl);
    ws.tradePnl[nTrades++] = pnl;
    tradePnlSum += pnl;

    const phase = pos.phase;
    S.exitReasonCounts[reason]++;
    S.exitReasonPnl[reason] += pnl;
    S.phaseTrades[phase]++;
    S.phasePnl[phase] += pnl;
    if (pnl > 0) {
      S.wins++;
      S.phaseWins[phase]++;
      S.grossProfitSol += pnl;
    } else {
      S.losses++;
      S.grossLossSol -= pnl;
    }
    S.deployedSol += filled.totalQuoteIn / LAMPORTS_PER_SOL;
    holdTotal += fillRow - f;

    if (record) {
      const entryRow = e;
      ws.trades.push({
        lifecycle: k,
        mint: fold.mint[k],
        pool: fold.pool[k],
        entrySecond: e - start,
        entryFillSecond: f - start,
        exitSecond: d - start,
        exitFillSecond: fillRow - start,
        entryTs: fold.ts[k] + (f - start + 1) * 1000,
        exitTs: fold.ts[k] + (fillRow - start + 1) * 1000,
        entryPrice,
        exitPrice: outLamports / LAMPORTS_PER_SOL / (tokens / tokenUnit),
        entrySpot: feats.price[f],
        exitSpot: feats.price[fillRow],
        tokens,
        solIn: solInLamports / LAMPORTS_PER_SOL,
        solOut: solOutLamports / LAMPORTS_PER_SOL,
        pnlSol: pnl,
        pnlPct: solOutLamports / solInLamports - 1,
        exitReason: EXIT_REASON_NAMES[reason],
        phaseAtExit: PHASE_NAMES[phase],
        peakRunUp: pos.peakPrice / entryPrice,
        heldS: fillRow - f,
        sellAttempts: attempts,
        entryFeatures: {
          priceChange: feats.price[entryRow] / migrationPrice(fold, k) - 1,
          netFlowCum: feats.netFlowCum[entryRow],
          buyersCum: feats.buyersCum[entryRow],
          rvr: feats.rvr[entryRow],
          mom5: feats.mom5[entryRow],
          volatility10: feats.volatility10[entryRow],
          sellRatio10: feats.sellRatio10[entryRow],
          creatorSellCum: feats.creatorSellCum[entryRow],
        },
      });
    }
  }

  S.trades = nTrades;
  S.ticksVisited = ticks;
  S.txFeesSol = txFeeLamports / LAMPORTS_PER_SOL;
  finish(S, ws, nTrades, holdTotal, tradePnlSum);
  return S;
}

function pushEvent(ws: SimWorkspace, time: number, pnl: number): void {
  const n = ws.events;
  ws.eventTime[n] = time;
  ws.eventPnl[n] = pnl;
  ws.events = n + 1;
}

/** Totals, the time-ordered equity curve's drawdown and CVaR; allocation-free. */
function finish(S: SimSummary, ws: SimWorkspace, nTrades: number, holdTotal: number, tradePnlSum: number): void {
  let pnl = 0;
  const n = ws.events;
  const order = ws.eventOrder;
  sortEventsByTime(ws.eventTime, order, n);
  let peak = 0;
  let maxDd = 0;
  for (let i = 0; i < n; i++) {
    pnl += ws.eventPnl[order[i]];
    if (pnl > peak) peak = pnl;
    else if (peak - pnl > maxDd) maxDd = peak - pnl;
  }
  S.pnlSol = pnl;
  S.maxDrawdownSol = maxDd;
  S.winRate = nTrades > 0 ? S.wins / nTrades : 0;
  S.avgPnlSol = nTrades > 0 ? tradePnlSum / nTrades : 0;
  S.profitFactor = S.grossLossSol > 0 ? S.grossProfitSol / S.grossLossSol : S.grossProfitSol > 0 ? Infinity : 0;
  S.entriesPerDay = S.spanDays > 0 ? nTrades / S.spanDays : 0;
  S.avgHoldS = nTrades > 0 ? holdTotal / nTrades : 0;
  S.cvar5Sol = nTrades > 0 ? cvar(ws.tradePnl, nTrades, ws.worst) : 0;
}

/**
 * Event indices 0..n−1 into `order`, by time: insertion sort (events arrive in migration order,
 * nearly sorted already); ties keep run order.
 */
export function sortEventsByTime(time: Float64Array, order: Uint32Array, n: number): void {
  for (let i = 0; i < n; i++) {
    let j = i;
    const t = time[i];
    while (j > 0 && time[order[j - 1]] > t) {
      order[j] = order[j - 1];
      j--;
    }
    order[j] = i;
  }
}

/** Mean of the ⌈5 % · n⌉ smallest of values[0..n), keeping them sorted in `buf`. */
export function cvar(values: Float64Array, n: number, buf: Float64Array): number {
  const k = Math.max(1, Math.ceil(0.05 * n));
  let filled = 0;
  for (let i = 0; i < n; i++) {
    const x = values[i];
    if (filled < k) {
      let j = filled++;
      while (j > 0 && buf[j - 1] > x) {
        buf[j] = buf[j - 1];
        j--;
      }
      buf[j] = x;
    } else if (x < buf[k - 1]) {
      let j = k - 1;
      while (j > 0 && buf[j - 1] > x) {
        buf[j] = buf[j - 1];
        j--;
      }
      buf[j] = x;
    }
  }
  let sum = 0;
  for (let i = 0; i < k; i++) sum += buf[i];
  return sum / k;
}

/**
 * The equity and drawdown curves of the last run, in time order (allocates: reports only).
 * Point 0 is the start (0 SOL) at the first event's time.
 */
export function equityCurve(ws: SimWorkspace): { time: number[]; equity: number[]; drawdown: number[] } {
  const time: number[] = [];
  const equity: number[] = [];
  const drawdown: number[] = [];
  let eq = 0;
  let peak = 0;
  if (ws.events > 0) {
    time.push(ws.eventTime[ws.eventOrder[0]]);
    equity.push(0);
    drawdown.push(0);
  }
  for (let i = 0; i < ws.events; i++) {
    const k = ws.eventOrder[i];
    eq += ws.eventPnl[k];
    if (eq > peak) peak = eq;
    time.push(ws.eventTime[k]);
    equity.push(eq);
    drawdown.push(eq - peak);
  }
  return { time, equity, drawdown };
}

/** Compile a schema vector into the workspace's params and simulate (the optimizer's entry point). */
export function evaluateVector(fold: Fold, feats: FoldFeatures, vec: ArrayLike<number>, exec: ExecutionModel, ws: SimWorkspace, opts: SimOptions = {}): SimSummary {
  return simulate(fold, feats, compileParams(vec, ws.params), exec, ws, opts);
}
