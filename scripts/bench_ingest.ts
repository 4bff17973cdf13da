/**
 * bench:ingest — Yellowstone ingest throughput and latency.
 *
 * A child process builds a devchain market (seeded, fast-forwarded so its stream history holds
 * the wanted number of transactions) and serves it over gRPC; this process subscribes with
 * from_slot at the start, so the whole history is replayed as fast as the server can write —
 * the rate the client must keep up with. Reported: transactions/s decoded through the client and
 * the watcher, and p50/p99 latency from gRPC receipt to the MigrationEvent and to the telemetry
 * write. Usage: bun scripts/bench_ingest.ts [--tx 12000] [--seed 7]
 */
import { Devchain, DevchainGrpcServer } from "../lib/devchain";
import { YellowstoneClient } from "../lib/ingest";
import { MemoryLineSink, MigrationWatcher, migrationSubscription } from "../lib/watcher";

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const START_TS = Date.UTC(2026, 0, 1);

async function serve(): Promise<void> {
  const want = arg("tx", 12_000);
  const chain = new Devchain({ seed: arg("seed", 7), market: true, migrationsPerDay: 20_000, trackSeconds: 300, idleStopSeconds: 120, historySlots: 10_000_000, createLookaheadMs: 3_600_000 });
  let t = START_TS;
  const t0 = performance.now();
  while (chain.counters.transactions < want) await chain.advanceTo((t += 5_000));
  const server = new DevchainGrpcServer(chain, { pingIntervalMs: 60_000 });
  await server.start();
  process.stdout.write(JSON.stringify({ port: server.port, transactions: chain.counters.transactions, migrations: chain.counters.migrations, fromSlot: chain.oldestReplayableSlot, buildMs: Math.round(performance.now() - t0) }) + "\n");
  await new Promise(() => {});
}

function pct(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

async function bench(): Promise<void> {
  const child = Bun.spawn([process.execPath, import.meta.path, "--serve", "--tx", String(arg("tx", 12_000)), "--seed", String(arg("seed", 7))], { stdout: "pipe", stderr: "inherit" });
  const reader = child.stdout.getReader();
  let buf = "";
  while (!buf.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("devchain child exited");
    buf += new TextDecoder().decode(value);
  }
  const info = JSON.parse(buf.split("\n")[0]) as { port: number; transactions: number; migrations: number; fromSlot: number; buildMs: number };
  process.stderr.write(`devchain child: ${info.transactions} transactions (${info.migrations} migrations) built in ${info.buildMs} ms\n`);

  const sink = new MemoryLineSink();
  const toMigration: number[] = [];
  const toTelemetry: number[] = [];
  const watcher = new MigrationWatcher({ telemetry: sink, tickFallbackAfterMs: null, trackSeconds: 300, idleStopSeconds: 120, onLine: (_t, rx) => rx !== null && toTelemetry.push(performance.now() - rx) });
  let received = 0;
  let first = 0;
  let last = 0;
  const client = new YellowstoneClient({
    endpoint: `http://127.0.0.1:${info.port}`,
    transactions: migrationSubscription(),
    fromSlot: info.fromSlot,
    stallTimeoutMs: 10_000,
    onUpdate: (u) => {
      if (u.kind === "transaction") {
        if (received === 0) first = performance.now();
        received++;
        last = performance.now();
      }
      watcher.handle(u);
    },
  });
  const consume = (async () => {
    for await (const m of watcher.migrations) toMigration.push(m.detectedAtMono - m.receivedAtMono);
  })();
  const cpu0 = process.cpuUsage();
  client.start();
  const deadline = performance.now() + 120_000;
  while (received < info.transactions && performance.now() < deadline) await Bun.sleep(5);
  await client.stop();
  watcher.stop();
  await consume;
  child.kill();
  const cpu = process.cpuUsage(cpu0);
  const seconds = (last - first) / 1000;
  const rate = (received - 1) / seconds;
  const ms = (x: number) => `${(x * 1000).toFixed(0)} µs`;
  console.log(`Bun ${Bun.version}`);
  console.log(`transactions received and decoded: ${received}/${info.transactions} in ${seconds.toFixed(2)} s → ${Math.round(rate)} tx/s (target ≥ 5000)`);
  console.log(`client process CPU while streaming: ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s (a figure near the elapsed time means this side is the bottleneck)`);
  console.log(`watcher: ${watcher.stats.migrations} migrations, ${watcher.stats.flows} flows, ${watcher.stats.ticks} ticks, ${sink.lines.length} telemetry lines, ${watcher.stats.decodeErrors} decode errors`);
  console.log(`latency receipt → MigrationEvent: p50 ${ms(pct(toMigration, 50))}, p99 ${ms(pct(toMigration, 99))} (n=${toMigration.length})`);
  console.log(`latency receipt → telemetry write: p50 ${ms(pct(toTelemetry, 50))}, p99 ${ms(pct(toTelemetry, 99))} (n=${toTelemetry.length})`);
  process.exit(rate >= 5_000 && received === info.transactions ? 0 : 1);
}

if (process.argv.includes("--serve")) await serve();
else await bench();
