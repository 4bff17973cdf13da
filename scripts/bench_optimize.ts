#!/usr/bin/env bun
/**
 * bench_optimize — optimize_params throughput and memory on the standard bench dataset
 * (scripts/bench_dataset.ts: generator seed 42, 30 days, spec split; 5 WF test folds of 450
 * lifecycles + a 225-lifecycle holdout).
 *
 * 1. Throughput: the spec's call shape (--use-cma --mode chaos --multi-sweep entry,trail,dd
 *    --wf-rounds 5 --min-entry-rate 0.3 --latency-ms 300 --slippage-bps 300 --buy-sol 0.5
 *    --seed 7 --dry-run) with --samples per stage, run as a child process at 1 thread (in-process
 *    evaluator) and at every core (worker pool). Same seed ⇒ the same candidates and work in both.
 *    Fold evaluations per second are over the search phase (load and final checks excluded), per
 *    stage too; CPU seconds (all threads) and the load average are reported beside them because
 *    the machine is shared: wall-clock rates fall when other processes hold the cores.
 * 2. Memory: peak RSS (VmHWM of the child, polled) of a run of --rss-small and of --rss-large
 *    samples (one stage, `--multi-sweep trail`, chaos, CMA, all cores) — flat if the second is not
 *    much larger than the first.
 *
 *   bun run bench:optimize                                   # 50k samples/stage, RSS at 10k and 1M
 *   bun scripts/bench_optimize.ts --samples 20000 --skip-rss
 *   bun scripts/bench_optimize.ts --json > bench_optimize.json
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { defineTool, main } from "../lib/cli";
import { formatCount } from "../lib/cli/term";
import { bunPath, repoRoot } from "../lib/util/tools";
import { ensureStandardDataset } from "./bench_dataset";

interface RunFigures {
  label: string;
  threads: number;
  samplesPerStage: number;
  foldEvals: number;
  searchSeconds: number;
  foldEvalsPerSec: number;
  cpuSeconds: number;
  wallSeconds: number;
  peakRssMB: number;
  /** Peak RSS so far (MB) at 25 / 50 / 75 / 100 % of the run's wall time: flat memory levels off. */
  peakRssAt: number[];
  tradesPerFoldEval: number;
  stages: { groups: string[]; foldEvalsPerSec: number }[];
  reuse: { full: number; memo: number; split: number };
  loadBefore: number;
  loadAfter: number;
  cpuPressureAvg60: number | null;
  winnerCv: number;
}

const pressure = (): number | null => {
  try {
    const m = /some avg10=[\d.]+ avg60=([\d.]+)/.exec(readFileSync("/proc/pressure/cpu", "utf8"));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
};

function vmHwmKb(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

async function runOnce(label: string, args: string[], threads: number, dir: string, log: (m: string) => void): Promise<RunFigures> {
  const params = join(dir, `${label}.json`);
  copyFileSync(join(repoRoot, "data", "best_strategy_params.json"), params);
  const argv = [
    bunPath(),
    join(repoRoot, "cmd", "optimize_params.ts"),
    ...args,
    "--threads",
    String(threads),
    "--params",
    params,
    "--sensitivity-cache",
    join(dir, `${label}.sensitivity.json`),
    "--checkpoint",
    join(dir, `${label}.checkpoint.json`),
    "--dry-run",
    "--json",
    "--progress-every",
    "30",
  ];
  log(`  ${label}: optimize_params ${args.join(" ")} --threads ${threads}`);
  const loadBefore = loadavg()[0];
  const t0 = performance.now();
  const p = Bun.spawn(argv, { stdout: "pipe", stderr: "pipe" });
  let peak = 0;
  const timeline: [number, number][] = [];
  const poll = setInterval(() => {
    const kb = vmHwmKb(p.pid);
    if (kb !== null && kb > peak) peak = kb;
    timeline.push([performance.now() - t0, peak]);
  }, 100);
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  clearInterval(poll);
  const wallSeconds = (performance.now() - t0) / 1000;
  if (code !== 0) throw new Error(`${label}: optimize_params exited ${code}\n${err.slice(-2000)}`);
  const doc = JSON.parse(out.trimEnd().split("\n").at(-1)!);
  const r = doc.run;
  return {
    label,
    threads: r.threads,
    samplesPerStage: Number(args[args.indexOf("--samples") + 1]),
    foldEvals: r.foldEvals,
    searchSeconds: r.searchSeconds,
    foldEvalsPerSec: r.foldEvalsPerSec,
    cpuSeconds: r.cpuSeconds,
    wallSeconds,
    peakRssMB: peak / 1024,
    peakRssAt: [0.25, 0.5, 0.75, 1].map((q) => {
      const t = q * wallSeconds * 1000;
      let v = 0;
      for (const [at, kb] of timeline) if (at <= t) v = kb;
      return v / 1024;
    }),
    tradesPerFoldEval: r.tradesPerFoldEval,
    stages: r.stages.map((s: { groups: string[]; foldEvals: number; seconds: number }) => ({ groups: s.groups, foldEvalsPerSec: s.foldEvals / Math.max(1e-9, s.seconds) })),
    reuse: r.reuse,
    loadBefore,
    loadAfter: loadavg()[0],
    cpuPressureAvg60: pressure(),
    winnerCv: doc.cv_score,
  };
}

export const tool = defineTool({
  name: "bench_optimize",
  description: "optimize_params fold-evaluations per second at 1 thread and at all cores, the scaling ratio, and peak RSS at a small and a large sample count",
  examples: ["bun run bench:optimize", "bun scripts/bench_optimize.ts --samples 20000 --skip-rss", "bun scripts/bench_optimize.ts --rss-large 300000 --json"],
  args: {
    samples: { type: "number", integer: true, min: 100, default: 50_000, description: "samples per stage of the throughput runs (3 stages × 5 folds each)" },
    threads: { type: "number", integer: true, min: 2, description: `thread count of the parallel run (default: all ${availableParallelism()} cores)` },
    rssSmall: { type: "number", integer: true, min: 100, default: 10_000, description: "samples of the small memory run" },
    rssLarge: { type: "number", integer: true, min: 100, default: 1_000_000, description: "samples of the large memory run" },
    skipRss: { type: "boolean", description: "skip the memory runs" },
    json: { type: "boolean", description: "print the figures as JSON on stdout" },
  },
  async run(a) {
    const log = (m: string) => void process.stderr.write(m + "\n");
    const telOut = await ensureStandardDataset({ log });
    const dir = mkdtempSync(join(tmpdir(), "ferrix-bench-opt-"));
    const cores = a.threads ?? availableParallelism();
    const spec = [
      "--use-cma", "--mode", "chaos", "--multi-sweep", "entry,trail,dd", "--wf-rounds", "5", "--holdout-weight", "0.60", "--min-entry-rate", "0.3",
      "--latency-ms", "300", "--slippage-bps", "300", "--buy-sol", "0.5", "--data-dir", telOut, "--seed", "7",
    ];
    try {
      log(`bench_optimize: the spec's call shape, ${formatCount(a.samples)} samples per stage, on ${telOut}`);
      const one = await runOnce("t1", [...spec, "--samples", String(a.samples)], 1, dir, log);
      const many = await runOnce(`t${cores}`, [...spec, "--samples", String(a.samples)], cores, dir, log);
      if (one.winnerCv !== many.winnerCv) throw new Error(`the 1-thread and ${cores}-thread runs disagree (CV ${one.winnerCv} vs ${many.winnerCv}): determinism is broken`);
      const rss: RunFigures[] = [];
      if (!a.skipRss) {
        const shape = ["--use-cma", "--mode", "chaos", "--multi-sweep", "trail", "--wf-rounds", "5", "--min-entry-rate", "0.3", "--latency-ms", "300", "--slippage-bps", "300", "--buy-sol", "0.5", "--data-dir", telOut, "--seed", "7"];
        log(`bench_optimize: memory, one stage (trail) at ${formatCount(a.rssSmall)} and ${formatCount(a.rssLarge)} samples`);
        rss.push(await runOnce("rss-small", [...shape, "--samples", String(a.rssSmall)], cores, dir, log));
        rss.push(await runOnce("rss-large", [...shape, "--samples", String(a.rssLarge)], cores, dir, log));
      }
      const result = {
        bun: Bun.version,
        cores: availableParallelism(),
        dataset: telOut,
        throughput: { oneThread: one, allCores: many, scalingWall: many.foldEvalsPerSec / one.foldEvalsPerSec, scalingPerCpuSecond: many.foldEvals / many.cpuSeconds / (one.foldEvals / one.cpuSeconds) },
        memory: rss,
      };
      if (a.json) {
        process.stdout.write(JSON.stringify(result) + "\n");
        return 0;
      }
      const f = (x: number, d = 0) => x.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
      const L: string[] = [];
      L.push(`bench_optimize — standard bench dataset (5 WF test folds × 450 lifecycles), Bun ${Bun.version}, ${availableParallelism()} cores`);
      L.push(`  workload: spec call shape, ${f(a.samples)} samples × 3 stages (entry, trail, dd) × 5 folds = ${f(one.foldEvals)} fold evaluations; ${one.tradesPerFoldEval.toFixed(1)} trades per fold evaluation`);
      L.push("");
      L.push("  threads  fold-evals/s  per CPU-s   search s  CPU s   entry/s  trail/s   dd/s   peak RSS  load before→after");
      for (const r of [one, many]) {
        const st = (g: string) => f(r.stages.find((s) => s.groups.join() === g)?.foldEvalsPerSec ?? NaN);
        L.push(
          `  ${String(r.threads).padStart(7)}  ${f(r.foldEvalsPerSec).padStart(12)}  ${f(r.foldEvals / r.cpuSeconds).padStart(9)}  ${f(r.searchSeconds, 1).padStart(9)}  ${f(r.cpuSeconds, 1).padStart(5)}  ${st("entry").padStart(8)} ${st("trail").padStart(8)} ${st("dd").padStart(6)}  ${f(r.peakRssMB).padStart(6)} MB  ${r.loadBefore.toFixed(2)}→${r.loadAfter.toFixed(2)}`,
        );
      }
      L.push(`  scaling ${cores} threads ÷ 1 thread: ${result.throughput.scalingWall.toFixed(2)}× wall-clock (per CPU-second ${result.throughput.scalingPerCpuSecond.toFixed(2)}×)`);
      const reuse = one.reuse.full + one.reuse.memo + one.reuse.split;
      L.push(`  engine paths: memo ${((100 * one.reuse.memo) / reuse).toFixed(0)}%, split ${((100 * one.reuse.split) / reuse).toFixed(0)}%, full ${((100 * one.reuse.full) / reuse).toFixed(0)}%`);
      if (rss.length) {
        L.push("");
        for (const r of rss)
          L.push(
            `  peak RSS at ${f(r.samplesPerStage).padStart(9)} samples (one stage, ${r.threads} threads): ${f(r.peakRssMB)} MB  (${f(r.foldEvals)} fold evaluations in ${f(r.searchSeconds, 1)} s, ${f(r.foldEvalsPerSec)}/s); ` +
              `peak so far at 25/50/75/100 % of the run: ${r.peakRssAt.map((x) => f(x)).join(" / ")} MB`,
          );
        L.push(`  ratio large ÷ small: ${(rss[1].peakRssMB / rss[0].peakRssMB).toFixed(2)}×`);
      }
      L.push("", `  wall-clock rates depend on the load: CPU pressure avg60 ${one.cpuPressureAvg60 ?? "?"}% / ${many.cpuPressureAvg60 ?? "?"}% during the two runs`);
      process.stdout.write(L.join("\n") + "\n");
      return 0;
    } finally {
      if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    }
  },
});

if (import.meta.main) await main(tool);
