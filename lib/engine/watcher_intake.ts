/**
 * The production intake: Yellowstone gRPC (lib/ingest) → migration watcher (lib/watcher).
 * The client delivers updates synchronously to the watcher's hot path; the watcher records
 * telemetry into the engine's telemetry.jsonl sink, pre-warms pool state over RPC and puts each
 * migration on its channel, which this stage forwards to the pipeline.
 */
import { YellowstoneClient } from "../ingest";
import { MigrationWatcher, migrationSubscription, rpcAccountsReader } from "../watcher";
import { fromWatcher, type IntakeRegistry, type MigrationIntake, type StageContext } from "./stages.ts";

export function yellowstoneMigrationIntake(ctx: StageContext): MigrationIntake {
  const { config, logger, metrics, clock } = ctx;
  const watcher = new MigrationWatcher({ telemetry: ctx.telemetry, accounts: rpcAccountsReader(config.rpcUrl), clock, metrics, logger });
  const client = new YellowstoneClient({
    endpoint: config.grpcUrl,
    xToken: config.grpcXToken,
    transactions: migrationSubscription(),
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
      logger.info({ endpoint: config.grpcUrl, xToken: config.grpcXToken ? "(set)" : "(none)" }, "migration watcher subscribing");
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

/** The intakes this build has: migrations from Yellowstone; token creations not yet. */
export const DEFAULT_INTAKES: IntakeRegistry = { migration: yellowstoneMigrationIntake, tokenCreation: null };
