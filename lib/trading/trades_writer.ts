/**
 * Applies persistence ops to trades.db: one SQLite transaction per state change. Used by the
 * persistence worker (./persistence_worker.ts) and, when there is no worker, by the persistence
 * queue on its own thread (./persistence.ts), so both write exactly the same rows.
 */
import type { Database } from "bun:sqlite";
import { RISK_TIER_NAMES } from "../risk/index.ts";
import type { PersistOp } from "./persistence.ts";

export const BREAKER_STATE_KEY = "trading.circuit_breaker";

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

export class TradesWriter {
  private readonly stmts;

  constructor(private readonly db: Database) {
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

  /** One state change in one transaction (throws, rolled back, when any statement fails). */
  commit(op: PersistOp): void {
    this.db.transaction(() => this.apply(op))();
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
