import { describe, expect, test } from "bun:test";
import { getAddressDecoder, isOffCurveAddress, type Address } from "@solana/kit";
import { createRng } from "../util/rng.ts";
import { isOnCurve } from "./ed25519_point.ts";

const rng = createRng(77);
const randomBytes = (n: number) => Uint8Array.from({ length: n }, () => rng.int(256));

/** y as 32 little-endian bytes (sign bit from `sign`). */
function yBytes(y: bigint, sign = false): Uint8Array {
  const b = new Uint8Array(32);
  for (let i = 0; i < 32; i++) b[i] = Number((y >> BigInt(8 * i)) & 0xffn);
  if (sign) b[31] |= 0x80;
  return b;
}
const P = (1n << 255n) - 19n;

describe("ed25519 point test", () => {
  test("decides as @solana/kit on random points", () => {
    const dec = getAddressDecoder();
    for (let i = 0; i < 4_000; i++) {
      const b = randomBytes(32);
      expect(isOnCurve(b)).toBe(!isOffCurveAddress(dec.decode(b)));
    }
  });

  test("edge values of y: 0, ±1, p−1, p, p+1, 2^255−1, small and near-p values, both sign bits", () => {
    const dec = getAddressDecoder();
    const ys = [0n, 1n, 2n, 3n, P - 1n, P, P + 1n, P + 18n, (1n << 255n) - 1n, 1n << 254n, (1n << 52n) - 1n, 1n << 52n, (1n << 104n) + 1n];
    for (let k = 1n; k < 300n; k++) ys.push(P - 2n * k, k * k, (1n << 200n) + k);
    for (const y of ys) for (const sign of [false, true]) {
      const b = yBytes(y, sign);
      expect(isOnCurve(b)).toBe(!isOffCurveAddress(dec.decode(b)));
    }
  });
});
