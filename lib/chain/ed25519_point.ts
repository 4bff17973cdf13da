/**
 * Is a 32-byte string a valid compressed ed25519 point? A PDA is the first SHA-256 candidate
 * (bump 255 down) that is not, so every derivation runs this ~2 times, on the buy path too.
 * @solana/kit decides it with a 250-squaring BigInt exponentiation (~0.2 ms); here it is the
 * Jacobi symbol of (y²−1)/(d·y²+1) mod p, computed by the binary algorithm over 26-bit limbs in
 * typed arrays (exact, no allocation per step): the setup (y² and the curve equation) is the only
 * BigInt work. Decision-identical to kit's (ed25519_point.test.ts: random and edge points).
 */
const P = 57896044618658097711785492504343953926634992332820282019728792003956564819949n;
const D = 37095705934669439343138083508754565189542113879843219016388785533085940283555n;
const MASK52 = (1n << 52n) - 1n;
const POW2 = Array.from({ length: 53 }, (_, i) => 2 ** i);

/** Trailing zero bits of a positive integer below 2^53 (`>>> 0` is the low 32 bits, no fmod). */
function ctz(x: number): number {
  const lo = x >>> 0;
  if (lo !== 0) return 31 - Math.clz32(lo & -lo);
  const hi = Math.floor(x / 4294967296) >>> 0;
  return 63 - Math.clz32(hi & -hi);
}

/** Jacobi symbol (a/n) for odd n > 0, both below 2^53, binary as below (doubles are exact there). */
function jacobiSmall(a: number, n: number, t: number): number {
  for (;;) {
    if (a === 0) return n === 1 ? t : 0;
    const z = ctz(a);
    if (z > 0) {
      a /= POW2[z];
      if (z & 1) {
        const r = (n >>> 0) & 7;
        if (r === 3 || r === 5) t = -t;
      }
    }
    if (a < n) {
      const tmp = a;
      a = n;
      n = tmp;
      if (((a >>> 0) & 3) === 3 && ((n >>> 0) & 3) === 3) t = -t;
    }
    a -= n;
  }
}

// Scratch limbs: ten 26-bit limbs each (int32 arithmetic only; the hot path allocates nothing).
const SA = new Int32Array(10);
const SB = new Int32Array(10);
const M26 = 0x3ffffff;
const P_LIMBS26 = new Int32Array(10);

/** 52-bit limbs of a value below 2^260 into ten 26-bit limbs. */
function splitLimbs(x: bigint, out: Int32Array): void {
  for (let i = 0; i < 5; i++) {
    const w = Number(x & MASK52);
    x >>= 52n;
    out[2 * i] = (w >>> 0) & M26;
    out[2 * i + 1] = Math.floor(w / 67108864);
  }
}
splitLimbs(P, P_LIMBS26);

/**
 * Jacobi symbol (a/b) of the limbs in a and b (b odd), by the binary algorithm: strip twos from
 * a (each odd count flips the sign when b ≡ 3, 5 mod 8), swap so a ≥ b (reciprocity: flip when
 * both ≡ 3 mod 4), subtract. Finishes in doubles once both fit in two limbs.
 */
function jacobiLimbs(a: Int32Array, la: number, b: Int32Array, lb: number): number {
  let t = 1;
  for (;;) {
    while (la > 0 && a[la - 1] === 0) la--;
    if (la === 0) return lb === 1 && b[0] === 1 ? t : 0;
    if (la <= 2 && lb <= 2) return jacobiSmall(a[0] + (la === 2 ? a[1] * 67108864 : 0), b[0] + (lb === 2 ? b[1] * 67108864 : 0), t);
    let z = 0;
    while (a[0] === 0) {
      for (let i = 0; i < la - 1; i++) a[i] = a[i + 1];
      a[--la] = 0;
      z += 26;
    }
    const a0 = a[0];
    const c = 31 - Math.clz32(a0 & -a0);
    if (c > 0) {
      const up = 26 - c;
      for (let i = 0; i < la - 1; i++) a[i] = (a[i] >>> c) | ((a[i + 1] << up) & M26);
      a[la - 1] >>>= c;
      if (a[la - 1] === 0) la--;
      z += c;
    }
    if (z & 1) {
      const r = b[0] & 7;
      if (r === 3 || r === 5) t = -t;
    }
    let less = la < lb;
    if (la === lb) {
      let i = la - 1;
      while (i > 0 && a[i] === b[i]) i--;
      less = a[i] < b[i];
    }
    if (less) {
      const tmp = a;
      a = b;
      b = tmp;
      const tl = la;
      la = lb;
      lb = tl;
      if ((a[0] & 3) === 3 && (b[0] & 3) === 3) t = -t;
    }
    let borrow = 0;
    for (let i = 0; i < la; i++) {
      if (i >= lb && borrow === 0) break;
      const d = a[i] - (i < lb ? b[i] : 0) - borrow;
      borrow = d >>> 31;
      a[i] = d & M26;
    }
  }
}

/**
 * Whether 32 bytes are a valid compressed ed25519 point, exactly as @solana/kit decides it
 * (y taken mod p, the sign bit only matters for x = 0): (y²−1)/(d·y²+1) must be a square.
 */
export function isOnCurve(bytes: Uint8Array): boolean {
  if (bytes.length !== 32) return false;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, 32);
  const y = dv.getBigUint64(0, true) | (dv.getBigUint64(8, true) << 64n) | (dv.getBigUint64(16, true) << 128n) | ((dv.getBigUint64(24, true) & 0x7fffffffffffffffn) << 192n);
  const y2 = (y * y) % P;
  const u = (y2 - 1n + P) % P;
  const v = (D * y2 + 1n) % P; // never 0: d is not a square
  if (u === 0n) return (bytes[31] & 0x80) === 0;
  splitLimbs((u * v) % P, SA);
  SB.set(P_LIMBS26);
  return jacobiLimbs(SA, 10, SB, 10) === 1;
}
