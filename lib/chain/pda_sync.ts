/**
 * Synchronous program-derived addresses, for the hot paths of the buy path and the chain simulator.
 *
 * @solana/kit's `getProgramDerivedAddress` is async (WebCrypto SHA-256) and checks each candidate
 * against the curve with a 250-squaring BigInt exponentiation: ~0.2 ms per PDA, and a new
 * migration needs four new ones (the user's base ATA, pool-v2, the coin creator's vault
 * authority and its ATA). Here SHA-256 is Bun's native hasher over one preimage and the curve
 * test is ./ed25519_point.ts's Jacobi symbol (~30x faster than the exponentiation, decision-
 * identical; pda.test.ts compares every PDA the trading path derives with kit's). Results are
 * memoised (bounded).
 */
import type { Address } from "@solana/kit";
import { addressToBytes, encodeBase58 } from "./base58.ts";
import { isOnCurve } from "./ed25519_point.ts";
import { ASSOCIATED_TOKEN_PROGRAM_ADDRESS, PUMP_FEE_PROGRAM_ADDRESS, PUMPFUN_PROGRAM_ADDRESS, PUMPSWAP_PROGRAM_ADDRESS, TOKEN_PROGRAM_ADDRESS } from "./constants.ts";

const PDA_MARKER = new TextEncoder().encode("ProgramDerivedAddress");

export { isOnCurve };

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

const DIGEST = new Uint8Array(32);

/** [address, bump] of the first off-curve candidate from bump 255 down, as Solana derives it. */
export function derivePda(program: Address, seeds: readonly Seed[], key: string): readonly [Address, number] {
  const hit = memo.get(key);
  if (hit !== undefined) return hit;
  // One preimage (seeds ‖ bump ‖ program ‖ marker); only the bump byte changes between candidates.
  let n = 0;
  for (const s of seeds) n += s.length;
  const pre = new Uint8Array(n + 1 + 32 + PDA_MARKER.length);
  let at = 0;
  for (const s of seeds) {
    pre.set(s, at);
    at += s.length;
  }
  const bumpAt = at;
  pre.set(bytesOf(program), at + 1);
  pre.set(PDA_MARKER, at + 33);
  for (let b = 255; b >= 0; b--) {
    pre[bumpAt] = b;
    Bun.SHA256.hash(pre, DIGEST);
    if (!isOnCurve(DIGEST)) {
      const res = [encodeBase58(DIGEST) as Address, b] as const;
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
