/**
 * Per-second bars of one live pool, from telemetry v1 flow and tick events, by exactly the rules
 * telemetry_tool's lifecycle builder (lib/lifecycle/builder.ts, cells.ts) turns the same events
 * into ground truth — so the live actor feeds the feature engine the numbers the simulator reads:
 *
 * - second i covers [t0 + i·1000, t0 + (i+1)·1000); an event a little before t0 counts in second 0;
 * - the close of a second is set by its event with the largest ts (ties: the later one), and is
 *   carried forward through seconds without events; price = spotPriceSol(close), SOL reserve =
 *   close quote / 1e9;
 * - flow volumes are summed in lamports and reported in SOL; n_buys / n_sells count swaps;
 *   new_buyers counts wallets buying for the first time; creator_sell_sol and max_sell_sol as named;
 * - a flow whose signature was seen is a duplicate; an event more than `toleranceMs` behind the
 *   pool's latest is out of order; events at or past the tracking window, or more than
 *   `finalGapSeconds` after the previous one, are after the end;
 * - the series ends at the last second that had an event.
 *
 * Live, a second can only be handed on once stream time has passed its end (`close(S)`), and a
 * closed second without any event is held back until a later event shows the series goes on
 * (the builder would end the series before it otherwise). With the watcher's 1 Hz ticks every
 * second has an event, so nothing waits. The one thing live cannot do is revise a second already
 * handed on: an event for it (within tolerance, arriving after its end) is counted as `late` and
 * its flow dropped; the watcher emits in stream order, so this does not happen there.
 */
import { spotPriceSol, type PoolReserves } from "../amm/index.ts";
import type { SecondBar } from "../features/engine.ts";
import type { FlowEvent, TickEvent } from "../telemetry/types.ts";

const LAMPORTS = 1e9;

export interface BarOptions {
  trackSeconds: number;
  slackSeconds: number;
  finalGapSeconds: number;
  toleranceMs: number;
}

/** The lifecycle builder's defaults (DEFAULT_LIFECYCLE_OPTIONS). */
export const DEFAULT_BAR_OPTIONS: Readonly<BarOptions> = Object.freeze({ trackSeconds: 1800, slackSeconds: 30, finalGapSeconds: 300, toleranceMs: 5000 });

export type AddResult = "ok" | "duplicate" | "out_of_order" | "after_end" | "late" | "bad_pool";

interface Cell {
  closeTs: number; // ts + 1 of the event that set the close, 0 = none
  base: number;
  quote: number;
  buy: number;
  sell: number;
  nBuys: number;
  nSells: number;
  newBuyers: number;
  creatorSell: number;
  maxSell: number;
  events: number;
}

const newCell = (): Cell => ({ closeTs: 0, base: 0, quote: 0, buy: 0, sell: 0, nBuys: 0, nSells: 0, newBuyers: 0, creatorSell: 0, maxSell: 0, events: 0 });

export class PoolBars {
  readonly windowEnd: number;
  readonly hardDeadline: number;
  /** Next row to hand on. */
  nextRow = 0;
  /** The first row of the series (0 unless resumed). */
  readonly firstRow: number;
  /** Latest ts of any event used (the migration included). */
  maxTs: number;
  /** Pool reserves after the latest event by ts (what a fill now would meet). */
  readonly current: PoolReserves;
  private currentTs: number;
  private readonly cells = new Map<number, Cell>();
  private closeBase: number;
  private closeQuote: number;
  private price: number;
  private readonly sigs = new Set<string>();
  private readonly buyers = new Set<string>();
  private readonly bar: SecondBar = { price: 0, quoteReserve: 0, buySol: 0, sellSol: 0, nBuys: 0, nSells: 0, newBuyers: 0, creatorSellSol: 0, maxSellSol: 0 };
  readonly stats = { events: 0, duplicate: 0, out_of_order: 0, after_end: 0, late: 0, bad_pool: 0 };
  ended = false;

  constructor(
    readonly mint: string,
    readonly pool: string,
    readonly creator: string,
    readonly t0: number,
    baseReserve: number,
    quoteReserve: number,
    readonly baseDecimals: number,
    private readonly opts: BarOptions = DEFAULT_BAR_OPTIONS,
    /**
     * Resuming a pool after a restart: the first row handed on and the chain time the reserves
     * are from (default: row 0 at the migration).
     */
    resume: { row: number; ts: number } | null = null,
  ) {
    const from = resume ? resume.ts : t0;
    this.windowEnd = from + opts.trackSeconds * 1000;
    this.hardDeadline = this.windowEnd + opts.slackSeconds * 1000;
    this.maxTs = from;
    this.nextRow = resume ? resume.row : 0;
    this.firstRow = this.nextRow;
    const c0 = newCell();
    c0.closeTs = from + 1;
    c0.base = baseReserve;
    c0.quote = quoteReserve;
    c0.events = 1;
    this.cells.set(this.nextRow, c0);
    this.closeBase = baseReserve;
    this.closeQuote = quoteReserve;
    this.price = spotPriceSol({ baseReserve, quoteReserve }, baseDecimals);
    this.current = { baseReserve, quoteReserve };
    this.currentTs = from;
  }

  /** End of second `row` (chain ms). */
  rowEnd(row: number): number {
    return this.t0 + (row + 1) * 1000;
  }

  /** Row of an event at `ts`. */
  rowOf(ts: number): number {
    return ts <= this.t0 ? 0 : Math.floor((ts - this.t0) / 1000);
  }

  /** Stream time after which the pool's data is over if nothing else arrives. */
  deadline(): number {
    const idle = this.maxTs + this.opts.finalGapSeconds * 1000;
    return idle < this.hardDeadline ? idle : this.hardDeadline;
  }

  /** One flow or tick of this pool's mint. */
  add(ev: FlowEvent | TickEvent): AddResult {
    if (this.ended) return this.count("after_end");
    if (ev.pool !== this.pool) return this.count("bad_pool");
    const ts = ev.ts;
    if (ts < this.maxTs - this.opts.toleranceMs) return this.count("out_of_order");
    if (ts >= this.windowEnd) return this.count("after_end");
    if (ts > this.maxTs + this.opts.finalGapSeconds * 1000) {
      this.ended = true;
      return this.count("after_end");
    }
    const isFlow = ev.type === "flow";
    if (isFlow) {
      const seen = this.sigs.size;
      if (this.sigs.add(ev.sig).size === seen) return this.count("duplicate");
    }
    if (ts >= this.currentTs) {
      this.current.baseReserve = ev.base_reserve;
      this.current.quoteReserve = ev.quote_reserve;
      this.currentTs = ts;
    }
    if (ts > this.maxTs) this.maxTs = ts;
    this.stats.events++;
    const row = this.rowOf(ts);
    if (row < this.nextRow) return this.count("late");
    let c = this.cells.get(row);
    if (c === undefined) this.cells.set(row, (c = newCell()));
    c.events++;
    if (ts + 1 >= c.closeTs) {
      c.closeTs = ts + 1;
      c.base = ev.base_reserve;
      c.quote = ev.quote_reserve;
    }
    if (isFlow) {
      const f = ev as FlowEvent;
      const q = f.quote;
      if (f.side === "buy") {
        c.buy += q;
        c.nBuys++;
        const known = this.buyers.size;
        if (this.buyers.add(f.user).size !== known) c.newBuyers++;
      } else {
        c.sell += q;
        c.nSells++;
        if (f.user === this.creator) c.creatorSell += q;
        if (q > c.maxSell) c.maxSell = q;
      }
    }
    return "ok";
  }

  private count(r: Exclude<AddResult, "ok">): AddResult {
    this.stats[r]++;
    return r;
  }

  /**
   * Hands on every second that ended by stream time `S` and is known to belong to the series (it
   * had an event, or a later second did), in order. `final`: the data is over — hand on what had
   * events and drop the rest.
   */
  close(S: number, emit: (row: number, bar: SecondBar) => void, final = false): void {
    // The last row known to be part of the series: the highest row with an event that has ended.
    let lastWithEvent = -1;
    for (const [row, c] of this.cells) if (c.events > 0 && row > lastWithEvent && (final || this.rowEnd(row) <= S)) lastWithEvent = row;
    while (this.nextRow <= lastWithEvent) {
      const row = this.nextRow;
      const c = this.cells.get(row);
      if (c !== undefined) this.cells.delete(row);
      this.emitRow(row, c, emit);
      this.nextRow = row + 1;
    }
    if (final) {
      this.cells.clear();
      this.ended = true;
    }
  }

  /** Stream time at which `close` next has something to hand on, or the data ends. */
  nextDue(): number {
    let due = this.deadline();
    for (const [row, c] of this.cells) if (c.events > 0) {
      const end = this.rowEnd(row);
      if (end < due) due = end;
    }
    return due;
  }

  private emitRow(row: number, c: Cell | undefined, emit: (row: number, bar: SecondBar) => void): void {
    const b = this.bar;
    if (c !== undefined && c.closeTs > 0 && (c.base !== this.closeBase || c.quote !== this.closeQuote)) {
      this.closeBase = c.base;
      this.closeQuote = c.quote;
      this.price = spotPriceSol({ baseReserve: c.base, quoteReserve: c.quote }, this.baseDecimals);
    }
    b.price = this.price;
    b.quoteReserve = this.closeQuote / LAMPORTS;
    if (c === undefined) {
      b.buySol = b.sellSol = b.nBuys = b.nSells = b.newBuyers = b.creatorSellSol = b.maxSellSol = 0;
    } else {
      b.buySol = c.buy / LAMPORTS;
      b.sellSol = c.sell / LAMPORTS;
      b.nBuys = c.nBuys;
      b.nSells = c.nSells;
      b.newBuyers = c.newBuyers;
      b.creatorSellSol = c.creatorSell / LAMPORTS;
      b.maxSellSol = c.maxSell / LAMPORTS;
    }
    emit(row, b);
  }

  /** Reserves at the close of the last handed-on row (raw units). */
  lastClose(): PoolReserves {
    return { baseReserve: this.closeBase, quoteReserve: this.closeQuote };
  }
}
