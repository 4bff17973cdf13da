import { describe, expect, test } from "bun:test";
import { createRng } from "../util/rng";
import { ellipsoid, rastrigin, rosenbrock, sphere, type Objective } from "./benchfns";
import { BoundTransform, CmaEs, cmaParameters, minimize, minimizeBatches, symmetricEigen, type MinimizeResult } from "./cma";

// Validation protocol of optimizer_facts.md: 10-D, x0 ~ U[−4, 4]^10, σ0 = 2, stop at f ≤ 1e-8.
// Our count is candidates told (λ per generation); pycma's medians end in 1 because fmin also
// evaluates the final mean — a 0.1 % difference, left as is.
const SEEDS = Array.from({ length: 21 }, (_, i) => i + 1);
const TARGET_F = 1e-8;
const INIT_BOX = { lower: new Float64Array(10).fill(-4), upper: new Float64Array(10).fill(4) };

function solveFromRandomStart(f: Objective, seed: number, maxRestarts: number, maxEvaluations: number): MinimizeResult {
  return minimize((x) => f(x), { initBox: INIT_BOX, sigma0: 2, targetF: TARGET_F, maxRestarts, maxEvaluations, seed });
}

interface Tally {
  successes: number;
  /** Evaluations to reach the target, successful runs only. */
  evaluations: number[];
}

function tally(f: Objective, maxRestarts: number, maxEvaluations: number): Tally {
  const evaluations: number[] = [];
  for (const seed of SEEDS) {
    const result = solveFromRandomStart(f, seed, maxRestarts, maxEvaluations);
    if (result.fBest <= TARGET_F) evaluations.push(result.evaluations);
  }
  return { successes: evaluations.length, evaluations };
}

function median(xs: readonly number[]): number {
  const sorted = xs.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function expectWithinRelative(actual: number, reference: number, tolerance: number): void {
  expect(Math.abs(actual / reference - 1)).toBeLessThanOrEqual(tolerance);
}

describe("strategy parameters (pycma defaults)", () => {
  test("n = 10 gives λ = 10, μ = 5, μ_eff ≈ 3.17, c₁ ≈ 0.0153 and zero covariance decay", () => {
    const p = cmaParameters(10);
    expect(p.popSize).toBe(10);
    expect(p.mu).toBe(5);
    expect(p.muEff).toBeCloseTo(3.1672, 3);
    expect(p.c1).toBeCloseTo(2 / (11.3 ** 2 + p.muEff), 12);
    expect(p.c1).toBeCloseTo(0.0153, 4);
    expect(p.cmu).toBeCloseTo((2 * (0.25 + p.muEff + 1 / p.muEff - 2)) / (144 + p.muEff), 12);
    expect(p.cs).toBeCloseTo((p.muEff + 2) / (10 + p.muEff + 3), 12);
    expect(p.damps).toBeCloseTo(1 + p.cs, 12); // √((μ_eff−1)/(n+1)) < 1 at n = 10
    let positive = 0;
    let all = 0;
    for (let i = 0; i < p.popSize; i++) {
      if (p.weights[i] > 0) positive += p.weights[i];
      all += p.weights[i];
      if (i > 0) expect(p.weights[i]).toBeLessThan(p.weights[i - 1]);
    }
    expect(positive).toBeCloseTo(1, 12);
    expect(p.c1 + p.cmu * all).toBeCloseTo(0, 12);
  });

  test("large populations keep finite weights (negative weights limited to zero at λ = 640)", () => {
    for (const popSize of [20, 160, 640, 5120]) {
      const p = cmaParameters(10, popSize);
      expect(Array.from(p.weights).every(Number.isFinite)).toBe(true);
      expect(1 - p.c1 - p.cmu * p.weights.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(-1e-12);
    }
  });
});

describe("symmetric eigendecomposition", () => {
  test("A = B·diag(λ)·Bᵀ with orthonormal B and ascending λ, also for repeated eigenvalues", () => {
    const rng = createRng(3);
    const n = 12;
    const random = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) random[i * n + j] = random[j * n + i] = rng.normal();
    }
    const repeated = new Float64Array(n * n);
    for (let i = 0; i < n; i++) repeated[i * n + i] = i < 6 ? 2 : 5;
    for (const A of [random, repeated]) {
      const B = new Float64Array(n * n);
      const values = new Float64Array(n);
      symmetricEigen(A, n, B, values);
      for (let k = 1; k < n; k++) expect(values[k]).toBeGreaterThanOrEqual(values[k - 1]);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let reconstructed = 0;
          let gram = 0;
          for (let k = 0; k < n; k++) {
            reconstructed += B[i * n + k] * values[k] * B[j * n + k];
            gram += B[k * n + i] * B[k * n + j];
          }
          expect(Math.abs(reconstructed - A[i * n + j])).toBeLessThan(1e-12);
          expect(Math.abs(gram - (i === j ? 1 : 0))).toBeLessThan(1e-12);
        }
      }
    }
  });
});

describe("validation against pycma 4.4.0 (10-D, 21 seeds, evaluations to f ≤ 1e-8)", () => {
  test("sphere: all succeed, median within ±15 % of 1,421", () => {
    const t = tally(sphere, 0, 1e5);
    expect(t.successes).toBe(SEEDS.length);
    expectWithinRelative(median(t.evaluations), 1421, 0.15);
  });

  test("ellipsoid (condition 1e6): all succeed, median within ±15 % of 4,221", () => {
    const t = tally(ellipsoid, 0, 1e5);
    expect(t.successes).toBe(SEEDS.length);
    expectWithinRelative(median(t.evaluations), 4221, 0.15);
  });

  test("Rosenbrock without restarts: ≥ 90 % succeed, median within ±15 % of 5,321", () => {
    const t = tally(rosenbrock, 0, 1e5);
    expect(t.successes / SEEDS.length).toBeGreaterThanOrEqual(0.9);
    expectWithinRelative(median(t.evaluations), 5321, 0.15);
  });

  test("Rastrigin with the default λ and no restart stalls in a local optimum every time", () => {
    expect(tally(rastrigin, 0, 1e5).successes).toBe(0);
  });

  test("Rastrigin with IPOP restarts: all succeed, median within a factor 2 of 53,726", () => {
    const t = tally(rastrigin, 9, 1e6);
    expect(t.successes).toBe(SEEDS.length);
    const m = median(t.evaluations);
    expect(m).toBeGreaterThanOrEqual(53726 / 2);
    expect(m).toBeLessThanOrEqual(53726 * 2);
  });
});

describe("bounds", () => {
  test("the transform maps every genotype into [lb, ub] and inverts on the box", () => {
    const t = new BoundTransform([0, -1, 5], [1, 1, 1e6]);
    const rng = createRng(11);
    for (let k = 0; k < 20_000; k++) {
      const scale = 10 ** rng.uniform(-3, 8);
      for (let i = 0; i < 3; i++) {
        const y = t.toPhenotype(scale * rng.normal(), i);
        expect(y >= t.lower[i] && y <= t.upper[i]).toBe(true);
        expect(t.toPhenotype(t.toGenotype(y, i), i)).toBeCloseTo(y, 9);
      }
    }
    expect(t.toPhenotype(0.5, 0)).toBe(0.5); // identity in the interior
    expect(t.toPhenotype(1.05, 0)).toBe(1); // the quadratic's apex sits at ub + margin
  });

  test("every asked candidate lies inside [lb, ub], even with σ0 at the box scale", () => {
    const lower = [0, 0, -2, 10, 0];
    const upper = [1, 1, 2, 11, 1];
    const es = new CmaEs({ x0: [0.99, 0.01, 1.9, 10.5, 0.5], sigma0: 3, lowerBounds: lower, upperBounds: upper, rng: createRng(4) });
    for (let g = 0; g < 200; g++) {
      const candidates = es.ask();
      for (const x of candidates) for (let i = 0; i < 5; i++) expect(x[i] >= lower[i] && x[i] <= upper[i]).toBe(true);
      es.tell(candidates, candidates.map((x) => sphere(x.map((v, i) => v - [3, -1, 0, 0, 0.5][i]))));
    }
  });

  test("an optimum outside the box converges onto the boundary", () => {
    const target = [2, -3, 0.3, 5];
    const f = (x: ArrayLike<number>): number => {
      let s = 0;
      for (let i = 0; i < 4; i++) s += (i + 1) * (x[i] - target[i]) ** 2;
      return s;
    };
    const es = new CmaEs({ x0: [0, 0, 0, 0], sigma0: 0.5, lowerBounds: -1, upperBounds: 1, rng: createRng(8) });
    while (es.stop().length === 0) {
      const candidates = es.ask();
      es.tell(candidates, candidates.map(f));
    }
    const best = es.best!;
    const expected = [1, -1, 0.3, 1];
    for (let i = 0; i < 4; i++) expect(Math.abs(best.x[i] - expected[i])).toBeLessThan(1e-6);
    expect(es.stop()).not.toContain("maxiter");
  });

  test("normalised space with a caller-rounded integer parameter finds the integer optimum", () => {
    // u0 ∈ [0, 1] encodes an integer in 0..10; the caller rounds, the CMA never sees it.
    const f = (u: ArrayLike<number>): number => (Math.round(u[0] * 10) - 7) ** 2 + (u[1] - 0.25) ** 2 + (u[2] - 0.9) ** 2;
    const result = minimize(f, { x0: [0.1, 0.5, 0.5], sigma0: 0.3, lowerBounds: 0, upperBounds: 1, minStd: [0.02, 0, 0], maxEvaluations: 5000, seed: 2 });
    expect(Math.round(result.xBest[0] * 10)).toBe(7);
    expect(Math.abs(result.xBest[1] - 0.25)).toBeLessThan(1e-3);
    expect(Math.abs(result.xBest[2] - 0.9)).toBeLessThan(1e-3);
  });
});

describe("ask/tell contract", () => {
  function runGenerations(seed: number, generations: number, arrange: (xs: Float64Array[]) => Float64Array[]): { asked: number[]; mean: Float64Array } {
    const es = new CmaEs({ x0: new Float64Array(6).fill(1), sigma0: 0.7, rng: createRng(seed) });
    const asked: number[] = [];
    for (let g = 0; g < generations; g++) {
      const candidates = es.ask();
      for (const x of candidates) asked.push(...x);
      const told = arrange(candidates);
      es.tell(told, told.map((x) => ellipsoid(x)));
    }
    return { asked, mean: es.mean };
  }

  test("same seed → same sequence; another seed → another sequence", () => {
    const a = runGenerations(5, 40, (xs) => xs);
    const b = runGenerations(5, 40, (xs) => xs);
    const c = runGenerations(6, 40, (xs) => xs);
    expect(b.asked).toEqual(a.asked);
    expect(Array.from(b.mean)).toEqual(Array.from(a.mean));
    expect(c.asked).not.toEqual(a.asked);
  });

  test("telling a batch out of order, or as copies (as from a worker), changes nothing", () => {
    const inOrder = runGenerations(9, 60, (xs) => xs);
    const shuffler = createRng(77);
    const shuffled = runGenerations(9, 60, (xs) => {
      const out = xs.slice();
      for (let i = out.length - 1; i > 0; i--) {
        const j = shuffler.int(i + 1);
        [out[i], out[j]] = [out[j], out[i]];
      }
      return out;
    });
    const copied = runGenerations(9, 60, (xs) => xs.map((x) => Float64Array.from(x)).reverse());
    expect(shuffled.asked).toEqual(inOrder.asked);
    expect(copied.asked).toEqual(inOrder.asked);
  });

  test("ties are ranked by ask order, so equal values told in any order agree", () => {
    const run = (reverse: boolean): number[] => {
      const es = new CmaEs({ x0: [0, 0, 0], sigma0: 1, rng: createRng(12) });
      const asked: number[] = [];
      for (let g = 0; g < 10; g++) {
        const xs = es.ask();
        for (const x of xs) asked.push(...x);
        const told = reverse ? xs.slice().reverse() : xs;
        es.tell(told, told.map((x) => Math.round(sphere(x))));
      }
      return asked;
    };
    expect(run(true)).toEqual(run(false));
  });

  test("a point the strategy never asked for is accepted (repaired to a plausible step)", () => {
    const es = new CmaEs({ x0: [0, 0], sigma0: 1, rng: createRng(1) });
    const xs = es.ask();
    xs[0] = Float64Array.from([1e6, -1e6]);
    es.tell(xs, xs.map((x) => sphere(x)));
    const mean = es.mean;
    expect(Math.hypot(mean[0], mean[1])).toBeLessThan(10);
  });

  test("NaN fitness is replaced by the median; misuse throws", () => {
    const es = new CmaEs({ x0: [1, 1, 1], sigma0: 0.5, rng: createRng(2) });
    const xs = es.ask();
    expect(() => es.ask()).toThrow();
    const f = xs.map((x) => sphere(x));
    f[3] = NaN;
    expect(() => es.tell(xs.slice(1), f.slice(1))).toThrow();
    es.tell(xs, f);
    expect(Number.isFinite(es.sigma)).toBe(true);
    expect(es.best!.f).toBe(Math.min(...f.filter((v) => !Number.isNaN(v))));
  });

  test("a constant objective stops on tolfun; a plateau under the μ+1 best on tolflatfitness after two generations", () => {
    const constant = new CmaEs({ x0: [0, 0, 0, 0], sigma0: 1, rng: createRng(3) });
    const xs = constant.ask();
    constant.tell(xs, xs.map(() => 1));
    expect(constant.stop()).toEqual(["tolfun"]);

    const plateau = new CmaEs({ x0: [0, 0, 0, 0], sigma0: 1, rng: createRng(3) });
    const values = [0, 0, 0, 0, 0, 1, 2, 3]; // λ = 8, μ = 4 at n = 4: the μ + 1 best tie
    for (let g = 1; g <= 2; g++) {
      const candidates = plateau.ask();
      plateau.tell(candidates, candidates.map((_, k) => values[k]));
      expect(plateau.stop()).toEqual(g === 1 ? [] : ["tolflatfitness"]);
    }
  });

  test("minimizeBatches (async, one call per generation) equals minimize", async () => {
    const options = { initBox: INIT_BOX, sigma0: 2, targetF: TARGET_F, maxRestarts: 2, maxEvaluations: 20_000, seed: 4 };
    const sync = minimize((x) => rosenbrock(x), options);
    const batched = await minimizeBatches(async (xs) => xs.map((x) => rosenbrock(x)), options);
    expect(batched.evaluations).toBe(sync.evaluations);
    expect(batched.fBest).toBe(sync.fBest);
    expect(Array.from(batched.xBest)).toEqual(Array.from(sync.xBest));
  });

  test("IPOP doubles λ per restart and respects the evaluation budget", () => {
    const result = minimize((x) => rastrigin(x), { initBox: INIT_BOX, sigma0: 2, targetF: TARGET_F, maxRestarts: 3, maxEvaluations: 12_000, seed: 1 });
    expect(result.runs.map((r) => r.popSize)).toEqual([10, 20, 40, 80].slice(0, result.runs.length));
    expect(result.restarts).toBe(result.runs.length - 1);
    expect(result.evaluations).toBeLessThan(12_000 + 80);
    expect(result.evaluations).toBe(result.runs.reduce((s, r) => s + r.evaluations, 0));
  });
});
