/**
 * One strategy, two engines (DESIGN §3), end to end: the same seeded devchain market goes
 *  (a) through telemetry_tool's lifecycle builder into a fold and through lib/sim, and
 *  (b) event by event, as the watcher would stream it, into `createTradingStages` in paper mode
 *      (migration mode, checks off: every migration is a verified signal),
 * and both must enter the same pools at the same second and exit at the same second for the same
 * reason, in the same phase.
 *
 * Latency: both sides run with zero latency (idealExecution). With latency L the simulator fills
 * at the close of second e + ⌈L/1000⌉ while paper mode fills at the pool's reserves at the landing
 * instant (the live stream's state, not a close), so fill prices — and, through the entry price,
 * run-up thresholds — may differ by that much; entries and exit seconds do not depend on latency
 * otherwise. Fill amounts: paper mode prices against the raw vault reserves, the simulator against
 * reserves rebuilt from the (price, SOL reserve) close, which agree to a raw unit; amounts are
 * compared to 1e-6 relative.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { computeFoldFeatures } from "../../lib/features/index.ts";
import { createMetrics } from "../../lib/metrics/index.ts";
import { defaultParams, vectorFromParams, defaultVector } from "../../lib/params/schema.ts";
import { simulate, SimWorkspace, type TradeRecord } from "../../lib/sim/index.ts";
import { idealExecution } from "../../lib/sim/fixtures_params.ts";
import { openTradesDb } from "../../lib/store/index.ts";
import { compileParams } from "../../lib/strategy/index.ts";
import { createTradingStages, MemoryDecisions, paramsHashOf, type TradeRow } from "../../lib/trading/index.ts";
import { foldOf, marketFeed, until } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "ferrix-parity-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const market = await marketFeed({ seed: 11, seconds: 900, migrationsPerDay: 3000, trackSeconds: 300, idleStopSeconds: 120 });
const events = market.events;
const fold = foldOf(events);
const feats = computeFoldFeatures(fold);

const SETS = {
  default: { ...defaultParams(), maxPositions: 50 },
  permissive: { ...defaultParams(), minNetFlowSol: -20, minBuyers: 0, minRvr: 0, maxCreatorSellSol: 50, minPriceChange: -0.9, maxPriceChange: 10, maxPositions: 50 },
  fast: { ...defaultParams(), observerWindowS: 5, entryDelayS: 0, minNetFlowSol: -20, minBuyers: 0, minRvr: 0, maxCreatorSellSol: 50, minPriceChange: -0.9, maxPriceChange: 10, maxPositions: 50, maxHoldS: 60, churnNoHighS: 20, trailActivationRunUp: 1.05, trailWidthChaos: 0.1, trailWidthDiscovery: 0.1 },
};

async function runPaper(name: string, vec: Float64Array) {
  const db = openTradesDb(join(dir, `${name}.db`));
  const decisions = new MemoryDecisions();
  const stages = await createTradingStages({
    mode: "paper",
    entryMode: "observer",
    params: compileParams(vec),
    paramsHash: paramsHashOf(vec),
    execution: idealExecution(),
    db,
    metrics: createMetrics({ defaultMetrics: false }),
    decisions,
    quietFeedMs: null,
  });
  await stages.start();
  let k = 0;
  for (const ev of events) {
    stages.onMarket(ev);
    if (ev.type === "migration") stages.onSignal({ event: { ...ev } as never, checksSkipped: true });
    // Let the processors answer now and then, as they would live (the actor catches up either way).
    if (++k % 500 === 0) await Bun.sleep(0);
  }
  stages.advanceTime(events.at(-1)!.ts + 3_600_000);
  await until(() => stages.status().open_positions === 0 && stages.tradeProcessor.busy + stages.sellProcessor.busy === 0, 10_000, "paper positions to close");
  await stages.stop();
  const rows = db.query("SELECT * FROM trades ORDER BY id").all() as TradeRow[];
  db.close();
  return { rows, decisions: decisions.records, stages };
}

describe("the simulator and ferrix paper mode decide identically on a devchain market", () => {
  test("the market has enough pools and trades", () => {
    expect(fold.count).toBeGreaterThanOrEqual(8);
    expect(events.filter((e) => e.type === "flow").length).toBeGreaterThan(500);
  });

  for (const [name, values] of Object.entries(SETS)) {
    test(`${name} parameters: same entries, exit seconds, exit reasons and phases`, async () => {
      const vec = vectorFromParams(values, defaultVector());
      const p = compileParams(vec);
      const ws = new SimWorkspace();
      simulate(fold, feats, p, idealExecution(), ws, { recordTrades: true });
      const sim = new Map<string, TradeRecord>(ws.trades.map((t) => [t.mint, t]));
      const { rows, decisions } = await runPaper(name, vec);

      const entries = new Map(decisions.filter((d) => d.type === "entry").map((d) => [d.mint as string, d]));
      const exits = new Map(decisions.filter((d) => d.type === "exit").map((d) => [d.position_id as string, d]));
      const live = rows.map((r) => {
        const x = exits.get(r.position_id)!;
        return { mint: r.mint, entry: entries.get(r.mint)!.second, exit: x.second, reason: r.exit_reason, phase: r.phase_at_exit, status: r.status, tokens: r.tokens_raw!, in: r.amount_in_lamports!, out: r.amount_out_lamports! };
      });
      expect(live.every((l) => l.status === "closed")).toBe(true);
      expect(live.map((l) => l.mint).sort()).toEqual([...sim.keys()].sort());
      for (const l of live) {
        const s = sim.get(l.mint)!;
        expect({ mint: l.mint, entry: l.entry, exit: l.exit, reason: l.reason, phase: l.phase }).toEqual({ mint: s.mint, entry: s.entrySecond, exit: s.exitSecond, reason: s.exitReason, phase: s.phaseAtExit });
        expect(Math.abs(l.tokens - s.tokens) / s.tokens).toBeLessThan(1e-6);
        expect(Math.abs(l.in / 1e9 - s.solIn) / s.solIn).toBeLessThan(1e-6);
        expect(Math.abs(l.out / 1e9 - s.solOut)).toBeLessThan(1e-6 * Math.max(1, s.solOut));
      }
      // Rejections: every pool the simulator did not trade was rejected (or skipped) live too.
      const rejected = new Set(decisions.filter((d) => d.type === "reject").map((d) => d.mint as string));
      for (let k = 0; k < fold.count; k++) if (!sim.has(fold.mint[k])) expect(rejected.has(fold.mint[k])).toBe(true);
      if (name !== "default") expect(live.length).toBeGreaterThan(2);
    }, 60_000);
  }
});

test("the parameter sets exercise several exit reasons and many trades", () => {
  const reasons = new Set<string>();
  let trades = 0;
  for (const values of Object.values(SETS)) {
    const ws = new SimWorkspace();
    simulate(fold, feats, compileParams(vectorFromParams(values, defaultVector())), idealExecution(), ws, { recordTrades: true });
    for (const t of ws.trades) reasons.add(t.exitReason);
    trades += ws.trades.length;
  }
  console.log(`parity: ${fold.count} pools, ${trades} trades over ${Object.keys(SETS).length} parameter sets, exit reasons: ${[...reasons].sort().join(", ")}`);
  expect(trades).toBeGreaterThanOrEqual(10);
  expect(reasons.size).toBeGreaterThanOrEqual(3);
});
