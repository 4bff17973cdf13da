/**
 * Synchronous program-derived addresses for the simulator's hot paths: a migration books a few
 * hundred holder ATAs, and every swap checks the coin-creator vault. @solana/kit's async
 * derivation (WebCrypto SHA-256, a 250-squaring curve test) costs ~0.3 ms per address; here
 * SHA-256 is Bun's native hasher and the curve test is a Jacobi symbol — (y²−1)/(d·y²+1) is a
 * square mod p exactly when kit's decompression finds a root — so the results are identical
 * (devchain tests compare the two).
 */
import type { Address } from "@solana/kit";
import { addressToBytes, encodeBase58 } from "../chain/base58.ts";
import { ASSOCIATED_TOKEN_PROGRAM_ADDRESS, PUMPSWAP_PROGRAM_ADDRESS, TOKEN_PROGRAM_ADDRESS } from "../chain/constants.ts";

const P = 57896044618658097711785492504343953926634992332820282019728792003956564819949n;
const D = 37095705934669439343138083508754565189542113879843219016388785533085940283555n;
const PDA_MARKER = new TextEncoder().encode("ProgramDerivedAddress");
const CREATOR_VAULT_SEED = new TextEncoder().encode("creator_vault");

const TWO53 = 9007199254740992n;

/** Jacobi symbol (a/n), n odd: BigInt steps until both fit a double, then exact double steps. */
function jacobi(a: bigint, n: bigint): number {
  a %= n;
  let t = 1;
  while (a !== 0n) {
    if (n < TWO53) return jacobiSmall(Number(a), Number(n), t);
    let z = 0;
    while ((a & 0xffffn) === 0n) {
      a >>= 16n;
      z += 16;
    }
    while ((a & 1n) === 0n) {
      a >>= 1n;
      z++;
    }
    if (z & 1) {
      const r = n & 7n;
      if (r === 3n || r === 5n) t = -t;
    }
    [a, n] = [n, a];
    if ((a & 3n) === 3n && (n & 3n) === 3n) t = -t;
    a %= n;
  }
  return n === 1n ? t : 0;
}

function jacobiSmall(a: number, n: number, t: number): number {
  a %= n;
  while (a !== 0) {
    let z = 0;
    while (a % 2 === 0) {
      a /= 2;
      z++;
    }
    if (z & 1) {
      const r = n % 8;
      if (r === 3 || r === 5) t = -t;
    }
    [a, n] = [n, a];
    if (a % 4 === 3 && n % 4 === 3) t = -t;
    a %= n;
  }
  return n === 1 ? t : 0;
}

/** Whether 32 bytes decode as an ed25519 point, as @solana/kit decides it. */
export function isOnCurve(bytes: Uint8Array): boolean {
  if (bytes.length !== 32) return false;
  let y = 0n;
  for (let i = 31; i >= 0; i--) y = (y << 8n) | BigInt(i === 31 ? bytes[i] & 0x7f : bytes[i]);
  const y2 = (y * y) % P;
  const u = (y2 - 1n + P) % P;
  const v = (D * y2 + 1n) % P;
  if (u === 0n) return (bytes[31] & 0x80) === 0;
  return jacobi((u * v) % P, P) === 1;
}

const bump = new Uint8Array(1);

/** [address, bump] of the first off-curve candidate from bump 255 down. */
export function findPdaSync(program: Address, seeds: readonly Uint8Array[]): [Address, number] {
  const programBytes = cachedBytes(program);
  for (let b = 255; b >= 0; b--) {
    bump[0] = b;
    const h = new Bun.CryptoHasher("sha256");
    for (const s of seeds) h.update(s);
    h.update(bump);
    h.update(programBytes);
    h.update(PDA_MARKER);
    const out = h.digest() as Uint8Array;
    if (!isOnCurve(out)) return [encodeBase58(out) as Address, b];
  }
  throw new Error(`no off-curve program address under ${program}`);
}

const keyBytes = new Map<Address, Uint8Array>();
/** Bytes of a program or mint address (few of them, used over and over). */
function cachedBytes(a: Address): Uint8Array {
  let b = keyBytes.get(a);
  if (b === undefined) {
    if (keyBytes.size > 20_000) keyBytes.clear();
    keyBytes.set(a, (b = addressToBytes(a)));
  }
  return b;
}

export function ataSync(owner: Address, mint: Address, tokenProgram: Address = TOKEN_PROGRAM_ADDRESS): Address {
  return findPdaSync(ASSOCIATED_TOKEN_PROGRAM_ADDRESS, [addressToBytes(owner), cachedBytes(tokenProgram), cachedBytes(mint)])[0];
}

const vaultMemo = new Map<Address, Address>();

/** PumpSwap `["creator_vault", coin_creator]` (memoised: a handful of creators trade a lot). */
export function coinCreatorVaultAuthoritySync(coinCreator: Address): Address {
  let v = vaultMemo.get(coinCreator);
  if (v === undefined) {
    if (vaultMemo.size > 50_000) vaultMemo.clear();
    v = findPdaSync(PUMPSWAP_PROGRAM_ADDRESS, [CREATOR_VAULT_SEED, addressToBytes(coinCreator)])[0];
    vaultMemo.set(coinCreator, v);
  }
  return v;
}
