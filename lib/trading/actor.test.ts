import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import type { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock } from "../ingest/clock.ts";
import { createMetrics } from "../metrics/index.ts";
import { defaultVector, vectorFromParams, type ParamValues } from "../params/schema.ts";
import { idealExecution, quietParams } from "../sim/fixtures_params.ts";
import { openTradesDb } from "../store/index.ts";
import { compileParams } from "../strategy/index.ts";
import type { MigrationEvent, TelemetryEvent, TickEvent } from "../telemetry/types.ts";
import { MemoryDecisions } from "./decisions.ts";
import { createTradingStages, type TradeRow, type TradingStages } from "./index.ts";

let dir: string;
let db: Database;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "ferrix-actor-"));
  db = openTradesDb(join(dir, "trades.db"));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const T0 = Date.UTC(2026, 0, 1, 12);
const K = 206_900_000_000_000 * 84_990_000_000;

/** A pool: its migration and one tick per second at price multiples `mults` of the migration price. */
function pool(mint: string, mults: number[], t0 = T0): { mig: MigrationEvent; ticks: TickEvent[] } {
  const base0 = 206_900_000_000_000;
  const quote0 = 84_990_000_000;
  const mig: MigrationEvent = { type: "migration", v: 1, ts: t0, slot: 1, sig: `sig-${mint}`, mint, pool: `pool-${mint}`, creator: `creator-${mint}`, base_reserve: base0, quote_reserve: quote0, base_decimals: 6, lp_fee_bps: 20, protocol_fee_bps: 5, creator_fee_bps: 5, token_created_ts: t0 - 60_000 };
  const ticks = mults.map((m, i): TickEvent => {
    // constant product at price m × p0: quote = sqrt(K·m·p0_raw), base = K / quote
    const quote = Math.round(Math.sqrt(K * m * (quote0 / base0)));
    return { type: "tick", v: 1, ts: t0 + i * 1000, slot: 2 + i, mint, pool: `pool-${mint}`, base_reserve: Math.round(K / quote), quote_reserve: quote };
  });
  return { mig, ticks };
}

async function stages(o: { params?: Partial<ParamValues>; entry?: "observer" | "immediate"; clock?: ManualClock; decisions?: MemoryDecisions; graceMs?: number } = {}): Promise<TradingStages> {
  const vec = vectorFromParams(quietParams({ maxHoldS: 5, ...o.params }), defaultVector());
  const s = await createTradingStages({
    mode: "paper",
    entryMode: o.entry ?? "immediate",
    params: compileParams(vec),
    paramsHash: "test",
    execution: idealExecution(),
    db,
    metrics: createMetrics({ defaultMetrics: false }),
    decisions: o.decisions ?? new MemoryDecisions(),
    clock: o.clock,
    restoreGraceMs: o.graceMs,
    quietFeedMs: null,
  });
  await s.start();
  return s;
}

const settle = async (s: TradingStages) => {
  for (let i = 0; i < 50 && s.tradeProcessor.busy + s.sellProcessor.busy > 0; i++) await new Promise((r) => setTimeout(r, 0));
  await new Promise((r) => setTimeout(r, 0));
  s.persistence.flush();
};
const trades = () => db.query("SELECT * FROM trades ORDER BY id").all() as TradeRow[];
const feed = (s: TradingStages, evs: TelemetryEvent[]) => evs.forEach((e) => s.onMarket(e));

describe("the position actor", () => {
  test("autobuysell enters on the verified signal, holds to max hold, sells; status counts follow", async () => {
    const d = new MemoryDecisions();
    const s = await stages({ decisions: d });
    const p = pool("A", [1, 1.1, 1.2, 1.1, 1.3, 1.25, 1.2, 1.2, 1.2, 1.2]);
    s.onMarket(p.mig);
    s.onSignal({ event: { ...p.mig }, checksSkipped: true });
    expect(s.status().open_positions).toBe(1);
    feed(s, p.ticks.slice(0, 3));
    await settle(s);
    expect(trades()[0].status).toBe("open");
    feed(s, p.ticks.slice(3));
    s.advanceTime(T0 + 60_000);
    await settle(s);
    const t = trades()[0];
    expect(t).toMatchObject({ status: "closed", exit_reason: "max_hold", mode: "paper" });
    expect(t.pnl_lamports).toBe(t.amount_out_lamports! - t.amount_in_lamports! - t.fees_lamports);
    expect(s.status()).toEqual({ open_positions: 0, observers: 0, tracked_pools: 0 });
    const kinds = d.records.map((r) => r.type);
    expect(kinds).toEqual(["entry", "fill", "exit", "close"]);
    const exit = d.records[2];
    expect(exit).toMatchObject({ reason: "max_hold", second: 5, held_s: 5 });
    expect((exit.features as Record<string, number>).price).toBeGreaterThan(0);
    await s.stop();
  });

  test("takes the engine's forms: watcher-style signals (DetectedMigration) and telemetry.jsonl lines", async () => {
    const s = await stages();
    const p = pool("W", [1, 1.1, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2]);
    s.onTelemetryLine(JSON.stringify(p.mig) + "\n");
    s.onSignal({
      event: { signature: p.mig.sig, slot: 1, ts: T0, mint: "W", pool: "pool-W", coinCreator: "creator-W", baseReserve: p.mig.base_reserve, quoteReserve: p.mig.quote_reserve, baseDecimals: 6, fees: { lpFeeBps: 20, protocolFeeBps: 5, creatorFeeBps: 5 }, receivedAtMono: 0 },
      checksSkipped: true,
    });
    for (const t of p.ticks) s.onTelemetryLine(JSON.stringify(t) + "\n");
    s.onTelemetryLine("not json\n");
    s.advanceTime(T0 + 60_000);
    await settle(s);
    expect(trades()[0]).toMatchObject({ status: "closed", mint: "W", exit_reason: "max_hold" });
    await s.stop();
  });

  test("an observer that never sees its conditions rejects with the reason and the features behind it", async () => {
    const d = new MemoryDecisions();
    const s = await stages({ entry: "observer", decisions: d, params: { minBuyers: 5, observerWindowS: 3, entryDelayS: 0 } });
    const p = pool("B", [1, 1, 1, 1, 1, 1]);
    s.onMarket(p.mig);
    s.onSignal({ event: { ...p.mig } });
    expect(s.status().observers).toBe(1);
    feed(s, p.ticks);
    s.advanceTime(T0 + 10_000);
    const rej = d.records.find((r) => r.type === "reject")!;
    expect(rej).toMatchObject({ reason: "few_buyers", second: 3, mint: "B" });
    expect((rej.features as Record<string, number>).buyers_cum).toBe(0);
    expect(s.status().observers).toBe(0);
    expect(trades()).toEqual([]);
    await s.stop();
  });

  test("maxPositions: an entry beyond the limit is rejected and recorded", async () => {
    const d = new MemoryDecisions();
    const s = await stages({ decisions: d, params: { maxPositions: 1, maxHoldS: 100 } });
    for (const m of ["C1", "C2"]) {
      const p = pool(m, [1, 1]);
      s.onMarket(p.mig);
      s.onSignal({ event: { ...p.mig } });
    }
    expect(d.records.filter((r) => r.type === "reject").map((r) => r.reason)).toEqual(["max_positions"]);
    await settle(s);
    await s.stop();
  });
});

describe("re-hydration of open positions from trades.db", () => {
  test("a restart resumes an open position from the next market event (no migration replay) and closes it", async () => {
    const p = pool("R", [1, 1.05, 1.1, 1.15, 1.2, 1.25, 1.3, 1.3, 1.3, 1.3, 1.3, 1.3, 1.3, 1.3]);
    const first = await stages({ params: { maxHoldS: 8 } });
    first.onMarket(p.mig);
    first.onSignal({ event: { ...p.mig } });
    feed(first, p.ticks.slice(0, 4));
    await settle(first);
    await first.stop();
    const before = trades()[0];
    expect(before.status).toBe("open");

    const clock = new ManualClock(T0);
    const second = await stages({ params: { maxHoldS: 8 }, clock, graceMs: 60_000 });
    expect(second.status().open_positions).toBe(1);
    expect(second.restoredPools()).toEqual([{ mint: "R", pool: "pool-R" }]);
    feed(second, p.ticks.slice(4));
    second.advanceTime(T0 + 60_000);
    await settle(second);
    const t = trades()[0];
    expect(t.status).toBe("closed");
    expect(t.exit_reason).toBe("max_hold");
    expect(t.entry_price_sol).toBe(before.entry_price_sol);
    expect(t.tokens_raw).toBe(before.tokens_raw);
    expect(second.actor.stats.resumed).toBe(1);
    expect(second.status().open_positions).toBe(0);
    await second.stop();
  });

  test("a restored position that sees no market data within the grace period is sold; an unconfirmed buy is failed", async () => {
    const p = pool("O", [1, 1.1, 1.2]);
    const q = pool("Q", [1, 1.1]);
    const first = await stages({ params: { maxHoldS: 100 } });
    first.onMarket(p.mig);
    first.onSignal({ event: { ...p.mig } });
    feed(first, p.ticks);
    await settle(first);
    await first.stop();
    // A buy whose outcome was never recorded (the process died between send and confirmation).
    db.run(`INSERT INTO trades (position_id, mint, pool, mode, status, created_at, updated_at) VALUES ('Q:${T0}', 'Q', 'pool-Q', 'paper', 'opening', 0, 0)`);
    expect(trades().map((t) => t.status)).toEqual(["open", "opening"]);

    const clock = new ManualClock(T0);
    const d = new MemoryDecisions();
    const second = await stages({ params: { maxHoldS: 100 }, clock, graceMs: 30_000, decisions: d });
    expect(second.status().open_positions).toBe(2);
    clock.advance(30_001);
    await settle(second);
    const [o, u] = trades();
    expect(o).toMatchObject({ status: "closed", exit_reason: "end_of_data", phase_at_exit: "unknown" });
    expect(u).toMatchObject({ status: "failed", exit_reason: "unconfirmed_at_restart" });
    expect(second.actor.stats.orphansSold).toBe(1);
    expect(second.status().open_positions).toBe(0);
    void q;
    await second.stop();
  });
});
