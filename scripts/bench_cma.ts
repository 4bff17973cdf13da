/**
 * Evaluations to reach f ≤ 1e-8 on the 10-D validation functions, over seeds, next to pycma
 * 4.4.0's medians (shared/reference/optimizer_facts.md). x0 ~ U[−4, 4]^10, σ0 = 2.
 *
 *   ./node_modules/.bin/bun scripts/bench_cma.ts [runs=21] [firstSeed=1]
 */
import { ellipsoid, rastrigin, rosenbrock, sphere, type Objective } from "../lib/optimize/benchfns";
import { minimize, type MinimizeResult } from "../lib/optimize/cma";

interface Case {
  name: string;
  f: Objective;
  maxRestarts: number;
  maxEvaluations: number;
  pycmaMedian: number | null;
}

const cases: Case[] = [
  { name: "sphere", f: sphere, maxRestarts: 0, maxEvaluations: 1e5, pycmaMedian: 1421 },
  { name: "ellipsoid", f: ellipsoid, maxRestarts: 0, maxEvaluations: 1e5, pycmaMedian: 4221 },
  { name: "rosenbrock", f: rosenbrock, maxRestarts: 0, maxEvaluations: 1e5, pycmaMedian: 5321 },
  { name: "rastrigin", f: rastrigin, maxRestarts: 0, maxEvaluations: 1e5, pycmaMedian: null },
  { name: "rastrigin IPOP", f: rastrigin, maxRestarts: 9, maxEvaluations: 1e6, pycmaMedian: 53726 },
];

const runs = Number(process.argv[2] ?? 21);
const firstSeed = Number(process.argv[3] ?? 1);
const target = 1e-8;

function solve(c: Case, seed: number): MinimizeResult {
  return minimize((x) => c.f(x), {
    initBox: { lower: new Float64Array(10).fill(-4), upper: new Float64Array(10).fill(4) },
    sigma0: 2,
    targetF: target,
    maxRestarts: c.maxRestarts,
    maxEvaluations: c.maxEvaluations,
    seed,
  });
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

for (const c of cases) {
  const started = performance.now();
  const successes: number[] = [];
  const restarts: number[] = [];
  for (let seed = firstSeed; seed < firstSeed + runs; seed++) {
    const result = solve(c, seed);
    if (result.fBest <= target) successes.push(result.evaluations);
    restarts.push(result.restarts);
  }
  const ms = performance.now() - started;
  const summary = successes.length
    ? `median ${median(successes)} [${Math.min(...successes)}–${Math.max(...successes)}]`
    : "no success";
  const versus = c.pycmaMedian && successes.length ? `  (${((median(successes) / c.pycmaMedian - 1) * 100).toFixed(1)} % vs pycma ${c.pycmaMedian})` : "";
  const restartNote = c.maxRestarts ? `, restarts median ${median(restarts)}` : "";
  console.log(`${c.name.padEnd(15)} ${successes.length}/${runs} ok, ${summary}${versus}${restartNote}  [${ms.toFixed(0)} ms]`);
}
