import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openTradesDb, schemaVersion, SCHEMA_VERSION, TABLES } from "./index";

let dir: string;
beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), "ferrix-db-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test("a new trades.db has every table, WAL, and the current schema version", () => {
  const db = openTradesDb(join(dir, "trades.db"));
  const names = (db.query("SELECT name FROM sqlite_master WHERE type='table'").all() as { name: string }[]).map((r) => r.name);
  for (const t of TABLES) expect(names).toContain(t);
  expect((db.query("PRAGMA journal_mode").get() as { journal_mode: string }).journal_mode).toBe("wal");
  expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
  db.close();
});

test("reopening is idempotent and keeps rows", () => {
  const path = join(dir, "trades.db");
  let db = openTradesDb(path);
  db.run("INSERT INTO metadata (key, value) VALUES ('k', 'v')");
  db.close();
  db = openTradesDb(path);
  expect(db.query("SELECT value FROM metadata WHERE key='k'").get()).toEqual({ value: "v" });
  db.close();
});

test("a database from a newer ferrix is refused with a clear message", () => {
  const path = join(dir, "trades.db");
  const db = openTradesDb(path);
  db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 5}`);
  db.close();
  expect(() => openTradesDb(path)).toThrow(/newer than this ferrix understands/);
});
