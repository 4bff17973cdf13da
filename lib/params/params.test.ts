import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  clampVector,
  defaultParams,
  defaultVector,
  entryKey,
  fromUnit,
  GROUP_INDICES,
  loadParamsFile,
  ORDERED_PAIRS,
  PARAM_COUNT,
  PARAM_GROUPS,
  PARAM_INDEX,
  PARAM_SCHEMA,
  ParamsError,
  paramSpec,
  paramsFromVector,
  parseParamsJson,
  repairVector,
  serializeParamsFile,
  toUnit,
  validateParamsDocument,
  vectorFromParams,
  writeParamsFile,
} from "./index";
import { createRng } from "../util/rng";

const doc = (params: Record<string, unknown>) => ({ version: 1, params, meta: {} });
const full = () => ({ ...defaultParams() }) as Record<string, unknown>;

describe("schema", () => {
  test("every parameter is well-formed: group, bounds, default inside, meaning", () => {
    const names = new Set<string>();
    for (const s of PARAM_SCHEMA) {
      expect(names.has(s.name)).toBe(false);
      names.add(s.name);
      expect(PARAM_GROUPS).toContain(s.group);
      expect(s.min).toBeLessThan(s.max);
      const d = typeof s.default === "boolean" ? Number(s.default) : s.default;
      expect(d).toBeGreaterThanOrEqual(s.min);
      expect(d).toBeLessThanOrEqual(s.max);
      if (s.type === "int") expect(Number.isInteger(d)).toBe(true);
      if (s.scale === "log") expect(s.min).toBeGreaterThan(0);
      expect(s.meaning.length).toBeGreaterThan(10);
    }
    for (const g of PARAM_GROUPS) expect(GROUP_INDICES[g].length).toBeGreaterThan(0);
  });

  test("the defaults satisfy the cross-field rules", () => {
    expect(repairVector(defaultVector())).toEqual([]);
  });

  test("ordered pairs have nested bounds, so the swap repair stays in bounds", () => {
    for (const [lo, hi] of ORDERED_PAIRS) {
      const a = paramSpec(lo)!;
      const b = paramSpec(hi)!;
      expect(a.min).toBeLessThanOrEqual(b.min);
      expect(a.max).toBeLessThanOrEqual(b.max);
    }
  });

  test("repair: swaps reversed tiers, clamps the entry delay to the window; idempotent", () => {
    const v = defaultVector();
    v[PARAM_INDEX.ddTier1RunUp] = 3;
    v[PARAM_INDEX.ddTier2RunUp] = 1.5;
    v[PARAM_INDEX.observerWindowS] = 10;
    v[PARAM_INDEX.entryDelayS] = 30;
    const notes = repairVector(v);
    expect(notes.length).toBe(2);
    expect(v[PARAM_INDEX.ddTier1RunUp]).toBe(1.5);
    expect(v[PARAM_INDEX.ddTier2RunUp]).toBe(3);
    expect(v[PARAM_INDEX.entryDelayS]).toBe(10);
    expect(repairVector(v)).toEqual([]);
  });

  test("named ⇄ vector round trip; booleans stay booleans", () => {
    const p = defaultParams();
    expect(typeof p.reversalInChaos).toBe("boolean");
    expect(paramsFromVector(vectorFromParams(p))).toEqual(p);
  });

  test("unit cube: every random point maps to a valid, repaired vector; toUnit∘fromUnit is stable", () => {
    const rng = createRng(7);
    const u = new Float64Array(PARAM_COUNT);
    for (let trial = 0; trial < 500; trial++) {
      for (let k = 0; k < PARAM_COUNT; k++) u[k] = rng.next() * 1.4 - 0.2; // also outside [0, 1]
      const v = fromUnit(u);
      for (let k = 0; k < PARAM_COUNT; k++) {
        const s = PARAM_SCHEMA[k];
        expect(v[k]).toBeGreaterThanOrEqual(s.min);
        expect(v[k]).toBeLessThanOrEqual(s.max);
        if (s.type !== "float") expect(Number.isInteger(v[k])).toBe(true);
      }
      expect(repairVector(Float64Array.from(v))).toEqual([]);
      const again = fromUnit(toUnit(v));
      for (let k = 0; k < PARAM_COUNT; k++) expect(again[k]).toBeCloseTo(v[k], 9);
    }
  });

  test("clampVector rounds ints and booleans and clamps", () => {
    const v = defaultVector();
    v[PARAM_INDEX.maxHoldS] = 99_999.4;
    v[PARAM_INDEX.minBuyers] = 3.6;
    v[PARAM_INDEX.reversalInChaos] = 0.7;
    clampVector(v);
    expect(v[PARAM_INDEX.maxHoldS]).toBe(7200);
    expect(v[PARAM_INDEX.minBuyers]).toBe(4);
    expect(v[PARAM_INDEX.reversalInChaos]).toBe(1);
  });

  test("entryKey changes with entry values only", () => {
    const a = defaultVector();
    const b = Float64Array.from(a);
    b[PARAM_INDEX.trailWidthMature] = 0.5;
    expect(entryKey(a)).toBe(entryKey(b));
    b[PARAM_INDEX.minBuyers] = 9;
    expect(entryKey(a)).not.toBe(entryKey(b));
  });
});

describe("loading best_strategy_params.json", () => {
  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    ["unknown key", { ...full(), trailWidthMatur: 0.1 }, "trailWidthMatur", /unknown parameter 'trailWidthMatur' \(did you mean 'trailWidthMature'\?\)/],
    ["out of bounds (above)", { ...full(), ddCap0: 1.5 }, "ddCap0", /params\.ddCap0 = 1\.5 is out of bounds \[0\.03, 0\.9\]/],
    ["out of bounds (below)", { ...full(), maxHoldS: 1 }, "maxHoldS", /params\.maxHoldS = 1 is out of bounds \[10, 7200\]/],
    ["wrong type: string for a number", { ...full(), buySol: "0.1" }, "buySol", /params\.buySol must be a number, got string "0\.1"/],
    ["wrong type: fraction for an int", { ...full(), minBuyers: 2.5 }, "minBuyers", /params\.minBuyers must be an integer, got 2\.5/],
    ["wrong type: number for a bool", { ...full(), reversalInChaos: 1 }, "reversalInChaos", /params\.reversalInChaos must be true or false, got number 1/],
    ["wrong type: null", { ...full(), shockDrop: null }, "shockDrop", /params\.shockDrop must be a number, got null/],
  ];
  test.each(cases)("%s → error naming the key and the file", (_label, params, key, message) => {
    let err: unknown;
    try {
      validateParamsDocument(doc(params), "champ.json");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ParamsError);
    expect((err as ParamsError).key).toBe(key);
    expect((err as ParamsError).message).toMatch(/^champ\.json: /);
    expect((err as ParamsError).message).toMatch(message);
  });

  test("several problems are all listed", () => {
    expect(() => validateParamsDocument(doc({ ...full(), ddCap0: 2, nope: 1 }), "x.json")).toThrow(/2 problems[\s\S]*nope[\s\S]*ddCap0/);
  });

  test("wrong version, not an object, bad JSON", () => {
    expect(() => validateParamsDocument({ version: 2, params: {} }, "f")).toThrow(/version must be 1, got number 2/);
    expect(() => validateParamsDocument([], "f")).toThrow(/expected a JSON object/);
    expect(() => parseParamsJson("{", "f.json")).toThrow(/f\.json: not valid JSON/);
    expect(() => validateParamsDocument({ version: 1, params: {}, extra: 1 }, "f")).toThrow(/unknown top-level key 'extra'/);
  });

  test("missing key → its default plus a warning naming it", () => {
    const p = full();
    delete p.maxHoldS;
    delete p.trailVolK;
    const loaded = validateParamsDocument(doc(p), "champ.json");
    expect(loaded.params.maxHoldS).toBe(paramSpec("maxHoldS")!.default as number);
    expect(loaded.warnings).toEqual([
      "champ.json: params.trailVolK is missing; using the default 4",
      "champ.json: params.maxHoldS is missing; using the default 600",
    ]);
  });

  test("cross-field violations are repaired with a warning", () => {
    const loaded = validateParamsDocument(doc({ ...full(), chaosAgeS: 500, matureAgeS: 100 }), "f");
    expect(loaded.params.chaosAgeS).toBe(100);
    expect(loaded.params.matureAgeS).toBe(500);
    expect(loaded.warnings.join()).toMatch(/repaired: chaosAgeS \(500\) > matureAgeS \(100\): swapped/);
  });

  test("write → load round trip, atomic file; a missing file is a clear error", () => {
    const dir = mkdtempSync(join(tmpdir(), "ferrix-params-"));
    const path = join(dir, "best_strategy_params.json");
    const v = defaultVector();
    v[PARAM_INDEX.ddCap1] = 0.123;
    writeParamsFile(path, v, { created_at: "2025-01-01T00:00:00Z", parent: null });
    const loaded = loadParamsFile(path);
    expect(loaded.warnings).toEqual([]);
    expect(Array.from(loaded.vector)).toEqual(Array.from(v));
    expect(loaded.meta.created_at).toBe("2025-01-01T00:00:00Z");
    expect(readFileSync(path, "utf8")).toBe(serializeParamsFile(v, { created_at: "2025-01-01T00:00:00Z", parent: null }));
    expect(() => loadParamsFile(join(dir, "nope.json"))).toThrow(/nope\.json: params file not found/);
    writeFileSync(join(dir, "bad.json"), JSON.stringify(doc({ ddCap9: 1 })));
    expect(() => loadParamsFile(join(dir, "bad.json"))).toThrow(/bad\.json: unknown parameter 'ddCap9'/);
  });

  test("the shipped default champion validates without warnings", () => {
    const loaded = loadParamsFile(join(import.meta.dir, "../../data/best_strategy_params.json"));
    expect(loaded.warnings).toEqual([]);
  });
});
