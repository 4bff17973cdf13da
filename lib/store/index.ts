/** Durable state of the live engine: the trades.db schema and opening it (the write queue is lib/trading/persistence.ts). */
export { openTradesDb, schemaVersion } from "./db";
export { MIGRATIONS, SCHEMA_VERSION, TABLES } from "./schema";
