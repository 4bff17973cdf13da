import { afterAll, describe, expect, test } from "bun:test";
import { appendFileSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputError } from "../cli/io";
import type { Lifecycle } from "../lifecycle/types";
import { COLUMN_NAMES, columnOf, computeSpanDays, layoutColumns } from "./columns";
import { fabricateLifecycles, toJsonl } from "./fixtures";
import { foldDifference, subsetFold } from "./fold";
import { buildFold } from "./jsonl";
import { foldPaths, loadFold, loadFoldSync } from "./load";
import { encodeTwin, readTwinHeader, readTwinSync, sha256Hex, TwinError, writeTwin } from "./twin";

const dir = mkdtempSync(join(tmpdir(), "ferrix-dataset-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let seq = 0;
/** A JSONL file plus its twin, written the way walk_forward_split writes them. */
async function pair(lcs: Lifecycle[], stem = `f${++seq}`): Promise<{ jsonl: string; twin: string }> {
  const jsonl = join(dir, `${stem}.jsonl`);
  const twin = join(dir, `${stem}.msgpack`);
  const text = toJsonl(lcs);
  writeFileSync(jsonl, text);
  const bytes = new Uint8Array(Buffer.from(text));
  await writeTwin(twin, loadFoldSync(jsonl, { prefer: "jsonl" }), { bytes: bytes.length, sha256: sha256Hex(bytes) });
  return { jsonl, twin };
}

/** Replace a file by rename (never in place: a mapped twin must not change under its reader). */
function replace(path: string, data: Uint8Array | string): void {
  const tmp = `${path}.${++seq}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

const collect = () => {
  const msgs: string[] = [];
  return { msgs, warn: (m: string) => void msgs.push(m) };
};

describe("buildFold", () => {
  test("columns, offsets and statics follow the lifecycles", () => {
    const lcs = fabricateLifecycles(5, { seed: 2, seconds: [3, 6] });
    const f = buildFold(lcs, "hand");
    expect(f.name).toBe("hand");
    expect(f.count).toBe(5);
    expect(f.rows).toBe(lcs.reduce((s, l) => s + l.series.t.length, 0));
    expect(f.start.length).toBe(6);
    for (let k = 0; k < 5; k++) {
      const l = lcs[k]!;
      expect(f.mint[k]).toBe(l.mint);
      expect(f.slot[k]).toBe(l.slot);
      expect(f.tokenAgeS[k]).toBe(l.token_age_s ?? Number.NaN);
      expect(f.outcome.tPeak[k]).toBe(l.outcome.t_peak);
      expect(f.start[k + 1]! - f.start[k]!).toBe(l.series.t.length);
      expect(Array.from(f.series.price.subarray(f.start[k]!, f.start[k + 1]!))).toEqual(l.series.price);
      expect(Array.from(f.series.maxSellSol.subarray(f.start[k]!, f.start[k + 1]!))).toEqual(l.series.max_sell_sol);
    }
    // every numeric column is a view into one buffer
    const buf = f.series.price.buffer;
    for (const name of COLUMN_NAMES) expect(columnOf(f, name).buffer).toBe(buf);
    expect(buf).toBeInstanceOf(ArrayBuffer);
  });

  test("sorts by slot then mint; refuses a mint twice", () => {
    const lcs = fabricateLifecycles(4, { seed: 3, seconds: 2 });
    const f = buildFold([lcs[2]!, lcs[0]!, lcs[3]!, lcs[1]!], "x");
    expect(f.mint).toEqual(lcs.map((l) => l.mint));
    const tie = { ...lcs[1]!, slot: lcs[0]!.slot, mint: "AAA" };
    expect(buildFold([lcs[0]!, tie], "t").mint).toEqual(["AAA", lcs[0]!.mint]);
    expect(() => buildFold([lcs[0]!, lcs[1]!, { ...lcs[2]!, mint: lcs[0]!.mint }], "dup")).toThrow("dup:3: mint: " + lcs[0]!.mint + " already appears on line 1");
  });

  test("shared: true puts every column in one SharedArrayBuffer", () => {
    const f = buildFold(fabricateLifecycles(3, { seconds: 4 }), "s", { shared: true });
    for (const name of COLUMN_NAMES) expect(columnOf(f, name).buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  test("spanDays: spread plus one mean gap; 1 day without a cadence; 0 when empty", () => {
    const day = 86_400_000;
    expect(computeSpanDays(new Float64Array([0, day, 2 * day]))).toBeCloseTo(3, 12);
    expect(computeSpanDays(new Float64Array([5, 5 + day / 2]))).toBeCloseTo(1, 12);
    expect(computeSpanDays(new Float64Array([123]))).toBe(1);
    expect(computeSpanDays(new Float64Array([7, 7, 7]))).toBe(1);
    expect(computeSpanDays(new Float64Array(0))).toBe(0);
    const lcs = fabricateLifecycles(10, { gapMs: 3_600_000, seconds: 2 });
    expect(buildFold(lcs, "x").spanDays).toBeCloseTo(10 / 24, 12);
    expect(buildFold(lcs.slice(0, 1), "one").spanDays).toBe(1);
    expect(buildFold([], "none").spanDays).toBe(0);
  });

  test("subsetFold picks lifecycles and keeps their series", () => {
    const f = buildFold(fabricateLifecycles(8, { seed: 9, seconds: [2, 7] }), "all");
    const s = subsetFold(f, [1, 4, 7], "sub");
    expect(s.mint).toEqual([f.mint[1]!, f.mint[4]!, f.mint[7]!]);
    expect(foldDifference(s, buildFold([1, 4, 7].map((k) => fabricateLifecycles(8, { seed: 9, seconds: [2, 7] })[k]!), "b"))).toBeNull();
  });
});

describe("lifecycle validation names file:line:key", () => {
  const base = fabricateLifecycles(3, { seed: 5, seconds: 4 });
  const cases: [string, (l: any) => void, RegExp][] = [
    ["price ≤ 0", (l) => (l.series.price[2] = 0), /:2: series\.price\[2\]: must be a finite number > 0, got 0$/],
    ["negative flow", (l) => (l.series.sell_sol[1] = -1), /:2: series\.sell_sol\[1\]: must be a finite number ≥ 0, got -1$/],
    ["string number", (l) => (l.series.n_buys[0] = "3"), /:2: series\.n_buys\[0\]: must be a finite number ≥ 0, got "3"$/],
    ["null in series", (l) => (l.series.buy_sol[3] = null), /:2: series\.buy_sol\[3\]: .*got null$/],
    ["t not 0..n-1", (l) => (l.series.t[1] = 5), /:2: series\.t\[1\]: must be 1 \(t counts seconds 0\.\.n-1\), got 5$/],
    ["column length", (l) => l.series.new_buyers.pop(), /:2: series\.new_buyers: has 3 values but series\.t has 4/],
    ["missing column", (l) => delete l.series.max_sell_sol, /:2: series\.max_sell_sol: must be an array, got nothing/],
    ["empty series", (l) => { for (const k of Object.keys(l.series)) l.series[k] = []; }, /:2: series\.t: must hold at least one second/],
    ["version", (l) => (l.v = 2), /:2: v: must be 1/],
    ["mint", (l) => (l.mint = ""), /:2: mint: must be a non-empty string/],
    ["slot", (l) => (l.slot = 1.5), /:2: slot: must be an integer ≥ 0, got 1\.5/],
    ["reserve", (l) => (l.quote_reserve0 = 0), /:2: quote_reserve0: must be a finite number > 0/],
    ["fee", (l) => (l.lp_fee_bps = 20000), /:2: lp_fee_bps: must be within 0\.\.10000/],
    ["token age", (l) => (l.token_age_s = "old"), /:2: token_age_s: must be a finite number or null/],
    ["outcome", (l) => delete l.outcome.final_mult, /:2: outcome\.final_mult: must be a finite number, got nothing/],
    ["t_peak", (l) => (l.outcome.t_peak = 4), /:2: outcome\.t_peak: must be an integer second within 0\.\.3, got 4/],
  ];
  for (const [label, mutate, msg] of cases) {
    test(label, () => {
      const lcs = structuredClone(base);
      mutate(lcs[1]);
      const path = join(dir, `bad_${label.replace(/\W+/g, "_")}.jsonl`);
      writeFileSync(path, toJsonl(lcs));
      let err: unknown;
      try {
        loadFoldSync(path, { prefer: "jsonl" });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InputError);
      expect((err as Error).message.startsWith(path + ":2: ")).toBe(true);
      expect((err as Error).message).toMatch(msg);
      expect(() => buildFold(lcs, "mem")).toThrow(/^mem:2: /);
    });
  }
  test("not JSON, not an object, Infinity", () => {
    const good = toJsonl(base).split("\n");
    const p = join(dir, "notjson.jsonl");
    writeFileSync(p, [good[0], "{oops", good[1]].join("\n"));
    expect(() => loadFoldSync(p, { prefer: "jsonl" })).toThrow(new RegExp(`^${p}:2: not valid JSON`));
    writeFileSync(p, [good[0], "[1,2]"].join("\n"));
    expect(() => loadFoldSync(p, { prefer: "jsonl" })).toThrow(/:2: a lifecycle must be a JSON object, got \[1,2\]/);
    writeFileSync(p, [good[0], good[1]!.replace(/"quote_reserve":\[[^,]+/, '"quote_reserve":[1e999')].join("\n"));
    expect(() => loadFoldSync(p, { prefer: "jsonl" })).toThrow(/:2: series\.quote_reserve\[0\]: must be a finite number ≥ 0, got Infinity/);
  });
  test("blank lines and CRLF are fine", () => {
    const p = join(dir, "crlf.jsonl");
    writeFileSync(p, "\n" + toJsonl(base).replaceAll("\n", "\r\n") + "   \n");
    const w = collect();
    expect(foldDifference(loadFoldSync(p, { warn: w.warn }), buildFold(base, "x"))).toBeNull();
    expect(w.msgs[0]).toContain("no twin crlf.msgpack");
  });
  test("a missing file is an InputError", () => {
    expect(() => loadFoldSync(join(dir, "nope.jsonl"))).toThrow(/nope\.jsonl: no such file/);
    expect(() => loadFoldSync(join(dir, "nope.jsonl"), { prefer: "jsonl" })).toThrow(InputError);
  });
});

describe("binary twin", () => {
  test("loads bit-exactly the same Fold as its JSONL, every column", async () => {
    const lcs = fabricateLifecycles(25, { seed: 11, seconds: [1, 40] });
    lcs[3]!.token_age_s = null;
    lcs[4]!.series.price[0] = Number.MIN_VALUE; // subnormal survives both paths
    lcs[5]!.series.buy_sol[0] = 0.1 + 0.2;
    const { jsonl, twin } = await pair(lcs);
    const a = await loadFold(jsonl, { prefer: "jsonl" });
    for (const opts of [{}, { mmap: false }, { shared: true }, { verify: true }]) {
      const b = await loadFold(twin, { prefer: "twin", ...opts });
      expect(foldDifference(a, b)).toBeNull();
      expect(b.name).toBe(a.name);
    }
    expect(Number.isNaN(a.tokenAgeS[3]!)).toBe(true);
    expect(loadFoldSync(jsonl).series.price[a.start[4]!]).toBe(Number.MIN_VALUE);
  });

  test("layout: magic, aligned data, header fields, file size", async () => {
    const lcs = fabricateLifecycles(7, { seed: 12, seconds: [3, 9] });
    const { jsonl, twin } = await pair(lcs);
    const bytes = readFileSync(twin);
    expect(bytes.subarray(0, 8).toString()).toBe("FERRIXFD");
    const dataOffset = bytes.readUInt32LE(12);
    expect(dataOffset % 64).toBe(0);
    const h = readTwinHeader(twin);
    const jsonlBytes = readFileSync(jsonl);
    expect(h).toMatchObject({ format: "ferrix-fold", version: 1, count: 7, endian: "little", source: { bytes: jsonlBytes.length, sha256: sha256Hex(jsonlBytes) } });
    expect(h.columns).toEqual(layoutColumns(7, h.rows).columns);
    expect(h.columns.every((c) => c.offset % 64 === 0)).toBe(true);
    expect(bytes.length).toBe(dataOffset + h.data.bytes);
    expect(h.mint).toEqual(lcs.map((l) => l.mint));
    // columns of a mapped twin are views into one buffer, not copies
    const f = loadFoldSync(jsonl);
    for (const name of COLUMN_NAMES) expect(columnOf(f, name).buffer).toBe(f.series.price.buffer);
  });

  test("a fold not in canonical layout is packed, and an empty fold round-trips", async () => {
    const f = buildFold(fabricateLifecycles(4, { seconds: 3 }), "x");
    const loose = { ...f, series: { ...f.series, price: f.series.price.slice() } };
    const p = join(dir, "loose.msgpack");
    await writeTwin(p, loose);
    expect(foldDifference(readTwinSync(p).fold, f)).toBeNull();
    const e = join(dir, "empty.msgpack");
    await writeTwin(e, buildFold([], "empty"));
    const back = readTwinSync(e).fold;
    expect([back.count, back.rows, back.start.length, back.spanDays]).toEqual([0, 0, 1, 0]);
  });

  test("the writer refuses bad values", () => {
    const f = buildFold(fabricateLifecycles(2, { seconds: 3 }), "x");
    f.series.price[1] = Number.NaN;
    expect(() => encodeTwin(f)).toThrow(/series\.price\[1\] = NaN/);
  });
});

describe("loadFold: auto picks the twin only when it is current", () => {
  test("paths", () => {
    expect(foldPaths("tel_out/wf_round_1_test.jsonl")).toEqual({ jsonl: "tel_out/wf_round_1_test.jsonl", twin: "tel_out/wf_round_1_test.msgpack", name: "wf_round_1_test" });
    expect(foldPaths("a/b.msgpack")).toEqual({ jsonl: "a/b.jsonl", twin: "a/b.msgpack", name: "b" });
  });

  test("current twin → used silently; the .msgpack path works too", async () => {
    const { jsonl, twin } = await pair(fabricateLifecycles(6, { seconds: 3 }));
    const w = collect();
    const f = loadFoldSync(jsonl, { warn: w.warn, mmap: false });
    const g = loadFoldSync(twin, { warn: w.warn });
    expect(w.msgs).toEqual([]);
    expect(foldDifference(f, g)).toBeNull();
  });

  test("JSONL touched newer → falls back, once, saying why", async () => {
    const { jsonl, twin } = await pair(fabricateLifecycles(6, { seconds: 3 }));
    const t = statSync(twin).mtime;
    utimesSync(jsonl, new Date(t.getTime() + 5000), new Date(t.getTime() + 5000));
    const w = collect();
    const f = loadFoldSync(jsonl, { warn: w.warn });
    loadFoldSync(jsonl, { warn: w.warn });
    expect(w.msgs.length).toBe(1);
    expect(w.msgs[0]).toContain(`parsing ${jsonl} instead of its twin: stale twin`);
    expect(foldDifference(f, loadFoldSync(jsonl, { prefer: "jsonl" }))).toBeNull();
    // prefer "twin" still uses it, with a note
    const w2 = collect();
    expect(foldDifference(loadFoldSync(jsonl, { prefer: "twin", warn: w2.warn }), f)).toBeNull();
    expect(w2.msgs[0]).toContain("is older than");
  });

  test("JSONL of another size than the twin records → falls back", async () => {
    const { jsonl, twin } = await pair(fabricateLifecycles(6, { seconds: 3 }));
    appendFileSync(jsonl, "\n");
    const later = new Date(statSync(jsonl).mtime.getTime() + 5000);
    utimesSync(twin, later, later);
    const w = collect();
    loadFoldSync(jsonl, { warn: w.warn });
    expect(w.msgs[0]).toMatch(/mirrors a \d+-byte JSONL but .* is \d+ bytes/);
  });

  test("no twin → parses the JSONL and says so", async () => {
    const { jsonl, twin } = await pair(fabricateLifecycles(3, { seconds: 3 }));
    rmSync(twin);
    const w = collect();
    expect(loadFoldSync(jsonl, { warn: w.warn }).count).toBe(3);
    expect(w.msgs[0]).toContain("no twin");
    expect(() => loadFoldSync(jsonl, { prefer: "twin" })).toThrow(/no binary twin/);
  });

  test("only the twin on disk → used", async () => {
    const { jsonl, twin } = await pair(fabricateLifecycles(3, { seconds: 3 }));
    const expected = loadFoldSync(jsonl, { prefer: "jsonl" });
    rmSync(jsonl);
    expect(foldDifference(loadFoldSync(jsonl), expected)).toBeNull();
    expect(foldDifference(loadFoldSync(twin), expected)).toBeNull();
  });

  const corruptions: [string, (b: Uint8Array) => Uint8Array, RegExp][] = [
    ["flipped data byte", (b) => { const c = b.slice(); c[c.length - 100]! ^= 0x10; return c; }, /checksum mismatch/],
    ["truncated", (b) => b.slice(0, b.length - 8), /truncated or appended/],
    ["garbage header", (b) => { const c = b.slice(); c.fill(0xc1, 16, 40); return c; }, /header/],
    ["wrong magic", (b) => { const c = b.slice(); c[0] = 0x58; return c; }, /not a Ferrix fold twin/],
    ["empty file", () => new Uint8Array(0), /too short/],
    ["JSON instead", () => new TextEncoder().encode('{"format":"ferrix-fold"}'), /not a Ferrix fold twin/],
  ];
  for (const [label, corrupt, why] of corruptions) {
    test(`corrupt twin (${label}) → falls back to the JSONL with a warning`, async () => {
      const { jsonl, twin } = await pair(fabricateLifecycles(9, { seed: 8, seconds: [20, 30] }));
      const good = loadFoldSync(jsonl, { prefer: "jsonl" });
      const mtime = statSync(twin).mtime;
      replace(twin, corrupt(readFileSync(twin)));
      utimesSync(twin, mtime, mtime);
      for (const mmap of [true, false]) {
        const w = collect();
        const f = loadFoldSync(jsonl, { warn: w.warn, mmap });
        expect(foldDifference(f, good)).toBeNull();
        if (mmap) expect(w.msgs[0]).toMatch(why); // (once per file and reason)
      }
      expect(() => loadFoldSync(twin, { prefer: "twin" })).toThrow(TwinError);
      expect(() => loadFoldSync(jsonl, { prefer: "twin", shared: true })).toThrow(why);
    });
  }

  test("shared: true gives SharedArrayBuffer-backed arrays from both paths; a worker sees the same memory", async () => {
    const { jsonl } = await pair(fabricateLifecycles(5, { seconds: 4 }));
    const fromTwin = await loadFold(jsonl, { shared: true });
    const fromJsonl = await loadFold(jsonl, { shared: true, prefer: "jsonl" });
    for (const f of [fromTwin, fromJsonl]) for (const name of COLUMN_NAMES) expect(columnOf(f, name).buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(foldDifference(fromTwin, fromJsonl)).toBeNull();
    expect((await loadFold(jsonl)).series.price.buffer).not.toBeInstanceOf(SharedArrayBuffer);

    const src = `self.onmessage = (e) => { const f = e.data; f.series.price[0] = 42; postMessage(f.series.price.buffer instanceof SharedArrayBuffer); };`;
    const worker = new Worker(URL.createObjectURL(new Blob([src], { type: "application/javascript" })));
    const sharedInWorker = await new Promise<boolean>((resolve, reject) => {
      worker.onmessage = (e) => resolve(e.data as boolean);
      worker.onerror = (e) => reject(e);
      worker.postMessage(fromTwin);
    });
    worker.terminate();
    expect(sharedInWorker).toBe(true);
    expect(fromTwin.series.price[0]).toBe(42); // written by the worker, no copy
  });
});
