/**
 * The end-to-end check of the ingest path with the real executables: the devchain streams
 * its seeded market over Yellowstone gRPC, the compiled `bin/ferrix migration` records
 * telemetry.jsonl for some seconds, the compiled `bin/telemetry_tool` turns it into lifecycles, and
 * every lifecycle matches the devchain's own record: the same migrations (none lost, none twice),
 * pools, creators, initial reserves and fees, and the same swaps second by second.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { startDevchain, type FlowRecord, type MigrationRecord } from "../../lib/devchain/index.ts";
import type { Lifecycle } from "../../lib/lifecycle/types.ts";
import { ensureBuilt, FERRIX_BIN, ROOT, sandboxFlags, scratchDir, startFerrix } from "./helpers.ts";

const TELEMETRY_TOOL = join(ROOT, "bin", "telemetry_tool");
let dir: string;

beforeAll(async () => {
  await ensureBuilt("ferrix", "telemetry_tool");
  dir = scratchDir();
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("devchain → bin/ferrix migration → telemetry.jsonl → bin/telemetry_tool: lifecycles match the devchain's record", async () => {
  const dc = await startDevchain({ seed: 33, migrationsPerDay: 3000, speed: 30 });
  try {
    const f = startFerrix(["migration", "--checks-off", ...sandboxFlags(dir), "--grpc-url", dc.grpcUrl, "--rpc-url", dc.rpcUrl], { cwd: dir, bin: FERRIX_BIN });
    await f.waitForLog((l) => l.msg === "ferrix started", 20_000, "ferrix started");
    const telemetry = join(dir, "telemetry.jsonl");
    const end = Date.now() + 30_000;
    const migrationsSeen = () => (existsSync(telemetry) ? (readFileSync(telemetry, "utf8").match(/"type":"migration"/g) ?? []).length : 0);
    while (migrationsSeen() < 4 && Date.now() < end) await Bun.sleep(100);
    // Stop the market first and let the stream drain, so everything the devchain produced was sent.
    dc.pause();
    await Bun.sleep(1500);
    f.proc.kill("SIGTERM");
    expect(await f.exited).toBe(0);
    expect(migrationsSeen()).toBeGreaterThanOrEqual(4);

    const gt = join(dir, "gt.jsonl");
    const tool = Bun.spawn([TELEMETRY_TOOL, telemetry, "--out", gt, "--json"], { stdout: "pipe", stderr: "pipe" });
    const [summaryText, , code] = await Promise.all([new Response(tool.stdout).text(), new Response(tool.stderr).text(), tool.exited]);
    expect(code).toBe(0);
    const summary = JSON.parse(summaryText);
    expect(summary.skipped?.total ?? 0).toBe(0); // everything ferrix wrote is valid telemetry v1

    const lifecycles: Lifecycle[] = readFileSync(gt, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const records = dc.chain.records;
    const recordedMigrations = records.filter((r): r is MigrationRecord => r.type === "migration");
    const firstTs = Math.min(...lifecycles.map((l) => l.ts));
    const lastTs = Math.max(...lifecycles.map((l) => l.ts));
    // No migration lost between the first and last one ferrix saw, none duplicated.
    const expected = recordedMigrations.filter((m) => m.ts >= firstTs && m.ts <= lastTs).map((m) => m.mint).sort();
    expect(lifecycles.map((l) => l.mint).sort()).toEqual(expected);
    expect(new Set(lifecycles.map((l) => l.mint)).size).toBe(lifecycles.length);

    for (const l of lifecycles) {
      const m = recordedMigrations.find((r) => r.mint === l.mint)!;
      expect(l).toMatchObject({ pool: m.pool, creator: m.creator, slot: m.slot, ts: m.ts, lp_fee_bps: m.lp_fee_bps, protocol_fee_bps: m.protocol_fee_bps, creator_fee_bps: m.creator_fee_bps });
      expect(l.base_reserve0).toBeCloseTo(m.base_reserve / 10 ** m.base_decimals, 9);
      expect(l.quote_reserve0).toBeCloseTo(m.quote_reserve / 1e9, 12);
      // Swaps per second and SOL volumes equal the devchain's flows within the recorded span.
      const n = l.series.t.length;
      const flows = records.filter((r): r is FlowRecord => r.type === "flow" && r.mint === l.mint && r.ts >= l.ts && r.ts < l.ts + n * 1000);
      const buys = new Array(n).fill(0), sells = new Array(n).fill(0), buySol = new Array(n).fill(0);
      for (const fl of flows) {
        const s = Math.floor((fl.ts - l.ts) / 1000);
        if (fl.side === "buy") { buys[s]++; buySol[s] += fl.quote / 1e9; } else sells[s]++;
      }
      expect(l.series.n_buys).toEqual(buys);
      expect(l.series.n_sells).toEqual(sells);
      for (let s = 0; s < n; s++) expect(l.series.buy_sol[s]).toBeCloseTo(buySol[s], 9);
      if (flows.length) {
        const last = flows[flows.length - 1]!;
        expect(l.series.quote_reserve[Math.floor((last.ts - l.ts) / 1000)]).toBeCloseTo(last.quote_reserve / 1e9, 9);
      }
    }
    expect(statSync(telemetry).size).toBeGreaterThan(0);
  } finally {
    await dc.stop();
  }
}, 120_000);
