#!/usr/bin/env bun
/**
 * bench:live — the live buy path's latency: from gRPC receipt of a migration to the signed buy
 * transaction handed to the sender, p50 and p99, under a background load of ~5,000 messages/s on
 * the same stream. Aim: p99 ≤ 1 ms.
 *
 * A child process serves one Yellowstone stream on 127.0.0.1: PumpSwap swaps recorded from a seeded
 * devchain market, replayed at the target rate with fresh signatures (background load), interleaved
 * with real Pump.fun migrations launched on a second devchain every few ms (which also serves the
 * JSON-RPC the trading stages read their blockhash and fee configuration from). This process runs
 * the production path, wired as the boot wires it: Yellowstone client → migration watcher (its
 * telemetry lines to telemetry.jsonl, its telemetry objects into the trading stages) → verified
 * signal (autobuysell, checks off) → position actor (decision records to decisions.jsonl) → trade
 * signal processor → live executor: pool info from the migration, quote, instructions, compiled
 * and signed → the sender, here the measurement sink: it records the hand-off time and, by design,
 * sends nothing. trades.db is written as live (persistence queue, WAL, synchronous=FULL).
 *
 *   bun scripts/bench_live.ts [--migrations 600] [--rate 5000] [--every-ms 20]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { defineTool, main } from "../lib/cli/index.ts";
import { JsonlAppender } from "../lib/engine/jsonl_sink.ts";
import { PUMPFUN_WITHDRAW_AUTHORITY_ADDRESS } from "../lib/chain/constants.ts";
import { Devchain, DevchainGrpcServer, DevchainRpcServer, type ChainUpdate } from "../lib/devchain/index.ts";
import { YellowstoneClient, type IngestUpdate } from "../lib/ingest/index.ts";
import { createMetrics } from "../lib/metrics/index.ts";
import { defaultVector, vectorFromParams } from "../lib/params/schema.ts";
import { quietParams } from "../lib/sim/fixtures_params.ts";
import { openTradesDb } from "../lib/store/index.ts";
import { compileParams } from "../lib/strategy/index.ts";
import type { TelemetryEvent } from "../lib/telemetry/types.ts";
import type { IngestTransaction } from "../lib/ingest/decode.ts";
import { createTradingStages, migrationTokenProgram, type TxSender } from "../lib/trading/index.ts";
import { testKeypair, writeKeypairFile } from "../lib/trading/testing.ts";
import { MigrationWatcher, migrationSubscription } from "../lib/watcher/index.ts";

const tool = defineTool({
  name: "bench_live",
  description: "latency of the live buy path, gRPC receipt of a migration → signed buy handed to the sender, under stream load",
  examples: ["bun scripts/bench_live.ts", "bun scripts/bench_live.ts --migrations 200 --rate 2000"],
  args: {
    migrations: { type: "number", description: "buys to measure (after 50 warm-up ones)", default: 600, min: 1, integer: true },
    rate: { type: "number", description: "background swaps per second on the stream", default: 5_000, min: 0 },
    everyMs: { type: "number", description: "ms between migrations", default: 20, min: 1 },
    serve: { type: "boolean", description: "run as the stream child (internal)" },
  },
  run: (a) => (a.serve ? serve(a) : bench(a)),
});
type BenchArgs = { migrations: number; rate: number; everyMs: number };

// ---------------------------------------------------------------- child: the loaded stream

/** The part of Devchain the gRPC server reads, over a paced mix of recorded and live updates. */
class PacedStream {
  private readonly listeners = new Set<(u: ChainUpdate) => void>();
  private seq = 0;
  constructor(private readonly live: Devchain) {}
  get now() {
    return this.live.now;
  }
  get slot() {
    return this.live.slot;
  }
  get oldestReplayableSlot() {
    return 0;
  }
  latestBlockhash() {
    return this.live.latestBlockhash();
  }
  blockHeight(slot?: number) {
    return this.live.blockHeight(slot);
  }
  isBlockhashValid(h: string) {
    return this.live.isBlockhashValid(h);
  }
  replayFrom(): ChainUpdate[] {
    return [];
  }
  subscribe(l: (u: ChainUpdate) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  publish(u: ChainUpdate): void {
    const out = { ...u, seq: ++this.seq } as ChainUpdate;
    for (const l of this.listeners) l(out);
  }
}

async function serve({ rate, everyMs }: BenchArgs): Promise<void> {
  // Background: swaps recorded from a seeded market.
  const bg = new Devchain({ seed: 7, migrationsPerDay: 20_000, trackSeconds: 300, idleStopSeconds: 120, createLookaheadMs: 600_000 });
  const swaps: Extract<ChainUpdate, { kind: "transaction" }>[] = [];
  bg.subscribe((u) => {
    if (u.kind === "transaction" && !u.keys.has(PUMPFUN_WITHDRAW_AUTHORITY_ADDRESS) && !u.failed) swaps.push(u);
  });
  for (let t = 5_000; swaps.length < 3_000; t += 5_000) await bg.advanceTo(bg.opts.startTs + t);
  // Live: migrations launched on demand; it also serves JSON-RPC.
  const live = new Devchain({ seed: 8, market: false });
  const stream = new PacedStream(live);
  live.subscribe((u) => stream.publish(u));
  const grpc = new DevchainGrpcServer(stream as unknown as Devchain, { pingIntervalMs: 60_000 });
  await grpc.start();
  const rpc = new DevchainRpcServer(live, {});
  rpc.start();
  process.stdout.write(JSON.stringify({ grpcPort: grpc.port, rpcUrl: rpc.url, swaps: swaps.length }) + "\n");

  const start = performance.now();
  let sent = 0;
  let k = 0;
  let sig = 0;
  const fresh = (u: Extract<ChainUpdate, { kind: "transaction" }>) => {
    const s = Buffer.alloc(64);
    s.writeUInt32LE(++sig, 0);
    s.writeUInt32LE(0x5eed, 4);
    const info = { ...u.info, signature: s, transaction: { ...u.info.transaction!, signatures: [s, ...u.info.transaction!.signatures.slice(1)] } };
    return { ...u, info };
  };
  let started = false;
  setInterval(() => {
    if (!started && grpc.activeStreams > 0) started = true;
    if (!started) return;
    const due = Math.floor(((performance.now() - start) * rate) / 1000);
    for (; sent < due; sent++) stream.publish(fresh(swaps[k++ % swaps.length]));
  }, 2);
  const t0 = live.now;
  setInterval(() => void live.advanceTo(t0 + Math.floor(performance.now() - start)), 50);
  setInterval(() => {
    if (started) void live.launchToken();
  }, everyMs);
  await new Promise(() => {});
}

// ---------------------------------------------------------------- parent: the trading path

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

async function bench({ migrations: want, rate: targetRate, everyMs }: BenchArgs): Promise<number> {
  const child = Bun.spawn([process.execPath, import.meta.path, "--serve", "--rate", String(targetRate), "--every-ms", String(everyMs)], { stdout: "pipe", stderr: "inherit" });
  const reader = child.stdout.getReader();
  let buf = "";
  while (!buf.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("stream child exited");
    buf += new TextDecoder().decode(value);
  }
  const info = JSON.parse(buf.split("\n")[0]) as { grpcPort: number; rpcUrl: string; swaps: number };
  const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), "ferrix-bench-live-"));
  const keyFile = join(dir, "wallet.json");
  writeKeypairFile(keyFile, testKeypair("bench").secret);

  const latencies: number[] = [];
  const rxByMint = new Map<string, number>();
  const sender: TxSender = {
    async submit(_tx, ctx) {
      const rx = rxByMint.get(ctx.positionId.split(":")[0]);
      if (rx !== undefined) latencies.push(performance.now() - rx);
      return { sent: false, failure: { kind: "other", code: null, message: "bench: not sent", landed: false, feesLamports: 0, signature: null } };
    },
  };
  const metrics = createMetrics({ defaultMetrics: false });
  const db = openTradesDb(join(dir, "trades.db"));
  const telemetry = new JsonlAppender(join(dir, "telemetry.jsonl"));
  const decisions = new JsonlAppender(join(dir, "decisions.jsonl"));
  const vec = vectorFromParams(quietParams({ buySol: 0.1, maxPositions: 100_000 }), defaultVector());
  const stages = await createTradingStages({
    mode: "live",
    entryMode: "immediate",
    params: compileParams(vec),
    paramsHash: "bench",
    execution: { slippageBps: 500, priorityFeeLamports: 100_000 },
    db,
    metrics,
    decisions,
    rpcUrl: info.rpcUrl,
    keypairPath: keyFile,
    sender,
    circuitBreaker: { consecutiveFailures: [1e9, 1e9, 1e9], errorRate: [2, 2], drawdownSol: [1e9, 1e9, 1e9], dailyLossCapSol: 1e9 },
    quietFeedMs: null,
  });
  await stages.start();

  // The intake as the boot wires it: lines to telemetry.jsonl, the same records as objects into
  // the stages, verified signals (checks off). The migration's token program is read off its
  // transaction (the one being handled) when the watcher reports the migration.
  const tokenPrograms = new Map<string, { baseTokenProgram: string; poolBaseTokenAccount: string; poolQuoteTokenAccount: string }>();
  let handling: IngestTransaction | null = null;
  const watcher = new MigrationWatcher({
    telemetry: {
      write: (line: string) => telemetry.writeLine(line),
      event(e: TelemetryEvent) {
        if (e.type === "migration" && handling) {
          const mp = migrationTokenProgram(handling);
          if (mp) tokenPrograms.set(mp.pool, mp);
        }
        stages.onMarket(e);
      },
      async close() {},
    },
    tickFallbackAfterMs: null,
    trackSeconds: 60,
    idleStopSeconds: 30,
  });
  let received = 0;
  let firstRx = 0;
  let lastRx = 0;
  const client = new YellowstoneClient({
    endpoint: `http://127.0.0.1:${info.grpcPort}`,
    transactions: migrationSubscription({ creates: false }),
    slotUpdates: true,
    stallTimeoutMs: 30_000,
    onUpdate: (u: IngestUpdate) => {
      if (u.kind === "transaction") {
        received++;
        if (firstRx === 0) firstRx = u.tx.receivedAtMono;
        lastRx = u.tx.receivedAtMono;
        handling = u.tx;
      }
      watcher.handle(u);
      handling = null;
    },
  });
  const consume = (async () => {
    for await (const m of watcher.migrations) {
      const tp = tokenPrograms.get(m.pool);
      rxByMint.set(m.mint, m.receivedAtMono);
      stages.onSignal({ event: { ...m, baseTokenProgram: tp?.baseTokenProgram, poolBaseTokenAccount: tp?.poolBaseTokenAccount, poolQuoteTokenAccount: tp?.poolQuoteTokenAccount }, checksSkipped: true });
    }
  })();
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  client.start();
  const deadline = performance.now() + 180_000;
  const warmup = 50;
  while (latencies.length < want + warmup && performance.now() < deadline) await Bun.sleep(20);
  const wall = (performance.now() - wall0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await client.stop();
  watcher.stop();
  await consume;
  await stages.stop(1_000);
  telemetry.close();
  decisions.close();
  child.kill();
  db.close();

  const xs = latencies.slice(warmup);
  const component = await componentPath(want, dir);
  const rate = received / ((lastRx - firstRx) / 1000);
  const us = (ms: number) => `${(ms * 1000).toFixed(0)} µs`;
  const AIM_MS = 1;
  const p50 = pct(xs, 50);
  const p99 = pct(xs, 99);
  console.log(`Bun ${Bun.version}, ${navigator.hardwareConcurrency} cores (shared), load average ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  console.log(`background: ${Math.round(rate)} transactions/s received on the stream (target ${targetRate}), ${info.swaps} recorded swaps replayed with fresh signatures`);
  if (rate < 0.9 * targetRate) console.log(`  note: the stream ran below 90% of its target rate (the generator shares these cores); the figures are for the load it reached`);
  console.log(`migrations bought: ${latencies.length} (first ${warmup} discarded as warm-up), this process's CPU ${((cpu.user + cpu.system) / 1e6 / wall * 100).toFixed(0)}% of one core`);
  console.log(`gRPC receipt → signed buy handed to the sender: p50 ${us(p50)}, p90 ${us(pct(xs, 90))}, p99 ${us(p99)}, max ${us(Math.max(...xs))} (n=${xs.length})`);
  console.log(`  vs the aim (p99 ≤ ${AIM_MS} ms): p99 is ${(p99 / AIM_MS).toFixed(2)}× the aim${p99 <= AIM_MS ? " (met)" : ""}, p50 ${(p50 / AIM_MS).toFixed(2)}×`);
  console.log(`trading stages alone (verified signal → signed buy handed to the sender, no stream): p50 ${us(pct(component, 50))}, p90 ${us(pct(component, 90))}, p99 ${us(pct(component, 99))} (n=${component.length})`);
  rmSync(dir, { recursive: true, force: true });
  return xs.length >= want ? 0 : 1;
}

/** The trading stages on their own: signals in, signed buys out (fresh mint, pool and creator each time). */
async function componentPath(n: number, dir: string): Promise<number[]> {
  const { encodeGlobalConfig } = await import("../lib/chain/pumpswap.ts");
  const { DEVCHAIN_GLOBAL_CONFIG } = await import("../lib/devchain/index.ts");
  const { encodeBase58 } = await import("../lib/chain/base58.ts");
  const rnd = () => encodeBase58(crypto.getRandomValues(new Uint8Array(32)));
  const lat: number[] = [];
  const rx = new Map<string, number>();
  const sender: TxSender = {
    async submit(_tx, c) {
      lat.push(performance.now() - rx.get(c.positionId.split(":")[0])!);
      return { sent: false, failure: { kind: "other", code: null, message: "bench", landed: false, feesLamports: 0, signature: null } };
    },
  };
  const rpc = { getLatestBlockhash: async () => ({ blockhash: rnd(), lastValidBlockHeight: 1 }), getMultipleAccounts: async () => [{ data: encodeGlobalConfig(DEVCHAIN_GLOBAL_CONFIG), owner: "x", lamports: 1 }] } as never;
  const db = openTradesDb(join(dir, "component.db"));
  const stages = await createTradingStages({
    mode: "live",
    entryMode: "immediate",
    params: compileParams(vectorFromParams(quietParams({ maxPositions: 1e6 }), defaultVector())),
    db,
    rpc,
    keypairPath: join(dir, "wallet.json"),
    sender,
    circuitBreaker: { consecutiveFailures: [1e9, 1e9, 1e9], errorRate: [2, 2] },
    quietFeedMs: null,
  });
  await stages.start();
  for (let i = 0; i < n + 100; i++) {
    const mint = rnd();
    const ev = { ts: Date.now(), slot: 1, sig: rnd(), mint, pool: rnd(), creator: rnd(), base_reserve: 206_900_000_000_000, quote_reserve: 84_990_000_000, base_decimals: 6, lp_fee_bps: 2, protocol_fee_bps: 93, creator_fee_bps: 30, base_token_program: "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA" };
    rx.set(mint, performance.now());
    stages.onMarket({ type: "migration", v: 1, ...ev, token_created_ts: ev.ts } as TelemetryEvent);
    stages.onSignal({ event: ev, checksSkipped: true });
    await Bun.sleep(1);
  }
  await stages.stop(1_000);
  db.close();
  return lat.slice(100);
}

await main(tool);
