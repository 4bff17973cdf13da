/**
 * The long-running modes (`migration`, `autobuysell`, `token`): boot, run, stop (spec §3.1).
 *
 * Boot order, cheapest and most likely to fail first:
 *   refuse an unusable setup (no intake for the mode, a --live key file others can read, a bad
 *   execution knob) → logger (stdout + rolling logs/ferrix.log) → bind /metrics and /health
 *   (before anything heavy, so a supervisor sees the process at once) → params → known
 *   wallets (watched) → trades.db (all tables) → trading stages (lib/trading: position actor,
 *   processors, paper or live executor; live: the signer loads the key file, the only component
 *   that ever holds key bytes; open positions and the circuit breaker are re-hydrated; a pending
 *   operator reset of the breaker is applied) → checker → pipeline, whose verified signals the
 *   trading stages consume → intake (its telemetry lines are teed into the actor's market feed)
 *   → first status file → READY=1.
 * Modes: `migration` enters through the strategy's observer, `autobuysell` on every verified
 * signal; a synthetic (--dummy-event) signal is never traded.
 * The main loop refreshes the status file (open positions and observers from the actor), applies
 * a breaker reset recorded by `ferrix reset-breaker`, and sends WATCHDOG=1 (at half
 * WATCHDOG_USEC): a stuck loop stops the pings and systemd restarts us. SIGUSR2 resets the
 * circuit breaker. SIGTERM/SIGINT: STOPPING=1, stop intake, let in-flight checks finish
 * (bounded), let the trading stages take the last signals and finish in-flight executions
 * (bounded), flush trades.db, telemetry and decisions, write a last status, close trades.db
 * cleanly (WAL checkpoint), exit 0. Open positions stay open in trades.db for the next start.
 */
import type { Database } from "bun:sqlite";
import { parseNumber } from "../cli";
import { createChecker, createKitCheckerRpc, SqliteCheckerStore, type CheckName, type Checker, type CheckerRpc, type CheckerStore, type VerifiedTradeSignal } from "../checker";
import { systemClock, type Clock } from "../ingest/clock.ts";
import type { Logger } from "../log";
import { createMetrics, serveMetrics, type Metrics, type MetricsServer } from "../metrics";
import { loadParamsFile, type LoadedParams } from "../params";
import { RISK_TIER_NAMES } from "../risk/index.ts";
import { openTradesDb, TABLES } from "../store";
import { interpretEnvKnobs } from "../config/env_file.ts";
import { EXECUTION_ENV, EXECUTION_ENV_SPECS, executionArgs, resolveExecutionModel, type ExecutionArgs } from "../sim/execution.ts";
import { compileParams } from "../strategy/index.ts";
import { sdNotify, watchdogIntervalMs } from "../systemd/notify.ts";
import { createTradingStages, paramsHashOf, type TradeSignal, type TradingStages } from "../trading/index.ts";
import { pendingBreakerReset, BREAKER_RESET_APPLIED_KEY } from "./breaker_reset.ts";
import { checkerConfigOf, describeConfig, usingConfigured, type EngineConfig, type ResolvedConfig } from "./config.ts";
import { JsonlAppender } from "./jsonl_sink.ts";
import { checkKeypairFilePermissions } from "./keypair.ts";
import { KnownWalletsWatcher } from "./known_wallets.ts";
import { OutcomeFeed } from "./outcomes.ts";
import { MigrationPipeline } from "./pipeline.ts";
import { createEngineLogger } from "./rolling_log.ts";
import { installSignalHandlers, ShutdownController } from "./shutdown.ts";
import { dummyMigrationIntake, type DetectedMigration, type IntakeFactory, type IntakeRegistry, type MigrationIntake, type StageContext } from "./stages.ts";
import { StatusFileWriter } from "./status.ts";
import { DEFAULT_INTAKES } from "./watcher_intake.ts";

export type EngineMode = "migration" | "autobuysell" | "token";

/** Where `ferrix token` records curve launches when --telemetry is not given. */
export const TOKEN_TELEMETRY_DEFAULT = "telemetry_token.jsonl";
/** A coin on its curve has no PumpSwap pool to probe and its curve holds the supply: these apply. */
const TOKEN_MODE_CHECKS: readonly CheckName[] = ["contract", "creator"];

export interface EngineRunOptions {
  mode: EngineMode;
  /** migration: inject one synthetic migration. */
  dummyEvent?: boolean;
  /** migration, autobuysell: pass migrations through unchecked. */
  checksOff?: boolean;
  /** token: trade what the token watcher finds. */
  autoTrade?: boolean;
  /** token: enter every verified launch at once (autobuysell's rule) instead of through the observer. */
  immediate?: boolean;
  /** Execution knobs given as flags (absent ones: SIM_* environment, then the env file, then defaults). */
  execution?: Partial<Omit<ExecutionArgs, "envFile">>;
}

/** Execution knobs the trading stages take from lib/sim (the SIM_* keys of backtest_logic). */
type ExecutionKnob = keyof typeof EXECUTION_ENV;

export interface EngineDeps {
  intakes?: IntakeRegistry;
  /** Replaces the mode's intake (tests, and the e2e boot with a fake stage). */
  intake?: IntakeFactory;
  createRpc?: (url: string, commitment: EngineConfig["commitment"]) => CheckerRpc;
  clock?: Clock;
  env?: Record<string, string | undefined>;
  notify?: (state: string) => boolean;
  /** Supply one to stop the engine in-process; signals are then not installed unless asked. */
  shutdown?: ShutdownController;
  installSignals?: boolean;
  /** Called once READY=1 has been sent. */
  onStarted?: (h: EngineHandles) => void;
  /** Where log lines go besides logs/ferrix.log: stdout (default), or nowhere (in-process tests). */
  consoleFd?: 1 | null;
  /** Every verified signal, before the trading stages take it (synthetic ones included). */
  onVerified?: (s: VerifiedTradeSignal<DetectedMigration>) => void;
  /** Replaces the trading stages' quiet-feed rule (ms; null: never). Tests with a fake feed. */
  quietFeedMs?: number | null;
}

export interface EngineHandles {
  metricsUrl: string;
  pipeline: MigrationPipeline;
  db: Database;
  params: LoadedParams;
  knownWallets: KnownWalletsWatcher;
  /** The --live wallet's address (the trading signer's public key); null in paper mode. */
  wallet: string | null;
  /** Position actor, processors, executor, circuit breaker. */
  trading: TradingStages;
  /** The checker (null with --checks-off); `recordOutcome` feeds creator reputation. */
  checker: Checker | null;
  /** Its cache, for outcome feeds that run with checks off. */
  checkerStore: CheckerStore;
}

/** What the mode needs to be fed, or why this build cannot run it. */
export function chooseIntake(run: EngineRunOptions, deps: Pick<EngineDeps, "intake" | "intakes">): IntakeFactory {
  if (deps.intake) return deps.intake;
  if (run.mode === "migration" && run.dummyEvent) return (ctx) => dummyMigrationIntake(ctx);
  const intakes = deps.intakes ?? DEFAULT_INTAKES;
  const factory = run.mode === "token" ? intakes.tokenCreation : intakes.migration;
  if (factory) return factory;
  if (run.mode === "token") throw new Error("token mode needs the token-creation watcher (a Pump.fun create intake), which this intake registry lacks");
  throw new Error(
    `${run.mode} mode needs the Yellowstone migration watcher (lib/watcher), which this intake registry lacks` + (run.mode === "migration" ? "; run 'ferrix migration --dummy-event' for a smoke test" : ""),
  );
}

type Step = { name: string; run: () => void | Promise<void> };

export async function runEngine(resolved: ResolvedConfig, run: EngineRunOptions, deps: EngineDeps = {}): Promise<number> {
  // Curve launches are recorded apart from migrations unless told otherwise: the research loop
  // reads telemetry.jsonl as post-migration lifecycles.
  const config = run.mode === "token" && resolved.sources.telemetry.kind === "default" ? { ...resolved.config, telemetry: TOKEN_TELEMETRY_DEFAULT } : resolved.config;
  const clock = deps.clock ?? systemClock;
  const notify = deps.notify ?? ((s: string) => sdNotify(s));
  const trading = config.live ? "live" : "paper";
  const startedMono = clock.monoMs();

  // Refusals that need no start-up at all. The execution knobs (the SIM_* keys of backtest_logic):
  // flag, else environment, else the env file resolveConfig already parsed, else the default.
  const intakeFactory = chooseIntake(run, deps);
  if (config.live) checkKeypairFilePermissions(config.keypair!);
  const execution = resolveExecutionModel(
    { ...executionFromEnv(deps.env ?? process.env), ...definedOnly(run.execution ?? {}) },
    resolved.envFile ? interpretEnvKnobs(resolved.envEntries, EXECUTION_ENV_SPECS, resolved.envFile) : null,
  );

  const log = createEngineLogger({ name: "ferrix", level: config.logLevel, logDir: config.logDir, maxBytes: config.logMaxBytes, maxFiles: config.logMaxFiles, consoleFd: deps.consoleFd === undefined ? 1 : deps.consoleFd });
  const logger: Logger = log.logger;
  const shutdown = deps.shutdown ?? new ShutdownController();
  const steps: Step[] = [];
  const installSignals = deps.installSignals ?? !deps.shutdown;
  let phase: "starting" | "running" | "stopping" | "stopped" = "starting";
  let lastLoopMono = clock.monoMs();
  let fatal: Error | null = null;
  let removeSignals: (() => void) | null = null;
  let onBreakerSignal: (() => void) | null = null;
  let breakerSignalled = false;

  const onFatal = (err: unknown) => {
    logger.fatal({ error: err instanceof Error ? err.message : String(err), stack: err instanceof Error ? err.stack : undefined }, "unexpected error; stopping");
    fatal ??= err instanceof Error ? err : new Error(String(err));
    shutdown.request("fatal error");
  };

  try {
    if (installSignals) {
      removeSignals = installSignalHandlers(shutdown, (signal) => {
        logger.warn({ signal }, "second signal: exiting now");
        log.close();
        process.exit(1);
      });
      steps.push({ name: "signal handlers", run: () => removeSignals?.() });
      // SIGUSR2 (circuit-breaker reset) is caught from the start: a reset asked for during boot is
      // applied once the trading stages exist, and the signal's default action (exit) never runs.
      const onUsr2 = () => (onBreakerSignal ? onBreakerSignal() : void (breakerSignalled = true));
      process.on("SIGUSR2", onUsr2);
      steps.push({ name: "SIGUSR2 handler", run: () => void process.off("SIGUSR2", onUsr2) });
    }
    process.on("unhandledRejection", onFatal);
    steps.push({ name: "rejection handler", run: () => void process.off("unhandledRejection", onFatal) });

    logger.info({ mode: run.mode, trading, dummyEvent: !!run.dummyEvent, checksOff: !!run.checksOff, envFile: resolved.envFile, config: describeConfig(resolved), telemetry: config.telemetry }, "ferrix starting");

    // 1. Metrics and health first.
    const metrics: Metrics = createMetrics();
    let intake: MigrationIntake | null = null;
    let pipeline: MigrationPipeline | null = null;
    let stages: TradingStages | null = null;
    const { hostname, port } = config.metricsAddr;
    const server: MetricsServer = usingConfigured(resolved, "metricsAddr", `cannot listen on ${hostname}:${port}`, () => serveMetrics(metrics, {
      hostname,
      port,
      health: () => {
        const loopAgeMs = Math.round(clock.monoMs() - lastLoopMono);
        const intakeOk = intake ? intake.healthy() : false;
        return {
          ok: phase === "running" && intakeOk && loopAgeMs < Math.max(5_000, 3 * config.statusIntervalMs),
          phase,
          mode: run.mode,
          trading,
          intake: intake?.name ?? null,
          intake_ok: intakeOk,
          loop_age_ms: loopAgeMs,
          uptime_s: Math.round((clock.monoMs() - startedMono) / 1000),
          pipeline: pipeline?.stats ?? null,
          positions: stages ? stages.status() : null,
          circuit_breaker: stages ? RISK_TIER_NAMES[stages.risk.tier] : null,
        };
      },
    }));
    steps.push({ name: "metrics server", run: () => server.stop() });
    logger.info({ url: server.url, metrics: `${server.url}/metrics`, health: `${server.url}/health` }, "metrics listening");

    // 2. Strategy parameters and the execution model.
    const params = loadParamsFile(config.params);
    for (const w of params.warnings) logger.warn({ params: config.params }, w);
    const paramsHash = paramsHashOf(params.vector);
    logger.info({ params: config.params, paramsHash, scores: params.meta.scores ?? null, created_at: params.meta.created_at ?? null }, "strategy parameters loaded");
    logger.info({ execution: execution.model, origin: execution.origin }, "execution model");

    // 3. Known wallets, watched.
    const knownWallets = new KnownWalletsWatcher({ path: config.knownWallets, pollMs: config.knownWalletsPollMs, logger, metrics });
    knownWallets.start();
    steps.push({ name: "known wallets watcher", run: () => knownWallets.stop() });

    // 4. trades.db.
    const db = usingConfigured(resolved, "db", `cannot open trades database ${config.db}`, () => openTradesDb(config.db));
    steps.push({
      name: "trades.db",
      run: () => {
        db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
        db.close();
        logger.info({ db: config.db }, "trades.db closed");
      },
    });
    logger.info({ db: config.db, tables: TABLES.length }, "trades.db open");

    // 5. The checker's cache (the checker itself needs the trading wallet, below).
    const store = new SqliteCheckerStore(db, { onFlushError: (err) => logger.error({ error: (err as Error).message }, "checker cache write failed; will retry") });
    steps.push({ name: "checker cache", run: () => store.close() });

    // 6. Append-only records: telemetry, and decisions (checks and trading share the file).
    const telemetry = new JsonlAppender(config.telemetry, { onError: (err) => logger.error({ path: config.telemetry, error: err.message }, "telemetry write failed; will retry") });
    const decisions = new JsonlAppender(config.decisions, { onError: (err) => logger.error({ path: config.decisions, error: err.message }, "decision record write failed; will retry") });
    steps.push({ name: "telemetry and decisions", run: () => (telemetry.close(), decisions.close()) });

    // 7. Status file: a last write once everything has drained (counts from the position actor).
    const status = new StatusFileWriter({
      path: config.statusFile,
      nowMs: () => clock.nowMs(),
      counts: () => {
        const s = stages?.status();
        return { open_positions: s?.open_positions ?? 0, observers: s?.observers ?? 0, active_telemetry: intake?.activeTelemetry() ?? 0 };
      },
      info: () => ({ pid: process.pid, mode: run.mode, phase, trading }),
      logger,
      metrics,
    });
    steps.push({
      name: "final status",
      run: () => {
        phase = "stopped";
        status.write();
      },
    });

    // 8. Trading stages. Live: the signer reads the key file (its permissions were checked above);
    // nothing else in the engine ever holds key bytes, and only the public key is logged.
    let checker: Checker | null = null;
    const outcomes = new OutcomeFeed({ decisions, checker: null, store, nowMs: () => clock.nowMs(), logger });
    const t = await createTradingStages({
      mode: trading,
      entryMode: entryModeOf(run),
      venue: run.mode === "token" ? "curve" : "pumpswap",
      params: compileParams(params.vector),
      paramsHash,
      execution: execution.model,
      db,
      metrics,
      logger,
      clock,
      decisions: outcomes,
      rpcUrl: config.rpcUrl,
      keypairPath: config.live ? config.keypair : undefined,
      live: { sendJournal: `${config.db}.sends.jsonl` },
      quietFeedMs: deps.quietFeedMs,
    });
    stages = t;
    steps.push({
      name: "trading stages",
      run: async () => {
        const left = await t.stop(config.shutdownTimeoutMs);
        logger.info({ ...t.status(), unfinished: left.unfinished, actor: t.actor.stats }, "trading stages stopped");
      },
    });
    if (t.wallet) logger.warn({ wallet: t.wallet, rpc: config.rpcUrl }, "LIVE trading: transactions will be signed and sent");
    await t.start();

    // Operator resets of the circuit breaker: recorded by `ferrix reset-breaker` (applied now if
    // pending, and at every status refresh), or SIGUSR2.
    let appliedResetId: string | null = null;
    const applyPendingReset = (fallbackWho: string | null): void => {
      let req = null;
      try {
        req = pendingBreakerReset(db, appliedResetId);
      } catch (err) {
        logger.error({ error: (err as Error).message }, "cannot read a circuit breaker reset request");
      }
      if (req) {
        appliedResetId = req.id;
        t.persistence.push({ op: "metadata", at: clock.nowMs(), key: BREAKER_RESET_APPLIED_KEY, value: req.id });
      }
      const who = req ? req.by : fallbackWho;
      if (who === null) return;
      const e = t.resetCircuitBreaker(who);
      logger.warn({ by: who, request: req?.id ?? null, from: e ? RISK_TIER_NAMES[e.from] : null }, "circuit breaker reset by the operator");
    };
    applyPendingReset(null);
    onBreakerSignal = () => applyPendingReset("signal");
    if (breakerSignalled) onBreakerSignal();
    const restored = t.restoredPools();
    if (restored.length) {
      logger.warn(
        { positions: restored.length, pools: restored.slice(0, 20), graceMs: 120_000 },
        "re-hydrated positions in pools migrated before this start: the watcher does not follow them, so each is sold once the grace period passes without market data",
      );
    }

    // 9. Checker (with --live its honeypot probe runs as the wallet unless --simulation-wallet says otherwise).
    checker = run.checksOff
      ? null
      : createChecker({
          rpc: (deps.createRpc ?? ((u, c) => createKitCheckerRpc(u, { commitment: c })))(config.rpcUrl, config.commitment),
          store,
          clock,
          config: checkerConfigOf(config, t.wallet, run.mode === "token" ? TOKEN_MODE_CHECKS : undefined),
          knownWallets: () => knownWallets,
          metrics,
          logger,
        });
    outcomes.setChecker(checker);
    if (!checker) logger.warn("token checks are OFF (--checks-off): every migration passes unverified");

    // 10. Pipeline; the trading stages consume its verified signals.
    pipeline = new MigrationPipeline({ checker, maxInFlight: config.maxInFlightChecks, clock, logger, metrics, decisions, trading });
    const p = pipeline;
    const watchOnly = run.mode === "token" && !run.autoTrade;
    const consumer = t.consume(tradableSignals(p.verified, logger, outcomes, deps.onVerified, watchOnly));
    if (watchOnly) logger.info({ mode: run.mode }, "watching token creations only: checked and recorded, not traded (add --auto-trade to trade them)");
    else logger.info({ mode: run.mode, trading, entryMode: entryModeOf(run), venue: run.mode === "token" ? "curve" : "pumpswap" }, "trading stages take the verified signals");
    steps.push({
      name: "pipeline",
      run: async () => {
        const left = await p.drain(config.shutdownTimeoutMs);
        if (left.abandoned || left.unfinished) logger.warn(left, "shutdown left migrations unanalysed");
        const n = await consumer;
        logger.info({ signals: n }, "verified signals consumed");
      },
    });

    // 11. Intake. Every telemetry line goes to telemetry.jsonl and to the position actor's market feed.
    let feedErrors = 0;
    const ctx: StageContext = {
      config,
      logger,
      metrics,
      clock,
      // The watcher counts its own lines; the file is closed by the engine after intake stops.
      telemetry: {
        write: (line) => telemetry.writeLine(line),
        // The market feed gets the watcher's objects: no re-parse of the line just formatted.
        event: (e) => {
          try {
            t.onMarket(e);
          } catch (err) {
            if (feedErrors++ % 1000 === 0) logger.error({ error: (err as Error).message, stack: (err as Error).stack, errors: feedErrors }, "position actor failed on a market event");
          }
        },
        close: async () => {},
      },
      knownWallets,
    };
    intake = intakeFactory(ctx);
    const i = intake;
    await i.start((m) => p.submit(m));
    steps.push({ name: `intake ${i.name}`, run: () => i.stop() });

    status.write();
    phase = "running";
    notify("READY=1");
    logger.info({ mode: run.mode, trading, intake: i.name, statusFile: config.statusFile, startupMs: Math.round(clock.monoMs() - startedMono) }, "ferrix started");
    deps.onStarted?.({ metricsUrl: server.url, pipeline: p, db, params, knownWallets, wallet: t.wallet, trading: t, checker, checkerStore: store });

    // Main loop.
    const watchdogMs = watchdogIntervalMs(deps.env ?? process.env);
    const tickMs = Math.min(config.statusIntervalMs, watchdogMs ?? Infinity, 1000);
    let nextStatus = clock.monoMs() + config.statusIntervalMs;
    let nextWatchdog = clock.monoMs();
    while (!shutdown.isRequested) {
      await Promise.race([sleep(clock, tickMs), shutdown.requested]);
      const now = clock.monoMs();
      lastLoopMono = now;
      if (watchdogMs !== null && now >= nextWatchdog) {
        notify("WATCHDOG=1");
        nextWatchdog = now + watchdogMs;
      }
      if (now >= nextStatus) {
        status.write();
        metrics.activeTelemetry.set(i.activeTelemetry());
        applyPendingReset(null);
        nextStatus = now + config.statusIntervalMs;
      }
    }

    phase = "stopping";
    notify("STOPPING=1");
    logger.info({ reason: shutdown.reason, pipeline: p.stats, positions: t.status() }, "ferrix stopping");
  } catch (err) {
    logger.error({ error: (err as Error).message }, "ferrix failed to start");
    phase = "stopping";
    await runSteps(steps, logger);
    log.close();
    throw err;
  }
  await runSteps(steps, logger);
  logger.info({ reason: shutdown.reason }, fatal ? "ferrix stopped after an error" : "ferrix stopped");
  log.close();
  return fatal ? 1 : 0;
}

const entryModeOf = (run: EngineRunOptions): "immediate" | "observer" => (run.mode === "autobuysell" || (run.mode === "token" && run.immediate) ? "immediate" : "observer");

/** SIM_* knobs from the environment (flags override them; the env file fills what is left). */
function executionFromEnv(env: Record<string, string | undefined>): Partial<Record<ExecutionKnob, number>> {
  const out: Partial<Record<ExecutionKnob, number>> = {};
  for (const key of Object.keys(EXECUTION_ENV) as ExecutionKnob[]) {
    const text = env[EXECUTION_ENV[key]];
    if (text === undefined || text.trim() === "") continue;
    out[key] = parseNumber(text.trim(), `environment variable ${EXECUTION_ENV[key]}`, executionArgs[key] as { min?: number; max?: number; integer?: boolean });
  }
  return out;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Verified signals as the trading stages take them: every one reported to `onVerified`; a
 * synthetic one (--dummy-event) stops here — it is never traded, in paper or live; the creator of
 * each traded mint is remembered for the outcome feed.
 */
async function* tradableSignals(
  channel: AsyncIterable<VerifiedTradeSignal<DetectedMigration>>,
  logger: Logger,
  outcomes: OutcomeFeed,
  onVerified?: (s: VerifiedTradeSignal<DetectedMigration>) => void,
  watchOnly = false,
): AsyncGenerator<TradeSignal> {
  for await (const s of channel) {
    onVerified?.(s);
    if (s.event.synthetic) {
      logger.info({ mint: s.mint, pool: s.pool }, "synthetic migration (--dummy-event): not traded");
      continue;
    }
    if (watchOnly) continue;
    outcomes.remember(s.mint, s.creator ?? s.event.creator);
    yield { event: s.event, checksSkipped: s.checksSkipped };
  }
}

async function runSteps(steps: Step[], logger: Logger): Promise<void> {
  for (const step of steps.splice(0).reverse()) {
    try {
      await step.run();
    } catch (err) {
      logger.error({ step: step.name, error: (err as Error).message }, "shutdown step failed");
    }
  }
}

function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}
