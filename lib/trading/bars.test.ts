import { describe, expect, test } from "bun:test";
import { Devchain } from "../devchain/index.ts";
import { LifecycleBuilder, toLifecycle, type Lifecycle } from "../lifecycle/index.ts";
import { IssueLog } from "../telemetry/index.ts";
import type { FlowEvent, MigrationEvent, TelemetryEvent, TickEvent } from "../telemetry/types.ts";
import { PoolBars } from "./bars.ts";

const COLS = ["price", "quoteReserve", "buySol", "sellSol", "nBuys", "nSells", "newBuyers", "creatorSellSol", "maxSellSol"] as const;
const SERIES = ["price", "quote_reserve", "buy_sol", "sell_sol", "n_buys", "n_sells", "new_buyers", "creator_sell_sol", "max_sell_sol"] as const;

/** Feeds events as the actor does (stream time = max ts of used events) and collects each pool's bars. */
function liveBars(events: TelemetryEvent[]): Map<string, Record<string, number[]>> {
  const bars = new Map<string, PoolBars>();
  const out = new Map<string, Record<string, number[]>>();
  let S = -Infinity;
  const emitFor = (mint: string) => (_row: number, b: Record<string, number>) => {
    let o = out.get(mint);
    if (!o) out.set(mint, (o = Object.fromEntries(COLS.map((c) => [c, [] as number[]]))));
    for (const c of COLS) o[c].push(b[c]);
  };
  const sweep = () => {
    for (const [mint, b] of bars) {
      if (b.ended) continue;
      b.close(S, emitFor(mint) as never);
      if (S > b.deadline()) b.close(S, emitFor(mint) as never, true);
    }
  };
  for (const ev of events) {
    if (ev.type === "migration") {
      const m = ev as MigrationEvent;
      bars.set(m.mint, new PoolBars(m.mint, m.pool, m.creator, m.ts, m.base_reserve, m.quote_reserve, m.base_decimals));
      if (m.ts > S) S = m.ts;
      sweep();
      continue;
    }
    const b = bars.get(ev.mint);
    if (!b) continue;
    const r = b.add(ev as FlowEvent | TickEvent);
    if (r === "after_end" && b.ended) b.close(S, emitFor(ev.mint) as never, true);
    if ((r === "ok" || r === "late") && ev.ts > S) S = ev.ts;
    sweep();
  }
  for (const [mint, b] of bars) if (!b.ended) b.close(S, emitFor(mint) as never, true);
  return out;
}

function builderSeries(events: TelemetryEvent[]): Map<string, Lifecycle> {
  const out = new Map<string, Lifecycle>();
  const b = new LifecycleBuilder({}, new IssueLog(), (f) => {
    const l = toLifecycle(f);
    out.set(l.mint, l);
  });
  events.forEach((e, i) => b.push(e, i + 1));
  b.end();
  return out;
}

describe("live per-second bars equal telemetry_tool's lifecycle series", () => {
  test("on a seeded devchain market (every pool, every column, bit for bit)", async () => {
    const chain = new Devchain({ seed: 4, migrationsPerDay: 4000, trackSeconds: 200, idleStopSeconds: 60, createLookaheadMs: 600_000 });
    for (let t = 0; t <= 400_000; t += 5_000) await chain.advanceTo(chain.opts.startTs + t);
    const events = chain.records.filter((r) => r.type !== "create").map((r) => ({ ...r, v: 1 }) as unknown as TelemetryEvent);
    const live = liveBars(events);
    const truth = builderSeries(events);
    expect(truth.size).toBeGreaterThan(3);
    for (const [mint, l] of truth) {
      const got = live.get(mint)!;
      COLS.forEach((c, k) => expect(got[c]).toEqual(l.series[SERIES[k]]));
    }
  }, 60_000);

  test("hand-made: gaps are carried forward, a series ends at its last event, duplicates and late events are counted", () => {
    const t0 = 1_000_000;
    const base = 1_000_000_000_000;
    const quote = 80_000_000_000;
    const mig: MigrationEvent = { type: "migration", v: 1, ts: t0, slot: 1, sig: "m", mint: "M", pool: "P", creator: "C", base_reserve: base, quote_reserve: quote, base_decimals: 6, lp_fee_bps: 20, protocol_fee_bps: 5, creator_fee_bps: 5, token_created_ts: t0 - 1000 };
    const flow = (ts: number, side: "buy" | "sell", user: string, q: number, sig: string, b = base, qq = quote): FlowEvent => ({ type: "flow", v: 1, ts, slot: 2, sig, mint: "M", pool: "P", side, user, base: 1, quote: q, base_reserve: b, quote_reserve: qq });
    const events: TelemetryEvent[] = [
      mig,
      flow(t0 + 100, "buy", "u1", 1e9, "a", base - 10, quote + 1e9),
      flow(t0 + 200, "buy", "u1", 2e9, "b", base - 20, quote + 3e9),
      flow(t0 + 200, "buy", "u2", 2e9, "b", base - 20, quote + 3e9), // duplicate sig
      flow(t0 + 3500, "sell", "C", 5e8, "c", base - 15, quote + 25e8), // second 3 (1, 2 empty)
      flow(t0 + 4100, "sell", "u1", 7e8, "d", base - 12, quote + 18e8),
    ];
    const truth = builderSeries(events).get("M")!;
    const live = liveBars(events).get("M")!;
    COLS.forEach((c, k) => expect(live[c]).toEqual(truth.series[SERIES[k]]));
    expect(truth.series.price.length).toBe(5);
    expect(live.creatorSellSol).toEqual([0, 0, 0, 0.5, 0]);
    const b = new PoolBars("M", "P", "C", t0, base, quote, 6);
    for (const e of events.slice(1)) b.add(e as FlowEvent);
    expect(b.stats.duplicate).toBe(1);
    b.close(t0 + 5000, () => {});
    expect(b.add(flow(t0 + 4200, "buy", "u3", 1, "late1") as FlowEvent)).toBe("late");
    expect(b.add(flow(t0 - 10_000, "buy", "u3", 1, "old") as FlowEvent)).toBe("out_of_order");
    expect(b.add({ ...flow(t0 + 4300, "buy", "u3", 1, "x"), pool: "Q" } as FlowEvent)).toBe("bad_pool");
  });
});
