/**
 * The seeded synthetic PumpSwap market: the embedded default data of the project and the test bed
 * of the optimizer, the simulator and the local chain simulator.
 *
 * - `Market` — the schedule of migrations and one lazy event source per token (`openToken`), or
 *   all tokens merged in time order (`stream` / `events`).
 * - `TokenMarket` — one pool: `peekTs()`, `next()` → migration, swaps (trader, side, AMM amounts,
 *   instruction arguments, reserves after), 1 Hz ticks; `syncReserves()` for outside swaps.
 * - `writeTelemetry` — telemetry.jsonl v1 with counted legacy and malformed lines.
 */
export { Market, MarketStream, DEFAULT_MARKET_OPTIONS, DEFAULT_START_TS, startTsProblem, type MarketOptions } from "./market";
export {
  TokenMarket,
  type ActorKind,
  type MarketEvent,
  type MigrationMarketEvent,
  type SwapMarketEvent,
  type TickMarketEvent,
  type SwapIx,
  type TokenTruth,
  type TrackOptions,
} from "./token";
export {
  makeLaunch,
  pickRegime,
  slotAt,
  REGIMES,
  REGIME_WEIGHTS,
  FRESH_POOL_FEES,
  TOKEN_SUPPLY,
  BASE_DECIMALS,
  MIGRATION_BASE_RESERVE,
  MIGRATION_QUOTE_RESERVE,
  SLOT_ANCHOR,
  SLOT_ANCHOR_TS,
  type Regime,
  type TokenLaunch,
} from "./launch";
export { Population, WalletGroup, POPULATION_SIZES, type KnownWallet, type KnownLabel } from "./population";
export { IdSource, randomAddress, randomSignature, randomPumpMint } from "./ids";
export {
  writeTelemetry,
  knownWalletsJson,
  migrationLine,
  flowLine,
  tickLine,
  eventLine,
  DEFAULT_LEGACY_SHARE,
  DEFAULT_MALFORMED_SHARE,
  LEGACY_KINDS,
  MALFORMED_KINDS,
  type LegacyKind,
  type MalformedKind,
  type LineSink,
  type TelemetryOptions,
  type TelemetrySummary,
  type TelemetryResult,
  type WriteHooks,
} from "./writer";
