/**
 * The long-running modes (`migration`, `autobuysell`, `token`): boot, run, stop (spec §3.1).
 *
 * Boot order, cheapest and most likely to fail first:
 *   refuse an unusable setup (no intake for the mode, a --live key file others can read)
 *   → logger (stdout + rolling logs/ferrix.log) → bind /metrics and /health (before anything
 *   heavy, so a supervisor sees the process at once) → params → known wallets (watched)
 *   → trades.db (all tables) → checker → pipeline and verified-signal consumer → intake
 *   → first status file → READY=1.
 * The main loop refreshes the status file and sends WATCHDOG=1 (at half WATCHDOG_USEC): a stuck
 * loop stops the pings and systemd restarts us. SIGTERM/SIGINT: STOPPING=1, stop intake, let
 * in-flight checks finish (bounded), flush telemetry and decisions, write a last status, close
 * trades.db cleanly (WAL checkpoint), exit 0.
 */
import type { KeyPairSigner } from "@solana/kit";
import type { Database } from "bun:sqlite";
import { createChecker, createKitCheckerRpc, SqliteCheckerStore, type Checker, type CheckerRpc, type CheckerStore, type VerifiedTradeSignal } from "../checker";
import { systemClock, type Clock } from "../ingest/clock.ts";
import type { Logger } from "../log";
import { createMetrics, serveMetrics, type Metrics, type MetricsServer } from "../metrics";
import { loadParamsFile, type LoadedParams } from "../params";
import { openTradesDb, TABLES } from "../store";
import { sdNotify, watchdogIntervalMs } from "../systemd/notify.ts";
import { checkerConfigOf, describeConfig, type EngineConfig, type ResolvedConfig } from "./config.ts";
import { JsonlAppender } from "./jsonl_sink.ts";
import { checkKeypairFilePermissions, loadKeypairSigner } from "./keypair.ts";
import { KnownWalletsWatcher } from "./known_wallets.ts";
import { consumeVerifiedSignals, MigrationPipeline } from "./pipeline.ts";
import { createEngineLogger } from "./rolling_log.ts";
import { installSignalHandlers, ShutdownController } from "./shutdown.ts";
import { dummyMigrationIntake, type DetectedMigration, type IntakeFactory, type IntakeRegistry, type MigrationIntake, type StageContext } from "./stages.ts";
import { StatusFileWriter } from "./status.ts";
import { DEFAULT_INTAKES } from "./watcher_intake.ts";

export type EngineMode = "migration" | "autobuysell" | "token";

export interface EngineRunOptions {
  mode: EngineMode;
  /** migration: inject one synthetic migration. */
  dummyEvent?: boolean;
  /** migration, autobuysell: pass migrations through unchecked. */
  checksOff?: boolean;
  /** token: trade what the token watcher finds. */
  autoTrade?: boolean;
}

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
  /** Every verified signal the stand-in consumer takes. */
  onVerified?: (s: VerifiedTradeSignal<DetectedMigration>) => void;
}

export interface EngineHandles {
  metricsUrl: string;
  pipeline: MigrationPipeline;
  db: Database;
  params: LoadedParams;
  knownWallets: KnownWalletsWatcher;
  /** The --live wallet; null in paper mode. Handed to the trading stage (issue 7). */
  wallet: KeyPairSigner | null;
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
  const what = run.mode === "token" ? "token-creation watcher" : "Yellowstone migration watcher (lib/watcher)";
  throw new Error(
    `${run.mode} mode needs the ${what}, which is not wired into this build yet` + (run.mode === "migration" ? "; run 'ferrix migration --dummy-event' for a smoke test" : ""),
  );
}

type Step = { name: string; run: () => void | Promise<void> };

export async function runEngine(resolved: ResolvedConfig, run: EngineRunOptions, deps: EngineDeps = {}): Promise<number> {
  const config = resolved.config;
  const clock = deps.clock ?? systemClock;
  const notify = deps.notify ?? ((s: string) => sdNotify(s));
  const trading = config.live ? "live" : "paper";
  const startedMono = clock.monoMs();

  // Refusals that need no start-up at all.
  const intakeFactory = chooseIntake(run, deps);
  if (config.live) checkKeypairFilePermissions(config.keypair!);

  const log = createEngineLogger({ name: "ferrix", level: config.logLevel, logDir: config.logDir, maxBytes: config.logMaxBytes, maxFiles: config.logMaxFiles, consoleFd: deps.consoleFd === undefined ? 1 : deps.consoleFd });
  const logger: Logger = log.logger;
  const shutdown = deps.shutdown ?? new ShutdownController();
  const steps: Step[] = [];
  let phase: "starting" | "running" | "stopping" | "stopped" = "starting";
  let lastLoopMono = clock.monoMs();
  let fatal: Error | null = null;
  let removeSignals: (() => void) | null = null;

  const onFatal = (err: unknown) => {
    logger.fatal({ error: err instanceof Error ? err.message : String(err), stack: err instanceof Error ? err.stack : undefined }, "unexpected error; stopping");
    fatal ??= err instanceof Error ? err : new Error(String(err));
    shutdown.request("fatal error");
  };

  try {
    if (deps.installSignals ?? !deps.shutdown) {
      removeSignals = installSignalHandlers(shutdown, (signal) => {
        logger.warn({ signal }, "second signal: exiting now");
        log.close();
        process.exit(1);
      });
      steps.push({ name: "signal handlers", run: () => removeSignals?.() });
    }
    process.on("unhandledRejection", onFatal);
    steps.push({ name: "rejection handler", run: () => void process.off("unhandledRejection", onFatal) });

    logger.info({ mode: run.mode, trading, dummyEvent: !!run.dummyEvent, checksOff: !!run.checksOff, envFile: resolved.envFile, config: describeConfig(resolved) }, "ferrix starting");

    // 1. Metrics and health first.
    const metrics: Metrics = createMetrics();
    let intake: MigrationIntake | null = null;
    let pipeline: MigrationPipeline | null = null;
    const server: MetricsServer = serveMetrics(metrics, {
      hostname: config.metricsAddr.hostname,
      port: config.metricsAddr.port,
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
        };
      },
    });
    steps.push({ name: "metrics server", run: () => server.stop() });
    logger.info({ url: server.url, metrics: `${server.url}/metrics`, health: `${server.url}/health` }, "metrics listening");

    // 2. The --live wallet (permissions were checked above; only the public key is ever logged).
    let wallet: KeyPairSigner | null = null;
    if (config.live) {
      wallet = await loadKeypairSigner(config.keypair!);
      logger.warn({ wallet: wallet.address }, "LIVE trading: transactions will be signed and sent");
    }

    // 3. Strategy parameters.
    const params = loadParamsFile(config.params);
    for (const w of params.warnings) logger.warn({ params: config.params }, w);
    logger.info({ params: config.params, scores: params.meta.scores ?? null, created_at: params.meta.created_at ?? null }, "strategy parameters loaded");

    // 4. Known wallets, watched.
    const knownWallets = new KnownWalletsWatcher({ path: config.knownWallets, pollMs: config.knownWalletsPollMs, logger, metrics });
    knownWallets.start();
    steps.push({ name: "known wallets watcher", run: () => knownWallets.stop() });

    // 5. trades.db.
    const db = openTradesDb(config.db);
    steps.push({
      name: "trades.db",
      run: () => {
        db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
        db.close();
        logger.info({ db: config.db }, "trades.db closed");
      },
    });
    logger.info({ db: config.db, tables: TABLES.length }, "trades.db open");

    // 6. Checker and its cache.
    const store = new SqliteCheckerStore(db, { onFlushError: (err) => logger.error({ error: (err as Error).message }, "checker cache write failed; will retry") });
    steps.push({ name: "checker cache", run: () => store.close() });
    const checker = run.checksOff
      ? null
      : createChecker({
          rpc: (deps.createRpc ?? ((u, c) => createKitCheckerRpc(u, { commitment: c })))(config.rpcUrl, config.commitment),
          store,
          clock,
          config: checkerConfigOf(config, wallet?.address ?? null),
          knownWallets: () => knownWallets,
          metrics,
          logger,
        });
    if (!checker) logger.warn("token checks are OFF (--checks-off): every migration passes unverified");

    // 7. Status file: a last write once everything has drained.
    const status = new StatusFileWriter({
      path: config.statusFile,
      nowMs: () => clock.nowMs(),
      // Positions and observers belong to the position actor (issue 7); none exist yet.
      counts: () => ({ open_positions: 0, observers: 0, active_telemetry: intake?.activeTelemetry() ?? 0 }),
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

    // 8. Append-only records.
    const telemetry = new JsonlAppender(config.telemetry, { onError: (err) => logger.error({ path: config.telemetry, error: err.message }, "telemetry write failed; will retry") });
    const decisions = new JsonlAppender(config.decisions, { onError: (err) => logger.error({ path: config.decisions, error: err.message }, "decision record write failed; will retry") });
    steps.push({ name: "telemetry and decisions", run: () => (telemetry.close(), decisions.close()) });

    // 9. Pipeline and its consumer.
    pipeline = new MigrationPipeline({ checker, maxInFlight: config.maxInFlightChecks, clock, logger, metrics, decisions, trading });
    const p = pipeline;
    // Until the trading stage (issue 7) takes this channel, signals are recorded and nothing is bought.
    const consumer = consumeVerifiedSignals(p.verified, logger, deps.onVerified);
    logger.warn({ trading }, "no trading stage in this build: verified signals are logged and recorded in the decisions file, nothing is bought or sold");
    steps.push({
      name: "pipeline",
      run: async () => {
        const left = await p.drain(config.shutdownTimeoutMs);
        if (left.abandoned || left.unfinished) logger.warn(left, "shutdown left migrations unanalysed");
        await consumer;
      },
    });

    // 10. Intake.
    const ctx: StageContext = {
      config,
      logger,
      metrics,
      clock,
      // The watcher counts its own lines; the file is closed by the engine after intake stops.
      telemetry: { write: (line) => telemetry.writeLine(line), close: async () => {} },
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
    deps.onStarted?.({ metricsUrl: server.url, pipeline: p, db, params, knownWallets, wallet, checker, checkerStore: store });

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
        nextStatus = now + config.statusIntervalMs;
      }
    }

    phase = "stopping";
    notify("STOPPING=1");
    logger.info({ reason: shutdown.reason, pipeline: p.stats }, "ferrix stopping");
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
