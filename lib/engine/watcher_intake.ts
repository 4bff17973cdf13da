/**
 * The production intakes: Yellowstone gRPC (lib/ingest) → watcher (lib/watcher), following
 * migrations to PumpSwap (`migration`, `autobuysell`) or Pump.fun coin creations on their bonding
 * curves (`token`). The client delivers updates synchronously to the watcher's hot path; the
 * watcher records telemetry into the engine's sink, pre-warms pool state over RPC and puts each
 * migration (or launch) on its channel, which this stage forwards to the pipeline.
 */
import { YellowstoneClient } from "../ingest";
import { creationSubscription, MigrationWatcher, migrationSubscription, rpcAccountsReader, type WatchTarget } from "../watcher";
import { fromWatcher, type IntakeRegistry, type MigrationIntake, type StageContext } from "./stages.ts";

export const yellowstoneMigrationIntake = (ctx: StageContext): MigrationIntake => yellowstoneIntake(ctx, "migrations");
export const yellowstoneCreationIntake = (ctx: StageContext): MigrationIntake => yellowstoneIntake(ctx, "creations");

function yellowstoneIntake(ctx: StageContext, watch: WatchTarget): MigrationIntake {
  const { config, logger, metrics, clock } = ctx;
  const watcher = new MigrationWatcher({ telemetry: ctx.telemetry, accounts: rpcAccountsReader(config.rpcUrl), clock, metrics, logger, watch });
  const client = new YellowstoneClient({
    endpoint: config.grpcUrl,
    xToken: config.grpcXToken,
    transactions: watch === "creations" ? creationSubscription() : migrationSubscription(),
    clock,
    metrics,
    logger,
    onUpdate: (u) => watcher.handle(u),
  });
  let forward: Promise<void> | null = null;
  return {
    name: "yellowstone",
    async start(emit) {
      await watcher.init();
      forward = (async () => {
        for await (const e of watcher.migrations) emit(fromWatcher(e));
      })();
      client.start();
      logger.info({ endpoint: config.grpcUrl, xToken: config.grpcXToken ? "(set)" : "(none)", watch }, watch === "creations" ? "token-creation watcher subscribing" : "migration watcher subscribing");
    },
    async stop() {
      await client.stop();
      watcher.stop(); // closes the migrations channel: the forwarder ends
      await forward;
    },
    activeTelemetry: () => watcher.activeTelemetry,
    healthy: () => client.state === "streaming",
  };
}

/** The intakes this build has: migrations and token creations, both from Yellowstone. */
export const DEFAULT_INTAKES: IntakeRegistry = { migration: yellowstoneMigrationIntake, tokenCreation: yellowstoneCreationIntake };
