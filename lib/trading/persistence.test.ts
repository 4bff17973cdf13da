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

const WRITERS = ["worker", "here"] as const;

/** Waits (bounded) until the queue has nothing left to commit. */
async function drained(q: PersistenceQueue): Promise<void> {
  for (let i = 0; i < 500 && q.depth > 0; i++) await new Promise((r) => setTimeout(r, 2));
}

test("a database file gets the worker; an in-memory one is written on this thread", () => {
  const q = new PersistenceQueue(db);
  expect(q.onWorker).toBe(true);
  q.close();
  const mem = openTradesDb(":memory:");
  expect(new PersistenceQueue(mem).onWorker).toBe(false);
  mem.close();
});

test.each(WRITERS)("push never touches the database; the task commits in order, one transaction per change (%s)", async (writer) => {
  const q = new PersistenceQueue(db, { writer });
  q.push(opening("a"));
  q.push({ op: "trade_update", at: 2, positionId: "a", fields: { status: "open", tokens_raw: 5 } });
  q.push(closed("a", 40));
  expect(db.query("SELECT COUNT(*) AS n FROM trades").get()).toEqual({ n: 0 });
  expect(q.depth).toBe(3);
  await new Promise((r) => setImmediate(r));
  await drained(q);
  expect(q.depth).toBe(0);
  expect(q.stats).toEqual({ pushed: 3, committed: 3, failures: 0 });
  expect(db.query("SELECT status, tokens_raw, pnl_lamports FROM trades").get()).toEqual({ status: "closed", tokens_raw: 5, pnl_lamports: 40 });
  expect(db.query("SELECT realised_pnl_lamports, trades_closed, wins, volume_in_lamports, fees_lamports FROM portfolio_summary").get()).toEqual({ realised_pnl_lamports: 40, trades_closed: 1, wins: 1, volume_in_lamports: 100, fees_lamports: 10 });
  expect(db.query("SELECT * FROM portfolio_daily").all()).toEqual([{ day: "2026-01-01", realised_pnl_lamports: 40, trades_closed: 1, wins: 1 }]);
});

test.each(WRITERS)("a close is atomic (trade row, summary and day together) and never applied twice (%s)", (writer) => {
  const q = new PersistenceQueue(db, { writer });
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
  q.close();
});

test("flush() waits for the worker: every op pushed before it is committed when it returns; close() ends the worker", () => {
  const q = new PersistenceQueue(db);
  for (let i = 0; i < 50; i++) q.push(opening(`p${i}`));
  for (let i = 0; i < 50; i++) q.push({ op: "trade_update", at: 2, positionId: `p${i}`, fields: { entry_sig: `s${i}` } });
  expect(q.flush()).toBe(100);
  expect(q.depth).toBe(0);
  expect(db.query("SELECT COUNT(*) AS n FROM trades WHERE entry_sig IS NOT NULL").get()).toEqual({ n: 50 });
  q.push({ op: "metadata", at: 3, key: "k", value: "v" });
  q.close();
  expect(q.onWorker).toBe(false);
  expect(db.query("SELECT value FROM metadata WHERE key = 'k'").get()).toEqual({ value: "v" });
  q.push({ op: "metadata", at: 4, key: "k", value: "after close" });
  expect(q.flush()).toBe(0);
});

test("an op's fields are read when it is written (the opening row's entry record is set after the push)", () => {
  const q = new PersistenceQueue(db);
  const intent: { entryRecord?: string } = {};
  q.push({
    op: "trade_opening",
    at: 1,
    row: {
      position_id: "late",
      mint: "M",
      pool: "P",
      creator: "C",
      mode: "live",
      params_hash: "h",
      get entry_reason() {
        return intent.entryRecord ?? null;
      },
      entry_sig: null,
    },
  });
  intent.entryRecord = '{"reason":"autobuysell"}';
  q.flush();
  expect(db.query("SELECT entry_reason FROM trades").get()).toEqual({ entry_reason: '{"reason":"autobuysell"}' });
  q.close();
});
