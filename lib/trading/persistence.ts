/**
 * trades.db writes of the trading stages, through a queue (DESIGN §4: the hot path never waits on
 * the database). The actor and the processors `push` state changes (a synchronous array push);
 * the persistence task drains the queue off the hot path, one SQLite transaction per state change,
 * in push order: a change is either entirely in trades.db or not at all, and a later change never
 * lands before an earlier one. With WAL and synchronous=FULL (lib/store) a committed change
 * survives a crash.
 *
 * The commits run on a worker thread (./persistence_worker.ts, its own connection to the same
 * file): a commit's fsync takes ~0.2 ms here, and on the event loop it delays whatever migration
 * arrives meanwhile. The loop only hands the ops over (on the next macrotask after a push).
 * `flush()` stays synchronous: it waits (Atomics.wait) until the worker has committed everything
 * pushed so far, or stopped at a failing commit. An in-memory database, or a worker that cannot
 * start (a compiled binary without it, see scripts/build.ts), means the commits run here, as
 * before; a worker that fails later hands back what it had not committed.
 *
 * Rows: `trades` through its lifecycle opening → open → closing → closed (or failed);
 * closing a trade also updates `portfolio_summary` and `portfolio_daily` in the same transaction;
 * `circuit_breaker_events`; and `metadata` keys (the breaker state, for restarts).
 *
 * `loadTradingState` reads what a restart needs: every trade row (to recognise positions already
 * traded), the open ones (re-hydrated into the actor) and the breaker snapshot.
 */
import type { Database } from "bun:sqlite";
import type { BreakerEvent, BreakerState } from "../risk/index.ts";
import type { Logger } from "../log/index.ts";
import type { TradingMetrics } from "./metrics.ts";
import { BREAKER_STATE_KEY, TradesWriter } from "./trades_writer.ts";

export { BREAKER_STATE_KEY };

export type TradeStatus = "opening" | "open" | "closing" | "closed" | "failed";

/** What the entry_reason column holds (JSON): the decision and what recovery needs. */
export interface EntryRecord {
  reason: string;
  migration_ts: number;
  decision_second: number;
  fill_second: number | null;
  base_decimals: number;
  fees: { lp: number; protocol: number; creator: number };
  /** Pool reserves at the decision (raw units, lamports). */
  reserves: { base: number; quote: number };
  spend_lamports: number;
  size_multiplier: number | null;
  rent_lamports: number;
  closeable: boolean;
  features?: Record<string, number>;
}

export interface TradeRow {
  position_id: string;
  mint: string;
  pool: string;
  creator: string | null;
  mode: "paper" | "live";
  status: TradeStatus;
  entry_ts: number | null;
  entry_slot: number | null;
  entry_sig: string | null;
  entry_price_sol: number | null;
  amount_in_lamports: number | null;
  tokens_raw: number | null;
  exit_ts: number | null;
  exit_sig: string | null;
  exit_price_sol: number | null;
  amount_out_lamports: number | null;
  fees_lamports: number;
  pnl_lamports: number | null;
  exit_reason: string | null;
  phase_at_exit: string | null;
  params_hash: string | null;
  entry_reason: string | null;
  created_at: number;
  updated_at: number;
}

export type PersistOp =
  | { op: "trade_opening"; at: number; row: Pick<TradeRow, "position_id" | "mint" | "pool" | "creator" | "mode" | "params_hash" | "entry_reason" | "entry_sig"> }
  | { op: "trade_update"; at: number; positionId: string; fields: Partial<Omit<TradeRow, "position_id" | "created_at">> }
  | {
      op: "trade_closed";
      at: number;
      positionId: string;
      fields: Partial<Omit<TradeRow, "position_id" | "created_at">> & { pnl_lamports: number; amount_in_lamports: number; fees_lamports: number };
      /** UTC day of the close, YYYY-MM-DD. */
      day: string;
    }
  | { op: "breaker_event"; at: number; event: BreakerEvent; snapshot: BreakerState }
  | { op: "metadata"; at: number; key: string; value: string };

export interface PersistSink {
  push(op: PersistOp): void;
}

/** Shared-memory slots (Int32Array) between the queue and its worker. */
export const CTRL = { COMMITTED: 0, DONE_SEQ: 1, FAILURES: 2, STATE: 3 } as const;
export const WORKER_STATE = { STARTING: 0, READY: 1, FAILED: 2, CLOSED: 3 } as const;
export type WorkerRequest = { type: "init"; path: string; ctrl: SharedArrayBuffer } | { type: "ops"; seq: number; ops: PersistOp[] } | { type: "close"; seq: number };
export type WorkerReply = { type: "ready" } | { type: "stats"; ok: number; errors: number; seconds: number[] } | { type: "failed"; op: string; error: string } | { type: "init_failed"; error: string };

/**
 * Where the worker module is. From source: beside this file. In a `bun build --compile` binary it
 * must be an extra entrypoint (scripts/build.ts EXTRA_ENTRYPOINTS), embedded under its path from
 * the entrypoints' common root.
 */
function workerSpecifier(): string {
  if (!import.meta.url.includes("$bunfs")) return new URL("./persistence_worker.ts", import.meta.url).href;
  return "/$bunfs/root/lib/trading/persistence_worker.js";
}

/** How long flush() waits for the worker before taking the commits back (ms). */
const WORKER_START_TIMEOUT_MS = 10_000;
const WORKER_FLUSH_TIMEOUT_MS = 60_000;

/**
 * The queue and the task draining it. `push` never blocks; the task hands the queue to the writer
 * on the next macrotask after a push (and on `flush()` / `close()`), which commits op by op. A
 * failed commit is kept and retried on the next flush (logged once per run of failures); trading
 * goes on.
 */
export class PersistenceQueue implements PersistSink {
  private queue: PersistOp[] = [];
  private scheduled = false;
  private failing = false;
  private closed = false;
  private readonly counts = { pushed: 0, committed: 0, failures: 0 };
  private writer: TradesWriter | null = null;
  private worker: Worker | null = null;
  private ctrl: Int32Array | null = null;
  /** Ops handed to the worker and not known committed yet; `sentBase` ops were before them. */
  private sent: PersistOp[] = [];
  private sentBase = 0;
  private seq = 0;

  constructor(
    private readonly db: Database,
    private readonly opts: {
      logger?: Logger;
      metrics?: TradingMetrics;
      /** ms between drains; 0: next macrotask. */
      delayMs?: number;
      /** "worker" (default for a database file) or "here" (this thread; always for :memory:). */
      writer?: "worker" | "here";
    } = {},
  ) {
    const path = db.filename;
    const file = !!path && path !== ":memory:" && !path.startsWith("file:");
    if (file && opts.writer !== "here") this.startWorker(path);
    if (!this.worker) this.writer = new TradesWriter(db);
  }

  get stats(): { pushed: number; committed: number; failures: number } {
    if (this.worker) this.settle();
    return this.counts;
  }

  /** Whether commits run on the worker thread (false: on this one). */
  get onWorker(): boolean {
    return this.worker !== null;
  }

  get depth(): number {
    return this.queue.length + this.sent.length - this.committedSinceBase();
  }

  push(op: PersistOp): void {
    if (this.closed) return;
    this.queue.push(op);
    this.counts.pushed++;
    if (!this.scheduled) {
      this.scheduled = true;
      const run = () => {
        this.scheduled = false;
        if (this.closed) return;
        if (this.worker) this.handOver();
        else this.flushHere();
      };
      if ((this.opts.delayMs ?? 0) > 0) setTimeout(run, this.opts.delayMs);
      else setImmediate(run);
    }
  }

  /**
   * Commits everything queued, one transaction per op, and returns how many this call committed.
   * With the worker: hands the queue over and waits until it is committed (or a commit failed).
   */
  flush(): number {
    if (!this.worker) return this.flushHere();
    const ctrl = this.ctrl!;
    const before = Atomics.load(ctrl, CTRL.COMMITTED);
    const seq = this.handOver(true);
    if (!this.waitFor(seq)) {
      const got = Atomics.load(ctrl, CTRL.COMMITTED) - before;
      this.takeBack(Atomics.load(ctrl, CTRL.STATE) === WORKER_STATE.FAILED ? "the persistence worker could not open trades.db" : "the persistence worker did not answer");
      return got + this.flushHere();
    }
    this.settle();
    return Atomics.load(ctrl, CTRL.COMMITTED) - before;
  }

  /** Flushes and stops accepting ops (shutdown); the worker closes its connection. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    const w = this.worker;
    if (!w) return;
    const seq = ++this.seq;
    w.postMessage({ type: "close", seq } satisfies WorkerRequest);
    this.waitFor(seq);
    w.terminate();
    this.worker = null;
  }

  // ---- on this thread ----

  private flushHere(): number {
    if (this.queue.length === 0) return 0;
    if (!this.writer) this.writer = new TradesWriter(this.db);
    let n = 0;
    while (this.queue.length > 0) {
      const op = this.queue[0];
      const t0 = performance.now();
      try {
        this.writer.commit(op);
      } catch (err) {
        this.onFailure(op.op, (err as Error).message, 1);
        break;
      }
      this.failing = false;
      this.queue.shift();
      n++;
      this.counts.committed++;
      this.opts.metrics?.persistenceCommits.inc({ result: "ok" });
      this.opts.metrics?.persistenceCommitSeconds.observe((performance.now() - t0) / 1000);
    }
    this.opts.metrics?.persistenceQueue.set(this.queue.length);
    return n;
  }

  private onFailure(op: string, message: string, count: number): void {
    this.counts.failures += count;
    this.opts.metrics?.persistenceCommits.inc({ result: "error" }, count);
    if (!this.failing) this.opts.logger?.error({ op, error: message }, "trades.db write failed; will retry");
    this.failing = true;
  }

  // ---- the worker ----

  private startWorker(path: string): void {
    let w: Worker;
    try {
      w = new Worker(workerSpecifier());
    } catch (err) {
      this.opts.logger?.warn({ error: (err as Error).message }, "persistence worker unavailable; trades.db commits run on the event loop");
      return;
    }
    const sab = new SharedArrayBuffer(16);
    this.ctrl = new Int32Array(sab);
    this.worker = w;
    w.onmessage = (e: MessageEvent<WorkerReply>) => this.onReply(e.data);
    w.onerror = (e: ErrorEvent) => {
      if (this.worker === w) this.takeBack(`the persistence worker failed (${e.message})`);
    };
    w.unref();
    w.postMessage({ type: "init", path, ctrl: sab } satisfies WorkerRequest);
  }

  private onReply(m: WorkerReply): void {
    const metrics = this.opts.metrics;
    switch (m.type) {
      case "ready":
        this.opts.logger?.info({ db: this.db.filename }, "trades.db commits run on the persistence worker thread");
        return;
      case "stats":
        if (m.ok > 0) {
          metrics?.persistenceCommits.inc({ result: "ok" }, m.ok);
          for (const s of m.seconds) metrics?.persistenceCommitSeconds.observe(s);
          this.failing = false;
        }
        if (m.errors > 0) metrics?.persistenceCommits.inc({ result: "error" }, m.errors);
        this.settle();
        return;
      case "failed":
        if (!this.failing) this.opts.logger?.error({ op: m.op, error: m.error }, "trades.db write failed; will retry");
        this.failing = true;
        return;
      case "init_failed":
        this.opts.logger?.warn({ error: m.error }, "persistence worker could not open trades.db");
        if (this.worker) this.takeBack("the persistence worker could not open trades.db");
        return;
    }
  }

  /** Posts the queue (possibly nothing: then it only asks for a retry); returns the message's seq. */
  private handOver(always = false): number {
    if (this.queue.length === 0 && !always) return this.seq;
    const ops = this.queue;
    this.queue = [];
    const seq = ++this.seq;
    this.worker!.postMessage({ type: "ops", seq, ops } satisfies WorkerRequest);
    for (const op of ops) this.sent.push(op);
    this.settle();
    return seq;
  }

  private committedSinceBase(): number {
    return this.ctrl ? Atomics.load(this.ctrl, CTRL.COMMITTED) - this.sentBase : 0;
  }

  /** Drops what the worker has committed from `sent`; stats and the depth gauge. */
  private settle(): void {
    const done = this.committedSinceBase();
    if (done > 0) {
      this.sent.splice(0, done);
      this.sentBase += done;
      this.counts.committed += done;
    }
    if (this.ctrl) this.counts.failures = Atomics.load(this.ctrl, CTRL.FAILURES);
    this.opts.metrics?.persistenceQueue.set(this.depth);
  }

  /** Blocks until the worker has handled message `seq`; false when it cannot (it is gone or stuck). */
  private waitFor(seq: number): boolean {
    const ctrl = this.ctrl!;
    const start = performance.now();
    for (;;) {
      const done = Atomics.load(ctrl, CTRL.DONE_SEQ);
      if (done >= seq) return true;
      const state = Atomics.load(ctrl, CTRL.STATE);
      if (state === WORKER_STATE.FAILED) return false;
      const limit = state === WORKER_STATE.STARTING ? WORKER_START_TIMEOUT_MS : WORKER_FLUSH_TIMEOUT_MS;
      const left = limit - (performance.now() - start);
      if (left <= 0) return false;
      Atomics.wait(ctrl, CTRL.DONE_SEQ, done, Math.min(left, 100));
    }
  }

  /**
   * The worker is gone: what it had not committed (in order, before anything queued since) is
   * committed on this thread from now on.
   */
  private takeBack(why: string): void {
    const w = this.worker;
    if (!w) return;
    this.worker = null;
    w.terminate();
    const done = this.committedSinceBase();
    this.counts.committed += Math.max(0, done);
    this.queue = [...this.sent.slice(Math.max(0, done)), ...this.queue];
    this.sent = [];
    this.ctrl = null;
    this.opts.logger?.warn({ reason: why, queued: this.queue.length }, "trades.db commits now run on the event loop");
    if (this.queue.length > 0 && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        if (!this.closed) this.flushHere();
      });
    }
  }
}

export interface TradingState {
  /** Every trade row by position id. */
  trades: Map<string, TradeRow>;
  /** Rows still in flight (opening, open, closing): re-hydrated into the actor. */
  open: TradeRow[];
  breaker: BreakerState | null;
  realisedPnlLamports: number;
}

/** What a restart needs from trades.db. */
export function loadTradingState(db: Database): TradingState {
  const rows = db.query(`SELECT * FROM trades ORDER BY id`).all() as TradeRow[];
  const trades = new Map<string, TradeRow>();
  for (const r of rows) trades.set(r.position_id, r);
  const meta = db.query(`SELECT value FROM metadata WHERE key = ?`).get(BREAKER_STATE_KEY) as { value: string } | null;
  let breaker: BreakerState | null = null;
  if (meta) {
    try {
      breaker = JSON.parse(meta.value) as BreakerState;
    } catch {
      breaker = null;
    }
  }
  const summary = db.query(`SELECT realised_pnl_lamports FROM portfolio_summary WHERE id = 1`).get() as { realised_pnl_lamports: number } | null;
  return { trades, open: rows.filter((r) => r.status === "opening" || r.status === "open" || r.status === "closing"), breaker, realisedPnlLamports: summary?.realised_pnl_lamports ?? 0 };
}

export function parseEntryRecord(row: Pick<TradeRow, "entry_reason">): EntryRecord | null {
  if (!row.entry_reason) return null;
  try {
    return JSON.parse(row.entry_reason) as EntryRecord;
  } catch {
    return null;
  }
}

export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
