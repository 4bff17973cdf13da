import { afterEach, beforeEach, expect, test } from "bun:test";
import type { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openTradesDb } from "../store/index.ts";
import { loadTradingState, PersistenceQueue } from "./persistence.ts";

let dir: string;
let db: Database;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "ferrix-persist-"));
  db = openTradesDb(join(dir, "trades.db"));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const opening = (id: string) => ({ op: "trade_opening" as const, at: 1, row: { position_id: id, mint: "M", pool: "P", creator: "C", mode: "paper" as const, params_hash: "h", entry_reason: "{}", entry_sig: null } });
const closed = (id: string, pnl: number) => ({ op: "trade_closed" as const, at: 3, positionId: id, day: "2026-01-01", fields: { pnl_lamports: pnl, amount_in_lamports: 100, fees_lamports: 10, amount_out_lamports: 100 + pnl + 10, exit_reason: "churn" } });

test("push never touches the database; the task commits in order, one transaction per change", async () => {
  const q = new PersistenceQueue(db);
  q.push(opening("a"));
  q.push({ op: "trade_update", at: 2, positionId: "a", fields: { status: "open", tokens_raw: 5 } });
  q.push(closed("a", 40));
  expect(db.query("SELECT COUNT(*) AS n FROM trades").get()).toEqual({ n: 0 });
  expect(q.depth).toBe(3);
  await new Promise((r) => setImmediate(r));
  expect(q.depth).toBe(0);
  expect(db.query("SELECT status, tokens_raw, pnl_lamports FROM trades").get()).toEqual({ status: "closed", tokens_raw: 5, pnl_lamports: 40 });
  expect(db.query("SELECT realised_pnl_lamports, trades_closed, wins, volume_in_lamports, fees_lamports FROM portfolio_summary").get()).toEqual({ realised_pnl_lamports: 40, trades_closed: 1, wins: 1, volume_in_lamports: 100, fees_lamports: 10 });
  expect(db.query("SELECT * FROM portfolio_daily").all()).toEqual([{ day: "2026-01-01", realised_pnl_lamports: 40, trades_closed: 1, wins: 1 }]);
});

test("a close is atomic (trade row, summary and day together) and never applied twice", () => {
  const q = new PersistenceQueue(db);
  q.push(opening("b"));
  q.flush();
  db.exec("ALTER TABLE portfolio_daily RENAME TO daily_away"); // the third statement of the close fails
  q.push(closed("b", -20));
  expect(q.flush()).toBe(0);
  expect(db.query("SELECT status FROM trades").get()).toEqual({ status: "opening" }); // rolled back with it
  expect(db.query("SELECT trades_closed FROM portfolio_summary").get()).toEqual({ trades_closed: 0 });
  db.exec("ALTER TABLE daily_away RENAME TO portfolio_daily");
  expect(q.flush()).toBe(1); // retried, whole
  q.push(closed("b", -20)); // a replayed close changes nothing
  q.flush();
  expect(db.query("SELECT realised_pnl_lamports, trades_closed, losses FROM portfolio_summary").get()).toEqual({ realised_pnl_lamports: -20, trades_closed: 1, losses: 1 });
  // a re-sent opening for a row past `opening` does not reset it
  q.push(opening("b"));
  q.flush();
  expect(db.query("SELECT status FROM trades").get()).toEqual({ status: "closed" });
  const st = loadTradingState(db);
  expect(st.open).toEqual([]);
  expect(st.trades.get("b")!.status).toBe("closed");
  expect(st.realisedPnlLamports).toBe(-20);
});
