/**
 * The streaming lifecycle builder: validated telemetry events in (in file order), finished
 * ground-truth lifecycles out, sorted by (slot, mint), with memory bounded by the tokens in
 * flight rather than by the input.
 *
 * Per token in flight it keeps its per-second cells in one growable Float64Array (./cells: the
 * close reserves and the time of the event that set them, flow sums in lamports, counts), plus the
 * sets needed for `duplicate` (flow sigs) and `new_buyers` (wallets seen buying). All of it is
 * dropped when the token's lifecycle ends; finished mints are remembered (name only) for a
 * tracking window plus slack and gap, to tell `after_end` from `unknown_mint` and to catch a
 * repeated migration.
 *
 * Stream time S = the largest `ts` of any line used so far (skipped lines — out of order, beyond
 * a window — never move it, so one wild timestamp cannot end every lifecycle). Rules, per token:
 * - Second i of a token covers [ts + i·1000, ts + (i+1)·1000) after its migration `ts`; an event
 *   a little before the migration (within the tolerance) counts in second 0.
 * - A flow or tick is `out_of_order` when its ts is more than `toleranceMs` behind the latest ts
 *   seen for that mint (the migration included); otherwise it is used even if slightly late.
 * - Close of a second: the reserves of its event with the largest ts (ties: the later line).
 * - `after_end`: an event at or beyond the tracking window (ts ≥ migration + trackSeconds), or one
 *   more than `finalGapSeconds` after the token's previous event (the token is finalised first),
 *   or for a token already finalised.
 * - The lifecycle is complete once S > last event + finalGapSeconds, or
 *   S > migration + trackSeconds + slackSeconds (slack lets slightly late lines from inside the
 *   window arrive). Its series runs from second 0 to the last second with an event.
 *
 * Output order. Finished lifecycles wait in a reorder buffer (a heap on (slot, mint)). One is
 * written once its key is below the watermark: smaller than the key of every token still in
 * flight, and its slot < (largest migration slot seen) − reorderSlots. The second condition is
 * the stream's promise: a migration line never arrives more than `reorderSlots` slots behind the
 * newest migration before it. A migration that breaks it is counted (`lateMigrations`); if its
 * lifecycle's key is below one already written it is still written (immediately, when done) and
 * counted in `orderViolations` — the output is then not fully sorted and the summary says so.
 * At end of input every token is finalised and the buffer is flushed in order.
 */
import type { IssueLog } from "../telemetry/issues";
import { migrationAgeSeconds } from "../telemetry/validate";
import type { FlowEvent, MigrationEvent, TelemetryEvent, TickEvent } from "../telemetry/types";
import { BUY, CLOSE_BASE, CLOSE_QUOTE, CLOSE_TS, CREATOR_SELL, MAX_SELL, N_BUYS, N_SELLS, NEW_BUYERS, SELL, STRIDE, type FinishedLifecycle } from "./cells";

export interface LifecycleOptions {
  /** Tracking window after the migration, seconds (the series is at most this long). */
  trackSeconds: number;
  /** Extra stream time after the window before the lifecycle is closed, seconds. */
  slackSeconds: number;
  /** A token with no event for this long (in stream time) is finished, seconds. */
  finalGapSeconds: number;
  /** How far an event may go back in time for its mint and still be used, ms. */
  toleranceMs: number;
  /** How many slots a migration line may trail the newest migration seen before it. */
  reorderSlots: number;
}

export const DEFAULT_LIFECYCLE_OPTIONS: Readonly<LifecycleOptions> = Object.freeze({
  trackSeconds: 1800,
  slackSeconds: 30,
  finalGapSeconds: 300,
  toleranceMs: 5000,
  reorderSlots: 150,
});

export interface BuilderStats {
  /** Flow and tick lines used (migrations not included). */
  events: number;
  migrations: number;
  lifecycles: number;
  /** Migrations that arrived more than reorderSlots behind the newest migration seen. */
  lateMigrations: number;
  /** Lifecycles written with a key below one written before them. */
  orderViolations: number;
  peakInFlight: number;
  /** Most finished lifecycles held back at once for ordering. */
  peakBuffered: number;
  /** Most per-second rows held in typed arrays at once (all tokens in flight). */
  peakRows: number;
}

const INITIAL_CAPACITY = 64;
const EMPTY = new Float64Array(0);

/**
 * Recycles cell arrays by capacity: allocating fresh zeroed typed arrays (page faults and all)
 * was a visible share of the run time. Arrays come back when a token grows, and when the consumer
 * of a finished lifecycle hands its cells back (`LifecycleBuilder.recycle`); the pool never holds
 * more than was in flight at once.
 */
class CellPool {
  private readonly free = new Map<number, Float64Array[]>();
  take(cap: number): Float64Array {
    const list = this.free.get(cap);
    return list !== undefined && list.length > 0 ? list.pop()! : new Float64Array(cap * STRIDE);
  }
  /** Return an array whose rows [0, rows) were used (zeroed here unless `clean`). */
  give(cells: Float64Array, rows: number, clean = false): void {
    const cap = cells.length / STRIDE;
    if (!clean) cells.fill(0, 0, Math.min(rows, cap) * STRIDE);
    let list = this.free.get(cap);
    if (list === undefined) this.free.set(cap, (list = []));
    list.push(cells);
  }
}

/** A token in flight: static facts plus per-second cells (rows 0..lastSec, capacity `cap`). */
class Token {
  readonly mint: string;
  readonly pool: string;
  readonly creator: string;
  readonly slot: number;
  readonly ts: number;
  readonly ageS: number | null;
  readonly baseReserve: number;
  readonly quoteReserve: number;
  readonly decimals: number;
  readonly lpFeeBps: number;
  readonly protocolFeeBps: number;
  readonly creatorFeeBps: number;
  /** Events at or after this ts are beyond the tracking window. */
  readonly windowEnd: number;
  /** Stream time after which the token is closed regardless of activity. */
  readonly hardDeadline: number;
  maxTs: number;
  lastSec = 0;
  cap: number;
  cells: Float64Array;
  /** Flow signatures seen (duplicate detection) and wallets seen buying (new_buyers). */
  readonly sigs = new Set<string>();
  readonly buyers = new Set<string>();

  constructor(
    m: MigrationEvent,
    opts: LifecycleOptions,
    private readonly cellPool: CellPool,
  ) {
    this.mint = m.mint;
    this.pool = m.pool;
    this.creator = m.creator;
    this.slot = m.slot;
    this.ts = m.ts;
    this.ageS = migrationAgeSeconds(m);
    this.baseReserve = m.base_reserve;
    this.quoteReserve = m.quote_reserve;
    this.decimals = m.base_decimals;
    this.lpFeeBps = m.lp_fee_bps;
    this.protocolFeeBps = m.protocol_fee_bps;
    this.creatorFeeBps = m.creator_fee_bps;
    this.windowEnd = m.ts + opts.trackSeconds * 1000;
    this.hardDeadline = this.windowEnd + opts.slackSeconds * 1000;
    this.maxTs = m.ts;
    this.cap = Math.min(INITIAL_CAPACITY, Math.max(1, opts.trackSeconds));
    this.cells = cellPool.take(this.cap);
    this.cells[CLOSE_TS] = m.ts + 1;
    this.cells[CLOSE_BASE] = m.base_reserve;
    this.cells[CLOSE_QUOTE] = m.quote_reserve;
  }

  /** Row offset for an event at `ts` (already known to be inside the window). */
  row(ts: number): number {
    const i = ts <= this.ts ? 0 : Math.floor((ts - this.ts) / 1000);
    if (i >= this.cap) {
      let cap = this.cap * 2;
      while (cap <= i) cap *= 2;
      const cells = this.cellPool.take(cap);
      cells.set(this.cells);
      this.cellPool.give(this.cells, this.lastSec + 1);
      this.cells = cells;
      this.cap = cap;
    }
    if (i > this.lastSec) this.lastSec = i;
    return i * STRIDE;
  }

  /** The event with the largest ts in a second sets its close (ties: the later line). */
  close(r: number, ts: number, base: number, quote: number): void {
    const c = this.cells;
    if (ts + 1 >= c[r + CLOSE_TS]!) {
      c[r + CLOSE_TS] = ts + 1;
      c[r + CLOSE_BASE] = base;
      c[r + CLOSE_QUOTE] = quote;
    }
  }

  deadline(gapMs: number): number {
    const idle = this.maxTs + gapMs;
    return idle < this.hardDeadline ? idle : this.hardDeadline;
  }

  /** Its finished form: static facts and its cells (which the token gives up). */
  finish(): FinishedLifecycle {
    const rows = this.lastSec + 1;
    const f: FinishedLifecycle = {
      mint: this.mint,
      pool: this.pool,
      creator: this.creator,
      slot: this.slot,
      ts: this.ts,
      ageS: this.ageS,
      baseReserve: this.baseReserve,
      quoteReserve: this.quoteReserve,
      decimals: this.decimals,
      lpFeeBps: this.lpFeeBps,
      protocolFeeBps: this.protocolFeeBps,
      creatorFeeBps: this.creatorFeeBps,
      rows,
      cells: this.cells,
    };
    this.cells = EMPTY;
    return f;
  }
}

interface Pending {
  slot: number;
  mint: string;
  seq: number;
  finished: FinishedLifecycle;
}

/** (slot, mint, seq) order. */
const before = (a: Pending, b: Pending): boolean =>
  a.slot !== b.slot ? a.slot < b.slot : a.mint !== b.mint ? a.mint < b.mint : a.seq < b.seq;

/** Minimal binary heap for the reorder buffer. */
class PendingHeap {
  private readonly items: Pending[] = [];
  get size(): number {
    return this.items.length;
  }
  peek(): Pending | undefined {
    return this.items[0];
  }
  push(x: Pending): void {
    const a = this.items;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(a[i]!, a[parent]!)) break;
      [a[i], a[parent]] = [a[parent]!, a[i]!];
      i = parent;
    }
  }
  pop(): Pending | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && before(a[l]!, a[m]!)) m = l;
        if (r < a.length && before(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}

/**
 * Builds lifecycles from validated events. `emit` receives finished tokens (./cells: turn one into
 * a Lifecycle with `toLifecycle`) in (slot, mint) order (see the module comment for the one
 * exception). Skips decided here (unknown_mint, duplicate,
 * out_of_order, after_end, and a pool that differs from the migration's as bad_value) go to `log`.
 *
 * @example
 * const log = new IssueLog();
 * const check = new TelemetryValidator(log);
 * const b = new LifecycleBuilder({}, log, (f) => out.write(formatLifecycle(toLifecycle(f)) + "\n"));
 * for (const [line, value] of lines) { const ev = check.check(value, line); if (ev) b.push(ev, line); }
 * b.end();
 */
export class LifecycleBuilder {
  readonly opts: LifecycleOptions;
  readonly stats: BuilderStats = {
    events: 0,
    migrations: 0,
    lifecycles: 0,
    lateMigrations: 0,
    orderViolations: 0,
    peakInFlight: 0,
    peakBuffered: 0,
    peakRows: 0,
  };
  private readonly live = new Map<string, Token>();
  /** Recently finished mints → stream time they ended (to tell after_end from unknown_mint). */
  private readonly ended = new Map<string, number>();
  private readonly pending = new PendingHeap();
  private readonly cellPool = new CellPool();
  private readonly cache = new Array<Token | undefined>(1024).fill(undefined);
  private streamTime = Number.NEGATIVE_INFINITY;
  /** Lower bound of the earliest deadline in flight: no sweep is needed before S passes it. */
  private nextSweep = Number.POSITIVE_INFINITY;
  private maxMigrationSlot = Number.NEGATIVE_INFINITY;
  private seq = 0;
  private last: Pending | null = null;
  private rows = 0;
  private readonly gapMs: number;
  private readonly endedHorizonMs: number;
  /** after_end details, built once (skipped lines should cost no string work). */
  private readonly beyondWindow: string;
  private readonly afterGap: string;

  constructor(
    opts: Partial<LifecycleOptions>,
    private readonly log: IssueLog,
    private readonly emit: (f: FinishedLifecycle) => void,
  ) {
    const o: LifecycleOptions = { ...DEFAULT_LIFECYCLE_OPTIONS };
    for (const k of Object.keys(o) as (keyof LifecycleOptions)[]) if (typeof opts[k] === "number") o[k] = opts[k]!;
    this.opts = o;
    this.gapMs = this.opts.finalGapSeconds * 1000;
    this.endedHorizonMs = (this.opts.trackSeconds + this.opts.slackSeconds + this.opts.finalGapSeconds) * 1000;
    this.beyondWindow = `beyond the ${o.trackSeconds}s tracking window`;
    this.afterGap = `more than ${o.finalGapSeconds}s after this mint's previous event`;
  }

  /** Tokens in flight now. */
  get inFlight(): number {
    return this.live.size;
  }

  /** Finished lifecycles held back for ordering now. */
  get buffered(): number {
    return this.pending.size;
  }

  /**
   * Hand back the cells of a finished lifecycle once it has been turned into a record or text, so
   * the next tokens reuse the memory. Optional (unreturned cells are simply garbage collected).
   * `clean`: the caller already zeroed rows [0, f.rows).
   */
  recycle(cells: Float64Array, rows: number, clean = false): void {
    if (cells.length > 0 && cells.length % STRIDE === 0) this.cellPool.give(cells, rows, clean);
  }

  push(ev: TelemetryEvent, line: number): void {
    if (ev.type === "migration") return this.migration(ev, line);
    const tok = this.lookup(ev.mint);
    if (tok === undefined) {
      if (this.ended.has(ev.mint)) this.log.skip("after_end", line, "lifecycle of this mint already finished");
      else this.log.skip("unknown_mint", line, "mint", ev.mint);
      return;
    }
    if (ev.pool !== tok.pool) {
      this.log.skip("bad_value", line, "pool differs from the migration's", ev.pool);
      return;
    }
    const ts = ev.ts;
    if (ts < tok.maxTs - this.opts.toleranceMs) {
      this.log.skip("out_of_order", line, this.log.keeps("out_of_order") ? `ts ${ts} is ${tok.maxTs - ts} ms behind this mint's latest` : undefined);
      return;
    }
    if (ts >= tok.windowEnd) {
      this.log.skip("after_end", line, this.beyondWindow);
      return;
    }
    if (ts > tok.maxTs + this.gapMs) {
      this.finalise(tok);
      this.release(false);
      this.log.skip("after_end", line, this.afterGap);
      return;
    }
    const isFlow = ev.type === "flow";
    if (isFlow) {
      // One hash operation: add, and it was a duplicate if the set did not grow.
      const seen = tok.sigs.size;
      if (tok.sigs.add((ev as FlowEvent).sig).size === seen) {
        this.log.skip("duplicate", line, "sig", (ev as FlowEvent).sig);
        return;
      }
    }
    const lastSec = tok.lastSec;
    const r = tok.row(ts);
    if (tok.lastSec !== lastSec) this.addRows(tok.lastSec - lastSec);
    if (isFlow) this.flow(tok, ev as FlowEvent, r);
    else tok.close(r, ts, (ev as TickEvent).base_reserve, (ev as TickEvent).quote_reserve);
    this.stats.events++;
    if (ts > tok.maxTs) tok.maxTs = ts;
    if (ts > this.streamTime) this.advance(ts);
  }

  /**
   * The token in flight for a mint. A small direct-mapped cache keyed on a few characters saves
   * hashing the whole (freshly parsed, so never pre-hashed) mint string for most events; a hit is
   * confirmed by full string equality, a miss falls back to the map.
   */
  private lookup(mint: string): Token | undefined {
    const slot = mint.length < 4 ? 0 : (mint.charCodeAt(0) * 7919 + mint.charCodeAt(1) * 131 + mint.charCodeAt(2) * 31 + mint.charCodeAt(3)) & 1023;
    const hit = this.cache[slot];
    if (hit !== undefined && hit.mint === mint) return hit;
    const tok = this.live.get(mint);
    if (tok !== undefined) this.cache[slot] = tok;
    return tok;
  }

  private flow(tok: Token, ev: FlowEvent, r: number): void {
    tok.close(r, ev.ts, ev.base_reserve, ev.quote_reserve);
    const c = tok.cells;
    const q = ev.quote;
    if (ev.side === "buy") {
      c[r + BUY] += q;
      c[r + N_BUYS]++;
      const known = tok.buyers.size;
      if (tok.buyers.add(ev.user).size !== known) c[r + NEW_BUYERS]++;
    } else {
      c[r + SELL] += q;
      c[r + N_SELLS]++;
      if (ev.user === tok.creator) c[r + CREATOR_SELL] += q;
      if (q > c[r + MAX_SELL]!) c[r + MAX_SELL] = q;
    }
  }

  private migration(m: MigrationEvent, line: number): void {
    if (this.live.has(m.mint) || this.ended.has(m.mint)) {
      this.log.skip("duplicate", line, "mint already migrated", m.mint);
      return;
    }
    if (m.slot < this.maxMigrationSlot - this.opts.reorderSlots) this.stats.lateMigrations++;
    if (m.slot > this.maxMigrationSlot) this.maxMigrationSlot = m.slot;
    const tok = new Token(m, this.opts, this.cellPool);
    this.live.set(m.mint, tok);
    this.addRows(1);
    this.stats.migrations++;
    if (this.live.size > this.stats.peakInFlight) this.stats.peakInFlight = this.live.size;
    const d = tok.deadline(this.gapMs);
    if (d < this.nextSweep) this.nextSweep = d;
    if (m.ts > this.streamTime) this.advance(m.ts);
    // The watermark moved up with the new migration slot.
    this.release(false);
  }

  private addRows(n: number): void {
    this.rows += n;
    if (this.rows > this.stats.peakRows) this.stats.peakRows = this.rows;
  }

  private advance(ts: number): void {
    this.streamTime = ts;
    if (ts > this.nextSweep) this.sweep();
  }

  /** Finish every token whose deadline the stream time has passed; forget old finished mints. */
  private sweep(): void {
    const now = this.streamTime;
    let next = Number.POSITIVE_INFINITY;
    let finished = false;
    for (const tok of this.live.values()) {
      const d = tok.deadline(this.gapMs);
      if (now > d) {
        this.finalise(tok);
        finished = true;
      } else if (d < next) next = d;
    }
    this.nextSweep = next;
    this.forgetEnded();
    if (finished) this.release(false);
  }

  /** Drop finished mints older than the horizon (the map is in finishing order). */
  private forgetEnded(): void {
    const horizon = this.streamTime - this.endedHorizonMs;
    for (const [mint, at] of this.ended) {
      if (at >= horizon) break;
      this.ended.delete(mint);
    }
  }

  private finalise(tok: Token): void {
    this.live.delete(tok.mint);
    this.forgetEnded();
    const cached = this.cache.indexOf(tok);
    if (cached >= 0) this.cache[cached] = undefined;
    this.ended.set(tok.mint, this.streamTime);
    this.rows -= tok.lastSec + 1;
    this.pending.push({ slot: tok.slot, mint: tok.mint, seq: this.seq++, finished: tok.finish() });
    if (this.pending.size > this.stats.peakBuffered) this.stats.peakBuffered = this.pending.size;
  }

  /** Write out every finished lifecycle below the watermark (all of them when `all`). */
  private release(all: boolean): void {
    if (this.pending.size === 0) return;
    let minSlot = Number.POSITIVE_INFINITY;
    let minMint = "";
    if (!all) {
      for (const t of this.live.values()) {
        if (t.slot < minSlot || (t.slot === minSlot && t.mint < minMint)) {
          minSlot = t.slot;
          minMint = t.mint;
        }
      }
    }
    const limit = this.maxMigrationSlot - this.opts.reorderSlots;
    for (let top = this.pending.peek(); top !== undefined; top = this.pending.peek()) {
      if (!all) {
        if (!(top.slot < limit)) break;
        if (top.slot > minSlot || (top.slot === minSlot && top.mint > minMint)) break;
      }
      this.pending.pop();
      if (this.last !== null && before(top, this.last)) this.stats.orderViolations++;
      else this.last = top;
      this.stats.lifecycles++;
      this.emit(top.finished);
    }
  }

  /** End of input: finish every token and write everything still buffered, in order. */
  end(): void {
    for (const tok of this.live.values()) this.finalise(tok);
    this.release(true);
  }
}
