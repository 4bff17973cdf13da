/**
 * Intake stages: what feeds migrations into the engine. The Yellowstone migration watcher
 * (lib/watcher) is one; `--dummy-event` is another that emits a single synthetic migration for
 * smoke tests; tests inject their own. The runner only knows this interface, so the watcher
 * plugs in without the runner changing.
 */
import type { TelemetryEvent } from "../telemetry/types.ts";
import { getBase58Decoder, type Address } from "@solana/kit";
import type { Clock } from "../ingest/clock.ts";
import type { Logger } from "../log";
import type { Metrics } from "../metrics";
import type { MigrationEvent as WatcherMigration } from "../watcher";
import type { EngineConfig } from "./config.ts";
import type { KnownWalletsWatcher } from "./known_wallets.ts";

/**
 * A migration as the engine passes it on: the watcher's event, `creator` naming the coin creator
 * (what the checker judges), and whether it is made up.
 */
export type DetectedMigration = WatcherMigration & {
  creator: Address;
  /** Synthetic (--dummy-event): never traded live, never written to telemetry. */
  synthetic?: true;
};

export function fromWatcher(e: WatcherMigration): DetectedMigration {
  return { ...e, creator: e.coinCreator };
}

/** Where telemetry lines go (telemetry.jsonl, buffered; the engine flushes it on shutdown). */
export interface TelemetrySink {
  /** One complete JSONL line, newline included. */
  write(line: string): void;
  /** The same record as an object (the watcher's in-process feed to the position actor). */
  event?(event: TelemetryEvent): void;
  /** A no-op for stages: the engine closes the file after intake has stopped. */
  close(): Promise<void>;
}

export interface StageContext {
  config: EngineConfig;
  logger: Logger;
  metrics: Metrics;
  clock: Clock;
  telemetry: TelemetrySink;
  knownWallets: KnownWalletsWatcher;
}

export interface MigrationIntake {
  readonly name: string;
  /** Begins delivering migrations to `emit` (which never blocks). Resolves once running. */
  start(emit: (m: DetectedMigration) => void): Promise<void>;
  /** Stops delivering: after it resolves, `emit` is not called again. */
  stop(): Promise<void>;
  /** Pools being recorded to telemetry right now (status file `active_telemetry`). */
  activeTelemetry(): number;
  /** False when the feed is down (reported by /health). */
  healthy(): boolean;
}

export type IntakeFactory = (ctx: StageContext) => MigrationIntake;

function randomAddress(bytes = 32): Address {
  return getBase58Decoder().decode(crypto.getRandomValues(new Uint8Array(bytes))) as Address;
}

/** A plausible just-migrated pool: reserves as a Pump.fun curve leaves them, typical fees. */
export function syntheticMigration(nowMs: number, monoMs = performance.now()): DetectedMigration {
  const coinCreator = randomAddress();
  return {
    signature: randomAddress(64),
    slot: 0,
    ts: nowMs,
    mint: randomAddress(),
    pool: randomAddress(),
    coinCreator,
    creator: coinCreator,
    poolAuthority: randomAddress(),
    lpMint: randomAddress(),
    baseReserve: 206_900_000_000_000,
    quoteReserve: 84_990_359_101,
    baseDecimals: 6,
    fees: { lpFeeBps: 20, protocolFeeBps: 5, creatorFeeBps: 5 },
    tokenCreatedTs: nowMs - 45 * 60_000,
    isMayhemMode: false,
    receivedAtMono: monoMs,
    detectedAtMono: monoMs,
    synthetic: true,
  };
}

/** --dummy-event: one synthetic migration shortly after start, then nothing. */
export function dummyMigrationIntake(ctx: StageContext, opts: { delayMs?: number } = {}): MigrationIntake {
  let timer: ReturnType<Clock["setTimeout"]> | null = null;
  let stopped = false;
  return {
    name: "dummy-event",
    async start(emit) {
      timer = ctx.clock.setTimeout(() => {
        timer = null;
        if (stopped) return;
        const m = syntheticMigration(ctx.clock.nowMs(), ctx.clock.monoMs());
        ctx.logger.info({ mint: m.mint, pool: m.pool }, "injecting a synthetic migration (--dummy-event)");
        emit(m);
      }, opts.delayMs ?? 250);
    },
    async stop() {
      stopped = true;
      if (timer !== null) ctx.clock.clearTimeout(timer);
    },
    activeTelemetry: () => 0,
    healthy: () => true,
  };
}

/** The intake for each mode, where this build has one (the token-creation watcher is not built yet). */
export interface IntakeRegistry {
  migration: IntakeFactory | null;
  tokenCreation: IntakeFactory | null;
}
