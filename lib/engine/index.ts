/**
 * The live engine's boot and plumbing (spec §3.1): configuration (one valibot schema over flag,
 * environment, .env_PROD and defaults), subcommands, rolling JSON logs, known wallets watching,
 * status file, shutdown, the migration → checker → verified-signal pipeline feeding the trading
 * stages (lib/trading), the operator's circuit-breaker reset, and the runners of the long-running
 * modes and of test-analysis.
 */
export { ferrixCommands, type FerrixCliDeps } from "./commands.ts";
export { runSubcommands, renderTopHelp, findCommandIndex, defineSubcommand, type MultiCommandDef, type SubcommandDef } from "./subcommands.ts";
export {
  CONFIG_KEYS,
  ConfigError,
  EngineConfigSchema,
  checkerConfigOf,
  configArgSpecs,
  describeConfig,
  describeSource,
  parseListenAddress,
  resolveConfig,
  usingConfigured,
  type ConfigKey,
  type ConfigProblem,
  type ConfigSource,
  type EngineConfig,
  type ListenAddress,
  type ResolvedConfig,
} from "./config.ts";
export { runEngine, chooseIntake, type EngineDeps, type EngineHandles, type EngineMode, type EngineRunOptions } from "./run.ts";
export { MigrationPipeline, type PipelineOptions, type PipelineStats } from "./pipeline.ts";
export { DEFAULT_INTAKES, yellowstoneMigrationIntake } from "./watcher_intake.ts";
export { dummyMigrationIntake, syntheticMigration, fromWatcher, type DetectedMigration, type IntakeFactory, type IntakeRegistry, type MigrationIntake, type StageContext, type TelemetrySink } from "./stages.ts";
export { KnownWalletsWatcher, KnownWalletsError, parseKnownWallets, type KnownWallet, type KnownWalletsOptions } from "./known_wallets.ts";
export { StatusFileWriter, statusDocument, type StatusCounts, type StatusDocument } from "./status.ts";
export { RollingFileDestination, createEngineLogger, type EngineLog, type EngineLogOptions, type RollingFileOptions } from "./rolling_log.ts";
export { checkKeypairFilePermissions, loadKeypairSigner, KeypairFileError } from "./keypair.ts";
export { ShutdownController, installSignalHandlers } from "./shutdown.ts";
export { JsonlAppender } from "./jsonl_sink.ts";
export { OutcomeFeed, type OutcomeFeedOptions } from "./outcomes.ts";
export { requestBreakerReset, pendingBreakerReset, recordedBreaker, BREAKER_RESET_REQUEST_KEY, BREAKER_RESET_APPLIED_KEY, type BreakerResetRequest } from "./breaker_reset.ts";
export { runTestAnalysis, parseTokenList, readTokenList, formatTestAnalysisTable, testAnalysisJson, newRunId, type TestAnalysisReport, type TestAnalysisResult, type TokenListEntry } from "./test_analysis.ts";
