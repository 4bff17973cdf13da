/**
 * bench:ingest — Yellowstone ingest throughput and latency.
 *
 * A child process builds a devchain market (seeded, fast-forwarded so its stream history holds
 * the wanted number of transactions) and serves it over gRPC; this process subscribes with
 * from_slot at the start, so the whole history is replayed as fast as the server can write —
 * the rate the client must keep up with. Reported: transactions/s decoded through the client and
 * the watcher; CPU per transaction of each side (client: this process from the first to the last
 * transaction; server: the child from the subscription to the last transaction, asked over its
 * stdin), split on Linux into the JavaScript thread and the rest (JIT compiler and GC threads, which
 * run beside it on the other core); the decode throughput of the client's wire reader on the same
 * messages (one core, next to proto-loader's decode for comparison); and p50/p99 latency from gRPC
 * receipt (before decoding) to the MigrationEvent and to the telemetry write.
 * Usage: bun scripts/bench_ingest.ts [--tx 12000] [--seed 7]   (exit 1 below 5,000 tx/s; --help)
 */
import * as grpc from "@grpc/grpc-js";
import { readdirSync, readFileSync } from "node:fs";
import { loadGeyserGrpc, type SubscribeRequest, type SubscribeUpdate } from "../lib/chain/proto.ts";
import { defineTool, main } from "../lib/cli";
import { Devchain, DevchainGrpcServer } from "../lib/devchain";
import { decodeTransactionUpdate, decodeWireTransaction, parseSubscribeUpdate, timestampToMs, YellowstoneClient } from "../lib/ingest";
import { MemoryLineSink, MigrationWatcher, migrationSubscription } from "../lib/watcher";

const TARGET_TX_PER_S = 5_000;
const START_TS = Date.UTC(2026, 0, 1);
const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;

/** CPU ms of this process's JavaScript (main) thread and of all its other threads; null off Linux. */
function threadCpuMs(): { js: number; other: number } | null {
  try {
    const ticksMs = 1000 / 100; // USER_HZ
    let js = 0;
    let other = 0;
    for (const tid of readdirSync("/proc/self/task")) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ms = (Number(fields[11]) + Number(fields[12])) * ticksMs;
      if (Number(tid) === process.pid) js += ms;
      else other += ms;
    }
    return { js, other };
  } catch {
    return null;
  }
}

async function serve(want: number, seed: number): Promise<number> {
  const chain = new Devchain({ seed, market: true, migrationsPerDay: 20_000, trackSeconds: 300, idleStopSeconds: 120, historySlots: 10_000_000, createLookaheadMs: 3_600_000 });
  let t = START_TS;
  const t0 = performance.now();
  while (chain.counters.transactions < want) await chain.advanceTo((t += 5_000));
  const server = new DevchainGrpcServer(chain, { pingIntervalMs: 60_000 });
  await server.start();
  process.stdout.write(JSON.stringify({ port: server.port, transactions: chain.counters.transactions, migrations: chain.counters.migrations, fromSlot: chain.oldestReplayableSlot, buildMs: Math.round(performance.now() - t0) }) + "\n");
  // Each line on stdin asks for this process's CPU time so far.
  for await (const chunk of Bun.stdin.stream()) {
    for (let n = new TextDecoder().decode(chunk).split("\n").length - 1; n > 0; n--) process.stdout.write(JSON.stringify({ cpuMs: cpuMs(process.cpuUsage()), threads: threadCpuMs() }) + "\n");
  }
  // stdin closed: the bench is gone.
  await server.stop();
  return 0;
}

function pct(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

/** JSON lines from the child's stdout. */
function lineReader(stream: ReadableStream<Uint8Array>): () => Promise<Record<string, unknown>> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let buf = "";
  return async () => {
    while (!buf.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error("devchain child exited");
      buf += decoder.decode(value, { stream: true });
    }
    const i = buf.indexOf("\n");
    const line = buf.slice(0, i);
    buf = buf.slice(i + 1);
    return JSON.parse(line) as Record<string, unknown>;
  };
}

/** The serialized SubscribeUpdates of a second replay, captured raw (for the decode measurement). */
async function captureStream(port: number, request: SubscribeRequest, count: number): Promise<Buffer[]> {
  const method = loadGeyserGrpc().service.Subscribe as grpc.MethodDefinition<SubscribeRequest, SubscribeUpdate>;
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { "grpc.max_receive_message_length": 64 * 1024 * 1024 });
  const call = client.makeBidiStreamRequest("/geyser.Geyser/Subscribe", method.requestSerialize, (b: Buffer) => b);
  const got: Buffer[] = [];
  let transactions = 0;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("capture timed out")), 60_000);
    call.on("data", (b: Buffer) => {
      got.push(b);
      if (parseSubscribeUpdate(b).oneof === "transaction" && ++transactions === count) {
        clearTimeout(timer);
        resolve();
      }
    });
    call.on("error", () => {});
    call.write(request);
  });
  call.cancel();
  client.close();
  return got;
}

/** Best-of-3 CPU time of `run` over the messages, as transactions/s. */
function throughput(n: number, run: () => void): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const c0 = process.cpuUsage();
    run();
    best = Math.min(best, cpuMs(process.cpuUsage(c0)));
  }
  return n / (best / 1000);
}

async function bench(tx: number, seed: number): Promise<number> {
  const child = Bun.spawn([process.execPath, import.meta.path, "--serve", "--tx", String(tx), "--seed", String(seed)], { stdin: "pipe", stdout: "pipe", stderr: "inherit" });
  const nextLine = lineReader(child.stdout);
  type Cpu = { cpuMs: number; threads: { js: number; other: number } | null };
  const serverCpu = async () => {
    child.stdin.write("cpu\n");
    child.stdin.flush();
    return (await nextLine()) as Cpu;
  };
  const info = (await nextLine()) as { port: number; transactions: number; migrations: number; fromSlot: number; buildMs: number };
  process.stderr.write(`devchain child: ${info.transactions} transactions (${info.migrations} migrations) built in ${info.buildMs} ms\n`);

  const sink = new MemoryLineSink();
  const toMigration: number[] = [];
  const toTelemetry: number[] = [];
  const watcher = new MigrationWatcher({ telemetry: sink, tickFallbackAfterMs: null, trackSeconds: 300, idleStopSeconds: 120, onLine: (_t, rx) => rx !== null && toTelemetry.push(performance.now() - rx) });
  let received = 0;
  let first = 0;
  let last = 0;
  let cpuAtFirst: NodeJS.CpuUsage | null = null;
  let cpuFirstToLast: NodeJS.CpuUsage | null = null;
  let threadsAtFirst: { js: number; other: number } | null = null;
  let threadsAtLast: { js: number; other: number } | null = null;
  const client = new YellowstoneClient({
    endpoint: `http://127.0.0.1:${info.port}`,
    transactions: migrationSubscription(),
    fromSlot: info.fromSlot,
    stallTimeoutMs: 10_000,
    onUpdate: (u) => {
      watcher.handle(u);
      if (u.kind === "transaction") {
        last = performance.now();
        if (received === 0) {
          first = last;
          cpuAtFirst = process.cpuUsage();
          threadsAtFirst = threadCpuMs();
        }
        if (++received === info.transactions) {
          cpuFirstToLast = process.cpuUsage(cpuAtFirst!);
          threadsAtLast = threadCpuMs();
        }
      }
    },
  });
  const consume = (async () => {
    for await (const m of watcher.migrations) toMigration.push(m.detectedAtMono - m.receivedAtMono);
  })();
  const server0 = await serverCpu();
  const cpu0 = process.cpuUsage();
  client.start();
  const deadline = performance.now() + 120_000;
  while (received < info.transactions && performance.now() < deadline) await Bun.sleep(5);
  const server1 = await serverCpu();
  const serverMs = server1.cpuMs - server0.cpuMs;
  const clientTotal = process.cpuUsage(cpu0);
  await client.stop();
  watcher.stop();
  await consume;

  // Decode throughput on the same messages, measured apart from the stream.
  const messages = await captureStream(info.port, client.buildRequest(info.fromSlot), info.transactions);
  child.kill();
  const bytes = messages.reduce((s, b) => s + b.length, 0);
  const txMessages = messages.filter((b) => parseSubscribeUpdate(b).oneof === "transaction");
  const wireRate = throughput(txMessages.length, () => {
    for (const b of txMessages) {
      const u = parseSubscribeUpdate(b);
      decodeWireTransaction(u.transaction!, { createdAtMs: u.createdAtMs, receivedAtMono: 0, filters: u.filters });
    }
  });
  const protoLoader = loadGeyserGrpc().service.Subscribe as grpc.MethodDefinition<SubscribeRequest, SubscribeUpdate>;
  const protoRate = throughput(txMessages.length, () => {
    for (const b of txMessages) {
      const u = protoLoader.responseDeserialize(b) as Extract<SubscribeUpdate, { update_oneof: "transaction" }>;
      decodeTransactionUpdate(u.transaction, { createdAtMs: timestampToMs(u.created_at), receivedAtMono: 0, filters: u.filters });
    }
  });

  const seconds = (last - first) / 1000;
  const rate = (received - 1) / seconds;
  const us = (ms: number) => `${(ms * 1000).toFixed(0)} µs`;
  const perTx = (ms: number) => `${((ms * 1000) / received).toFixed(0)} µs/tx`;
  const split = (a: { js: number; other: number } | null, b: { js: number; other: number } | null) => (a && b ? `; JS thread ${perTx(b.js - a.js)}, JIT/GC threads ${perTx(b.other - a.other)}` : "");
  const avgBytes = bytes / messages.length;
  console.log(`Bun ${Bun.version}`);
  console.log(`transactions received and decoded: ${received}/${info.transactions} in ${seconds.toFixed(2)} s → ${Math.round(rate)} tx/s (target ≥ ${TARGET_TX_PER_S})`);
  console.log(`client CPU: ${cpuFirstToLast ? perTx(cpuMs(cpuFirstToLast)) : "n/a"} first → last transaction${split(threadsAtFirst, threadsAtLast)} (${perTx(cpuMs(clientTotal))} with connection setup)`);
  console.log(`server CPU (devchain child): ${perTx(serverMs)} from subscribe to the last transaction${split(server0.threads, server1.threads)}`);
  console.log(`decode throughput (wire reader + key resolution, one core): ${Math.round(wireRate)} tx/s, ${((wireRate * avgBytes) / 1e6).toFixed(1)} MB/s; proto-loader deserialize + object decode: ${Math.round(protoRate)} tx/s (${messages.length} messages, ${Math.round(avgBytes)} B average)`);
  console.log(`watcher: ${watcher.stats.migrations} migrations, ${watcher.stats.flows} flows, ${watcher.stats.ticks} ticks, ${sink.lines.length} telemetry lines, ${watcher.stats.decodeErrors} decode errors`);
  console.log(`latency receipt → MigrationEvent: p50 ${us(pct(toMigration, 50))}, p99 ${us(pct(toMigration, 99))} (n=${toMigration.length})`);
  console.log(`latency receipt → telemetry write: p50 ${us(pct(toTelemetry, 50))}, p99 ${us(pct(toTelemetry, 99))} (n=${toTelemetry.length})`);
  return rate >= TARGET_TX_PER_S && received === info.transactions ? 0 : 1;
}

const tool = defineTool({
  name: "bench_ingest",
  description: `Yellowstone ingest throughput and latency against a devchain child (exit 1 below ${TARGET_TX_PER_S} tx/s)`,
  examples: ["bun scripts/bench_ingest.ts", "bun scripts/bench_ingest.ts --tx 30000 --seed 3"],
  args: {
    tx: { type: "number", integer: true, min: 2, default: 12_000, description: "transactions in the devchain's stream history" },
    seed: { type: "number", integer: true, default: 7, description: "devchain seed" },
    serve: { type: "boolean", default: false, description: "internal: run as the devchain child serving the stream" },
  },
  run: (a) => (a.serve ? serve(a.tx, a.seed) : bench(a.tx, a.seed)),
});

if (import.meta.main) await main(tool);
