#!/usr/bin/env bun
/**
 * bench:telemetry — how fast telemetry_tool turns telemetry into ground truth, against `jq -c .`
 * and a bare streamed `Bun.JSONL.parseChunk` pass over the same file, with each one's peak RSS;
 * then how long a fold takes to load from JSONL vs its binary twin (lib/dataset loadFold).
 *
 *   bun run bench:telemetry                     ≥ 200 MB generated once into .bench/, 3 runs each
 *   bun scripts/bench_telemetry.ts --min-mb 2100 --runs 1     the 2 GB memory check
 *
 * The input comes from scripts/gen_telemetry.ts (seeded, no malformed lines), regenerated only
 * when missing or too small; if the generator is absent, from the tiny writer in
 * lib/telemetry/fixtures/synth.ts (said so in the output). Every figure is wall time of a fresh
 * process (startup included, best of the rounds, which interleave the commands so they share the
 * machine's load) and the peak RSS that process reached.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { defineTool, main } from "../lib/cli";
import { loadFold } from "../lib/dataset";

const root = resolve(import.meta.dir, "..");
const bun = process.execPath;

interface Measured {
  seconds: number;
  rssBytes: number | null;
  code: number;
  stdout: string;
  stderr: string;
}

/** Run a command to completion; wall time and peak RSS (via /usr/bin/time, else /proc polling). */
async function measure(argv: string[], opts: { stdoutTo?: string; cwd?: string } = {}): Promise<Measured> {
  const timeBin = existsSync("/usr/bin/time") ? "/usr/bin/time" : null;
  const rssFile = join(tmpdir(), `ferrix-bench-rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const cmd = timeBin ? [timeBin, "-f", "%M", "-o", rssFile, ...argv] : argv;
  const started = performance.now();
  const p = Bun.spawn(cmd, {
    cwd: opts.cwd ?? root,
    stdout: opts.stdoutTo ? Bun.file(opts.stdoutTo) : "pipe",
    stderr: "pipe",
    stdin: "ignore",
  });
  let polled = 0;
  const poll = timeBin
    ? null
    : setInterval(() => {
        try {
          const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${p.pid}/status`, "utf8"));
          if (m) polled = Math.max(polled, Number(m[1]) * 1024);
        } catch {}
      }, 20);
  const [stdout, stderr, code] = await Promise.all([
    opts.stdoutTo ? Promise.resolve("") : new Response(p.stdout as ReadableStream).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  const seconds = (performance.now() - started) / 1000;
  if (poll) clearInterval(poll);
  let rssBytes: number | null = polled || null;
  if (timeBin) {
    try {
      const kb = Number(readFileSync(rssFile, "utf8").trim().split("\n").pop());
      if (Number.isFinite(kb) && kb > 0) rssBytes = kb * 1024;
    } catch {}
    rmSync(rssFile, { force: true });
  }
  return { seconds, rssBytes, code, stdout, stderr };
}

/** One run; fails loudly on a non-zero exit. */
async function once(label: string, argv: string[], opts: { stdoutTo?: string } = {}): Promise<Measured> {
  const m = await measure(argv, opts);
  if (m.code !== 0) throw new Error(`${label} exited ${m.code}:\n${m.stderr.slice(-2000)}`);
  return m;
}

/** The fastest of several runs, with the highest peak RSS seen and every run's time. */
function best(runs: Measured[]): Measured & { all: number[] } {
  const fastest = runs.reduce((x, y) => (y.seconds < x.seconds ? y : x));
  const rss = Math.max(...runs.map((r) => r.rssBytes ?? 0));
  return { ...fastest, rssBytes: rss > 0 ? rss : null, all: runs.map((r) => r.seconds) };
}

/** The most recently changed source file telemetry_tool is built from. */
function newestSource(): { path: string; mtimeMs: number } | null {
  let top: { path: string; mtimeMs: number } | null = null;
  const consider = (path: string) => {
    const m = statSync(join(root, path)).mtimeMs;
    if (!top || m > top.mtimeMs) top = { path, mtimeMs: m };
  };
  consider("cmd/telemetry_tool.ts");
  for (const d of ["lib/telemetry", "lib/lifecycle", "lib/cli"]) {
    if (!existsSync(join(root, d))) continue;
    for (const f of readdirSync(join(root, d))) if (f.endsWith(".ts") && !f.endsWith(".test.ts")) consider(`${d}/${f}`);
  }
  return top;
}

const mb = (bytes: number) => bytes / 1e6;
const fmtRss = (b: number | null) => (b === null ? "n/a" : `${(b / 2 ** 20).toFixed(0)} MiB`);

/** The bare-parse child: stream the file in chunks through Bun.JSONL.parseChunk, count values. */
async function bareParse(path: string): Promise<void> {
  const batch = 2 << 20;
  let buf = new Uint8Array(batch * 2);
  let len = 0;
  let values = 0;
  for await (const chunk of Bun.file(path).stream()) {
    if (len + chunk.length > buf.length) {
      const grown = new Uint8Array(Math.max(buf.length * 2, len + chunk.length));
      grown.set(buf.subarray(0, len));
      buf = grown;
    }
    buf.set(chunk, len);
    len += chunk.length;
    if (len >= batch) {
      const cut = buf.lastIndexOf(10, len - 1) + 1;
      values += Bun.JSONL.parseChunk(buf, 0, cut).values.length;
      buf.copyWithin(0, cut, len);
      len -= cut;
    }
  }
  if (len > 0) values += Bun.JSONL.parseChunk(buf, 0, len).values.length;
  process.stdout.write(JSON.stringify({ values }) + "\n");
}

/** ≥ minMb of telemetry in .bench/, from the market generator if present. */
async function ensureInput(dir: string, minMb: number, seed: number): Promise<{ path: string; source: string }> {
  const gen = join(root, "scripts/gen_telemetry.ts");
  const metaPath = join(dir, "telemetry_bench.meta.json");
  const path = join(dir, "telemetry_bench.jsonl");
  const genStamp = existsSync(gen) ? `gen_telemetry mtime ${statSync(gen).mtimeMs}` : "synth";
  if (existsSync(path) && existsSync(metaPath)) {
    try {
      const meta = JSON.parse(readFileSync(metaPath, "utf8"));
      if (meta.stamp === genStamp && meta.seed === seed && statSync(path).size >= minMb * 1e6) return { path, source: `${meta.source} (cached)` };
    } catch {}
  }
  rmSync(path, { force: true });
  if (existsSync(gen)) {
    let days = Math.max(0.05, minMb / 70);
    for (let attempt = 0; attempt < 4; attempt++) {
      process.stderr.write(`bench: generating ${days.toFixed(2)} days of telemetry (seed ${seed}) with scripts/gen_telemetry.ts …\n`);
      const r = await measure([bun, gen, "--days", days.toFixed(3), "--seed", String(seed), "--malformed-share", "0", "--out", path]);
      if (r.code !== 0) throw new Error(`gen_telemetry failed (exit ${r.code}):\n${r.stderr.slice(-2000)}`);
      const size = statSync(path).size;
      if (size >= minMb * 1e6) {
        const source = `scripts/gen_telemetry.ts --days ${days.toFixed(3)} --seed ${seed} --malformed-share 0`;
        writeFileSync(metaPath, JSON.stringify({ stamp: genStamp, seed, source, bytes: size }) + "\n");
        return { path, source };
      }
      days = (days * (minMb * 1e6)) / size * 1.08;
    }
    throw new Error(`gen_telemetry never reached ${minMb} MB`);
  }
  process.stderr.write("bench: scripts/gen_telemetry.ts not found; using lib/telemetry/fixtures/synth.ts instead\n");
  const { writeSynthTelemetry } = await import("../lib/telemetry/fixtures/synth");
  const lifeSeconds = 1500;
  const perToken = 1_200 * lifeSeconds; // ≈ bytes per token (ticks + swaps)
  const tokens = Math.ceil((minMb * 1e6) / perToken) + 1;
  await writeSynthTelemetry(path, { tokens, spacingSeconds: 600, lifeSeconds, seed });
  const source = `lib/telemetry/fixtures/synth.ts (${tokens} tokens)`;
  writeFileSync(metaPath, JSON.stringify({ stamp: genStamp, seed, source, bytes: statSync(path).size }) + "\n");
  return { path, source };
}

/** Fold loading: walk_forward_split the tool's output, then loadFold from JSONL vs twin. */
async function foldLoad(gt: string, dir: string, runs: number): Promise<void> {
  const split = join(root, "cmd/walk_forward_split.ts");
  const n = readFileSync(gt, "utf8").split("\n").filter(Boolean).length;
  // Rounds sized to the lifecycles we have (the spec's 5 × 450 needs ≥ 2300).
  const train = Math.floor(n * 0.95);
  const rounds = 3;
  const window = Math.max(1, Math.floor(train / 6));
  const embargo = Math.max(1, Math.floor(train / 100));
  const outDir = join(dir, "tel_out");
  const r = await measure([bun, split, gt, "--out-dir", outDir, "--n-rounds", String(rounds), "--test-window-trades", String(window), "--embargo-trades", String(embargo), "--min-train-trades", "5"]);
  if (r.code !== 0) return void console.log(`fold load: skipped (walk_forward_split exited ${r.code}: ${r.stderr.trim().split("\n").pop()})`);
  const target = join(outDir, "train_set.jsonl");
  if (!existsSync(target) || !existsSync(join(outDir, "train_set.msgpack"))) return void console.log(`fold load: skipped (no train_set.jsonl + .msgpack in ${outDir}: ${readdirSync(outDir).join(", ")})`);
  const time = async (prefer: "jsonl" | "twin") => {
    let bestS = Number.POSITIVE_INFINITY;
    let fold: { count?: number; rows?: number } = {};
    for (let i = 0; i < Math.max(3, runs); i++) {
      const t0 = performance.now();
      fold = await loadFold(target, { prefer });
      bestS = Math.min(bestS, (performance.now() - t0) / 1000);
    }
    return { seconds: bestS, fold };
  };
  const j = await time("jsonl");
  const t = await time("twin");
  const size = (p: string) => statSync(p).size;
  console.log(
    `fold load (train_set: ${j.fold.count} lifecycles, ${j.fold.rows} rows): ` +
      `JSONL ${(j.seconds * 1000).toFixed(1)} ms (${mb(size(target)).toFixed(1)} MB), ` +
      `twin ${(t.seconds * 1000).toFixed(1)} ms (${mb(size(join(outDir, "train_set.msgpack"))).toFixed(1)} MB), ` +
      `twin ${(j.seconds / t.seconds).toFixed(1)}× faster`,
  );
}

const tool = defineTool({
  name: "bench_telemetry",
  description: "benchmark telemetry_tool against jq and a bare Bun.JSONL parse on ≥ 200 MB of generated telemetry",
  examples: ["bun run bench:telemetry", "bun scripts/bench_telemetry.ts --runs 5", "bun scripts/bench_telemetry.ts --min-mb 2100 --runs 1"],
  args: {
    minMb: { type: "number", description: "smallest input to benchmark on, MB", default: 200, min: 1 },
    runs: { type: "number", integer: true, min: 1, max: 20, description: "rounds of telemetry_tool and the bare parse (best is reported)", default: 3 },
    jqRuns: { type: "number", integer: true, min: 1, max: 20, description: "rounds that also run jq (slow: ~7 s per 250 MB)", default: 2 },
    seed: { type: "number", integer: true, description: "generator seed", default: 7 },
    dir: { type: "string", description: "working directory for inputs and outputs", default: ".bench" },
    fromSource: { type: "boolean", description: "run cmd/telemetry_tool.ts even when bin/telemetry_tool exists" },
    json: { type: "boolean", description: "also print the figures as one JSON object on stdout" },
    bareParse: { type: "string", description: "(internal) run the bare-parse pass on this file and exit", valueHint: "file" },
  },
  async run(a) {
    if (a.bareParse) return void (await bareParse(a.bareParse));
    const dir = resolve(root, a.dir);
    mkdirSync(dir, { recursive: true });
    const input = await ensureInput(dir, a.minMb, a.seed);
    const bytes = statSync(input.path).size;
    console.log(`input: ${input.path} — ${mb(bytes).toFixed(1)} MB from ${input.source}`);

    const bin = join(root, "bin/telemetry_tool");
    const useBin = existsSync(bin) && !a.fromSource;
    const toolArgv = useBin ? [bin] : [bun, join(root, "cmd/telemetry_tool.ts")];
    if (useBin) {
      const newest = newestSource();
      if (newest && newest.mtimeMs > statSync(bin).mtimeMs) console.log(`note: bin/telemetry_tool is older than ${newest.path}; \`bun run build\` to measure the current code`);
    }
    const gt = join(dir, "tel_out/ground_truth_analysis.jsonl");
    const jq = Bun.which("jq");
    const [load1] = loadavg();
    console.log(`machine: ${cpus().length} cores, load average ${load1!.toFixed(2)} at start (other work on the machine slows every figure)`);

    // Rounds interleave the three commands so that they see the same machine load.
    const toolRuns: Measured[] = [];
    const bareRuns: Measured[] = [];
    const jqRuns: Measured[] = [];
    for (let r = 0; r < a.runs; r++) {
      toolRuns.push(await once("telemetry_tool", [...toolArgv, input.path, "--out", gt, "--json"]));
      bareRuns.push(await once("bare parse", [bun, import.meta.path, "--bare-parse", input.path]));
      if (jq && r < a.jqRuns) jqRuns.push(await once("jq", [jq, "-c", ".", input.path], { stdoutTo: "/dev/null" }));
    }

    const t = best(toolRuns);
    const summary = JSON.parse(t.stdout.trim().split("\n").pop()!);
    const tMb = mb(bytes) / t.seconds;
    console.log(
      `telemetry_tool (${useBin ? "bin/telemetry_tool" : "from source"}): ${tMb.toFixed(0)} MB/s wall (${t.seconds.toFixed(2)} s; ` +
        `runs ${t.all.map((x) => x.toFixed(2)).join(", ")}), peak RSS ${fmtRss(t.rssBytes)}; ` +
        `${summary.lifecycles} lifecycles, ${summary.skipped_total} skipped, format on ${summary.format_thread}, internal ${summary.mb_per_s.toFixed(0)} MB/s`,
    );

    let jqMb: number | null = null;
    let jqRss: number | null = null;
    if (!jq) console.log("jq: skipped (not installed; on Debian: apt-get install -y jq)");
    else {
      const j = best(jqRuns);
      jqMb = mb(bytes) / j.seconds;
      jqRss = j.rssBytes;
      console.log(`jq -c . > /dev/null: ${jqMb.toFixed(0)} MB/s wall (${j.seconds.toFixed(2)} s; runs ${j.all.map((x) => x.toFixed(2)).join(", ")}), peak RSS ${fmtRss(j.rssBytes)}`);
    }

    const b = best(bareRuns);
    const bareMb = mb(bytes) / b.seconds;
    console.log(
      `bare Bun.JSONL.parseChunk (streamed, 2 MiB batches): ${bareMb.toFixed(0)} MB/s wall (${b.seconds.toFixed(2)} s; ` +
        `runs ${b.all.map((x) => x.toFixed(2)).join(", ")}), peak RSS ${fmtRss(b.rssBytes)}`,
    );

    const vsJq = jqMb ? tMb / jqMb : null;
    const vsBare = tMb / bareMb;
    console.log(
      `ratios: tool/jq ${vsJq === null ? "n/a" : vsJq.toFixed(1) + "×"} (goal ≥ 10×), tool/bare ${(100 * vsBare).toFixed(0)} % (goal ≥ 50 %)`,
    );

    await foldLoad(gt, dir, a.runs);

    if (a.json) {
      console.log(
        JSON.stringify({
          input: { path: input.path, bytes, source: input.source },
          tool: { mb_per_s: tMb, seconds: t.seconds, rss_bytes: t.rssBytes, format_thread: summary.format_thread },
          jq: jqMb === null ? null : { mb_per_s: jqMb, rss_bytes: jqRss },
          bare: { mb_per_s: bareMb, seconds: b.seconds, rss_bytes: b.rssBytes },
          ratios: { tool_over_jq: vsJq, tool_over_bare: vsBare },
        }),
      );
    }
    return 0;
  },
});

if (import.meta.main) await main(tool);
