/**
 * trades.db writes of the trading stages, through a queue (DESIGN §4: the hot path never waits on
 * the database). The actor and the processors `push` state changes (a synchronous array push);
 * the persistence task drains the queue off the hot path, one SQLite transaction per state change,
 * in push order: a change is either entirely in trades.db or not at all, and a later change never
 * lands before an earlier one. With WAL and synchronous=FULL (lib/store) a committed change
 * survives a crash.
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
import { RISK_TIER_NAMES } from "../risk/index.ts";
import type { Logger } from "../log/index.ts";
import type { TradingMetrics } from "./metrics.ts";

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

const TRADE_COLUMNS = new Set([
  "mint",
  "pool",
  "creator",
  "mode",
  "status",
  "entry_ts",
  "entry_slot",
  "entry_sig",
  "entry_price_sol",
  "amount_in_lamports",
  "tokens_raw",
  "exit_ts",
  "exit_sig",
  "exit_price_sol",
  "amount_out_lamports",
  "fees_lamports",
  "pnl_lamports",
  "exit_reason",
  "phase_at_exit",
  "params_hash",
  "entry_reason",
  "updated_at",
]);

export const BREAKER_STATE_KEY = "trading.circuit_breaker";

/**
 * The queue and the task draining it. `push` never blocks; the task runs `flush` on the next
 * macrotask after a push (and on `flush()` / `close()`), committing op by op. A failed commit is
 * kept and retried on the next flush (logged once per run of failures); trading goes on.
 */
export class PersistenceQueue implements PersistSink {
  private queue: PersistOp[] = [];
  private scheduled = false;
  private failing = false;
  private closed = false;
  readonly stats = { pushed: 0, committed: 0, failures: 0 };
  private readonly stmts;

  constructor(
    private readonly db: Database,
    private readonly opts: { logger?: Logger; metrics?: TradingMetrics; /** ms between drains; 0: next macrotask. */ delayMs?: number } = {},
  ) {
    this.stmts = {
      insertOpening: db.query(
        `INSERT INTO trades (position_id, mint, pool, creator, mode, status, entry_sig, params_hash, entry_reason, created_at, updated_at)
         VALUES ($position_id, $mint, $pool, $creator, $mode, 'opening', $entry_sig, $params_hash, $entry_reason, $at, $at)
         ON CONFLICT(position_id) DO UPDATE SET entry_sig = COALESCE(excluded.entry_sig, trades.entry_sig), updated_at = excluded.updated_at
         WHERE trades.status = 'opening'`,
      ),
      summary: db.query(
        `UPDATE portfolio_summary SET
           realised_pnl_lamports = realised_pnl_lamports + $pnl,
           peak_pnl_lamports = MAX(peak_pnl_lamports, realised_pnl_lamports + $pnl),
           trades_closed = trades_closed + 1,
           wins = wins + $win,
           losses = losses + $loss,
           volume_in_lamports = volume_in_lamports + $volume,
           fees_lamports = fees_lamports + $fees,
           updated_at = $at
         WHERE id = 1`,
      ),
      daily: db.query(
        `INSERT INTO portfolio_daily (day, realised_pnl_lamports, trades_closed, wins) VALUES ($day, $pnl, 1, $win)
         ON CONFLICT(day) DO UPDATE SET realised_pnl_lamports = realised_pnl_lamports + $pnl, trades_closed = trades_closed + 1, wins = wins + $win`,
      ),
      statusOf: db.query(`SELECT status FROM trades WHERE position_id = ?`),
      breaker: db.query(`INSERT INTO circuit_breaker_events (ts, from_tier, to_tier, reason, figures) VALUES ($ts, $from, $to, $reason, $figures)`),
      meta: db.query(`INSERT INTO metadata (key, value) VALUES ($key, $value) ON CONFLICT(key) DO UPDATE SET value = excluded.value`),
    };
  }

  get depth(): number {
    return this.queue.length;
  }

  push(op: PersistOp): void {
    if (this.closed) return;
    this.queue.push(op);
    this.stats.pushed++;
    this.opts.metrics?.persistenceQueue.set(this.queue.length);
    if (!this.scheduled) {
      this.scheduled = true;
      const run = () => {
        this.scheduled = false;
        this.flush();
      };
      if ((this.opts.delayMs ?? 0) > 0) setTimeout(run, this.opts.delayMs);
      else setImmediate(run);
    }
  }

  /** Commits everything queued, one transaction per op. Returns how many were committed. */
  flush(): number {
    let n = 0;
    while (this.queue.length > 0) {
      const op = this.queue[0];
      const t0 = performance.now();
      try {
        this.db.transaction(() => this.apply(op))();
      } catch (err) {
        this.stats.failures++;
        this.opts.metrics?.persistenceCommits.inc({ result: "error" });
        if (!this.failing) this.opts.logger?.error({ op: op.op, error: (err as Error).message }, "trades.db write failed; will retry");
        this.failing = true;
        break;
      }
      this.failing = false;
      this.queue.shift();
      n++;
      this.stats.committed++;
      this.opts.metrics?.persistenceCommits.inc({ result: "ok" });
      this.opts.metrics?.persistenceCommitSeconds.observe((performance.now() - t0) / 1000);
    }
    this.opts.metrics?.persistenceQueue.set(this.queue.length);
    return n;
  }

  /** Flushes and stops accepting ops (shutdown). */
  close(): void {
    this.flush();
    this.closed = true;
  }

  private apply(op: PersistOp): void {
    switch (op.op) {
      case "trade_opening":
        this.stmts.insertOpening.run({ $position_id: op.row.position_id, $mint: op.row.mint, $pool: op.row.pool, $creator: op.row.creator, $mode: op.row.mode, $entry_sig: op.row.entry_sig, $params_hash: op.row.params_hash, $entry_reason: op.row.entry_reason, $at: op.at } as never);
        return;
      case "trade_update":
        this.update(op.positionId, { ...op.fields, updated_at: op.at });
        return;
      case "trade_closed": {
        const status = (this.stmts.statusOf.get(op.positionId) as { status: string } | null)?.status;
        if (status === "closed") return; // already closed: a replayed close changes nothing
        this.update(op.positionId, { ...op.fields, status: "closed", updated_at: op.at });
        const pnl = op.fields.pnl_lamports;
        const win = pnl > 0 ? 1 : 0;
        this.stmts.summary.run({ $pnl: pnl, $win: win, $loss: 1 - win, $volume: op.fields.amount_in_lamports, $fees: op.fields.fees_lamports, $at: op.at } as never);
        this.stmts.daily.run({ $day: op.day, $pnl: pnl, $win: win } as never);
        return;
      }
      case "breaker_event": {
        const e = op.event;
        this.stmts.breaker.run({ $ts: e.ts, $from: RISK_TIER_NAMES[e.from], $to: RISK_TIER_NAMES[e.to], $reason: e.reason, $figures: JSON.stringify(e.figures) } as never);
        this.stmts.meta.run({ $key: BREAKER_STATE_KEY, $value: JSON.stringify(op.snapshot) } as never);
        return;
      }
      case "metadata":
        this.stmts.meta.run({ $key: op.key, $value: op.value } as never);
        return;
    }
  }

  private update(positionId: string, fields: Record<string, unknown>): void {
    const keys = Object.keys(fields).filter((k) => TRADE_COLUMNS.has(k) && fields[k] !== undefined);
    if (keys.length === 0) return;
    const sql = `UPDATE trades SET ${keys.map((k) => `${k} = $${k}`).join(", ")} WHERE position_id = $position_id`;
    const params: Record<string, unknown> = { $position_id: positionId };
    for (const k of keys) params[`$${k}`] = fields[k];
    this.db.query(sql).run(params as never);
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
