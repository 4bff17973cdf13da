// Shared wiring for the ingest end-to-end tests: a devchain on 127.0.0.1 (ports 0), a Yellowstone
// client with the watcher's filters, and a watcher writing telemetry into memory.
import { YellowstoneClient, type YellowstoneClientOptions } from "../../lib/ingest/index.ts";
import { startDevchain, type RunningDevchain, type StartDevchainOptions } from "../../lib/devchain/index.ts";
import { MemoryLineSink, MigrationWatcher, migrationSubscription, rpcAccountsReader, type WatcherOptions } from "../../lib/watcher/index.ts";
import { createMetrics } from "../../lib/metrics/index.ts";
import { createRng } from "../../lib/util/rng.ts";

export const START_TS = Date.UTC(2026, 0, 1);

export interface Rig {
  dev: RunningDevchain;
  client: YellowstoneClient;
  watcher: MigrationWatcher;
  sink: MemoryLineSink;
  metrics: ReturnType<typeof createMetrics>;
  stop(): Promise<void>;
}

export async function startRig(dev: Partial<StartDevchainOptions> = {}, client: Partial<YellowstoneClientOptions> = {}, watcher: Partial<WatcherOptions> = {}): Promise<Rig> {
  const d = await startDevchain({ seed: 7, migrationsPerDay: 4000, trackSeconds: 60, idleStopSeconds: 30, createLookaheadMs: 3_600_000, speed: 30, ...dev });
  const metrics = createMetrics({ defaultMetrics: false });
  const sink = new MemoryLineSink();
  const w = new MigrationWatcher({ telemetry: sink, accounts: rpcAccountsReader(d.rpcUrl), trackSeconds: 60, idleStopSeconds: 30, tickFallbackAfterMs: null, metrics, ...watcher });
  await w.init();
  const rng = createRng(11);
  const c = new YellowstoneClient({
    endpoint: d.grpcUrl,
    transactions: migrationSubscription(),
    random: () => rng.next(),
    backoff: { baseMs: 20, maxMs: 200 },
    metrics,
    onUpdate: (u) => w.handle(u),
    ...client,
  });
  c.start();
  return {
    dev: d,
    client: c,
    watcher: w,
    sink,
    metrics,
    async stop() {
      await c.stop();
      w.stop();
      await d.stop();
    },
  };
}

export const parseLines = (lines: string[]) => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

/** Devchain records in telemetry field names (extra record-only fields removed). */
export function asTelemetry(r: Record<string, unknown>): Record<string, unknown> {
  const { source: _s, mint_profile: _m, ...rest } = r;
  return { ...rest, v: 1 };
}

export async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const t0 = performance.now();
  while (!cond()) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(10);
  }
}

export function metricValue(text: string, name: string): number {
  const line = text.split("\n").find((l) => l.startsWith(name + " ") || l.startsWith(name + "{"));
  return line ? Number(line.split(" ").pop()) : 0;
}
