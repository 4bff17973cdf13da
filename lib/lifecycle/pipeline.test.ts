import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spotPriceSol } from "../amm/index";
import { synthTelemetry, writeSynthTelemetry } from "../telemetry/fixtures/synth";
import { buildGroundTruth, formatSummary, type GroundTruthOptions } from "./pipeline";
import type { Lifecycle } from "./types";

const MIXED = join(import.meta.dir, "../telemetry/fixtures/mixed.jsonl");

async function run(source: string | AsyncIterable<Uint8Array>, opts: GroundTruthOptions = {}) {
  let text = "";
  const summary = await buildGroundTruth(source, { write: (s) => void (text += s) }, opts);
  return { text, summary, lifecycles: text.split("\n").filter(Boolean).map((l) => JSON.parse(l) as Lifecycle) };
}

async function* chunks(path: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = readFileSync(path);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe("hand-made file with every skip reason and every repair (lib/telemetry/fixtures/mixed.jsonl)", () => {
  let r: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    r = await run(MIXED);
  });

  test("exact skip counts and example lines", () => {
    expect(r.summary.lines).toBe(19);
    expect(r.summary.skipped).toEqual({
      blank: 2, invalid_json: 1, not_object: 1, unknown_type: 1, missing_field: 1, bad_value: 1,
      unknown_mint: 1, duplicate: 1, out_of_order: 1, after_end: 1,
    });
    expect(r.summary.skipped_total).toBe(11);
    expect(r.summary.examples.map((e) => [e.line, e.reason])).toEqual([
      [3, "blank"], [5, "invalid_json"], [6, "not_object"], [7, "unknown_type"], [8, "missing_field"], [9, "bad_value"],
      [10, "unknown_mint"], [11, "duplicate"], [12, "out_of_order"], [18, "blank"], [19, "after_end"],
    ]);
    expect(r.summary.examples.find((e) => e.reason === "missing_field")!.detail).toBe("sig");
    expect(r.summary.examples.find((e) => e.reason === "bad_value")!.detail).toBe('side="hold"');
  });

  test("exact repair counts", () => {
    expect(r.summary.repairs).toEqual({ v_missing: 2, ts_from_slot: 1, age_from_slot: 1, age_unknown: 1 });
    expect(r.summary.repaired_total).toBe(5);
  });

  test("lifecycles: sorted by (slot, mint), repaired time and ages", () => {
    expect(r.summary.used).toBe(8);
    expect(r.lifecycles.map((l) => [l.mint, l.slot, l.ts, l.token_age_s, l.series.t.length])).toEqual([
      ["MintA", 1000, 1_700_000_000_000, 1000, 3],
      ["MintB", 1010, 1_700_000_002_500 + 4 * 400, 44, 1],
      ["MintC", 1010, 1_700_000_004_100, null, 2],
    ]);
    expect(r.lifecycles[0]!.series.buy_sol).toEqual([0, 2, 0]);
    expect(r.lifecycles[0]!.series.quote_reserve).toEqual([100, 102, 101]);
    expect(r.lifecycles[1]!.series.quote_reserve).toEqual([105]);
    expect(r.summary.ordered).toBe(true);
  });

  test("the human summary names every count", () => {
    const text = formatSummary(r.summary, { input: "mixed.jsonl", output: "-" });
    for (const s of ["19 lines", "wrote 3 lifecycles", "v_missing 2", "ts_from_slot 1", "age_unknown 1", "skipped 11 lines", "invalid_json 1", "line 5: invalid_json", "sorted by (slot, mint)"])
      expect(text).toContain(s);
  });
});

/**
 * A deliberately naive reimplementation of the series rules for clean input (every event used):
 * whole file in memory, events grouped by mint, each second computed from scratch.
 */
function referenceLifecycles(lines: string[]): Lifecycle[] {
  const events = lines.map((l) => JSON.parse(l));
  const out: Lifecycle[] = [];
  for (const m of events.filter((e) => e.type === "migration")) {
    const evs = events.filter((e) => e.type !== "migration" && e.mint === m.mint);
    const sec = (e: { ts: number }) => Math.max(0, Math.floor((e.ts - m.ts) / 1000));
    const n = Math.max(0, ...evs.map(sec)) + 1;
    const col = () => new Array<number>(n).fill(0);
    const [buy, sell, nb, ns, nbuy, cs, mx] = [col(), col(), col(), col(), col(), col(), col()];
    const price: number[] = [];
    const quote: number[] = [];
    const seen = new Set<string>();
    let close = { ts: m.ts, b: m.base_reserve, q: m.quote_reserve };
    for (let i = 0; i < n; i++) {
      for (const e of evs.filter((x) => sec(x) === i)) {
        if (e.ts >= close.ts || i > sec(close)) close = { ts: e.ts, b: e.base_reserve, q: e.quote_reserve };
        if (e.type !== "flow") continue;
        if (e.side === "buy") {
          buy[i] += e.quote / 1e9;
          nb[i]++;
          if (!seen.has(e.user)) nbuy[i]++;
          seen.add(e.user);
        } else {
          sell[i] += e.quote / 1e9;
          ns[i]++;
          if (e.user === m.creator) cs[i] += e.quote / 1e9;
          mx[i] = Math.max(mx[i]!, e.quote / 1e9);
        }
      }
      price.push(spotPriceSol({ baseReserve: close.b, quoteReserve: close.q }, m.base_decimals));
      quote.push(close.q / 1e9);
    }
    const p0 = m.quote_reserve / 1e9 / (m.base_reserve / 1e6);
    const peak = Math.max(...price);
    out.push({
      v: 1, mint: m.mint, pool: m.pool, creator: m.creator, slot: m.slot, ts: m.ts, token_age_s: (m.ts - m.token_created_ts) / 1000,
      base_reserve0: m.base_reserve / 1e6, quote_reserve0: m.quote_reserve / 1e9, base_decimals: 6,
      lp_fee_bps: m.lp_fee_bps, protocol_fee_bps: m.protocol_fee_bps, creator_fee_bps: m.creator_fee_bps,
      series: { t: price.map((_, i) => i), price, quote_reserve: quote, buy_sol: buy, sell_sol: sell, n_buys: nb, n_sells: ns, new_buyers: nbuy, creator_sell_sol: cs, max_sell_sol: mx },
      outcome: { peak_mult: peak / p0, t_peak: price.indexOf(peak), min_mult: Math.min(...price) / p0, final_mult: price[n - 1]! / p0 },
    });
  }
  return out.sort((a, b) => a.slot - b.slot || (a.mint < b.mint ? -1 : 1));
}

describe("agrees with a naive reference on generated telemetry", () => {
  test("every column of every lifecycle", async () => {
    const lines = [...synthTelemetry({ tokens: 25, spacingSeconds: 40, lifeSeconds: 120, seed: 99, flowShare: 0.5 })];
    async function* one(): AsyncGenerator<Uint8Array> {
      yield new TextEncoder().encode(lines.join("\n") + "\n");
    }
    const got = await run(one());
    expect(got.summary.skipped_total).toBe(0);
    const want = referenceLifecycles(lines);
    expect(got.lifecycles.length).toBe(25);
    for (let k = 0; k < want.length; k++) {
      const g = got.lifecycles[k]!;
      const w = want[k]!;
      expect({ ...g, series: undefined, outcome: undefined }).toEqual({ ...w, series: undefined, outcome: undefined });
      for (const c of ["t", "price", "quote_reserve", "n_buys", "n_sells", "new_buyers"] as const) expect(g.series[c]).toEqual(w.series[c]);
      // Sums: the tool adds lamports and divides once; the reference divides each term.
      for (const c of ["buy_sol", "sell_sol", "creator_sell_sol", "max_sell_sol"] as const)
        g.series[c].forEach((v, i) => expect(v).toBeCloseTo(w.series[c][i]!, 9));
      expect(g.outcome).toEqual(w.outcome);
    }
  });
});

describe("determinism and streaming on generated telemetry", () => {
  const dir = mkdtempSync(join(tmpdir(), "ferrix-gt-"));
  const file = join(dir, "telemetry.jsonl");
  let size = 0;
  beforeAll(async () => {
    size = await writeSynthTelemetry(file, { tokens: 240, spacingSeconds: 15, lifeSeconds: 200, seed: 11 });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("byte-identical output for reruns, any batch size, file or chunk stream", async () => {
    const a = await run(file);
    const b = await run(file);
    const c = await run(chunks(file, 4093), { batchBytes: 64 * 1024 });
    const d = await run(chunks(file, 1 << 20), { batchBytes: 5 * 1024 * 1024 });
    const w = await run(file, { formatThread: "worker", batchBytes: 64 * 1024, maxPendingRows: 2000 });
    expect(a.summary.format_thread).toBe("main");
    expect(w.summary.format_thread).toBe("worker");
    expect(w.text).toBe(a.text);
    // The reader waited for the worker rather than queueing without bound: at most the limit plus
    // what one batch can release (the reorder buffer's worth of lifecycles).
    expect(w.summary.peak_format_queue_rows).toBeGreaterThan(0);
    expect(w.summary.peak_format_queue_rows).toBeLessThanOrEqual(2000 + (w.summary.peak_buffered + 1) * 201);
    expect(a.summary.lifecycles).toBe(240);
    expect(a.summary.skipped_total).toBe(0);
    expect(a.text.length).toBeGreaterThan(1000);
    expect(b.text).toBe(a.text);
    expect(c.text).toBe(a.text);
    expect(d.text).toBe(a.text);
    expect(new Bun.CryptoHasher("sha256").update(a.text).digest("hex")).toBe(new Bun.CryptoHasher("sha256").update(c.text).digest("hex"));
  });

  test("memory follows the tokens in flight, not the file", async () => {
    const r = await run(file, { finalGapSeconds: 30 });
    expect(r.summary.bytes).toBe(size);
    const maxInFlight = Math.ceil((200 + 30 + 2) / 15) + 1; // life + gap, one migration every 15 s
    expect(r.summary.peak_in_flight).toBeLessThanOrEqual(maxInFlight);
    expect(r.summary.peak_rows).toBeLessThanOrEqual(maxInFlight * 201);
    expect(r.summary.peak_buffered).toBeLessThanOrEqual(maxInFlight);
    // The file is many times what is held at once.
    expect(r.summary.lines).toBeGreaterThan(20 * r.summary.peak_rows);
  });
});
