import { describe, expect, test } from "bun:test";
import { spotPriceSol } from "../amm/index";
import { IssueLog } from "../telemetry/issues";
import { TelemetryValidator } from "../telemetry/validate";
import { synthTelemetry } from "../telemetry/fixtures/synth";
import { LifecycleBuilder, type LifecycleOptions } from "./builder";
import { toLifecycle } from "./cells";
import type { Lifecycle } from "./types";

type Obj = Record<string, unknown>;
const SOL = 1e9;

const migration = (o: Obj): Obj => ({
  type: "migration", v: 1, ts: 1_000_000, slot: 100, sig: `sig-${String(o.mint)}`, mint: "MintA", pool: `pool-${String(o.mint ?? "MintA")}`,
  creator: "Creator", base_reserve: 1e15, quote_reserve: 100 * SOL, base_decimals: 6, lp_fee_bps: 20, protocol_fee_bps: 5,
  creator_fee_bps: 5, token_created_ts: 400_000, ...o,
});
const tick = (mint: string, ts: number, base: number, quote: number): Obj => ({
  type: "tick", v: 1, ts, slot: 100 + Math.floor((ts - 1_000_000) / 400), mint, pool: `pool-${mint}`, base_reserve: base, quote_reserve: quote,
});
const flow = (mint: string, ts: number, sig: string, side: "buy" | "sell", user: string, quote: number, base: number, quoteRes: number): Obj => ({
  type: "flow", v: 1, ts, slot: 100 + Math.floor((ts - 1_000_000) / 400), sig, mint, pool: `pool-${mint}`, side, user,
  base: 1_000_000, quote, base_reserve: base, quote_reserve: quoteRes,
});

/** Run records through validator + builder; `at` records lifecycles emitted before each record. */
function build(records: Obj[], opts: Partial<LifecycleOptions> = {}) {
  const log = new IssueLog(10);
  const v = new TelemetryValidator(log);
  const out: Lifecycle[] = [];
  const b = new LifecycleBuilder(opts, log, (f) => void out.push(toLifecycle(f)));
  /** After each record: lifecycles written so far, tokens in flight, lifecycles held for ordering. */
  const emitted: number[] = [];
  const inFlight: number[] = [];
  const buffered: number[] = [];
  records.forEach((r, i) => {
    const ev = v.check(structuredClone(r), i + 1);
    if (ev) b.push(ev, i + 1);
    emitted.push(out.length);
    inFlight.push(b.inFlight);
    buffered.push(b.buffered);
  });
  const beforeEnd = out.length;
  b.end();
  return { out, log, stats: b.stats, emitted, inFlight, buffered, beforeEnd };
}

describe("series reconstruction on a hand-made token", () => {
  const records = [
    migration({}),
    tick("MintA", 1_000_500, 1e15, 100 * SOL), // second 0
    flow("MintA", 1_001_200, "s1", "buy", "U1", 2 * SOL, 9.8e14, 102 * SOL), // second 1
    flow("MintA", 1_001_700, "s2", "buy", "U2", 1 * SOL, 9.7e14, 103 * SOL),
    tick("MintA", 1_001_900, 9.7e14, 103 * SOL), // closes second 1
    // second 2: nothing
    flow("MintA", 1_003_100, "s3", "sell", "Creator", 0.5 * SOL, 1e15, 100 * SOL), // second 3
    flow("MintA", 1_003_400, "s4", "sell", "U1", 4 * SOL, 1.05e15, 95 * SOL), // latest ts: closes second 3
    flow("MintA", 1_003_050, "s5", "buy", "U1", 0.25 * SOL, 1.04e15, 96 * SOL), // late (within tolerance), not the close
    flow("MintA", 1_003_300, "s6", "sell", "U2", 1.5 * SOL, 1.06e15, 94 * SOL),
    // second 4: nothing
    tick("MintA", 1_005_999, 9.6e14, 104 * SOL), // a tick moves the reserves: closes second 5
    flow("MintA", 1_005_000, "s7", "buy", "U3", 3 * SOL, 9.65e14, 103.5 * SOL),
    flow("MintA", 1_005_500, "s8", "buy", "U3", 1 * SOL, 9.62e14, 103.8 * SOL),
  ];
  const { out, log } = build(records);
  const l = out[0]!;

  test("one lifecycle, nothing skipped", () => {
    expect(out.length).toBe(1);
    expect(log.skippedTotal).toBe(0);
  });

  test("static fields: initial reserves in SOL and whole tokens, age from token_created_ts", () => {
    expect(l).toMatchObject({
      v: 1, mint: "MintA", pool: "pool-MintA", creator: "Creator", slot: 100, ts: 1_000_000, token_age_s: 600,
      base_reserve0: 1e9, quote_reserve0: 100, base_decimals: 6, lp_fee_bps: 20, protocol_fee_bps: 5, creator_fee_bps: 5,
    });
    expect(l.quote_reserve0 / l.base_reserve0).toBe(spotPriceSol({ baseReserve: 1e15, quoteReserve: 100 * SOL }, 6));
  });

  test("per-second columns, carried forward where nothing happened", () => {
    const s = l.series;
    expect(s.t).toEqual([0, 1, 2, 3, 4, 5]);
    expect(s.quote_reserve).toEqual([100, 103, 103, 95, 95, 104]);
    expect(s.buy_sol).toEqual([0, 3, 0, 0.25, 0, 4]);
    expect(s.sell_sol).toEqual([0, 0, 0, 6, 0, 0]);
    expect(s.n_buys).toEqual([0, 2, 0, 1, 0, 2]);
    expect(s.n_sells).toEqual([0, 0, 0, 3, 0, 0]);
    expect(s.new_buyers).toEqual([0, 2, 0, 0, 0, 1]); // U1 buys again in second 3, U3 twice in second 5
    expect(s.creator_sell_sol).toEqual([0, 0, 0, 0.5, 0, 0]);
    expect(s.max_sell_sol).toEqual([0, 0, 0, 4, 0, 0]);
    // Prices relative to 1e-7 SOL/token: 103/97, 95/105, 104/96 by hand.
    const rel = s.price.map((p) => p / 1e-7);
    [1, 103 / 97, 103 / 97, 95 / 105, 95 / 105, 104 / 96].forEach((want, i) => expect(rel[i]).toBeCloseTo(want, 12));
    // …and exactly what the AMM module says for those reserves.
    expect(s.price[3]).toBe(spotPriceSol({ baseReserve: 1.05e15, quoteReserve: 95 * SOL }, 6));
    expect(s.price[5]).toBe(spotPriceSol({ baseReserve: 9.6e14, quoteReserve: 104 * SOL }, 6));
  });

  test("outcome against price0", () => {
    expect(l.outcome.t_peak).toBe(5);
    expect(l.outcome.peak_mult).toBeCloseTo(104 / 96, 12);
    expect(l.outcome.min_mult).toBeCloseTo(95 / 105, 12);
    expect(l.outcome.final_mult).toBeCloseTo(104 / 96, 12);
  });

  test("a price that never moves: multiples are exactly 1, t_peak 0", () => {
    const { out } = build([migration({}), tick("MintA", 1_000_100, 1e15, 100 * SOL), tick("MintA", 1_009_100, 1e15, 100 * SOL)]);
    expect(out[0]!.series.t.length).toBe(10);
    expect(out[0]!.outcome).toEqual({ peak_mult: 1, t_peak: 0, min_mult: 1, final_mult: 1 });
  });
});

describe("stream-level skips (exact counts)", () => {
  test("unknown_mint, duplicate, out_of_order, after_end, pool mismatch", () => {
    const opts = { trackSeconds: 60, finalGapSeconds: 20, slackSeconds: 5, toleranceMs: 5000 };
    const records = [
      tick("Ghost", 999_000, 1e15, 100 * SOL), // 1 unknown_mint: no migration yet
      migration({}), // MintA @ 1_000_000
      flow("MintA", 1_001_000, "s1", "buy", "U1", SOL, 9.9e14, 101 * SOL),
      flow("MintA", 1_001_000, "s1", "buy", "U1", SOL, 9.9e14, 101 * SOL), // 4 duplicate sig
      migration({ slot: 101 }), // 5 duplicate migration of MintA
      tick("MintA", 1_010_000, 1e15, 100 * SOL),
      tick("MintA", 1_004_000, 1e15, 100 * SOL), // 7 out_of_order: 6 s behind, tolerance 5 s
      tick("MintA", 1_006_000, 1e15, 100 * SOL), // 4 s behind: used (second 6)
      { ...tick("MintA", 1_011_000, 1e15, 100 * SOL), pool: "OtherPool" }, // 9 bad_value: pool
      migration({ mint: "MintB", ts: 1_012_000, slot: 130 }),
      tick("MintB", 1_013_000, 1e15, 100 * SOL),
      tick("MintB", 1_060_000, 1e15, 100 * SOL), // 12 after_end: 47 s after MintB's previous event (gap 20 s)
      tick("MintB", 1_061_000, 1e15, 100 * SOL), // 13 after_end: MintB already finished
      tick("MintA", 1_059_999, 1e15, 100 * SOL), // 14 after_end: MintA's last event was 1_010_000 → gap passed
    ];
    const { out, log } = build(records, opts);
    expect(log.skipped).toEqual({
      blank: 0, invalid_json: 0, not_object: 0, unknown_type: 0, missing_field: 0, bad_value: 1,
      unknown_mint: 1, duplicate: 2, out_of_order: 1, after_end: 3,
    });
    expect(log.examples.map((e) => [e.line, e.reason])).toEqual([
      [1, "unknown_mint"], [4, "duplicate"], [5, "duplicate"], [7, "out_of_order"], [9, "bad_value"],
      [12, "after_end"], [13, "after_end"], [14, "after_end"],
    ]);
    expect(out.map((l) => [l.mint, l.series.t.length])).toEqual([["MintA", 11], ["MintB", 2]]);
  });

  test("the tracking window caps the series; events beyond it are after_end", () => {
    const recs = [migration({})];
    for (let s = 0; s < 15; s++) recs.push(tick("MintA", 1_000_000 + s * 1000 + 500, 1e15, (100 + s) * SOL));
    const { out, log } = build(recs, { trackSeconds: 10, slackSeconds: 100 });
    expect(out[0]!.series.t.length).toBe(10);
    expect(out[0]!.series.quote_reserve.at(-1)).toBe(109);
    expect(log.skipped.after_end).toBe(5);
  });

  test("a lifecycle closes once stream time passes its window + slack, even while the token keeps ticking", () => {
    const recs = [migration({}), migration({ mint: "MintB", ts: 1_000_000, slot: 100 })];
    for (let s = 0; s < 40; s++) {
      recs.push(tick("MintA", 1_000_000 + s * 1000, 1e15, 100 * SOL));
      recs.push(tick("MintB", 1_000_000 + s * 1000, 1e15, 100 * SOL));
    }
    recs.push(migration({ mint: "MintC", ts: 1_026_000, slot: 500 }));
    recs.push(tick("MintC", 1_027_000, 1e15, 100 * SOL));
    const { inFlight, emitted, out, log } = build(recs, { trackSeconds: 20, slackSeconds: 5, finalGapSeconds: 300, reorderSlots: 10 });
    // Ticks past the 20 s window are after_end and do not move stream time; MintC's migration at
    // 1_026_000 does (> 1_000_000 + 25 s): A and B close and, being below the watermark, are written.
    const c = recs.length - 2;
    expect(inFlight[c - 1]).toBe(2);
    expect(emitted[c - 1]).toBe(0);
    expect(inFlight[c]).toBe(1);
    expect(emitted[c]).toBe(2);
    expect(log.skipped.after_end).toBe(2 * 20);
    expect(out.map((l) => [l.mint, l.series.t.length])).toEqual([["MintA", 20], ["MintB", 20], ["MintC", 2]]);
  });
});

describe("ordering", () => {
  test("two tokens whose lives interleave come out sorted by (slot, mint), not by finish time", () => {
    const recs: Obj[] = [
      migration({ mint: "MintA", ts: 1_000_000, slot: 100 }),
      migration({ mint: "MintZ", ts: 1_002_000, slot: 105 }),
      migration({ mint: "MintB", ts: 1_002_000, slot: 105 }),
    ];
    for (let s = 0; s < 60; s++) {
      recs.push(tick("MintA", 1_000_000 + s * 1000 + 100, 1e15, 100 * SOL)); // A lives 60 s
      if (s < 10) recs.push(tick("MintZ", 1_002_000 + s * 1000 + 200, 1e15, 100 * SOL)); // Z and B die early
      if (s < 5) recs.push(tick("MintB", 1_002_000 + s * 1000 + 300, 1e15, 100 * SOL));
    }
    const { out, stats, buffered, beforeEnd } = build(recs, { finalGapSeconds: 15, trackSeconds: 120, reorderSlots: 0 });
    expect(out.map((l) => l.mint)).toEqual(["MintA", "MintB", "MintZ"]);
    // B and Z finished (15 s gap) long before A and waited in the reorder buffer for it.
    expect(Math.max(...buffered)).toBe(2);
    expect(beforeEnd).toBe(0);
    expect(stats.orderViolations).toBe(0);
  });

  test("a migration arriving later than reorderSlots allows is still written, and the violation is counted", () => {
    const recs: Obj[] = [
      migration({ mint: "MintA", ts: 1_000_000, slot: 1000 }),
      tick("MintA", 1_001_000, 1e15, 100 * SOL),
      migration({ mint: "MintB", ts: 1_100_000, slot: 2000 }), // A finished (gap) and written: slot 1000 < 2000 − 10
      migration({ mint: "MintC", ts: 1_100_500, slot: 500 }), // 1500 slots behind B
      tick("MintC", 1_101_000, 1e15, 100 * SOL),
    ];
    const strict = build(recs, { finalGapSeconds: 30, reorderSlots: 10 });
    expect(strict.out.map((l) => l.mint)).toEqual(["MintA", "MintC", "MintB"]);
    expect(strict.stats).toMatchObject({ lateMigrations: 1, orderViolations: 1, lifecycles: 3 });
    // With a reorder window wide enough, the same input comes out sorted.
    const wide = build(recs, { finalGapSeconds: 30, reorderSlots: 5000 });
    expect(wide.out.map((l) => l.mint)).toEqual(["MintC", "MintA", "MintB"]);
    expect(wide.stats).toMatchObject({ lateMigrations: 0, orderViolations: 0 });
  });
});

describe("bounded memory", () => {
  test("in-flight tokens, rows and the reorder buffer stay bounded while lifecycles stream out", () => {
    const o = { tokens: 400, spacingSeconds: 20, lifeSeconds: 120, seed: 3 };
    const records = [...synthTelemetry(o)].map((l) => JSON.parse(l) as Obj);
    const gap = 30;
    const { out, stats, beforeEnd, log } = build(records, { finalGapSeconds: gap, reorderSlots: 150 });
    expect(log.skippedTotal).toBe(0);
    expect(out.length).toBe(400);
    // A token is in flight from its migration until stream time passes its last tick + gap.
    const maxInFlight = Math.ceil((o.lifeSeconds + gap + 2) / o.spacingSeconds) + 1;
    expect(stats.peakInFlight).toBeLessThanOrEqual(maxInFlight);
    expect(stats.peakRows).toBeLessThanOrEqual(maxInFlight * (o.lifeSeconds + 1));
    expect(stats.peakBuffered).toBeLessThanOrEqual(maxInFlight);
    // Nearly everything was written before the input ended: the builder streams.
    expect(beforeEnd).toBeGreaterThan(400 - maxInFlight - 2);
    // Sorted by slot.
    for (let i = 1; i < out.length; i++) expect(out[i]!.slot).toBeGreaterThan(out[i - 1]!.slot);
  });
});
