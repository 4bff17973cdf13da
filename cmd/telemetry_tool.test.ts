import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { writeSynthTelemetry } from "../lib/telemetry/fixtures/synth";

const root = resolve(import.meta.dir, "..");
const TOOL = join(root, "cmd/telemetry_tool.ts");
const MIXED = join(root, "lib/telemetry/fixtures/mixed.jsonl");

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

async function tool(args: string[], opts: { cwd?: string; stdin?: Uint8Array } = {}): Promise<Ran> {
  const p = Bun.spawn([process.execPath, TOOL, ...args], {
    cwd: opts.cwd ?? root,
    stdin: opts.stdin ?? "ignore",
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, NO_COLOR: "1" },
  });
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { code, stdout, stderr };
}

describe("telemetry_tool", () => {
  const dir = mkdtempSync(join(tmpdir(), "ferrix-tt-"));
  const synth = join(dir, "synth.jsonl");
  beforeAll(async () => {
    await writeSynthTelemetry(synth, { tokens: 60, spacingSeconds: 20, lifeSeconds: 150, seed: 5 });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("the spec's call: `telemetry_tool telemetry.jsonl` writes tel_out/ground_truth_analysis.jsonl", async () => {
    const cwd = join(dir, "spec");
    mkdirSync(cwd);
    cpSync(MIXED, join(cwd, "telemetry.jsonl"));
    const r = await tool(["telemetry.jsonl"], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    const out = readFileSync(join(cwd, "tel_out/ground_truth_analysis.jsonl"), "utf8");
    expect(out.split("\n").filter(Boolean).map((l) => JSON.parse(l).mint)).toEqual(["MintA", "MintB", "MintC"]);
    // Human summary on stderr: counts by reason and by repair, with example lines.
    expect(r.stderr).toContain("skipped 11 lines");
    expect(r.stderr).toContain("line 8: missing_field (sig)");
    expect(r.stderr).toContain("v_missing 2");
    // The default input name works too.
    const again = await tool([], { cwd });
    expect(again.code).toBe(0);
    expect(readFileSync(join(cwd, "tel_out/ground_truth_analysis.jsonl"), "utf8")).toBe(out);
  });

  test("--json prints a machine summary on stdout", async () => {
    const out = join(dir, "gt.jsonl");
    const r = await tool([MIXED, "--out", out, "--json"]);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({
      tool: "telemetry_tool", input: MIXED, output: out, lines: 19, lifecycles: 3, skipped_total: 11, ordered: true,
      repairs: { v_missing: 2, ts_from_slot: 1, age_from_slot: 1, age_unknown: 1 },
    });
    expect(s.examples[0]).toEqual({ line: 3, reason: "blank", detail: "" });
    expect(typeof s.mb_per_s).toBe("number");
  });

  test("stdin in, stdout out: same bytes as file to file; the --json summary moves to stderr", async () => {
    const fileOut = join(dir, "synth_gt.jsonl");
    const a = await tool([synth, "--out", fileOut]);
    expect(a.code).toBe(0);
    const b = await tool(["-", "--out", "-", "--json"], { stdin: readFileSync(synth) });
    expect(b.code).toBe(0);
    expect(b.stdout).toBe(readFileSync(fileOut, "utf8"));
    expect(b.stdout.split("\n").filter(Boolean).length).toBe(60);
    const jsonLine = b.stderr.split("\n").find((l) => l.startsWith("{"))!;
    expect(JSON.parse(jsonLine)).toMatchObject({ input: "-", output: "-", lifecycles: 60 });
  });

  test("byte-identical reruns", async () => {
    const x = join(dir, "x.jsonl");
    const y = join(dir, "y.jsonl");
    expect((await tool([synth, "-o", x])).code).toBe(0);
    expect((await tool([synth, "-o", y])).code).toBe(0);
    expect(readFileSync(x).equals(readFileSync(y))).toBe(true);
  });

  test("flags reach the builder", async () => {
    const r = await tool([synth, "--out", "-", "--track-seconds", "30"]);
    expect(r.code).toBe(0);
    const lens = r.stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l).series.t.length);
    expect(Math.max(...lens)).toBe(30);
  });

  test("exit codes: 1 for a missing input (no output written), 2 for bad usage", async () => {
    const out = join(dir, "never.jsonl");
    const missing = await tool([join(dir, "nope.jsonl"), "--out", out]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("nope.jsonl: no such file");
    expect(existsSync(out)).toBe(false);
    // An empty input or one without a usable migration is an error, and a good output stays.
    const kept = join(dir, "kept.jsonl");
    expect((await tool([MIXED, "--out", kept])).code).toBe(0);
    const good = readFileSync(kept, "utf8");
    const empty = join(dir, "empty.jsonl");
    writeFileSync(empty, "");
    const e = await tool([empty, "--out", kept]);
    expect(e.code).toBe(1);
    expect(e.stderr).toContain("empty.jsonl: is empty (no telemetry lines)");
    const junk = join(dir, "junk.jsonl");
    writeFileSync(junk, '\n{"type":"tick"}\n');
    const j = await tool([junk, "--out", kept]);
    expect(j.code).toBe(1);
    expect(j.stderr).toContain("junk.jsonl: has no usable migration in its 2 lines");
    expect(readFileSync(kept, "utf8")).toBe(good);
    const d = await tool([dir, "--out", kept]);
    expect(d.code).toBe(1);
    expect(d.stderr).toContain("is a directory");
    expect((await tool([MIXED, "--trak-seconds", "5"])).code).toBe(2);
    expect((await tool([MIXED, "--track-seconds", "0"])).code).toBe(2);
    expect((await tool([MIXED, "--tolerance-ms", "soon"])).code).toBe(2);
  });
});
