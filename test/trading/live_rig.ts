/**
 * A live trading rig on the devchain: gRPC stream → Yellowstone client → migration watcher →
 * telemetry events into the trading stages (and migrations as verified signals, checks off), the
 * stages trading for real over the devchain's JSON-RPC with a throwaway wallet. All on 127.0.0.1,
 * ports 0.
 */
import type { Address } from "@solana/kit";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "bun:sqlite";
import { startDevchain, type RunningDevchain, type StartDevchainOptions } from "../../lib/devchain/index.ts";
import { YellowstoneClient } from "../../lib/ingest/index.ts";
import { createLogger, type Logger } from "../../lib/log/index.ts";
import { createMetrics, type Metrics } from "../../lib/metrics/index.ts";
import { defaultVector, vectorFromParams, type ParamValues } from "../../lib/params/schema.ts";
import { quietParams } from "../../lib/sim/fixtures_params.ts";
import { openTradesDb } from "../../lib/store/index.ts";
import { compileParams } from "../../lib/strategy/index.ts";
import type { TelemetryEvent } from "../../lib/telemetry/types.ts";
import { createTradingStages, MemoryDecisions, TradingSigner, type TradingStages, type TradingStagesOptions } from "../../lib/trading/index.ts";
import { testKeypair } from "../../lib/trading/testing.ts";
import { createRng } from "../../lib/util/rng.ts";
import { MigrationWatcher, migrationSubscription, rpcAccountsReader } from "../../lib/watcher/index.ts";

export interface LiveRig {
  dev: RunningDevchain;
  stages: TradingStages;
  db: Database;
  wallet: Address;
  decisions: MemoryDecisions;
  metrics: Metrics;
  dir: string;
  events: TelemetryEvent[];
  stop(): Promise<void>;
}

export async function startLiveRig(
  o: {
    dev?: Partial<StartDevchainOptions>;
    params?: Partial<ParamValues>;
    stages?: Partial<TradingStagesOptions>;
    walletLabel?: string;
    airdropLamports?: number;
    logger?: Logger;
  } = {},
): Promise<LiveRig> {
  const dir = mkdtempSync(join(tmpdir(), "ferrix-live-"));
  const dev = await startDevchain({ seed: 5, market: false, speed: 4, createLookaheadMs: 60_000, ...o.dev });
  const kp = testKeypair(o.walletLabel ?? "live-rig");
  const signer = TradingSigner.fromSecretKey(kp.secret);
  kp.secret.fill(0);
  dev.chain.airdrop(signer.address, o.airdropLamports ?? 5_000_000_000);
  const db = openTradesDb(join(dir, "trades.db"));
  const metrics = createMetrics({ defaultMetrics: false });
  const decisions = new MemoryDecisions();
  const vec = vectorFromParams(quietParams({ maxHoldS: 3, buySol: 0.1, ...o.params }), defaultVector());
  const stages = await createTradingStages({
    mode: "live",
    entryMode: "immediate",
    params: compileParams(vec),
    paramsHash: "live-rig",
    execution: { slippageBps: 300, priorityFeeLamports: 10_000, tipLamports: 0, latencyMs: 0 },
    db,
    metrics,
    decisions,
    logger: o.logger,
    rpcUrl: dev.rpcUrl,
    signer,
    live: { confirmPollMs: 5, confirmTimeoutMs: 5_000, blockhashRefreshMs: 500, sendJournal: join(dir, "sends.jsonl") },
    quietFeedMs: null,
    ...o.stages,
  });
  await stages.start();
  const events: TelemetryEvent[] = [];
  const watcher = new MigrationWatcher({
    telemetry: {
      write(line: string) {
        const ev = JSON.parse(line) as TelemetryEvent;
        events.push(ev);
        stages.onMarket(ev);
        if (ev.type === "migration") stages.onSignal({ event: { ...ev }, checksSkipped: true });
      },
      async close() {},
    },
    accounts: rpcAccountsReader(dev.rpcUrl),
    trackSeconds: 600,
    idleStopSeconds: 300,
    tickFallbackAfterMs: null,
  });
  await watcher.init();
  const rng = createRng(3);
  const client = new YellowstoneClient({ endpoint: dev.grpcUrl, transactions: migrationSubscription(), random: () => rng.next(), backoff: { baseMs: 20, maxMs: 200 }, onUpdate: (u) => watcher.handle(u) });
  client.start();
  await until(() => client.state === "streaming" && dev.grpc.activeStreams > 0, 10_000, "the gRPC stream");
  await Bun.sleep(50);
  return {
    dev,
    stages,
    db,
    wallet: signer.address,
    decisions,
    metrics,
    dir,
    events,
    async stop() {
      await client.stop();
      watcher.stop();
      await stages.stop(2_000);
      await dev.stop();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const t0 = performance.now();
  while (!cond()) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(5);
  }
}

export { createLogger };
