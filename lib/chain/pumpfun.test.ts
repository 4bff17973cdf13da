import { describe, expect, test } from "bun:test";
import type { Address } from "@solana/kit";
import * as pumpSdk from "@pump-fun/pump-sdk";
import { Keypair, PublicKey, type Connection } from "@solana/web3.js";
import type { BorshInstructionCoder } from "@coral-xyz/anchor";
import { toHex } from "./borsh.ts";
import { PUMPFUN_PROGRAM_ADDRESS, PUMPFUN_WITHDRAW_AUTHORITY_ADDRESS, TOKEN_2022_PROGRAM_ADDRESS, TOKEN_PROGRAM_ADDRESS } from "./constants.ts";
import {
  PUMPFUN_MIGRATE_ACCOUNT_NAMES,
  buildMigrateInstruction,
  decodeBondingCurve,
  decodePumpFunGlobal,
  decodePumpFunInstructionData,
  encodeBondingCurve,
  encodePumpFunGlobal,
  encodePumpFunInstructionData,
  parseMigrateInstruction,
  pumpFunCodecs,
  pumpFunRawCodecs,
} from "./pumpfun.ts";
import { normalize } from "./test-normalize.ts";
import { GOLDEN, sampleBondingCurve, sampleCompleteEvent, sampleCreateEvent, sampleCreateV2Args, sampleMigrationEvent, samplePumpFunGlobal, sampleTradeEvent } from "./test-samples.ts";

const anchorCoder = pumpSdk.getPumpProgram(null as unknown as Connection).coder;

describe("Pump.fun accounts", () => {
  test("BondingCurve: 125 bytes, offsets per solana_facts.md, matches Anchor", () => {
    const bytes = encodeBondingCurve(sampleBondingCurve);
    expect(bytes.length).toBe(125);
    const view = new DataView(bytes.buffer);
    expect(view.getBigUint64(8, true)).toBe(1_073_000_000_000_000n);
    expect(view.getBigUint64(16, true)).toBe(30_000_000_000n);
    expect(view.getBigUint64(24, true)).toBe(793_100_000_000_000n);
    expect(view.getBigUint64(40, true)).toBe(1_000_000_000_000_000n);
    expect(bytes[48]).toBe(0);
    expect(bytes[82]).toBe(1); // is_cashback_coin
    expect(decodeBondingCurve(bytes)).toEqual(sampleBondingCurve);
    expect(normalize(anchorCoder.accounts.decode("bondingCurve", Buffer.from(bytes)))).toEqual(normalize(sampleBondingCurve));
  });

  test.each([49, 81, 83, 115, 124])("a %i-byte (older) bonding curve decodes", (length) => {
    const bytes = encodeBondingCurve({ ...sampleBondingCurve, complete: true });
    const curve = decodeBondingCurve(bytes.slice(0, length));
    expect(curve.complete).toBe(true);
    expect(curve.realTokenReserves).toBe(sampleBondingCurve.realTokenReserves);
    expect(curve.isHolderReward).toBe(false);
    const raw = pumpFunRawCodecs.account("BondingCurve").decode(bytes.slice(0, length)) as Record<string, unknown>;
    expect("is_holder_reward" in raw).toBe(false);
  });

  test.each([
    [45, "token_total_supply"],
    [60, "creator"],
    [100, "quote_mint"],
    [120, "creator_fee_bps"],
  ])("a bonding curve cut at %i bytes fails naming BondingCurve.%s", (length, field) => {
    const bytes = encodeBondingCurve(sampleBondingCurve);
    expect(() => decodeBondingCurve(bytes.slice(0, length as number))).toThrow(new RegExp(`^BondingCurve\\.${field}: needs \\d+ bytes at offset \\d+ but the data ends at ${length}$`));
  });

  test("Global: 1087 bytes, matches Anchor; older 1045/1054-byte accounts decode", () => {
    const bytes = encodePumpFunGlobal(samplePumpFunGlobal);
    expect(bytes.length).toBe(1087);
    expect(decodePumpFunGlobal(bytes)).toEqual(samplePumpFunGlobal);
    expect(normalize(anchorCoder.accounts.decode("global", Buffer.from(bytes)))).toEqual(normalize(samplePumpFunGlobal));
    const v1054 = decodePumpFunGlobal(bytes.slice(0, 1054));
    expect(v1054.maxConfigurableCreatorFeeBps).toBe(100);
    expect(v1054.isHolderRewardEnabled).toBe(false);
    expect(decodePumpFunGlobal(bytes.slice(0, 1045)).creatorFeeConfigurable).toBe(false);
    expect(decodePumpFunGlobal(bytes).poolMigrationFee).toBe(15_000_001);
  });
});

describe("Pump.fun events", () => {
  const cases = [
    ["CompleteEvent", pumpFunCodecs.completeEvent, sampleCompleteEvent],
    ["CompletePumpAmmMigrationEvent", pumpFunCodecs.completePumpAmmMigrationEvent, sampleMigrationEvent],
    ["TradeEvent", pumpFunCodecs.tradeEvent, sampleTradeEvent],
    ["CreateEvent", pumpFunCodecs.createEvent, sampleCreateEvent],
  ] as const;

  test.each(cases)("%s round-trips and matches the Anchor event coder", (name, codec, sample) => {
    const bytes = (codec.encode as (v: unknown) => Uint8Array)(sample);
    expect((codec.decode as (d: Uint8Array) => unknown)(bytes)).toEqual(sample);
    const theirs = anchorCoder.events.decode(Buffer.from(bytes).toString("base64"));
    expect(theirs?.name.toLowerCase()).toBe(name.toLowerCase());
    expect(normalize(theirs?.data)).toEqual(normalize(sample));
  });

  test("CompletePumpAmmMigrationEvent offsets per solana_facts.md", () => {
    const bytes = pumpFunCodecs.completePumpAmmMigrationEvent.encode(sampleMigrationEvent);
    const view = new DataView(bytes.buffer);
    expect(bytes.length).toBe(200);
    expect(Number(view.getBigUint64(72, true))).toBe(sampleMigrationEvent.mintAmount);
    expect(Number(view.getBigUint64(80, true))).toBe(sampleMigrationEvent.solAmount);
    expect(Number(view.getBigUint64(88, true))).toBe(15_000_001);
    expect(Number(view.getBigInt64(128, true))).toBe(sampleMigrationEvent.timestamp);
  });

  test("a TradeEvent from before holder rewards reads them as zero", () => {
    const bytes = pumpFunCodecs.tradeEvent.encode({ ...sampleTradeEvent, holderRewardsBps: 7, holderRewards: 9 });
    expect(pumpFunCodecs.tradeEvent.decode(bytes.slice(0, bytes.length - 16))).toEqual(sampleTradeEvent);
  });
});

describe("Pump.fun instructions", () => {
  test("migrate has no args; create and create_v2 round-trip and match Anchor", () => {
    const migrate = encodePumpFunInstructionData({ name: "migrate", args: {} });
    expect(toHex(migrate)).toBe("9beae792ec9ea21e");
    expect(decodePumpFunInstructionData(migrate)).toEqual({ name: "migrate", args: {} });

    const createArgs = { name: sampleCreateV2Args.name, symbol: "FRX", uri: sampleCreateV2Args.uri, creator: sampleCreateV2Args.creator };
    const create = encodePumpFunInstructionData({ name: "create", args: createArgs });
    expect(decodePumpFunInstructionData(create)).toEqual({ name: "create", args: createArgs });
    expect(normalize((anchorCoder.instruction as unknown as BorshInstructionCoder).decode(Buffer.from(create))?.data)).toEqual(normalize(createArgs));

    const v2 = encodePumpFunInstructionData({ name: "create_v2", args: sampleCreateV2Args });
    expect(decodePumpFunInstructionData(v2)).toEqual({ name: "create_v2", args: sampleCreateV2Args });
    const theirs = (anchorCoder.instruction as unknown as BorshInstructionCoder).decode(Buffer.from(v2));
    expect(theirs?.name).toBe("createV2");
    expect(normalize(theirs?.data)).toEqual(normalize(sampleCreateV2Args));
    expect(decodePumpFunInstructionData(pumpFunCodecs.createV2.discriminator.slice(0, 4))).toBeNull();
  });

  test.each([
    ["SPL Token coin", TOKEN_PROGRAM_ADDRESS],
    ["Token-2022 coin", TOKEN_2022_PROGRAM_ADDRESS],
  ])("migrate accounts match the official SDK (%s)", async (_, mintTokenProgram) => {
    const mint = Keypair.generate().publicKey;
    const user = Keypair.generate().publicKey;
    const theirs = await pumpSdk.PUMP_SDK.migrateInstruction({
      withdrawAuthority: new PublicKey(PUMPFUN_WITHDRAW_AUTHORITY_ADDRESS),
      mint,
      user,
      tokenProgram: new PublicKey(mintTokenProgram),
    });
    const ours = await buildMigrateInstruction({ mint: mint.toBase58() as Address, user: user.toBase58() as Address, mintTokenProgram });
    expect(ours.programAddress).toBe(PUMPFUN_PROGRAM_ADDRESS);
    expect(ours.accounts).toEqual(theirs.keys.map((k) => ({ address: k.pubkey.toBase58(), role: (k.isSigner ? 2 : 0) | (k.isWritable ? 1 : 0) })) as never);
    expect(toHex(ours.data)).toBe(theirs.data.toString("hex"));
    expect(ours.accounts.length).toBe(27);
    const parsed = parseMigrateInstruction(ours);
    expect(parsed?.accounts.withdraw_authority).toBe(PUMPFUN_WITHDRAW_AUTHORITY_ADDRESS);
    expect(parsed?.accounts.mint).toBe(mint.toBase58() as Address);
    expect(parsed?.remainingAccounts.length).toBe(2);
  });

  test("migrate of the golden mint names its canonical pool", async () => {
    const ix = await buildMigrateInstruction({ mint: GOLDEN.mint, user: GOLDEN.poolAuthority });
    const parsed = parseMigrateInstruction(ix)!;
    expect(PUMPFUN_MIGRATE_ACCOUNT_NAMES.length).toBe(25);
    expect(parsed.accounts.pool).toBe(GOLDEN.pool);
    expect(parsed.accounts.pool_authority).toBe(GOLDEN.poolAuthority);
    expect(parsed.accounts.lp_mint).toBe(GOLDEN.lpMint);
    expect(parsed.accounts.pool_base_token_account).toBe(GOLDEN.poolBaseTokenAccount);
    expect(parsed.accounts.pool_quote_token_account).toBe(GOLDEN.poolQuoteTokenAccount);
    expect(parseMigrateInstruction({ data: pumpFunCodecs.create.discriminator, accounts: [] })).toBeNull();
  });
});
