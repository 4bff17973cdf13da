/**
 * The position manager actor (spec §3.3 step 3, §3.4): the single writer of position state.
 *
 * Per pool it builds per-second bars from the market feed (./bars.ts, the lifecycle builder's
 * rules), pushes each closed second into the pool's FeatureEngine (the one feature engine) and
 * runs the strategy module shared with the simulator (lib/strategy) on it, in its documented live
 * call sequence: `observeEntry` while observing (migration mode) — or an immediate entry on the
 * verified signal (autobuysell) —, `openPosition` at the fill second, `positionTick` at every
 * later second, the sell on the first exit reason; EndOfData when the pool's data ends with the
 * position open. Decisions become intents (BuyIntent → trade signal processor, SellOrder → sell
 * order processor); results come back as PositionCommands. Nothing here awaits.
 *
 * Timing, as the simulator defines it (lib/sim/execution.ts): a decision is taken at the close of
 * second e; the fill lands at the decision's chain time + latency and belongs to the first close at
 * or after that instant, row f = max(e, ⌈(landed − t0)/1000⌉ − 1); the position opens at row f with
 * the fill's effective price and ticks from f + 1. A confirmation that arrives after later seconds
 * were already closed catches up on them in order, so the outcome does not depend on when the
 * processors answer — only on the fill itself.
 *
 * Restarts. Every trade row is loaded at start. A position the strategy decides to enter again
 * (the same pool replayed from its migration) adopts its row instead of trading twice: open and
 * closed rows keep their recorded fill (and exit), an `opening` or `closing` row re-runs that step
 * (the executor reconciles a recorded signature first). A pool with an open row whose migration is
 * not replayed resumes from its next market event (bars and features from there, the recorded entry
 * price and the pool age from the recorded migration time); one with no market data at all within
 * `restoreGraceMs` is sold.
 */
import type { Address } from "@solana/kit";
import type { PoolFees, PoolReserves } from "../amm/index.ts";
import { FeatureEngine, TickSnapshot, type SecondBar } from "../features/engine.ts";
import type { Logger } from "../log/index.ts";
import {
  EntryDecision,
  EXIT_REASON_NAMES,
  ExitReason,
  observeEntry,
  ObserverState,
  openPosition,
  phaseOf,
  PHASE_NAMES,
  PositionState,
  positionTick,
  REJECT_REASON_NAMES,
  RejectReason,
  runUpTier,
  startObserver,
  type StrategyParams,
} from "../strategy/index.ts";
import type { FlowEvent, TelemetryEvent, TickEvent } from "../telemetry/types.ts";
import { DEFAULT_BAR_OPTIONS, PoolBars, type AddResult, type BarOptions } from "./bars.ts";
import { featureRecord, type DecisionSink } from "./decisions.ts";
import { feesOf } from "./pool_info.ts";
import type { TradingMetrics } from "./metrics.ts";
import { parseEntryRecord, utcDay, type EntryRecord, type PersistSink, type TradeRow, type TradingState } from "./persistence.ts";
import type { RiskGate } from "./risk.ts";
import { signalEvent, type BuyIntent, type EntryMode, type Fill, type MigrationSignalEvent, type PositionCommand, type SellOrder, type TradeSignal, type TradingMode, type TradingStatus } from "./types.ts";

const LAMPORTS = 1e9;

/** A pool's fees as an entry record keeps them. */
const recordedFees = (rec: EntryRecord): PoolFees => ({ lpFeeBps: rec.fees.lp, protocolFeeBps: rec.fees.protocol, creatorFeeBps: rec.fees.creator });

export interface ActorOptions {
  params: StrategyParams;
  paramsHash: string;
  entryMode: EntryMode;
  tradingMode: TradingMode;
  /** Lamports per entry; default the params' buySol. */
  buyLamports?: number | null;
  slippageBps: number;
  bars?: Partial<BarOptions>;
  /** Wall clock (decision record times) and chain-time estimate when the feed is quiet. */
  nowMs: () => number;
  buy: (intent: BuyIntent) => void;
  sell: (order: SellOrder) => void;
  persist: PersistSink;
  decisions: DecisionSink;
  risk: RiskGate;
  metrics?: TradingMetrics;
  logger?: Logger;
  restored?: TradingState | null;
  /** Restored positions with no market data by then are sold (ms after start; default 120 000). */
  restoreGraceMs?: number;
  /** Initial rows of each pool's feature engine (grows by doubling). */
  engineCapacity?: number;
  /** Re-send a failed sell after this long when no new second arrives (ms, default 1000). */
  sellRetryMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

type PositionPhase = "entering" | "pending_fill" | "open" | "exiting" | "done";

interface Track {
  key: string;
  mint: Address;
  pool: Address;
  creator: Address;
  t0: number;
  fees: PoolFees;
  baseDecimals: number;
  price0: number;
  bars: PoolBars;
  engine: FeatureEngine;
  /** Pool row of engine row 0 (0 unless the track was resumed after a restart). */
  rowOffset: number;
  /** Raw close reserves of every handed-on second, by engine row (paper fills of past decisions). */
  closeBase: Float64Array;
  closeQuote: Float64Array;
  observer: ObserverState | null;
  observing: boolean;
  signalled: boolean;
  position: Position | null;
  ended: boolean;
  receivedAtMono?: number;
}

interface Position {
  id: string;
  track: Track;
  state: PositionPhase;
  reason: string;
  decisionRow: number;
  spendLamports: number;
  sizeMultiplier: number | null;
  fill: Fill | null;
  /** Pool row of the fill. */
  fillRow: number;
  entryPrice: number;
  pos: PositionState;
  exitReason: ExitReason;
  exitRow: number;
  exitPhase: string;
  buyFeesLamports: number;
  dataEnded: boolean;
  /** Recovery: the row this position adopted, and whether its exit is already recorded. */
  adopted: TradeRow | null;
  closedInDb: boolean;
  entry: EntryRecord;
  sellRetryArmed: boolean;
  decisionReserves: PoolReserves;
  /** Restored `closing` row: the exit was decided before the restart; sell as soon as it opens. */
  forcedExit: ExitReason | null;
}

export class PositionActor {
  private readonly tracks = new Map<string, Track>();
  private readonly mintByPool = new Map<string, string>();
  /** Mints whose lifecycle here is over (rejected, traded, data ended): later events are ignored. */
  private readonly done = new Set<string>();
  private readonly positions = new Map<string, Position>();
  private readonly known: Map<string, TradeRow>;
  /** Restored rows not yet attached to a pool, by mint. */
  private readonly pendingRestore = new Map<string, TradeRow>();
  private S = -Infinity;
  private nextDue = Infinity;
  private readonly barOpts: BarOptions;
  private readonly snap = new TickSnapshot();
  private readonly buyLamports: number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly timers = new Set<unknown>();
  private stopped = false;
  /** Market events by PoolBars result since the last publishMetrics. */
  private readonly marketEvents: Record<AddResult, number> = { ok: 0, duplicate: 0, late: 0, out_of_order: 0, after_end: 0, bad_pool: 0 };
  readonly stats = { signals: 0, entries: 0, rejections: 0, exits: 0, closed: 0, buyFailures: 0, adopted: 0, resumed: 0, orphansSold: 0, ignoredEvents: 0 };

  constructor(private readonly o: ActorOptions) {
    this.barOpts = { ...DEFAULT_BAR_OPTIONS, ...o.bars };
    this.buyLamports = o.buyLamports ?? Math.round(o.params.buySol * LAMPORTS);
    const set = o.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
    this.setTimer = (fn, ms) => {
      const h = set(() => {
        this.timers.delete(h);
        if (!this.stopped) fn();
      }, ms);
      (h as { unref?: () => void })?.unref?.();
      this.timers.add(h);
      return h;
    };
    this.known = o.restored?.trades ?? new Map();
    for (const row of o.restored?.open ?? []) this.pendingRestore.set(row.mint, row);
    if (this.pendingRestore.size > 0) {
      o.logger?.info({ positions: this.pendingRestore.size }, "open positions re-hydrated from trades.db");
      this.setTimer(() => this.sellOrphans(), o.restoreGraceMs ?? 120_000);
    }
  }

  /** Cancels the actor's timers (restore grace, sell re-sends). */
  stop(): void {
    this.stopped = true;
    const clear = this.o.clearTimer ?? ((h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>));
    for (const h of this.timers) clear(h);
    this.timers.clear();
  }

  // ---- status ----

  status(): TradingStatus {
    let open = 0;
    for (const p of this.positions.values()) if (p.state !== "done") open++;
    let observers = 0;
    for (const t of this.tracks.values()) if (t.observing) observers++;
    return { open_positions: open + this.pendingRestore.size, observers, tracked_pools: this.tracks.size };
  }

  /** Pools with re-hydrated positions still waiting for market data (the intake should follow them). */
  restoredPools(): { mint: string; pool: string }[] {
    return [...this.pendingRestore.values()].map((r) => ({ mint: r.mint, pool: r.pool }));
  }

  /** The pool's reserves after the latest event the actor saw (raw units), or null. */
  currentReserves(pool: string): PoolReserves | null {
    const mint = this.mintByPool.get(pool);
    const t = mint === undefined ? undefined : this.tracks.get(mint);
    return t ? { ...t.bars.current } : null;
  }

  /** Stream time: the latest chain time the actor has seen. */
  get streamTime(): number {
    return this.S;
  }

  /**
   * Gauges and the market-event counter for /metrics (called by the stages' 1 s timer, not per
   * event: status() walks every pool, and a labelled prom-client increment hashes its labels).
   */
  publishMetrics(): void {
    const m = this.o.metrics;
    if (!m) return;
    const s = this.status();
    m.openPositions.set(s.open_positions);
    m.observers.set(s.observers);
    m.trackedPools.set(s.tracked_pools);
    const counts = this.marketEvents;
    for (const result of Object.keys(counts) as AddResult[]) {
      if (counts[result] > 0) m.marketEvents.inc({ result }, counts[result]);
      counts[result] = 0;
    }
  }

  // ---- inputs ----

  /** A verified trade signal (the checker cleared the migration, or checks are off). */
  onSignal(signal: TradeSignal): void {
    const ev = signalEvent(signal.event);
    if (ev.synthetic) {
      this.o.decisions.write({ ts: this.o.nowMs(), type: "reject", mint: ev.mint, pool: ev.pool, reason: "synthetic_event", mode: this.o.tradingMode });
      return;
    }
    this.stats.signals++;
    const track = this.ensureTrack(ev);
    if (!track) return;
    track.receivedAtMono ??= ev.received_at_mono;
    if (track.signalled) return;
    track.signalled = true;
    if (this.o.entryMode === "immediate") {
      this.advance(Math.max(this.S, ev.ts));
      if (!track.ended && !track.position) this.enter(track, this.immediateRow(track), "autobuysell", true);
      return;
    }
    track.observer = startObserver(new ObserverState(), 0, track.price0);
    track.observing = true;
    // Catch up on seconds already closed (checks took longer than a second).
    const last = track.engine.row;
    for (let r = 0; r <= last && track.observing; r++) this.observe(track, r, true);
    if (track.observing && track.ended) this.reject(track, RejectReason.DataEnded, Math.max(0, last));
  }

  /** The market feed: telemetry v1 migration, flow and tick events, in stream order. */
  onMarket(ev: TelemetryEvent): void {
    if (ev.type === "migration") {
      this.ensureTrack(ev);
      if (ev.ts > this.S) this.advance(ev.ts);
      return;
    }
    let track = this.tracks.get(ev.mint);
    if (track === undefined) {
      if (this.done.has(ev.mint)) {
        if (ev.ts > this.S) this.advance(ev.ts);
        return;
      }
      const restore = this.pendingRestore.get(ev.mint);
      if (!restore) {
        this.stats.ignoredEvents++;
        return;
      }
      const resumed = this.resume(restore, ev);
      if (!resumed) return;
      track = resumed;
    }
    const res = track.bars.add(ev as FlowEvent | TickEvent);
    this.marketEvents[res]++;
    if (res === "ok" || res === "late") {
      if (ev.ts > this.S) this.advance(ev.ts);
      else if (ev.ts >= this.nextDue) this.closeDue();
    } else if (res === "after_end" && track.bars.ended && !track.ended) this.finish(track);
  }

  /** Moves stream time forward without an event (a quiet feed; the engine's chain-time estimate). */
  advanceTime(ts: number): void {
    if (ts > this.S) this.advance(ts);
  }

  /** A processor's report. */
  command(cmd: PositionCommand): void {
    const p = this.positions.get(cmd.positionId);
    if (!p || p.state === "done") {
      this.o.logger?.warn({ positionId: cmd.positionId, kind: cmd.kind }, "command for an unknown or finished position");
      return;
    }
    switch (cmd.kind) {
      case "buy_confirmed":
        p.sizeMultiplier = cmd.sizeMultiplier;
        this.onBought(p, cmd.fill, false);
        break;
      case "buy_rejected":
        this.stats.buyFailures++;
        this.o.decisions.write({ ts: this.o.nowMs(), type: "reject", position_id: p.id, mint: p.track.mint, pool: p.track.pool, second: p.decisionRow, reason: cmd.reason, tier: cmd.tier, mode: this.o.tradingMode });
        this.o.metrics?.decisions.inc({ kind: "reject", reason: cmd.reason });
        this.drop(p);
        break;
      case "buy_failed":
        this.stats.buyFailures++;
        this.o.persist.push({ op: "trade_update", at: this.o.nowMs(), positionId: p.id, fields: { status: "failed", exit_reason: `buy_${cmd.failure.kind}`, fees_lamports: cmd.failure.feesLamports, entry_sig: cmd.failure.signature ?? undefined } });
        this.o.decisions.write({ ts: this.o.nowMs(), type: "buy_failed", position_id: p.id, mint: p.track.mint, second: p.decisionRow, failure: cmd.failure.kind, code: cmd.failure.code, message: cmd.failure.message, landed: cmd.failure.landed, mode: this.o.tradingMode });
        this.drop(p);
        break;
      case "sell_confirmed":
        this.onSold(p, cmd.fill, cmd.attempts, cmd.failedFeesLamports);
        break;
      case "sell_failed":
        p.buyFeesLamports += cmd.failedFeesLamports;
        this.o.decisions.write({ ts: this.o.nowMs(), type: "sell_failed", position_id: p.id, mint: p.track.mint, failure: cmd.failure.kind, code: cmd.failure.code, message: cmd.failure.message, attempts: cmd.attempts, mode: this.o.tradingMode });
        this.o.persist.push({ op: "trade_update", at: this.o.nowMs(), positionId: p.id, fields: { fees_lamports: p.buyFeesLamports } });
        // Back to open with the exit still wanted: re-sent at the next second (or soon, if none comes).
        p.state = "open";
        this.armSellRetry(p);
        break;
    }
  }

  // ---- tracks and bars ----

  private ensureTrack(ev: MigrationSignalEvent): Track | null {
    const existing = this.tracks.get(ev.mint);
    if (existing) return existing;
    if (this.done.has(ev.mint)) return null;
    const bars = new PoolBars(ev.mint, ev.pool, ev.creator, ev.ts, ev.base_reserve, ev.quote_reserve, ev.base_decimals, this.barOpts);
    const track = this.newTrack(ev.mint, ev.pool, ev.creator, ev.ts, feesOf(ev), ev.base_decimals, bars, 0, false);
    track.receivedAtMono = ev.received_at_mono;
    // As the simulator computes it (lib/sim migrationPrice over lib/lifecycle's units). An unusable
    // price becomes 0 only when the quote reserve is not positive; lib/sim falls back to row 0's
    // close price instead, which is not known yet here.
    const price0 = ev.quote_reserve / LAMPORTS / (ev.base_reserve / 10 ** ev.base_decimals);
    track.price0 = (price0 > 0 && Number.isFinite(price0)) || ev.quote_reserve > 0 ? price0 : 0;
    this.follow(track);
    return track;
  }

  /** A pool's track with nothing handed on yet. */
  private newTrack(mint: string, pool: string, creator: string, t0: number, fees: PoolFees, baseDecimals: number, bars: PoolBars, rowOffset: number, signalled: boolean, engineCapacity = this.o.engineCapacity ?? 16, closeCapacity = 64): Track {
    return {
      key: mint,
      mint: mint as Address,
      pool: pool as Address,
      creator: creator as Address,
      t0,
      fees,
      baseDecimals,
      price0: 0,
      bars,
      engine: new FeatureEngine(engineCapacity),
      rowOffset,
      closeBase: new Float64Array(closeCapacity),
      closeQuote: new Float64Array(closeCapacity),
      observer: null,
      observing: false,
      signalled,
      position: null,
      ended: false,
      receivedAtMono: undefined,
    };
  }

  /** Starts following a track's market data: its events, and its seconds' closes. */
  private follow(t: Track): void {
    this.tracks.set(t.key, t);
    this.mintByPool.set(t.pool, t.key);
    if (this.mintByPool.size > 50_000) this.mintByPool.delete(this.mintByPool.keys().next().value!);
    const due = t.bars.nextDue();
    if (due < this.nextDue) this.nextDue = due;
  }

  private advance(ts: number): void {
    this.S = ts;
    if (ts >= this.nextDue) this.closeDue();
  }

  private closeDue(): void {
    let next = Infinity;
    for (const t of [...this.tracks.values()]) {
      if (!t.ended) {
        t.bars.close(this.S, (row, bar) => this.onSecond(t, row, bar));
        if (this.tracks.has(t.key) && this.S > t.bars.deadline()) this.finish(t);
      }
      if (this.tracks.has(t.key) && !t.ended) {
        const due = t.bars.nextDue();
        if (due < next) next = due;
      }
    }
    this.nextDue = next;
  }

  /** The pool's data is over: hand on what had events, then decide what that means. */
  private finish(t: Track): void {
    if (t.ended) return;
    t.bars.close(this.S, (row, bar) => this.onSecond(t, row, bar), true);
    t.ended = true;
    const last = t.engine.row + t.rowOffset;
    if (t.observing) this.reject(t, RejectReason.DataEnded, Math.max(0, last));
    const p = t.position;
    if (p && p.state !== "done") {
      p.dataEnded = true;
      if (p.state === "open") this.exit(p, ExitReason.EndOfData, last);
    }
    this.maybeRetire(t);
  }

  private maybeRetire(t: Track): void {
    if (t.observing) return;
    if (t.position && t.position.state !== "done") return;
    if (!t.ended && !t.signalled) return; // the checker may still clear it
    this.tracks.delete(t.key);
    this.done.add(t.key);
    if (this.done.size > 200_000) this.done.delete(this.done.values().next().value!);
  }

  /** One closed second of a pool (pool row `row`). */
  private onSecond(t: Track, row: number, bar: SecondBar): void {
    t.engine.push(bar);
    const er = t.engine.row;
    if (er >= t.closeBase.length) {
      const nb = new Float64Array(t.closeBase.length * 2);
      nb.set(t.closeBase);
      t.closeBase = nb;
      const nq = new Float64Array(t.closeQuote.length * 2);
      nq.set(t.closeQuote);
      t.closeQuote = nq;
    }
    const close = t.bars.lastClose();
    t.closeBase[er] = close.baseReserve;
    t.closeQuote[er] = close.quoteReserve;
    const p = t.position;
    if (t.observing) this.observe(t, row, false);
    if (!p || p.state === "done") return;
    if (p.state === "pending_fill" && row >= p.fillRow) this.open(p);
    else if (p.state === "open") {
      if (p.sellRetryArmed) this.resendSell(p);
      else if (row > p.fillRow) this.tick(p, row);
    }
  }

  private observe(t: Track, row: number, catchUp: boolean): void {
    const erow = row - t.rowOffset;
    const d = observeEntry(t.observer!, t.engine.columns, erow, this.o.params);
    if (d === EntryDecision.Enter) {
      t.observing = false;
      this.enter(t, row, "observer_enter", catchUp);
    } else if (d === EntryDecision.Reject) this.reject(t, t.observer!.reason, row);
  }

  private reject(t: Track, reason: RejectReason, row: number): void {
    t.observing = false;
    this.stats.rejections++;
    const name = REJECT_REASON_NAMES[reason];
    this.o.metrics?.decisions.inc({ kind: "reject", reason: name });
    const erow = row - t.rowOffset;
    this.o.decisions.write({
      ts: this.o.nowMs(),
      chain_ts: this.S,
      type: "reject",
      mint: t.mint,
      pool: t.pool,
      second: row,
      reason: name,
      features: erow >= 0 && erow <= t.engine.row ? featureRecord(this.snap.fill(t.engine.columns, erow, -t.rowOffset)) : null,
      params_hash: this.o.paramsHash,
      mode: this.o.tradingMode,
    });
    this.maybeRetire(t);
  }

  // ---- entries ----

  private immediateRow(t: Track): number {
    return Math.max(t.bars.firstRow, Math.ceil((this.S - t.t0) / 1000) - 1);
  }

  private positionId(t: Track): string {
    return `${t.mint}:${t.t0}`;
  }

  /**
   * An entry: the position, then the buy handed on at once. The buy path runs synchronously up to
   * the sender, so what the buy does not need — the features, the entry record's JSON (which the
   * `opening` row reads when it is written), the decision record and the counter — comes after
   * it, unchanged in content (the decision's time is taken before the buy).
   */
  private enter(t: Track, row: number, reason: string, late: boolean): void {
    const id = this.positionId(t);
    const known = this.known.get(id);
    if (known && known.status === "failed") {
      this.o.decisions.write({ ts: this.o.nowMs(), type: "reject", mint: t.mint, pool: t.pool, second: row, reason: "traded_before_restart", status: known.status, mode: this.o.tradingMode });
      this.done.add(t.key);
      return;
    }
    let active = 0;
    for (const p of this.positions.values()) if (p.state !== "done") active++;
    if (!known && active >= this.o.params.maxPositions) {
      this.o.metrics?.decisions.inc({ kind: "reject", reason: "max_positions" });
      this.o.decisions.write({ ts: this.o.nowMs(), type: "reject", mint: t.mint, pool: t.pool, second: row, reason: "max_positions", open: active, mode: this.o.tradingMode });
      this.maybeRetire(t);
      return;
    }
    const ts = this.o.nowMs();
    const closeNow = t.bars.lastClose();
    // A decision on a past second (catch-up) trades now, at the reserves now.
    const reserves = late ? { ...t.bars.current } : closeNow;
    const decisionTs = late ? this.S : t.bars.rowEnd(row);
    const p: Position = {
      id,
      track: t,
      state: "entering",
      reason,
      decisionRow: row,
      spendLamports: this.buyLamports,
      sizeMultiplier: null,
      fill: null,
      fillRow: row,
      entryPrice: 0,
      pos: new PositionState(),
      exitReason: ExitReason.Hold,
      exitRow: -1,
      exitPhase: "",
      buyFeesLamports: 0,
      dataEnded: t.ended,
      adopted: known ?? null,
      closedInDb: known?.status === "closed",
      entry: {
        reason,
        migration_ts: t.t0,
        decision_second: row,
        fill_second: null,
        base_decimals: t.baseDecimals,
        fees: { lp: t.fees.lpFeeBps, protocol: t.fees.protocolFeeBps, creator: t.fees.creatorFeeBps },
        reserves: { base: reserves.baseReserve, quote: reserves.quoteReserve },
        spend_lamports: this.buyLamports,
        size_multiplier: null,
        rent_lamports: 0,
        closeable: false,
        features: undefined, // set below, after the buy (the key keeps its place in the JSON)
      },
      sellRetryArmed: false,
      decisionReserves: { ...reserves },
      forcedExit: null,
    };
    t.position = p;
    t.observing = false;
    this.positions.set(id, p);
    this.pendingRestore.delete(t.mint);
    this.stats.entries++;
    const adopt = known !== undefined && (known.status === "open" || known.status === "closing" || known.status === "closed");
    let intent: BuyIntent | null = null;
    if (!adopt) {
      intent = {
        positionId: id,
        mint: t.mint,
        pool: t.pool,
        creator: t.creator,
        t0: t.t0,
        decisionRow: row,
        decisionTs,
        reserves: { ...reserves },
        fees: t.fees,
        baseDecimals: t.baseDecimals,
        spendLamports: this.buyLamports,
        slippageBps: this.o.slippageBps,
        reason,
        receivedAtMono: t.receivedAtMono,
        priorSignature: known?.entry_sig ?? null,
      };
      this.o.buy(intent);
    }
    const erow = row - t.rowOffset;
    const features = erow >= 0 && erow <= t.engine.row ? featureRecord(this.snap.fill(t.engine.columns, erow, -t.rowOffset)) : null;
    p.entry.features = features ?? undefined;
    if (intent) intent.entryRecord = JSON.stringify(p.entry);
    this.o.metrics?.decisions.inc({ kind: "entry", reason });
    this.o.decisions.write({
      ts,
      chain_ts: decisionTs,
      type: "entry",
      position_id: id,
      mint: t.mint,
      pool: t.pool,
      second: row,
      reason,
      features,
      price0: t.price0,
      spend_lamports: this.buyLamports,
      recovered: known ? known.status : undefined,
      params_hash: this.o.paramsHash,
      mode: this.o.tradingMode,
    });
    if (adopt) this.adopt(p, known!);
  }

  /** Recovery: the strategy re-decided an entry that trades.db already records as filled. */
  private adopt(p: Position, row: TradeRow): void {
    this.stats.adopted++;
    const rec = parseEntryRecord(row);
    const fill: Fill = {
      signature: row.entry_sig,
      slot: row.entry_slot,
      landedTs: row.entry_ts ?? p.track.bars.rowEnd(p.decisionRow),
      tokens: row.tokens_raw ?? 0,
      lamports: row.amount_in_lamports ?? 0,
      feesLamports: 0,
      rentLamports: rec?.rent_lamports ?? 0,
      closeable: rec?.closeable ?? false,
    };
    p.sizeMultiplier = rec?.size_multiplier ?? null;
    p.buyFeesLamports = row.fees_lamports;
    this.onBought(p, fill, true, rec?.fill_second ?? null);
  }

  private onBought(p: Position, fill: Fill, adopted: boolean, fillSecond: number | null = null): void {
    const t = p.track;
    p.fill = fill;
    p.fillRow = fillSecond ?? Math.max(p.decisionRow, Math.ceil((fill.landedTs - t.t0) / 1000) - 1);
    p.entryPrice = fill.tokens > 0 ? fill.lamports / LAMPORTS / (fill.tokens / 10 ** t.baseDecimals) : 0;
    p.entry.fill_second = p.fillRow;
    p.entry.rent_lamports = fill.rentLamports;
    p.entry.closeable = fill.closeable ?? false;
    p.entry.size_multiplier = p.sizeMultiplier;
    if (!adopted) {
      p.buyFeesLamports += fill.feesLamports;
      this.o.metrics?.spentLamports.inc(fill.lamports);
      this.o.persist.push({
        op: "trade_update",
        at: this.o.nowMs(),
        positionId: p.id,
        fields: {
          status: "open",
          entry_ts: fill.landedTs,
          entry_slot: fill.slot,
          entry_sig: fill.signature,
          entry_price_sol: p.entryPrice,
          amount_in_lamports: fill.lamports,
          tokens_raw: fill.tokens,
          fees_lamports: p.buyFeesLamports,
          entry_reason: JSON.stringify(p.entry),
        },
      });
      this.o.decisions.write({ ts: this.o.nowMs(), chain_ts: fill.landedTs, type: "fill", side: "buy", position_id: p.id, mint: t.mint, fill_second: p.fillRow, tokens: fill.tokens, lamports: fill.lamports, fees_lamports: fill.feesLamports, price: p.entryPrice, signature: fill.signature, mode: this.o.tradingMode });
    }
    if (fill.tokens <= 0) {
      this.o.logger?.error({ positionId: p.id }, "buy filled with no tokens; closing the position as failed");
      this.o.persist.push({ op: "trade_update", at: this.o.nowMs(), positionId: p.id, fields: { status: "failed", exit_reason: "buy_no_tokens" } });
      this.drop(p);
      return;
    }
    p.state = "pending_fill";
    const lastRow = t.engine.row + t.rowOffset;
    if (p.fillRow <= lastRow) this.open(p);
    else if (p.dataEnded) {
      // Filled after the pool's data ended: open at the last second and sell at once.
      p.fillRow = Math.max(t.bars.firstRow, lastRow);
      this.open(p);
    }
  }

  private open(p: Position): void {
    const t = p.track;
    const cols = t.engine.columns;
    openPosition(p.pos, cols, -t.rowOffset, p.fillRow - t.rowOffset, p.entryPrice, this.o.params);
    p.state = "open";
    if (p.forcedExit !== null) {
      this.exit(p, p.forcedExit, p.fillRow);
      return;
    }
    // Catch up on seconds closed while the buy was in flight.
    const last = t.engine.row + t.rowOffset;
    for (let r = p.fillRow + 1; r <= last && p.state === "open"; r++) this.tick(p, r);
    if (p.state === "open" && p.dataEnded) {
      if (last === p.fillRow) p.pos.phase = phaseOf(p.pos, last, this.o.params);
      this.exit(p, ExitReason.EndOfData, last);
    }
  }

  // ---- exits ----

  private tick(p: Position, row: number): void {
    const t = p.track;
    const reason = positionTick(p.pos, t.engine.columns, row - t.rowOffset, this.o.params);
    if (reason !== ExitReason.Hold) this.exit(p, reason, row);
  }

  private exit(p: Position, reason: ExitReason, row: number): void {
    const t = p.track;
    p.exitReason = reason;
    p.exitRow = row;
    p.exitPhase = PHASE_NAMES[p.pos.phase];
    this.stats.exits++;
    const name = EXIT_REASON_NAMES[reason];
    this.o.metrics?.decisions.inc({ kind: "exit", reason: name });
    const erow = row - t.rowOffset;
    this.o.decisions.write({
      ts: this.o.nowMs(),
      chain_ts: t.bars.rowEnd(row),
      type: "exit",
      position_id: p.id,
      mint: t.mint,
      pool: t.pool,
      second: row,
      reason: name,
      phase: p.exitPhase,
      held_s: row - p.fillRow,
      peak_run_up: p.entryPrice > 0 ? p.pos.peakPrice / p.entryPrice : null,
      run_up_tier: runUpTier(p.pos),
      features: erow >= 0 && erow <= t.engine.row ? featureRecord(this.snap.fill(t.engine.columns, erow, -t.rowOffset)) : null,
      recovered: p.closedInDb ? "closed" : undefined,
      params_hash: this.o.paramsHash,
      mode: this.o.tradingMode,
    });
    if (p.closedInDb) {
      // Recovery: this exit is already in trades.db.
      p.state = "done";
      this.finishPosition(p);
      return;
    }
    this.o.persist.push({ op: "trade_update", at: this.o.nowMs(), positionId: p.id, fields: { status: "closing", exit_reason: name, phase_at_exit: p.exitPhase } });
    this.sendSell(p, row, p.adopted?.status === "closing" ? p.adopted.exit_sig : null);
  }

  /** Raw reserves at the close of pool row `row` (handed on already), else the latest. */
  private closeAt(t: Track, row: number): PoolReserves {
    const er = row - t.rowOffset;
    if (er >= 0 && er <= t.engine.row) return { baseReserve: t.closeBase[er], quoteReserve: t.closeQuote[er] };
    return { ...t.bars.current };
  }

  private sendSell(p: Position, row: number, priorSignature: string | null): void {
    const t = p.track;
    p.state = "exiting";
    p.sellRetryArmed = false;
    // Paper fills meet the reserves of the decision instant (the decided second's close) even when
    // the decision came late because a confirmation did; live sells can only meet the pool now.
    const atClose = row === t.engine.row + t.rowOffset || this.o.tradingMode === "paper";
    if (atClose) this.sellOrder(p, row, this.closeAt(t, row), t.bars.rowEnd(row), priorSignature);
    else this.sellOrder(p, row, { ...t.bars.current }, Math.max(this.S, t.bars.rowEnd(row)), priorSignature);
  }

  /** Hands the position's sell (its exit reason and phase) to the sell order processor. */
  private sellOrder(p: Position, row: number, reserves: PoolReserves, decisionTs: number, priorSignature: string | null): void {
    const t = p.track;
    this.o.sell({
      positionId: p.id,
      mint: t.mint,
      pool: t.pool,
      tokens: p.fill!.tokens,
      closeBaseAccount: p.fill!.closeable ?? false,
      t0: t.t0,
      decisionRow: row,
      decisionTs,
      reserves,
      fees: t.fees,
      baseDecimals: t.baseDecimals,
      reason: EXIT_REASON_NAMES[p.exitReason],
      phase: p.exitPhase,
      slippageBps: this.o.slippageBps,
      priorSignature,
    });
  }

  private armSellRetry(p: Position): void {
    p.sellRetryArmed = true;
    this.setTimer(() => {
      if (p.state === "open" && p.sellRetryArmed) this.resendSell(p);
    }, this.o.sellRetryMs ?? 1000);
  }

  private resendSell(p: Position): void {
    const t = p.track;
    this.sendSell(p, t.engine.row + t.rowOffset, null);
  }

  private onSold(p: Position, fill: Fill, attempts: number, failedFees: number): void {
    const t = p.track;
    const entry = p.fill!;
    const fees = p.buyFeesLamports + fill.feesLamports + failedFees;
    const pnl = fill.lamports - entry.lamports - fees;
    const exitPrice = fill.tokens > 0 ? fill.lamports / LAMPORTS / (fill.tokens / 10 ** t.baseDecimals) : 0;
    this.o.persist.push({
      op: "trade_closed",
      at: this.o.nowMs(),
      positionId: p.id,
      day: utcDay(fill.landedTs),
      fields: {
        exit_ts: fill.landedTs,
        exit_sig: fill.signature,
        exit_price_sol: exitPrice,
        amount_out_lamports: fill.lamports,
        amount_in_lamports: entry.lamports,
        fees_lamports: fees,
        pnl_lamports: pnl,
        exit_reason: EXIT_REASON_NAMES[p.exitReason],
        phase_at_exit: p.exitPhase,
      },
    });
    this.o.risk.recordTradePnl(pnl);
    this.o.metrics?.realisedPnl.inc?.(pnl);
    this.o.metrics?.closedTrades.inc({ outcome: pnl > 0 ? "win" : "loss" });
    this.o.decisions.write({ ts: this.o.nowMs(), chain_ts: fill.landedTs, type: "close", position_id: p.id, mint: t.mint, exit_second: p.exitRow, reason: EXIT_REASON_NAMES[p.exitReason], phase: p.exitPhase, tokens: fill.tokens, lamports_in: entry.lamports, lamports_out: fill.lamports, fees_lamports: fees, pnl_lamports: pnl, attempts, signature: fill.signature, mode: this.o.tradingMode });
    this.stats.closed++;
    p.state = "done";
    this.finishPosition(p);
  }

  private finishPosition(p: Position): void {
    this.positions.delete(p.id);
    const t = p.track;
    t.position = p;
    this.done.add(t.key);
    this.tracks.delete(t.key);
  }

  private drop(p: Position): void {
    p.state = "done";
    this.positions.delete(p.id);
    const t = p.track;
    this.done.add(t.key);
    this.tracks.delete(t.key);
  }

  // ---- restarts ----

  /** A restored open position whose pool's migration is not being replayed: resume from this event. */
  private resume(row: TradeRow, ev: TelemetryEvent): Track | null {
    this.pendingRestore.delete(row.mint);
    const rec = this.recordedFill(row);
    if (!rec) {
      this.done.add(row.mint);
      return null;
    }
    const t0 = rec.migration_ts;
    const baseR = (ev as FlowEvent | TickEvent).base_reserve;
    const quoteR = (ev as FlowEvent | TickEvent).quote_reserve;
    const startRow = Math.max(0, Math.floor((ev.ts - t0) / 1000));
    const bars = new PoolBars(row.mint, row.pool, row.creator ?? "", t0, baseR, quoteR, rec.base_decimals, this.barOpts, { row: startRow, ts: ev.ts });
    const track = this.newTrack(row.mint, row.pool, row.creator ?? "", t0, recordedFees(rec), rec.base_decimals, bars, startRow, true);
    this.follow(track);
    this.stats.resumed++;
    this.o.logger?.info({ positionId: row.position_id, mint: row.mint, second: startRow }, "re-hydrated position resumed from live market data");
    const p = this.restoredPosition(track, row, rec, startRow);
    p.fillRow = startRow;
    p.state = "pending_fill";
    if (row.status === "closing") {
      const r = row.exit_reason ? EXIT_REASON_NAMES.indexOf(row.exit_reason as (typeof EXIT_REASON_NAMES)[number]) : -1;
      p.forcedExit = (r > 0 ? r : ExitReason.EndOfData) as ExitReason;
    }
    return track;
  }

  /**
   * The entry record of a restored row whose buy has a recorded fill; otherwise the row is failed
   * (the buy's outcome is unknown here — paper: nothing was spent; live: the executor reconciled
   * recorded signatures at start, see createTradingStages) and null returned.
   */
  private recordedFill(row: TradeRow): EntryRecord | null {
    const rec = parseEntryRecord(row);
    if (rec && row.status !== "opening" && row.tokens_raw !== null && row.amount_in_lamports !== null) return rec;
    this.o.persist.push({ op: "trade_update", at: this.o.nowMs(), positionId: row.position_id, fields: { status: "failed", exit_reason: "unconfirmed_at_restart" } });
    return null;
  }

  private restoredPosition(t: Track, row: TradeRow, rec: EntryRecord, fillRow: number): Position {
    const p: Position = {
      id: row.position_id,
      track: t,
      state: "pending_fill",
      reason: rec.reason,
      decisionRow: rec.decision_second,
      spendLamports: rec.spend_lamports,
      sizeMultiplier: rec.size_multiplier,
      fill: { signature: row.entry_sig, slot: row.entry_slot, landedTs: row.entry_ts ?? t.t0, tokens: row.tokens_raw ?? 0, lamports: row.amount_in_lamports ?? 0, feesLamports: 0, rentLamports: rec.rent_lamports, closeable: rec.closeable },
      fillRow,
      entryPrice: row.entry_price_sol ?? 0,
      pos: new PositionState(),
      exitReason: ExitReason.Hold,
      exitRow: -1,
      exitPhase: "",
      buyFeesLamports: row.fees_lamports,
      dataEnded: false,
      adopted: row,
      closedInDb: false,
      entry: rec,
      sellRetryArmed: false,
      decisionReserves: { baseReserve: rec.reserves.base, quoteReserve: rec.reserves.quote },
      forcedExit: null,
    };
    t.position = p;
    this.positions.set(p.id, p);
    return p;
  }

  /** Restored positions that never saw market data: sell them (reason end_of_data). */
  private sellOrphans(): void {
    for (const row of [...this.pendingRestore.values()]) {
      this.pendingRestore.delete(row.mint);
      const rec = this.recordedFill(row);
      if (!rec) continue;
      this.stats.orphansSold++;
      const bars = new PoolBars(row.mint, row.pool, row.creator ?? "", rec.migration_ts, rec.reserves.base, rec.reserves.quote, rec.base_decimals, this.barOpts, { row: 0, ts: rec.migration_ts });
      // Never fed: no market data is coming for it.
      const track = this.newTrack(row.mint, row.pool, row.creator ?? "", rec.migration_ts, recordedFees(rec), rec.base_decimals, bars, 0, true, 16, 1);
      track.ended = true;
      this.tracks.set(row.mint, track);
      const p = this.restoredPosition(track, row, rec, 0);
      p.state = "open";
      p.exitReason = ExitReason.EndOfData;
      p.exitPhase = "unknown";
      p.exitRow = rec.fill_second ?? 0;
      this.o.logger?.warn({ positionId: row.position_id, mint: row.mint }, "re-hydrated position saw no market data; selling it");
      this.o.persist.push({ op: "trade_update", at: this.o.nowMs(), positionId: p.id, fields: { status: "closing", exit_reason: "end_of_data", phase_at_exit: "unknown" } });
      p.state = "exiting";
      this.sellOrder(p, p.exitRow, p.decisionReserves, Math.max(this.S, this.o.nowMs()), row.status === "closing" ? row.exit_sig : null);
    }
  }
}
