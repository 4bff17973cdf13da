/**
 * Synchronous program-derived addresses, for the hot paths of the buy path and the chain simulator.
 *
 * @solana/kit's `getProgramDerivedAddress` is async (WebCrypto SHA-256) and checks each candidate
 * against the curve with a 250-squaring BigInt exponentiation: ~0.2 ms per PDA, and a new
 * migration needs four new ones (the user's base ATA, pool-v2, the coin creator's vault
 * authority and its ATA). Here SHA-256 is Bun's native hasher and the curve test is a Jacobi
 * symbol (is (y²−1)/(d·y²+1) a square mod p?), ~4x faster than the exponentiation and
 * decision-identical to kit's noble-derived check (pda.test.ts compares the two on random
 * points and on every PDA the trading path derives). Results are memoised (bounded).
 */
import type { Address } from "@solana/kit";
import { addressToBytes, encodeBase58 } from "./base58.ts";
import {
  ASSOCIATED_TOKEN_PROGRAM_ADDRESS,
  PUMPSWAP_PROGRAM_ADDRESS,
  TOKEN_PROGRAM_ADDRESS,
} from "./constants.ts";

const P = 57896044618658097711785492504343953926634992332820282019728792003956564819949n;
const D = 37095705934669439343138083508754565189542113879843219016388785533085940283555n;
const PDA_MARKER = new TextEncoder().encode("ProgramDerivedAddress");

const TWO53 = 9007199254740992n;

/** Jacobi symbol (a/n) for odd n > 0 below 2^53, in doubles (exact for integers of that size). */
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
    const tmp = a;
    a = n;
    n = tmp;
    if (a % 4 === 3 && n % 4 === 3) t = -t;
    a %= n;
  }
  return n === 1 ? t : 0;
}

/** Jacobi symbol (a/n) for odd n > 0 (BigInt until both fit in a double, then doubles). */
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
    const tmp = a;
    a = n;
    n = tmp;
    if ((a & 3n) === 3n && (n & 3n) === 3n) t = -t;
    a %= n;
  }
  return n === 1n ? t : 0;
}

/**
 * Whether 32 bytes are a valid compressed ed25519 point, exactly as @solana/kit decides it
 * (y taken mod p, the sign bit only matters for x = 0).
 */
export function isOnCurve(bytes: Uint8Array): boolean {
  if (bytes.length !== 32) return false;
  let y = 0n;
  for (let i = 31; i >= 0; i--) y = (y << 8n) | BigInt(i === 31 ? bytes[i] & 0x7f : bytes[i]);
  const y2 = (y * y) % P;
  const u = (y2 - 1n + P) % P;
  const v = (D * y2 + 1n) % P; // never 0: d is not a square
  if (u === 0n) return (bytes[31] & 0x80) === 0;
  return jacobi((u * v) % P, P) === 1;
}

type Seed = Uint8Array;

const MEMO_LIMIT = 16_384;
const memo = new Map<string, readonly [Address, number]>();
const bytesCache = new Map<string, Uint8Array>();

function bytesOf(a: Address): Uint8Array {
  let b = bytesCache.get(a);
  if (b === undefined) {
    if (bytesCache.size >= MEMO_LIMIT) bytesCache.clear();
    b = addressToBytes(a);
    bytesCache.set(a, b);
  }
  return b;
}

/** [address, bump] of the first off-curve candidate from bump 255 down, as Solana derives it. */
export function derivePda(program: Address, seeds: readonly Seed[], key: string): readonly [Address, number] {
  const hit = memo.get(key);
  if (hit !== undefined) return hit;
  const programBytes = bytesOf(program);
  const bump = new Uint8Array(1);
  for (let b = 255; b >= 0; b--) {
    bump[0] = b;
    const h = new Bun.CryptoHasher("sha256");
    for (const s of seeds) h.update(s);
    h.update(bump);
    h.update(programBytes);
    h.update(PDA_MARKER);
    const out = h.digest() as Uint8Array;
    if (!isOnCurve(out)) {
      const res = [encodeBase58(out) as Address, b] as const;
      if (memo.size >= MEMO_LIMIT) memo.clear();
      memo.set(key, res);
      return res;
    }
  }
  throw new Error(`no off-curve program address for ${key}`);
}

const text = (s: string) => new TextEncoder().encode(s);
const SEED_POOL_V2 = text("pool-v2");
const SEED_CREATOR_VAULT = text("creator_vault");
const SEED_USER_VOLUME = text("user_volume_accumulator");

/** ATA of (owner, mint) under `tokenProgram` (SPL Token or Token-2022). */
export function ataSync(owner: Address, mint: Address, tokenProgram: Address = TOKEN_PROGRAM_ADDRESS): Address {
  return derivePda(ASSOCIATED_TOKEN_PROGRAM_ADDRESS, [bytesOf(owner), bytesOf(tokenProgram), bytesOf(mint)], `ata|${owner}|${tokenProgram}|${mint}`)[0];
}

/** ["pool-v2", base_mint] under PumpSwap. */
export function poolV2Sync(baseMint: Address): Address {
  return derivePda(PUMPSWAP_PROGRAM_ADDRESS, [SEED_POOL_V2, bytesOf(baseMint)], `pv2|${baseMint}`)[0];
}

/** ["creator_vault", coin_creator] under PumpSwap. */
export function coinCreatorVaultAuthoritySync(coinCreator: Address): Address {
  return derivePda(PUMPSWAP_PROGRAM_ADDRESS, [SEED_CREATOR_VAULT, bytesOf(coinCreator)], `cva|${coinCreator}`)[0];
}

/** ["user_volume_accumulator", user] under PumpSwap. */
export function userVolumeAccumulatorSync(user: Address): Address {
  return derivePda(PUMPSWAP_PROGRAM_ADDRESS, [SEED_USER_VOLUME, bytesOf(user)], `uva|${user}`)[0];
}

// ---- Pump.fun bonding curve (buy / sell accounts) ----
// Imported here, not at the top, so this section stays self-contained.
import { PUMP_FEE_PROGRAM_ADDRESS, PUMPFUN_PROGRAM_ADDRESS } from "./constants.ts";

const SEED_BONDING_CURVE = text("bonding-curve");
const SEED_BONDING_CURVE_V2 = text("bonding-curve-v2");
const SEED_PUMP_CREATOR_VAULT = text("creator-vault");
const SEED_GLOBAL_VOLUME = text("global_volume_accumulator");
const SEED_FEE_CONFIG = text("fee_config");

/** ["bonding-curve", mint] under Pump.fun. */
export function bondingCurveSync(mint: Address): Address {
  return derivePda(PUMPFUN_PROGRAM_ADDRESS, [SEED_BONDING_CURVE, bytesOf(mint)], `bc|${mint}`)[0];
}

/** ["bonding-curve-v2", mint] under Pump.fun (a remaining account of every curve trade). */
export function bondingCurveV2Sync(mint: Address): Address {
  return derivePda(PUMPFUN_PROGRAM_ADDRESS, [SEED_BONDING_CURVE_V2, bytesOf(mint)], `bc2|${mint}`)[0];
}

/** ["creator-vault", BondingCurve.creator] under Pump.fun (not PumpSwap's "creator_vault"). */
export function creatorVaultSync(creator: Address): Address {
  return derivePda(PUMPFUN_PROGRAM_ADDRESS, [SEED_PUMP_CREATOR_VAULT, bytesOf(creator)], `pcv|${creator}`)[0];
}

/** ["global_volume_accumulator"] under Pump.fun. */
export function pumpFunGlobalVolumeAccumulatorSync(): Address {
  return derivePda(PUMPFUN_PROGRAM_ADDRESS, [SEED_GLOBAL_VOLUME], "pgva")[0];
}

/** ["user_volume_accumulator", user] under Pump.fun. */
export function pumpFunUserVolumeAccumulatorSync(user: Address): Address {
  return derivePda(PUMPFUN_PROGRAM_ADDRESS, [SEED_USER_VOLUME, bytesOf(user)], `puva|${user}`)[0];
}

/** Pump.fun's FeeConfig: ["fee_config", Pump.fun program id] under the pump fee program. */
export function pumpFunFeeConfigSync(): Address {
  return derivePda(PUMP_FEE_PROGRAM_ADDRESS, [SEED_FEE_CONFIG, bytesOf(PUMPFUN_PROGRAM_ADDRESS)], "pfc")[0];
}
