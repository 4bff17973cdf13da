/** Durable state of the live engine: trades.db schema, opening, and the persistence queue. */
export { openTradesDb, schemaVersion } from "./db";
export { MIGRATIONS, SCHEMA_VERSION, TABLES } from "./schema";
