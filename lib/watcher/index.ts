/**
 * Migration watcher stage: detects Pump.fun → PumpSwap migrations on the ingest stream, records
 * telemetry.jsonl v1 (buffered, append-only), pre-warms pool state, and emits MigrationEvents.
 */
export { FALLBACK_CURVE_FEES, MigrationWatcher, type MigrationEvent, type WatchTarget, type WatcherOptions, type WatcherStats } from "./watcher.ts";
export { PoolStateCache, feesFromConfig, rpcAccountsReader, type AccountsReader, type AccountData, type PoolState } from "./pool_state.ts";
export { fileLineSink, MemoryLineSink, type LineSink, type FileLineSinkOptions } from "./telemetry_writer.ts";
export { creationSubscription, migrationSubscription, PUMPFUN_MINT_AUTHORITY_ADDRESS } from "./subscription.ts";
export { extractEventsOnce } from "./extract.ts";
