// End to end: devchain (gRPC + JSON-RPC on 127.0.0.1) → Yellowstone client → migration watcher →
// telemetry lines, compared with the devchain's own record.
import { afterEach, describe, expect, test } from "bun:test";
import { asTelemetry, metricValue, parseLines, START_TS, startRig, until, type Rig } from "./helpers.ts";

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.stop();
  rig = null;
});

function compare(r: Rig, endTs: number) {
  const tel = parseLines(r.sink.lines).filter((l) => (l.ts as number) < endTs);
  const rec = r.dev.chain.records.filter((x) => x.type !== "create" && x.ts < endTs).map((x) => asTelemetry(x as unknown as Record<string, unknown>));
  const key = (x: Record<string, unknown>) => `${x.type}|${x.ts}|${x.sig ?? ""}|${x.pool}`;
  const byKey = (xs: Record<string, unknown>[]) => [...xs].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return { tel: byKey(tel), rec: byKey(rec) };
}

describe("devchain → client → watcher", () => {
  test("telemetry matches the devchain's record exactly (migrations, flows, ticks)", async () => {
    const endTs = START_TS + 150_000;
    rig = await startRig({ speed: 60, marketEndTs: endTs });
    await rig.dev.waitForSimTime(endTs + 2_000);
    await until(() => rig!.watcher.stats.transactions >= rig!.dev.chain.counters.transactions - 1, 5_000, "stream to drain");
    // Ticks before endTs are final only once the watcher's chain time passes them (slot updates
    // may trail the transactions on a loaded machine): wait for as many lines as the record has.
    await until(() => compare(rig!, endTs).tel.length >= compare(rig!, endTs).rec.length, 10_000, "ticks up to the end");
    const { tel, rec } = compare(rig, endTs);
    const kinds = (xs: Record<string, unknown>[], t: string) => xs.filter((x) => x.type === t).length;
    expect(kinds(rec, "migration")).toBeGreaterThanOrEqual(2);
    expect(kinds(rec, "flow")).toBeGreaterThan(50);
    expect(kinds(rec, "tick")).toBeGreaterThan(50);
    expect(tel).toEqual(rec);
    expect(rig.watcher.stats.decodeErrors).toBe(0);
  }, 60_000);

  test("a dropped stream resumes with from_slot: no migration lost or duplicated", async () => {
    const endTs = START_TS + 150_000;
    rig = await startRig({ speed: 60, marketEndTs: endTs });
    await rig.dev.waitForSimTime(START_TS + 40_000);
    expect(rig.dev.dropAllStreams()).toBe(1);
    await rig.dev.waitForSimTime(START_TS + 90_000);
    expect(rig.dev.dropAllStreams()).toBe(1);
    await rig.dev.waitForSimTime(endTs + 2_000);
    await until(() => rig!.client.state === "streaming", 5_000, "reconnect");
    await Bun.sleep(300);
    expect(rig.client.stats.reconnects).toBe(2);
    expect(rig.dev.grpc.stats.replays).toBe(2);
    const { tel, rec } = compare(rig, endTs);
    const sigs = (xs: Record<string, unknown>[]) => xs.filter((x) => x.type === "migration").map((x) => x.sig);
    expect(sigs(tel)).toEqual(sigs(rec));
    expect(new Set(sigs(tel)).size).toBe(sigs(tel).length);
    expect(tel).toEqual(rec);
    expect(metricValue(await rig.metrics.registry.metrics(), "ferrix_grpc_reconnects_total")).toBe(2);
  }, 60_000);

  test("a stalled stream trips the watchdog, which reconnects and recovers", async () => {
    const endTs = START_TS + 120_000;
    rig = await startRig({ speed: 40, marketEndTs: endTs, serverPingIntervalMs: 60_000 }, { stallTimeoutMs: 400, pingIntervalMs: 60_000 });
    await rig.dev.waitForSimTime(START_TS + 30_000);
    rig.dev.stallAllStreams(5_000);
    await until(() => rig!.client.stats.stalls >= 1, 5_000, "watchdog");
    await until(() => rig!.client.state === "streaming", 5_000, "recovery");
    await rig.dev.waitForSimTime(endTs + 2_000);
    await Bun.sleep(300);
    expect(metricValue(await rig.metrics.registry.metrics(), "ferrix_grpc_stalls_total")).toBeGreaterThanOrEqual(1);
    const { tel, rec } = compare(rig, endTs);
    expect(tel).toEqual(rec);
  }, 60_000);

  test("x-token: refused without it, streams with it", async () => {
    rig = await startRig({ xToken: "sekret", speed: 30 }, { xToken: "wrong", backoff: { baseMs: 50, maxMs: 50 } });
    await until(() => rig!.dev.grpc.stats.unauthenticated >= 2, 5_000, "refusals");
    expect(rig.client.stats.transactions).toBe(0);
    await rig.client.stop();
    const { YellowstoneClient } = await import("../../lib/ingest/index.ts");
    const { migrationSubscription } = await import("../../lib/watcher/index.ts");
    let n = 0;
    const ok = new YellowstoneClient({ endpoint: rig.dev.grpcUrl, xToken: "sekret", transactions: migrationSubscription(), onUpdate: () => n++ });
    ok.start();
    await until(() => n > 0, 10_000, "updates with the right token");
    await ok.stop();
    expect(rig.dev.grpc.stats.subscribes).toBeGreaterThanOrEqual(1);
  }, 30_000);
});
