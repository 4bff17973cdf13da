// Program-derived addresses of PumpSwap, Pump.fun and the associated-token program.
// Derivation hashes and checks the curve for each bump tried, so results are memoised: a trading
// session derives the same user and pool accounts over and over.

import { getAddressEncoder, getProgramDerivedAddress, type Address, type ProgramDerivedAddress } from "@solana/kit";
import {
  ASSOCIATED_TOKEN_PROGRAM_ADDRESS,
  CANONICAL_POOL_INDEX,
  PUMP_FEE_PROGRAM_ADDRESS,
  PUMPFUN_PROGRAM_ADDRESS,
  PUMPSWAP_PROGRAM_ADDRESS,
  TOKEN_PROGRAM_ADDRESS,
  WSOL_MINT_ADDRESS,
  DEFAULT_ADDRESS,
} from "./constants.ts";

const addressEncoder = getAddressEncoder();
const utf8 = new TextEncoder();

const MEMO_LIMIT = 8192;
const memo = new Map<string, Promise<ProgramDerivedAddress>>();

type Seed = string | Address | Uint8Array;
/** Seeds given as `{ text }` are UTF-8 constants; plain strings are addresses. */
type SeedInput = { text: string } | Seed;

function seedBytes(seed: SeedInput): Uint8Array {
  if (typeof seed === "object" && "text" in seed) return utf8.encode(seed.text);
  if (typeof seed === "string") return addressEncoder.encode(seed as Address) as Uint8Array;
  return seed;
}

function seedKey(seed: SeedInput): string {
  if (typeof seed === "object" && "text" in seed) return `t:${seed.text}`;
  if (typeof seed === "string") return `a:${seed}`;
  return `b:${Array.from(seed).join(",")}`;
}

function derive(programAddress: Address, seeds: readonly SeedInput[]): Promise<ProgramDerivedAddress> {
  const key = `${programAddress}|${seeds.map(seedKey).join("|")}`;
  const hit = memo.get(key);
  if (hit) return hit;
  if (memo.size >= MEMO_LIMIT) memo.clear();
  const pending = getProgramDerivedAddress({ programAddress, seeds: seeds.map(seedBytes) });
  memo.set(key, pending);
  pending.catch(() => memo.delete(key));
  return pending;
}

function u16le(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) throw new RangeError(`pool index ${value} is not a u16`);
  return new Uint8Array([value & 0xff, value >> 8]);
}

// ---- PumpSwap ----

/** PumpSwap pool: ["pool", index u16 LE, creator, base_mint, quote_mint]. */
export function findPoolPda(input: { index: number; creator: Address; baseMint: Address; quoteMint: Address }): Promise<ProgramDerivedAddress> {
  return derive(PUMPSWAP_PROGRAM_ADDRESS, [{ text: "pool" }, u16le(input.index), input.creator, input.baseMint, input.quoteMint]);
}

/**
 * The pool a Pump.fun coin migrates into: index 0, created by its pool-authority PDA. A bonding
 * curve stores the zero key as quote mint for SOL coins; that pool is quoted in WSOL.
 */
export async function findCanonicalPoolPda(mint: Address, quoteMint: Address = WSOL_MINT_ADDRESS): Promise<ProgramDerivedAddress> {
  const [poolAuthority] = await findPoolAuthorityPda(mint);
  return findPoolPda({
    index: CANONICAL_POOL_INDEX,
    creator: poolAuthority,
    baseMint: mint,
    quoteMint: quoteMint === DEFAULT_ADDRESS ? WSOL_MINT_ADDRESS : quoteMint,
  });
}

/** LP mint of a pool: ["pool_lp_mint", pool]. */
export function findLpMintPda(pool: Address): Promise<ProgramDerivedAddress> {
  return derive(PUMPSWAP_PROGRAM_ADDRESS, [{ text: "pool_lp_mint" }, pool]);
}

/** ["pool-v2", base_mint]; a required remaining account of buy/sell when the pool has a coin creator. */
export function findPoolV2Pda(baseMint: Address): Promise<ProgramDerivedAddress> {
  return derive(PUMPSWAP_PROGRAM_ADDRESS, [{ text: "pool-v2" }, baseMint]);
}

/** Authority of the coin creator's fee vault: ["creator_vault", coin_creator]. */
export function findCoinCreatorVaultAuthorityPda(coinCreator: Address): Promise<ProgramDerivedAddress> {
  return derive(PUMPSWAP_PROGRAM_ADDRESS, [{ text: "creator_vault" }, coinCreator]);
}

export function findGlobalVolumeAccumulatorPda(): Promise<ProgramDerivedAddress> {
  return derive(PUMPSWAP_PROGRAM_ADDRESS, [{ text: "global_volume_accumulator" }]);
}

/** ["user_volume_accumulator", user]. */
export function findUserVolumeAccumulatorPda(user: Address): Promise<ProgramDerivedAddress> {
  return derive(PUMPSWAP_PROGRAM_ADDRESS, [{ text: "user_volume_accumulator" }, user]);
}

/** PumpSwap fee tiers: ["fee_config", PumpSwap program id] under the pump fee program. */
export function findPumpSwapFeeConfigPda(): Promise<ProgramDerivedAddress> {
  return derive(PUMP_FEE_PROGRAM_ADDRESS, [{ text: "fee_config" }, PUMPSWAP_PROGRAM_ADDRESS]);
}

export function findPumpSwapGlobalConfigPda(): Promise<ProgramDerivedAddress> {
  return derive(PUMPSWAP_PROGRAM_ADDRESS, [{ text: "global_config" }]);
}

/** Anchor's event authority of any program: ["__event_authority"]. */
export function findEventAuthorityPda(programAddress: Address): Promise<ProgramDerivedAddress> {
  return derive(programAddress, [{ text: "__event_authority" }]);
}

/** ["boost_vault", pool]; a remaining account of Pump.fun migrate. */
export function findBoostVaultAuthorityPda(pool: Address): Promise<ProgramDerivedAddress> {
  return derive(PUMPSWAP_PROGRAM_ADDRESS, [{ text: "boost_vault" }, pool]);
}

// ---- Pump.fun ----

export function findPumpFunGlobalPda(): Promise<ProgramDerivedAddress> {
  return derive(PUMPFUN_PROGRAM_ADDRESS, [{ text: "global" }]);
}

/** ["bonding-curve", mint]. */
export function findBondingCurvePda(mint: Address): Promise<ProgramDerivedAddress> {
  return derive(PUMPFUN_PROGRAM_ADDRESS, [{ text: "bonding-curve" }, mint]);
}

/** ["pool-authority", mint]: the creator of the coin's canonical PumpSwap pool. */
export function findPoolAuthorityPda(mint: Address): Promise<ProgramDerivedAddress> {
  return derive(PUMPFUN_PROGRAM_ADDRESS, [{ text: "pool-authority" }, mint]);
}

// ---- Associated token accounts ----

/** ATA: [owner, token_program, mint] under the ATA program; works for SPL Token and Token-2022. */
export function findAssociatedTokenPda(input: {
  owner: Address;
  mint: Address;
  tokenProgram?: Address;
}): Promise<ProgramDerivedAddress> {
  return derive(ASSOCIATED_TOKEN_PROGRAM_ADDRESS, [input.owner, input.tokenProgram ?? TOKEN_PROGRAM_ADDRESS, input.mint]);
}

/** Address-only shorthand for {@link findAssociatedTokenPda}. */
export async function associatedTokenAddress(owner: Address, mint: Address, tokenProgram: Address = TOKEN_PROGRAM_ADDRESS): Promise<Address> {
  const [ata] = await findAssociatedTokenPda({ owner, mint, tokenProgram });
  return ata;
}
