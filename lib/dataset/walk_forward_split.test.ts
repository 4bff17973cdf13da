/** walk_forward_split end to end: the CLI (spawned, stdin "-") and runSplit on files. */
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Lifecycle } from "../lifecycle/types";
import { createRng } from "../util/rng";
import { fabricateLifecycles } from "./fixtures";
import { foldDifference } from "./fold";
import { loadFoldSync } from "./load";
import { readTwinHeader, sha256Hex } from "./twin";
import { runSplit, type SplitSummary } from "./split";

const root = resolve(import.meta.dir, "../..");
const cmd = join(root, "cmd/walk_forward_split.ts");
const dir = mkdtempSync(join(tmpdir(), "ferrix-wfs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SPEC_FLAGS = ["--min-train-trades", "10", "--test-window-trades", "450", "--embargo-trades", "40", "--n-rounds", "5", "--sliding"];

/**
 * Input as telemetry_tool might write it, but shuffled and with a spacing JSON.stringify would
 * not produce, so "the outputs are the input's own lines" is observable.
 */
function inputText(lcs: Lifecycle[], seed = 1): { text: string; lineOf: Map<string, string> } {
  const rng = createRng(seed);
  const lines = lcs.map((l) => JSON.stringify(l).replace(/,"/g, ', "'));
  for (let i = lines.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [lines[i], lines[j]] = [lines[j]!, lines[i]!];
  }
  const lineOf = new Map(lines.map((s) => [JSON.parse(s).mint as string, s]));
  return { text: lines.join("\n") + "\n", lineOf };
}

async function run(args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const p = Bun.spawn([process.execPath, cmd, ...args], {
    cwd: dir,
    stdin: stdin === undefined ? "ignore" : new TextEncoder().encode(stdin),
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, NO_COLOR: "1", FERRIX_TEL_OUT: "" },
  });
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { code, stdout, stderr };
}

const linesOf = (path: string): string[] => readFileSync(path, "utf8").split("\n").slice(0, -1);
const mintOf = (line: string): string => JSON.parse(line).mint;

/** Everything a split must satisfy, checked on the files themselves. */
function checkOutputs(out: string, s: SplitSummary, lineOf: Map<string, string>, total: number): void {
  const train = linesOf(join(out, "train_set.jsonl"));
  const hold = linesOf(join(out, "permanent_holdout.jsonl"));
  // nothing lost or duplicated; every output line is an input line byte for byte
  expect(train.length + hold.length).toBe(total);
  const mints = [...train, ...hold].map(mintOf);
  expect(new Set(mints).size).toBe(total);
  for (const l of [...train, ...hold]) expect(l).toBe(lineOf.get(mintOf(l))!);
  // chronological; holdout strictly newest
  const slots = [...train, ...hold].map((l) => JSON.parse(l).slot as number);
  for (let i = 1; i < slots.length; i++) expect(slots[i]!).toBeGreaterThanOrEqual(slots[i - 1]!);
  expect(JSON.parse(hold[0]!).slot).toBeGreaterThan(JSON.parse(train.at(-1)!).slot);
  expect(hold.length).toBe(Math.max(1, Math.floor(total * s.options.holdout_share + 1e-9)));

  expect(s.rounds.map((r) => r.round)).toEqual(Array.from({ length: s.options.n_rounds }, (_, i) => i + 1));
  for (const r of s.rounds) {
    const test = linesOf(join(out, `wf_round_${r.round}_test.jsonl`));
    const tr = linesOf(join(out, `wf_round_${r.round}_train.jsonl`));
    expect(test).toEqual(train.slice(r.test.from, r.test.to));
    const testMints = new Set(test.map(mintOf));
    for (const l of tr) expect(testMints.has(mintOf(l))).toBe(false);
    expect(r.test.from - r.embargo.from).toBe(s.options.embargo_trades);
    expect(r.train.window.to).toBe(r.embargo.from);
    expect(tr.length + r.train.purged).toBe(r.train.window.to - r.train.window.from);
    // the kept train lines are the window's lines minus the purged, in order
    const windowLines = train.slice(r.train.window.from, r.train.window.to);
    const kept = new Set(tr);
    expect(windowLines.filter((l) => kept.has(l))).toEqual(tr);
    const testStart = JSON.parse(test[0]!).ts as number;
    for (const l of tr) {
      const o = JSON.parse(l);
      expect(o.ts + o.series.t.length * 1000).toBeLessThanOrEqual(testStart);
    }
    if (s.options.sliding) expect(r.train.window.to - r.train.window.from).toBe(s.train_window!);
    else expect(r.train.window.from).toBe(0);
  }
  // every twin loads to exactly the Fold of its JSONL and records the JSONL's identity
  const stems = ["train_set", "permanent_holdout", ...s.rounds.flatMap((r) => [`wf_round_${r.round}_train`, `wf_round_${r.round}_test`])];
  for (const stem of stems) {
    const jsonl = join(out, `${stem}.jsonl`);
    const twin = join(out, `${stem}.msgpack`);
    const fromJsonl = loadFoldSync(jsonl, { prefer: "jsonl" });
    const fromTwin = loadFoldSync(twin, { prefer: "twin" });
    expect(foldDifference(fromJsonl, fromTwin)).toBeNull();
    expect(fromTwin.name).toBe(stem);
    const bytes = readFileSync(jsonl);
    expect(readTwinHeader(twin).source).toEqual({ bytes: bytes.length, sha256: sha256Hex(bytes) });
    const w: string[] = [];
    loadFoldSync(jsonl, { warn: (m) => void w.push(m) });
    expect(w).toEqual([]); // auto takes the (current) twin
  }
}

describe("walk_forward_split CLI", () => {
  const lcs = fabricateLifecycles(2500, { seed: 21, seconds: [2, 5] });
  const { text, lineOf } = inputText(lcs);

  test("the evolution loop's exact flags, input on stdin ('-'), --json summary", async () => {
    const out = join(dir, "spec");
    const r = await run(["-", "--out-dir", out, ...SPEC_FLAGS, "--json"], text);
    expect(r.stderr).toContain("round");
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as SplitSummary;
    expect(s.records).toBe(2500);
    expect(s.mode).toBe("sliding");
    expect(s.train_window).toBe(2375 - 5 * 450 - 40);
    expect(s.rounds.length).toBe(5);
    checkOutputs(out, s, lineOf, 2500);
    expect(r.stderr).toMatch(/^\s+5\s+1800–1884\s+85\s+0\s+1885–1924\s+1925–2374\s/m);
  });

  test("expanding windows (no --sliding), input from a file, default flags", async () => {
    const out = join(dir, "expanding");
    const input = join(dir, "gt.jsonl");
    writeFileSync(input, text);
    const r = await run([input, "--out-dir", out, "--json"]);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as SplitSummary;
    expect(s.mode).toBe("expanding");
    checkOutputs(out, s, lineOf, 2500);
  });

  test("fewer rounds than the last run: stale wf_round_* files are removed", async () => {
    const out = join(dir, "stale");
    const input = join(dir, "small.jsonl");
    const small = inputText(lcs.slice(0, 200), 3);
    writeFileSync(input, small.text);
    const flags = ["--test-window-trades", "20", "--embargo-trades", "3", "--min-train-trades", "5"];
    expect((await run([input, "--out-dir", out, ...flags, "--n-rounds", "6"])).code).toBe(0);
    expect(existsSync(join(out, "wf_round_6_test.msgpack"))).toBe(true);
    const r = await run([input, "--out-dir", out, ...flags, "--n-rounds", "4", "--sliding", "--json"]);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as SplitSummary;
    expect(s.removed_stale).toEqual(
      [5, 6].flatMap((n) => ["test", "train"].flatMap((k) => [`wf_round_${n}_${k}.jsonl`, `wf_round_${n}_${k}.msgpack`])).sort(),
    );
    const files = readdirSync(out).sort();
    expect(files.filter((f) => f.startsWith("wf_round_")).length).toBe(16);
    expect(files.some((f) => f.endsWith(".tmp"))).toBe(false);
    checkOutputs(out, s, small.lineOf, 200);
  });

  test("too little data: exit 1 naming what was found and the formula", async () => {
    const out = join(dir, "few");
    const r = await run(["-", "--out-dir", out, ...SPEC_FLAGS], inputText(lcs.slice(0, 2420)).text);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("found 2420, of which 2299 form the train set after holding out the newest 121");
    expect(r.stderr).toContain("5·450 + 40 + 10 = 2300");
    expect(existsSync(join(out, "train_set.jsonl"))).toBe(false);
  });

  test("a malformed line: exit 1 naming file, line and key; bad usage: exit 2", async () => {
    const input = join(dir, "bad.jsonl");
    const lines = text.split("\n");
    lines[6] = lines[6]!.replace('"creator_fee_bps":', '"creator_fee_bps":-');
    writeFileSync(input, lines.join("\n"));
    const r = await run([input, "--out-dir", join(dir, "bad")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${input}:7: creator_fee_bps: must be within 0..10000, got -5`);
    const r2 = await run(["-", "--n-rounds", "0"], "");
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain("--n-rounds must be ≥ 1");
  });
});

describe("runSplit", () => {
  test("purges lifecycles that run into the test window and reports the count", async () => {
    // migrations 60 s apart, lifecycles 150 s long, no embargo → 2 purged per round
    const lcs = fabricateLifecycles(60, { seed: 5, seconds: 150, gapMs: 60_000 });
    const input = join(dir, "overlap.jsonl");
    const { text, lineOf } = inputText(lcs, 9);
    writeFileSync(input, text);
    const out = join(dir, "overlap");
    const s = await runSplit({ input, outDir: out, minTrainTrades: 3, testWindowTrades: 8, embargoTrades: 0, nRounds: 3, sliding: true, holdoutShare: 0.1 });
    expect(s.rounds.map((r) => r.train.purged)).toEqual([2, 2, 2]);
    expect(s.permanent_holdout.train_set_overlapping).toBe(2);
    checkOutputs(out, s, lineOf, 60);
  });
});
