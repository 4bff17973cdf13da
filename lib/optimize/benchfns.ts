/**
 * Standard test functions for validating the optimizer, defined as in pycma's `cma.ff`
 * (fitness_functions.py) so evaluation counts compare with pycma's. All are minimised, with
 * minimum 0 (sphere, ellipsoid, Rastrigin at the origin, Rosenbrock at (1, …, 1)).
 */
export type Objective = (x: ArrayLike<number>) => number;

/** Σ xᵢ². */
export function sphere(x: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i] * x[i];
  return sum;
}

/** Σ 10^(6·i/(n−1)) xᵢ²: axis-parallel ellipsoid with condition number 1e6 (pycma `elli`). */
export function ellipsoid(x: ArrayLike<number>): number {
  const n = x.length;
  if (n === 1) return 1e6 * x[0] * x[0];
  let sum = 0;
  for (let i = 0; i < n; i++) sum += 10 ** ((6 * i) / (n - 1)) * x[i] * x[i];
  return sum;
}

/** Σ 100(xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)²; a local optimum near x₀ = −1 traps a few runs (pycma `rosen`). */
export function rosenbrock(x: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < x.length - 1; i++) {
    const valley = x[i + 1] - x[i] * x[i];
    const offset = 1 - x[i];
    sum += 100 * valley * valley + offset * offset;
  }
  return sum;
}

/** 10n + Σ (xᵢ² − 10 cos 2πxᵢ): ~10ⁿ local optima on a global parabola (pycma `rastrigin`). */
export function rastrigin(x: ArrayLike<number>): number {
  let sum = 10 * x.length;
  for (let i = 0; i < x.length; i++) sum += x[i] * x[i] - 10 * Math.cos(2 * Math.PI * x[i]);
  return sum;
}

export const benchmarkFunctions: Readonly<Record<"sphere" | "ellipsoid" | "rosenbrock" | "rastrigin", Objective>> = {
  sphere,
  ellipsoid,
  rosenbrock,
  rastrigin,
};
