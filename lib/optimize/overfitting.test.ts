import { describe, expect, test } from "bun:test";
import { createRng } from "../util/rng";
import {
  deflatedSharpe,
  expectedMaxSharpe,
  normalCdf,
  normalInverseCdf,
  probabilisticSharpe,
  probabilityOfBacktestOverfitting,
  returnMoments,
  sampleKurtosis,
  sampleSkewness,
  sharpeRatio,
} from "./overfitting";

describe("normal distribution", () => {
  test("Φ matches reference values to ~1e-15 relative, including the far lower tail", () => {
    const reference: Array<[number, number]> = [
      [0, 0.5],
      [1, 0.8413447460685429],
      [1.96, 0.9750021048517795],
      [3, 0.9986501019683699],
      [-3, 0.0013498980316301],
      [-5, 2.866515718791939e-7],
      [-10, 7.619853024160527e-24],
    ];
    for (const [x, p] of reference) expect(Math.abs(normalCdf(x) / p - 1)).toBeLessThan(1e-13);
    expect(normalCdf(-Infinity)).toBe(0);
    expect(normalCdf(Infinity)).toBe(1);
    // The series/continued-fraction switch at |x| = 3 is seamless.
    expect(Math.abs(normalCdf(-3 + 1e-12) - normalCdf(-3 - 1e-12))).toBeLessThan(1e-14);
  });

  test("Φ(Φ⁻¹(p)) = p to 1e-12 relative from 1e-300 to 1 − 1e-15, and Φ⁻¹(Φ(x)) = x", () => {
    const ps = [1e-300, 1e-100, 1e-20, 1e-10, 1e-5, 1e-3, 0.02, 0.02425, 0.1, 0.3, 0.5, 0.7, 0.975, 0.999, 1 - 1e-10, 1 - 1e-15];
    for (const p of ps) {
      const back = normalCdf(normalInverseCdf(p));
      const relative = p <= 0.5 ? back / p - 1 : (1 - back) / (1 - p) - 1;
      expect(Math.abs(relative)).toBeLessThan(1e-12);
    }
    // Above x ≈ 3, Φ(x) itself rounds near 1 (spacing 1.1e-16/φ(x) in x), so test where it is well conditioned.
    for (let x = -30; x <= 2; x += 0.37) expect(Math.abs(normalInverseCdf(normalCdf(x)) - x)).toBeLessThan(1e-12 * Math.max(1, Math.abs(x)));
    expect(normalInverseCdf(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normalInverseCdf(0)).toBe(-Infinity);
    expect(normalInverseCdf(1)).toBe(Infinity);
    expect(normalInverseCdf(1.5)).toBeNaN();
  });
});

describe("moments and Sharpe", () => {
  test("skewness and raw kurtosis of a known sample", () => {
    const xs = [1, 2, 3, 4, 10];
    // mean 4, deviations −3 −2 −1 0 6: m2 = 50/5, m3 = 180/5, m4 = 1394/5 (population moments)
    expect(sampleSkewness(xs)).toBeCloseTo(36 / 10 ** 1.5, 12);
    expect(sampleKurtosis(xs)).toBeCloseTo(278.8 / 100, 12);
    expect(sharpeRatio(xs)).toBeCloseTo(4 / Math.sqrt(12.5), 12);
  });

  test("a large normal sample has skewness ≈ 0 and kurtosis ≈ 3", () => {
    const rng = createRng(21);
    const m = returnMoments(Float64Array.from({ length: 200_000 }, () => 0.001 + 0.01 * rng.normal()));
    expect(Math.abs(m.skewness)).toBeLessThan(0.03);
    expect(Math.abs(m.kurtosis - 3)).toBeLessThan(0.06);
    expect(m.mean / m.standardDeviation).toBeCloseTo(0.1, 1);
  });

  test("flat series: Sharpe 0; constant positive returns: +∞", () => {
    expect(sharpeRatio([0, 0, 0])).toBe(0);
    expect(sharpeRatio([0.01, 0.01, 0.01])).toBe(Infinity);
  });
});

describe("probabilistic and deflated Sharpe (worked example of optimizer_facts.md)", () => {
  test("ŜR 0.10, T 500, γ₃ −0.5, γ₄ 6 → PSR(0) ≈ 0.985", () => {
    expect(probabilisticSharpe(0.1, 0, 500, -0.5, 6)).toBeCloseTo(0.985, 3);
  });

  test("N 1000, σ(SR) 0.05 → SR₀ ≈ 0.163 and DSR ≈ 0.087", () => {
    const sr0 = expectedMaxSharpe(1000, 0.05 ** 2);
    expect(sr0).toBeCloseTo(0.163, 3);
    expect(deflatedSharpe(0.1, 500, -0.5, 6, 1000, 0.05 ** 2)).toBeCloseTo(0.087, 3);
    expect(deflatedSharpe(0.1, 500, -0.5, 6, 1000, 0.05 ** 2)).toBeCloseTo(probabilisticSharpe(0.1, sr0, 500, -0.5, 6), 15);
  });

  test("PSR's variance term uses skewness and (γ₄ − 1)/4 · ŜR²", () => {
    // ŜR 0.3, SR* 0.2, T 100, γ₃ −1, γ₄ 9: variance 1 + 0.3 + 2·0.09 = 1.48
    expect(probabilisticSharpe(0.3, 0.2, 100, -1, 9)).toBeCloseTo(normalCdf((0.1 * Math.sqrt(99)) / Math.sqrt(1.48)), 14);
    expect(normalCdf((0.1 * Math.sqrt(99)) / Math.sqrt(1.48))).toBeCloseTo(0.7933, 4);
  });

  test("PSR is ½ at SR* = ŜR, rises with T, and one trial deflates nothing", () => {
    expect(probabilisticSharpe(0.2, 0.2, 100, 0, 3)).toBeCloseTo(0.5, 15);
    expect(probabilisticSharpe(0.05, 0, 2000, 0, 3)).toBeGreaterThan(probabilisticSharpe(0.05, 0, 200, 0, 3));
    expect(expectedMaxSharpe(1, 0.01)).toBe(0);
  });
});

describe("probability of backtest overfitting (CSCV)", () => {
  function noiseMatrix(seed: number, rows: number, strategies: number, edgeOfFirst = 0): Float64Array[] {
    const rng = createRng(seed);
    return Array.from({ length: rows }, () => {
      const row = Float64Array.from({ length: strategies }, () => 0.01 * rng.normal());
      row[0] += 0.01 * edgeOfFirst;
      return row;
    });
  }

  test("hand-computed case: S = 2, two strategies that swap places → PBO 1", () => {
    const matrix = [
      [1, 0],
      [1, 0],
      [-1, 0.5],
      [-1, 0.5],
    ];
    const r = probabilityOfBacktestOverfitting(matrix, 2, "mean");
    expect(r.combinations).toBe(2);
    // Each winner ranks 1st of 2 out of sample: ω̄ = 1/3, λ = ln(1/2).
    for (const logit of r.logits) expect(logit).toBeCloseTo(Math.log(0.5), 14);
    expect(r.pbo).toBe(1);
    expect(r.probabilityOfOosLoss).toBe(0.5); // winners' OOS means: −1 and 0
    expect(r.oosVsIsSlope).toBeCloseTo(-2, 12); // points (1, −1) and (0.5, 0)
  });

  test("S = 16 enumerates C(16, 8) = 12,870 splits; PBO is the share of logits ≤ 0", () => {
    const r = probabilityOfBacktestOverfitting(noiseMatrix(1, 320, 20), 16);
    expect(r.combinations).toBe(12_870);
    expect(r.logits.length).toBe(12_870);
    expect(r.pbo).toBe(Array.from(r.logits).filter((l) => l <= 0).length / 12_870);
  });

  test("pure noise: PBO averages near ½ and winners lose out of sample about half the time", () => {
    const results = Array.from({ length: 10 }, (_, k) => probabilityOfBacktestOverfitting(noiseMatrix(100 + k, 480, 40), 16));
    const meanPbo = results.reduce((s, r) => s + r.pbo, 0) / results.length;
    const meanLoss = results.reduce((s, r) => s + r.probabilityOfOosLoss, 0) / results.length;
    expect(meanPbo).toBeGreaterThan(0.35);
    expect(meanPbo).toBeLessThan(0.65);
    expect(meanLoss).toBeGreaterThan(0.3);
    expect(meanLoss).toBeLessThan(0.7);
  });

  test("one truly dominant strategy: PBO ≈ 0 and no out-of-sample loss", () => {
    for (const seed of [7, 8, 9]) {
      const r = probabilityOfBacktestOverfitting(noiseMatrix(seed, 960, 40, 0.3), 16);
      expect(r.pbo).toBeLessThan(0.01);
      expect(r.probabilityOfOosLoss).toBeLessThan(0.01);
    }
  });

  test("rejects unusable input", () => {
    expect(() => probabilityOfBacktestOverfitting(noiseMatrix(1, 100, 5), 15)).toThrow();
    expect(() => probabilityOfBacktestOverfitting(noiseMatrix(1, 20, 5), 16)).toThrow();
    expect(() => probabilityOfBacktestOverfitting(noiseMatrix(1, 100, 1), 16)).toThrow();
  });
});
