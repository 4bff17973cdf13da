/**
 * Candidate generation: decoding equals lib/params fromUnit, values outside the stage are the
 * base's bit for bit, batches are a pure function of (seed, stage, batch, results), the top-K is
 * bounded and ordered, and a CMA lane restored from its snapshot continues identically.
 */
import { describe, expect, test } from "bun:test";
import { fromUnit, PARAM_COUNT, PARAM_GROUPS, PARAM_SCHEMA, vectorFromParams } from "../params/schema";
import { createRng } from "../util/rng";
import { decodeCandidate, stageDims, StageSampler, type StageSamplerOptions } from "./candidates";
import { defaultWidths } from "./sensitivity";
import { testChampion } from "./testing";
import { TopK } from "./topk";

const base = vectorFromParams(testChampion());

describe("decoding", () => {
  test("a full-cube decode equals fromUnit; partial decodes keep the base's other values exactly", () => {
    const rng = createRng(1);
    const all = stageDims([...PARAM_GROUPS]);
    expect(all.length).toBe(PARAM_COUNT);
    for (let i = 0; i < 500; i++) {
      const u = Float64Array.from({ length: PARAM_COUNT }, () => rng.next());
      expect(Array.from(decodeCandidate(u, all, base))).toEqual(Array.from(fromUnit(u)));
      const dims = stageDims(["trail"]);
      const v = decodeCandidate(u.subarray(0, dims.length), dims, base);
      for (let k = 0; k < PARAM_COUNT; k++) if (!dims.includes(k)) expect(Object.is(v[k], base[k])).toBe(true);
      for (let k = 0; k < PARAM_COUNT; k++) {
        expect(v[k]).toBeGreaterThanOrEqual(PARAM_SCHEMA[k].min);
        expect(v[k]).toBeLessThanOrEqual(PARAM_SCHEMA[k].max);
      }
    }
  });
});

const options = (o: Partial<StageSamplerOptions> = {}): StageSamplerOptions => ({
  seed: 7,
  stageIndex: 0,
  groups: ["entry", "trail"],
  base,
  mode: "chaos",
  hailMary: false,
  widths: defaultWidths(),
  useCma: true,
  batchSize: 200,
  cmaShare: 0.5,
  ...o,
});
/** A made-up fitness: distance to a point, so CMA moves. */
const fitness = (v: Float64Array) => Math.abs(v[0] - 100) + Math.abs(v[21] - 2);

function drive(sampler: StageSampler, batches: number, from = 0): Float64Array[] {
  const seen: Float64Array[] = [];
  for (let b = from; b < from + batches; b++) {
    const samples = sampler.batch(b, [base], 1e9);
    sampler.tellLanes(samples, samples.map((s) => fitness(s.vec)));
    for (const s of samples) seen.push(s.vec);
  }
  return seen;
}

describe("sampler", () => {
  test("deterministic per (seed, stage, batch); the base comes first; CMA lanes fill part of each batch", () => {
    const a = new StageSampler(options());
    const b = new StageSampler(options());
    const first = a.batch(0, [base], 1e9);
    expect(Array.from(first[0].vec)).toEqual(Array.from(base));
    expect(first.length).toBe(200);
    expect(first.filter((s) => s.source.startsWith("cma")).length).toBeGreaterThan(50);
    a.tellLanes(first, first.map((s) => fitness(s.vec)));
    const again = b.batch(0, [base], 1e9);
    b.tellLanes(again, again.map((s) => fitness(s.vec)));
    expect(again.map((s) => Array.from(s.vec))).toEqual(first.map((s) => Array.from(s.vec)));
    expect(drive(a, 5, 1).map((v) => Array.from(v))).toEqual(drive(b, 5, 1).map((v) => Array.from(v)));
    const other = new StageSampler(options({ seed: 8 }));
    expect(Array.from(other.batch(0, [base], 1e9)[5].vec)).not.toEqual(Array.from(first[5].vec));
  });

  test("hail mary widens only the entry and trail groups; modes scale the widths", () => {
    const n = new StageSampler(options({ mode: "normal", useCma: false, groups: ["entry", "dd"] }));
    const h = new StageSampler(options({ mode: "normal", useCma: false, groups: ["entry", "dd"], hailMary: true }));
    const c = new StageSampler(options({ mode: "chaos", useCma: false, groups: ["entry", "dd"] }));
    for (let i = 0; i < n.dims.length; i++) {
      const group = PARAM_SCHEMA[n.dims[i]].group;
      expect(h.sigma[i]).toBeCloseTo(group === "entry" ? 3 * n.sigma[i] : n.sigma[i], 12);
      expect(c.sigma[i]).toBeCloseTo(Math.min(0.5, 4 * n.sigma[i]), 12);
    }
  });

  test("a CMA lane restored from its snapshot continues exactly", () => {
    const a = new StageSampler(options());
    drive(a, 6);
    const snaps = a.lanes.map((l) => l.snapshot());
    const b = new StageSampler(options());
    snaps.forEach((snap, i) => b.lanes[i].restore(snap));
    expect(drive(b, 4, 6).map((v) => Array.from(v))).toEqual(drive(a, 4, 6).map((v) => Array.from(v)));
  });
});

describe("top-K", () => {
  test("bounded, safe before unsafe, then score, then arrival; no duplicate vectors", () => {
    const top = new TopK<{ safe: boolean; score: number; order: number; key: string }>(3);
    const items = [
      { safe: false, score: 10, order: 0, key: "a" },
      { safe: true, score: 1, order: 1, key: "b" },
      { safe: true, score: 2, order: 2, key: "c" },
      { safe: true, score: 2, order: 3, key: "d" },
      { safe: true, score: 2, order: 4, key: "c" },
      { safe: true, score: NaN, order: 5, key: "e" },
      { safe: true, score: 0.5, order: 6, key: "f" },
    ];
    for (const it of items) top.offer(it);
    expect(top.list().map((x) => x.key)).toEqual(["c", "d", "b"]);
    expect(top.size).toBe(3);
  });
});
