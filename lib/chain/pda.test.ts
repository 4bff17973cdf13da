import { describe, expect, test } from "bun:test";
import type { Address } from "@solana/kit";
import * as pumpSdk from "@pump-fun/pump-sdk";
import * as swapSdk from "@pump-fun/pump-swap-sdk";
import { getAssociatedTokenAddressSync } from "@solana/spl-token";
import { Keypair, PublicKey } from "@solana/web3.js";
import {
  PUMPFUN_EVENT_AUTHORITY_ADDRESS,
  PUMPFUN_GLOBAL_ADDRESS,
  PUMPFUN_PROGRAM_ADDRESS,
  PUMPSWAP_EVENT_AUTHORITY_ADDRESS,
  PUMPSWAP_FEE_CONFIG_ADDRESS,
  PUMPSWAP_GLOBAL_CONFIG_ADDRESS,
  PUMPSWAP_GLOBAL_VOLUME_ACCUMULATOR_ADDRESS,
  PUMPSWAP_PROGRAM_ADDRESS,
  TOKEN_2022_PROGRAM_ADDRESS,
  TOKEN_PROGRAM_ADDRESS,
  WSOL_MINT_ADDRESS,
  DEFAULT_ADDRESS,
} from "./constants.ts";
import {
  associatedTokenAddress,
  findBondingCurvePda,
  findBoostVaultAuthorityPda,
  findCanonicalPoolPda,
  findCoinCreatorVaultAuthorityPda,
  findEventAuthorityPda,
  findGlobalVolumeAccumulatorPda,
  findLpMintPda,
  findPoolAuthorityPda,
  findPoolPda,
  findPoolV2Pda,
  findPumpFunGlobalPda,
  findPumpSwapFeeConfigPda,
  findPumpSwapGlobalConfigPda,
  findUserVolumeAccumulatorPda,
} from "./pda.ts";
import { GOLDEN } from "./test-samples.ts";

const pk = (a: Address) => new PublicKey(a);
const addr = (p: PublicKey) => p.toBase58() as Address;

describe("golden vector from solana_facts.md", () => {
  test("mint 7LSs…pump → pool authority, pool (bump 254), vaults, lp mint, pool-v2", async () => {
    const [poolAuthority] = await findPoolAuthorityPda(GOLDEN.mint);
    expect(poolAuthority).toBe(GOLDEN.poolAuthority);
    const [pool, bump] = await findPoolPda({ index: 0, creator: poolAuthority, baseMint: GOLDEN.mint, quoteMint: WSOL_MINT_ADDRESS });
    expect(pool).toBe(GOLDEN.pool);
    expect(Number(bump)).toBe(GOLDEN.poolBump);
    expect((await findCanonicalPoolPda(GOLDEN.mint))[0]).toBe(GOLDEN.pool);
    // A SOL bonding curve stores the zero key as quote mint; its pool is the WSOL pool.
    expect((await findCanonicalPoolPda(GOLDEN.mint, DEFAULT_ADDRESS))[0]).toBe(GOLDEN.pool);
    expect(await associatedTokenAddress(pool, GOLDEN.mint, TOKEN_PROGRAM_ADDRESS)).toBe(GOLDEN.poolBaseTokenAccount);
    expect(await associatedTokenAddress(pool, WSOL_MINT_ADDRESS, TOKEN_PROGRAM_ADDRESS)).toBe(GOLDEN.poolQuoteTokenAccount);
    expect((await findLpMintPda(pool))[0]).toBe(GOLDEN.lpMint);
    expect((await findPoolV2Pda(GOLDEN.mint))[0]).toBe(GOLDEN.poolV2);
  });

  test("the hard-coded well-known PDAs are what their seeds derive", async () => {
    expect((await findPumpSwapGlobalConfigPda())[0]).toBe(PUMPSWAP_GLOBAL_CONFIG_ADDRESS);
    expect((await findEventAuthorityPda(PUMPSWAP_PROGRAM_ADDRESS))[0]).toBe(PUMPSWAP_EVENT_AUTHORITY_ADDRESS);
    expect((await findEventAuthorityPda(PUMPFUN_PROGRAM_ADDRESS))[0]).toBe(PUMPFUN_EVENT_AUTHORITY_ADDRESS);
    expect((await findGlobalVolumeAccumulatorPda())[0]).toBe(PUMPSWAP_GLOBAL_VOLUME_ACCUMULATOR_ADDRESS);
    expect((await findPumpSwapFeeConfigPda())[0]).toBe(PUMPSWAP_FEE_CONFIG_ADDRESS);
    expect((await findPumpFunGlobalPda())[0]).toBe(PUMPFUN_GLOBAL_ADDRESS);
  });
});

describe("agrees with the official SDKs' PDA functions", () => {
  const mints = Array.from({ length: 4 }, () => Keypair.generate().publicKey);
  const users = Array.from({ length: 4 }, () => Keypair.generate().publicKey);

  test("constants", () => {
    expect(addr(swapSdk.GLOBAL_CONFIG_PDA)).toBe(PUMPSWAP_GLOBAL_CONFIG_ADDRESS);
    expect(addr(swapSdk.PUMP_AMM_EVENT_AUTHORITY_PDA)).toBe(PUMPSWAP_EVENT_AUTHORITY_ADDRESS);
    expect(addr(swapSdk.GLOBAL_VOLUME_ACCUMULATOR_PDA)).toBe(PUMPSWAP_GLOBAL_VOLUME_ACCUMULATOR_ADDRESS);
    expect(addr(swapSdk.PUMP_AMM_FEE_CONFIG_PDA)).toBe(PUMPSWAP_FEE_CONFIG_ADDRESS);
    expect(addr(pumpSdk.GLOBAL_PDA)).toBe(PUMPFUN_GLOBAL_ADDRESS);
    expect(addr(pumpSdk.PUMP_EVENT_AUTHORITY_PDA)).toBe(PUMPFUN_EVENT_AUTHORITY_ADDRESS);
  });

  test("per-mint and per-user PDAs", async () => {
    for (const [i, mint] of mints.entries()) {
      const m = addr(mint);
      const user = users[i];
      const [poolAuthority] = await findPoolAuthorityPda(m);
      expect(poolAuthority).toBe(addr(swapSdk.pumpPoolAuthorityPda(mint)));
      expect((await findBondingCurvePda(m))[0]).toBe(addr(pumpSdk.bondingCurvePda(mint)));
      const [pool] = await findCanonicalPoolPda(m);
      expect(pool).toBe(addr(swapSdk.canonicalPumpPoolPda(mint)));
      expect((await findPoolPda({ index: 7, creator: addr(user), baseMint: m, quoteMint: WSOL_MINT_ADDRESS }))[0]).toBe(
        addr(swapSdk.poolPda(7, user, mint, pk(WSOL_MINT_ADDRESS))),
      );
      expect((await findLpMintPda(pool))[0]).toBe(addr(swapSdk.lpMintPda(pk(pool))));
      expect((await findPoolV2Pda(m))[0]).toBe(addr(swapSdk.poolV2Pda(mint)));
      expect((await findCoinCreatorVaultAuthorityPda(addr(user)))[0]).toBe(addr(swapSdk.coinCreatorVaultAuthorityPda(user)));
      expect((await findUserVolumeAccumulatorPda(addr(user)))[0]).toBe(addr(swapSdk.userVolumeAccumulatorPda(user)));
      expect((await findBoostVaultAuthorityPda(pool))[0]).toBe(addr(swapSdk.boostVaultAuthorityPda(pk(pool))));
    }
  });

  test("ATAs under SPL Token and Token-2022, for on- and off-curve owners", async () => {
    for (const [i, mint] of mints.entries()) {
      const owners = [users[i], swapSdk.canonicalPumpPoolPda(mint)];
      for (const owner of owners) {
        for (const program of [TOKEN_PROGRAM_ADDRESS, TOKEN_2022_PROGRAM_ADDRESS]) {
          expect(await associatedTokenAddress(addr(owner), addr(mint), program)).toBe(addr(getAssociatedTokenAddressSync(mint, owner, true, pk(program))));
        }
      }
      expect(await associatedTokenAddress(addr(users[i]), addr(mint), TOKEN_2022_PROGRAM_ADDRESS)).not.toBe(
        await associatedTokenAddress(addr(users[i]), addr(mint), TOKEN_PROGRAM_ADDRESS),
      );
    }
  });

  test("rejects a pool index outside u16", async () => {
    expect(() => findPoolPda({ index: 65_536, creator: GOLDEN.poolAuthority, baseMint: GOLDEN.mint, quoteMint: WSOL_MINT_ADDRESS })).toThrow(/not a u16/);
  });
});
