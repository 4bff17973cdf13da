import { describe, expect, test } from "bun:test";
import type { Address } from "@solana/kit";
import * as pumpSdk from "@pump-fun/pump-sdk";
import { Keypair, PublicKey, type Connection } from "@solana/web3.js";
import { BN, type BorshInstructionCoder } from "@coral-xyz/anchor";
import { getAssociatedTokenAddressSync } from "@solana/spl-token";
import type { TransactionInstruction } from "@solana/web3.js";
import { createRng } from "../util/rng.ts";
import { randomAddress } from "../market/ids.ts";
import { toHex } from "./borsh.ts";
import { PUMP_FEE_PROGRAM_ADDRESS, PUMPFUN_EVENT_AUTHORITY_ADDRESS, PUMPFUN_GLOBAL_ADDRESS, PUMPFUN_PROGRAM_ADDRESS, PUMPFUN_WITHDRAW_AUTHORITY_ADDRESS, TOKEN_2022_PROGRAM_ADDRESS, TOKEN_PROGRAM_ADDRESS } from "./constants.ts";
import { findBondingCurvePda, findEventAuthorityPda, findPumpFunGlobalPda } from "./pda.ts";
import { bondingCurveSync, bondingCurveV2Sync, creatorVaultSync, pumpFunFeeConfigSync, pumpFunGlobalVolumeAccumulatorSync, pumpFunUserVolumeAccumulatorSync } from "./pda_sync.ts";
import {
  PUMPFUN_BUY_ACCOUNT_NAMES,
  PUMPFUN_ERRORS,
  PUMPFUN_MIGRATE_ACCOUNT_NAMES,
  PUMPFUN_SELL_ACCOUNT_NAMES,
  buildCurveBuyExactSolInInstruction,
  buildCurveBuyInstruction,
  buildCurveSellInstruction,
  buildMigrateInstruction,
  curveTradeAccountMetas,
  parseCurveTradeInstruction,
  pickCurveBuybackFeeRecipient,
  pickCurveFeeRecipient,
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

describe("Pump.fun curve trades", () => {
  const metasOf = (ix: TransactionInstruction) => ix.keys.map((k) => ({ address: k.pubkey.toBase58(), role: (k.isSigner ? 2 : 0) | (k.isWritable ? 1 : 0) }));
  const pk = (a: string) => new PublicKey(a);
  const r = createRng(77).fork("curve-trades");
  const inputs = Array.from({ length: 12 }, (_, i) => ({
    mint: randomAddress(r) as Address,
    user: randomAddress(r) as Address,
    creator: randomAddress(r) as Address,
    tokenProgram: i % 2 ? TOKEN_2022_PROGRAM_ADDRESS : TOKEN_PROGRAM_ADDRESS,
    feeRecipient: samplePumpFunGlobal.feeRecipients[i % samplePumpFunGlobal.feeRecipients.length],
    buybackFeeRecipient: randomAddress(r) as Address,
  }));

  test("sync PDAs equal the async derivations and the SDK's", async () => {
    for (const { mint, user, creator } of inputs.slice(0, 4)) {
      expect(bondingCurveSync(mint)).toBe((await findBondingCurvePda(mint))[0]);
      expect(bondingCurveV2Sync(mint)).toBe(pumpSdk.bondingCurveV2Pda(pk(mint)).toBase58() as Address);
      expect(creatorVaultSync(creator)).toBe(pumpSdk.creatorVaultPda(pk(creator)).toBase58() as Address);
      expect(pumpFunUserVolumeAccumulatorSync(user)).toBe(pumpSdk.userVolumeAccumulatorPda(pk(user)).toBase58() as Address);
    }
    expect(pumpFunGlobalVolumeAccumulatorSync()).toBe(pumpSdk.GLOBAL_VOLUME_ACCUMULATOR_PDA.toBase58() as Address);
    expect(pumpFunFeeConfigSync()).toBe(pumpSdk.PUMP_FEE_CONFIG_PDA.toBase58() as Address);
    expect((await findPumpFunGlobalPda())[0]).toBe(PUMPFUN_GLOBAL_ADDRESS);
    expect((await findEventAuthorityPda(PUMPFUN_PROGRAM_ADDRESS))[0]).toBe(PUMPFUN_EVENT_AUTHORITY_ADDRESS);
  });

  test("buy: data and account metas byte-equal the SDK's getBuyInstructionRaw", async () => {
    for (const [i, input] of inputs.entries()) {
      const amount = 1_000_000 + i * 7_777_777_777;
      const maxSolCost = 10_000_000 + i * 123_456_789;
      const theirs = await pumpSdk.PUMP_SDK.getBuyInstructionRaw({
        user: pk(input.user),
        mint: pk(input.mint),
        creator: pk(input.creator),
        amount: new BN(amount),
        solAmount: new BN(maxSolCost),
        feeRecipient: pk(input.feeRecipient),
        tokenProgram: pk(input.tokenProgram),
        buybackFeeRecipient: pk(input.buybackFeeRecipient),
      });
      const ours = buildCurveBuyInstruction({ ...input, amount, maxSolCost });
      expect(ours.programAddress).toBe(theirs.programId.toBase58() as Address);
      expect(ours.accounts).toEqual(metasOf(theirs) as never);
      expect(toHex(ours.data)).toBe(theirs.data.toString("hex"));
      expect(ours.accounts.length).toBe(PUMPFUN_BUY_ACCOUNT_NAMES.length + 2);
      expect(parseCurveTradeInstruction(ours)).toEqual({
        name: "buy",
        args: { amount, maxSolCost, trackVolume: true },
        accounts: expect.objectContaining({ mint: input.mint, user: input.user, creator_vault: creatorVaultSync(input.creator), bonding_curve: bondingCurveSync(input.mint) }),
        remainingAccounts: [bondingCurveV2Sync(input.mint), input.buybackFeeRecipient],
      } as never);
    }
  });

  test("sell (plain and cashback): data and account metas byte-equal the SDK's getSellInstructionRaw", async () => {
    for (const [i, input] of inputs.entries()) {
      const cashback = i % 3 === 0;
      const amount = 5_000_000 + i * 9_999_999_999;
      const minSolOutput = i * 1_000_003;
      const theirs = await pumpSdk.PUMP_SDK.getSellInstructionRaw({
        user: pk(input.user),
        mint: pk(input.mint),
        creator: pk(input.creator),
        amount: new BN(amount),
        solAmount: new BN(minSolOutput),
        feeRecipient: pk(input.feeRecipient),
        buybackFeeRecipient: pk(input.buybackFeeRecipient),
        tokenProgram: pk(input.tokenProgram),
        cashback,
      });
      const ours = buildCurveSellInstruction({ ...input, cashback, amount, minSolOutput });
      expect(ours.accounts).toEqual(metasOf(theirs) as never);
      expect(toHex(ours.data)).toBe(theirs.data.toString("hex"));
      expect(ours.accounts.length).toBe(PUMPFUN_SELL_ACCOUNT_NAMES.length + (cashback ? 3 : 2));
      const parsed = parseCurveTradeInstruction(ours)!;
      expect(parsed.name).toBe("sell");
      expect(parsed.args).toEqual({ amount, minSolOutput });
      expect(parsed.accounts.creator_vault).toBe(creatorVaultSync(input.creator));
    }
  });

  test("buy_exact_sol_in: data and account metas byte-equal the SDK's program builder", async () => {
    const program = pumpSdk.getPumpProgram(null as unknown as Connection);
    for (const [i, input] of inputs.entries()) {
      const spendableSolIn = 50_000_000 + i * 333_333_333;
      const minTokensOut = i * 1_234_567_890;
      const theirs = await program.methods
        .buyExactSolIn(new BN(spendableSolIn), new BN(minTokensOut), { 0: true } as never)
        .accountsPartial({
          feeRecipient: pk(input.feeRecipient),
          mint: pk(input.mint),
          associatedUser: getAssociatedTokenAddressSync(pk(input.mint), pk(input.user), true, pk(input.tokenProgram)),
          user: pk(input.user),
          creatorVault: pumpSdk.creatorVaultPda(pk(input.creator)),
          tokenProgram: pk(input.tokenProgram),
        })
        .remainingAccounts([
          { pubkey: pumpSdk.bondingCurveV2Pda(pk(input.mint)), isWritable: false, isSigner: false },
          { pubkey: pk(input.buybackFeeRecipient), isWritable: true, isSigner: false },
        ])
        .instruction();
      const ours = buildCurveBuyExactSolInInstruction({ ...input, spendableSolIn, minTokensOut });
      expect(ours.accounts).toEqual(metasOf(theirs) as never);
      expect(toHex(ours.data)).toBe(theirs.data.toString("hex"));
      expect(parseCurveTradeInstruction(ours)?.args).toEqual({ spendableSolIn, minTokensOut, trackVolume: true });
    }
    // The account list is the buy list (same IDL accounts, same remaining accounts).
    expect(curveTradeAccountMetas("buy_exact_sol_in", inputs[0])).toEqual(curveTradeAccountMetas("buy", inputs[0]));
  });

  test("fee_program, fee_config and the other fixed accounts are where the IDL puts them", () => {
    const parsed = parseCurveTradeInstruction(buildCurveBuyInstruction({ ...inputs[0], amount: 1, maxSolCost: 1 }))!;
    expect(parsed.accounts.fee_program).toBe(PUMP_FEE_PROGRAM_ADDRESS);
    expect(parsed.accounts.fee_config).toBe(pumpFunFeeConfigSync());
    expect(parsed.accounts.global).toBe(PUMPFUN_GLOBAL_ADDRESS);
    expect(parsed.accounts.event_authority).toBe(PUMPFUN_EVENT_AUTHORITY_ADDRESS);
    expect(parseCurveTradeInstruction({ data: pumpFunCodecs.migrate.discriminator, accounts: [] })).toBeNull();
  });

  test("errors come from the IDL", () => {
    expect(PUMPFUN_ERRORS).toMatchObject({ TooMuchSolRequired: 6002, TooLittleSolReceived: 6003, BondingCurveComplete: 6005, NotEnoughTokensToSell: 6023, BuyNotEnoughSolToCoverFees: 6041, BuySlippageBelowMinTokensOut: 6042 });
  });

  test("fee recipients are picked as the SDK's getFeeRecipient does", () => {
    const g = samplePumpFunGlobal;
    const all = [g.feeRecipient, ...g.feeRecipients];
    const reserved = [g.reservedFeeRecipient, ...g.reservedFeeRecipients];
    for (let k = 0; k < all.length; k++) expect(pickCurveFeeRecipient(g, false, () => k / all.length)).toBe(all[k]);
    expect(pickCurveFeeRecipient(g, true, () => 0.999999)).toBe(reserved[reserved.length - 1]);
    expect(pickCurveBuybackFeeRecipient(g, () => 0)).toBe(g.buybackFeeRecipients[0]);
    for (let n = 0; n < 50; n++) expect(all).toContain(pickCurveFeeRecipient(g, false));
  });
});
