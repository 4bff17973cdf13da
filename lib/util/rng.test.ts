import { expect, test } from "bun:test";
import { createRng } from "./rng";

test("same seed gives the same stream, different seeds differ", () => {
  const a = createRng(42), b = createRng(42), c = createRng(43);
  const xs = Array.from({ length: 5 }, () => a.next());
  expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
  expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
});

test("uniform and normal moments are right", () => {
  const r = createRng(7);
  let s = 0, s2 = 0, n = 200_000, ns = 0, ns2 = 0;
  for (let i = 0; i < n; i++) {
    const u = r.next();
    expect(u >= 0 && u < 1).toBe(true);
    s += u; s2 += u * u;
    const z = r.normal();
    ns += z; ns2 += z * z;
  }
  expect(s / n).toBeCloseTo(0.5, 2);
  expect(s2 / n - (s / n) ** 2).toBeCloseTo(1 / 12, 2);
  expect(ns / n).toBeCloseTo(0, 1);
  expect(ns2 / n).toBeCloseTo(1, 1);
});

test("fork streams are stable and independent of call order", () => {
  const r1 = createRng(1), r2 = createRng(1);
  r2.next();
  expect(r1.fork("mint-3").next()).toBe(r2.fork("mint-3").next());
  expect(r1.fork("a").next()).not.toBe(r1.fork("b").next());
});
