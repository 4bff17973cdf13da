/**
 * Opening trades.db: WAL so readers never block the writer, synchronous=FULL so a committed
 * state change survives a crash, and in-order migrations tracked by `PRAGMA user_version`.
 */
import { Database } from "bun:sqlite";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { MIGRATIONS, SCHEMA_VERSION } from "./schema";

export function openTradesDb(path: string, opts: { readonly?: boolean } = {}): Database {
  if (path !== ":memory:") mkdirSync(dirname(path) || ".", { recursive: true });
  const db = opts.readonly ? new Database(path, { readonly: true }) : new Database(path, { create: true, strict: true });
  if (opts.readonly) return db;
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = FULL");
  db.exec("PRAGMA busy_timeout = 5000");
  db.exec("PRAGMA foreign_keys = ON");
  migrate(db, path);
  return db;
}

export function schemaVersion(db: Database): number {
  return (db.query("PRAGMA user_version").get() as { user_version: number }).user_version;
}

function migrate(db: Database, path: string): void {
  const have = schemaVersion(db);
  if (have > SCHEMA_VERSION) {
    throw new Error(`${path}: schema version ${have} is newer than this ferrix understands (${SCHEMA_VERSION}); upgrade ferrix or use another --db`);
  }
  for (let v = have; v < SCHEMA_VERSION; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.exec(`PRAGMA user_version = ${v + 1}`);
    })();
  }
}
