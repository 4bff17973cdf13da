/**
 * optimize_params as a process: the parseable lines and --json, usage errors, a bad champion
 * (exit 1, key and file named, file untouched), SIGKILL at random moments never leaves a torn
 * champion, SIGINT stops cleanly and --resume finishes the run, and the compiled binary runs its
 * worker threads.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadParamsFile } from "../lib/params";
import { makeTelOut, writeTestChampion } from "../lib/optimize/testing";
import { createRng } from "../lib/util/rng";
import { bunPath, repoRoot } from "../lib/util/tools";

let root: string;
let telOut: string;
let k = 0;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "ferrix-optcli-"));
  telOut = await makeTelOut(join(root, "tel_out"), { rounds: 3, perFold: 50, holdout: 40, seed: 4 });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const SCRIPT = join(repoRoot, "cmd", "optimize_params.ts");
/** Flags that let a better candidate through every gate on the fabricated data. */
const RELAXED = ["--min-improvement", "0", "--max-holdout-degradation", "100", "--min-trades", "0", "--min-holdout-trades", "0", "--max-drawdown-stakes", "1e9", "--max-tail-loss", "1e9"];

function dirWithChampion(overrides = {}): { dir: string; params: string } {
  const dir = join(root, `d${k++}`);
  mkdirSync(dir, { recursive: true });
  const params = join(dir, "best_strategy_params.json");
  writeTestChampion(params, overrides);
  return { dir, params };
}

async function run(argv: string[], opts: { exe?: string[] } = {}): Promise<{ code: number; out: string; err: string }> {
  const p = Bun.spawn([...(opts.exe ?? [bunPath(), SCRIPT]), ...argv], { stdout: "pipe", stderr: "pipe", env: { ...process.env, NO_COLOR: "1" } });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { code, out, err };
}

const base = (params: string, extra: string[] = []) => ["--data-dir", telOut, "--params", params, "--samples", "300", "--seed", "3", "--threads", "1", "--batch-size", "64", ...extra];

describe("output", () => {
  test("the five parseable lines on stdout, and --json as the last stdout line", async () => {
    const { params } = dirWithChampion({ maxPositions: 1 });
    const r = await run(base(params, RELAXED));
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split("\n");
    const tail = lines.slice(-5);
    expect(tail[0]).toMatch(/^CV_SCORE -?\d+(\.\d+)?(e-?\d+)?$/);
    expect(tail[1]).toMatch(/^HOLDOUT_SCORE -?\d/);
    expect(tail[2]).toMatch(/^BLENDED_SCORE -?\d/);
    expect(tail[3]).toMatch(/^CHAMPION_BLENDED_SCORE -?\d/);
    expect(tail[4]).toMatch(/^(NEW CHAMPION CONFIRMED|NO PROMOTION: .+)$/);

    const { params: p2 } = dirWithChampion({ maxPositions: 1 });
    const j = await run(base(p2, [...RELAXED, "--json", "--dry-run"]));
    expect(j.code).toBe(0);
    const last = j.out.trimEnd().split("\n").at(-1)!;
    const doc = JSON.parse(last);
    for (const key of ["cv_score", "holdout_score", "blended_score", "champion_blended_score", "status", "promoted", "gates", "overfitting", "run"]) expect(doc).toHaveProperty(key);
    expect(doc.status).toMatch(/^NO PROMOTION: --dry-run/);
    expect(j.out).not.toContain("CV_SCORE");
    expect(j.err).toContain("gates:");
  }, 30_000);

  test("usage errors exit 2", async () => {
    const { params } = dirWithChampion();
    expect((await run(base(params, ["--sampels", "3"]))).code).toBe(2);
    const bad = await run(base(params, ["--multi-sweep", "entry,trial"]));
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("unknown group 'trial'");
    expect((await run(base(params, ["--mode", "wild"]))).code).toBe(2);
  }, 30_000);
});

describe("bad champion files", () => {
  for (const [label, text, expected] of [
    ["corrupt JSON", '{"version":1,"params":{"minBuyers":4', /not valid JSON/],
    ["unknown key", JSON.stringify({ version: 1, params: { minBuyerz: 4 } }), /unknown parameter 'minBuyerz'/],
    ["out of bounds", JSON.stringify({ version: 1, params: { ddCap0: 7 } }), /params\.ddCap0 = 7 is out of bounds/],
  ] as const) {
    test(`${label}: exit 1 naming the file and key; the file is not overwritten`, async () => {
      const { params } = dirWithChampion();
      writeFileSync(params, text);
      const r = await run(base(params, RELAXED));
      expect(r.code).toBe(1);
      expect(r.err).toContain(params);
      expect(r.err).toMatch(expected);
      expect(readFileSync(params, "utf8")).toBe(text);
      expect(existsSync(`${params}.bak`)).toBe(false);
    }, 20_000);
  }
});

describe("crash safety", () => {
  test("SIGKILL at random moments (10 rounds) never leaves a torn champion", async () => {
    // A champion that loses money (3 % stops, 10 s holds): any better candidate gets promoted.
    const { dir, params } = dirWithChampion({ maxPositions: 1, ddCap0: 0.03, ddCap1: 0.03, ddCap2: 0.03, maxHoldS: 10 });
    const argv = ["--data-dir", telOut, "--params", params, "--samples", "200", "--threads", "1", "--batch-size", "64", "--checkpoint-every", "1", ...RELAXED];
    // Duration of a whole run (it promotes: the champion is weak), to spread the kills over it.
    const t0 = performance.now();
    const full = await run([...argv, "--seed", "100"]);
    const duration = performance.now() - t0;
    expect(full.code).toBe(0);
    expect(full.out).toContain("NEW CHAMPION CONFIRMED");
    const rng = createRng(99);
    let prev = readFileSync(params, "utf8");
    let changed = 0;
    for (let round = 0; round < 10; round++) {
      const p = Bun.spawn([bunPath(), SCRIPT, ...argv, "--seed", String(200 + round)], { stdout: "ignore", stderr: "ignore" });
      await Bun.sleep(Math.floor(duration * (0.5 + 0.6 * rng.next())));
      p.kill(9);
      await p.exited;
      const text = readFileSync(params, "utf8");
      const loaded = loadParamsFile(params); // throws on a torn file
      expect(loaded.warnings).toEqual([]);
      if (text !== prev) {
        changed++;
        expect(typeof loaded.meta.scores?.blended).toBe("number");
        expect(readFileSync(`${params}.bak`, "utf8")).toBe(prev);
      }
      if (existsSync(`${params}.bak`)) loadParamsFile(`${params}.bak`);
      prev = text;
    }
    void dir;
    process.stderr.write(`kill rounds that left a new champion: ${changed}/10\n`);
  }, 60_000);

  test("SIGINT stops at the next batch, reports the best so far without promoting (exit 130); --resume finishes", async () => {
    const { params } = dirWithChampion({ maxPositions: 1 });
    const before = readFileSync(params, "utf8");
    const argv = [...base(params, [...RELAXED, "--samples", "3000", "--multi-sweep", "trail,dd"])];
    const p = Bun.spawn([bunPath(), SCRIPT, ...argv], { stdout: "pipe", stderr: "pipe" });
    const outP = new Response(p.stdout).text();
    // Send SIGINT once the search is under way (its first progress line).
    let err = "";
    const decoder = new TextDecoder();
    const reader = p.stderr.getReader();
    let sent = false;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      err += decoder.decode(value, { stream: true });
      if (!sent && err.includes("fold-evals")) {
        sent = true;
        p.kill("SIGINT");
      }
    }
    const [out, code] = await Promise.all([outP, p.exited]);
    const cp = join(params, "..", "optimize_checkpoint.json");
    expect(code).toBe(130);
    expect(err).toContain("SIGINT: stopping after the current batch");
    expect(out).toMatch(/CV_SCORE -?\d/);
    expect(out).toContain("NO PROMOTION: interrupted");
    expect(readFileSync(params, "utf8")).toBe(before);
    expect(existsSync(cp)).toBe(true);
    // a different budget is a different run: refused
    const refused = await run([...base(params, [...RELAXED, "--samples", "300", "--multi-sweep", "trail,dd"]), "--resume"]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("different run");
    // the same flags continue it to the end
    const resumed = await run([...argv, "--resume"]);
    expect(resumed.code).toBe(0);
    expect(resumed.out).toContain("resumed at stage");
    expect(resumed.out).toMatch(/(NEW CHAMPION CONFIRMED|NO PROMOTION: (?!interrupted))/);
    expect(existsSync(cp)).toBe(false);
  }, 60_000);
});

describe("compiled binary", () => {
  test("bun build --compile with the worker entrypoint: a tiny optimization on 2 worker threads", async () => {
    const exe = join(root, "optimize_params");
    const build = Bun.spawn([bunPath(), "build", "--compile", "cmd/optimize_params.ts", "lib/optimize/worker.ts", "--outfile", exe], { cwd: repoRoot, stdout: "pipe", stderr: "pipe" });
    const buildErr = await new Response(build.stderr).text();
    expect(await build.exited, buildErr).toBe(0);
    const { params } = dirWithChampion({ maxPositions: 1 });
    const r = await run([...base(params, RELAXED), "--threads", "2", "--json"], { exe: [exe] });
    expect(r.code, r.err).toBe(0);
    const doc = JSON.parse(r.out.trimEnd().split("\n").at(-1)!);
    expect(doc.run.evaluator).toBe("worker-pool");
    expect(doc.run.threads).toBe(2);
    expect(doc.run.foldEvals).toBeGreaterThan(0);
    // without the worker entrypoint the binary fails loudly, never exit 0
    const bad = join(root, "optimize_params_noworker");
    const b2 = Bun.spawn([bunPath(), "build", "--compile", "cmd/optimize_params.ts", "--outfile", bad], { cwd: repoRoot, stdout: "pipe", stderr: "pipe" });
    expect(await b2.exited).toBe(0);
    const r2 = await run([...base(params, RELAXED), "--threads", "2"], { exe: [bad] });
    expect(r2.code).toBe(1);
    expect(r2.err).toContain("failed to start");
  }, 60_000);
});
