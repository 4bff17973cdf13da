import { describe, expect, test } from "bun:test";
import { AccountRole, type Address } from "@solana/kit";
import * as swapSdk from "@pump-fun/pump-swap-sdk";
import { getAssociatedTokenAddressSync } from "@solana/spl-token";
import { Keypair, PublicKey, type TransactionInstruction } from "@solana/web3.js";
import { BN, type BorshInstructionCoder } from "@coral-xyz/anchor";
import {
  MAINNET_FEE_CONFIG_ADMIN,
  MAINNET_FEE_CONFIG_DATA_BASE64,
  MAINNET_FEE_TIERS,
  MAINNET_FLAT_FEES,
  MAINNET_STABLE_FEE_TIERS,
} from "../../node_modules/@pump-fun/pump-swap-sdk/src/__tests__/feeConfigMainnetFixture.ts";
import { BorshError, fromHex, toHex } from "./borsh.ts";
import { DEFAULT_ADDRESS, PUMPSWAP_PROGRAM_ADDRESS, TOKEN_2022_PROGRAM_ADDRESS, TOKEN_PROGRAM_ADDRESS, WSOL_MINT_ADDRESS } from "./constants.ts";
import {
  FEE_CONFIG_SIZE_POST_EXOTIC,
  FEE_CONFIG_SIZE_POST_STABLE,
  FEE_CONFIG_SIZE_PRE_STABLE,
  PUMPSWAP_BUY_ACCOUNT_NAMES,
  PUMPSWAP_BUY_EXACT_QUOTE_IN_ACCOUNT_NAMES,
  PUMPSWAP_SELL_ACCOUNT_NAMES,
  buildBuyExactQuoteInInstruction,
  buildBuyInstruction,
  buildExtendAccountInstruction,
  pickBuybackFeeRecipient,
  pickProtocolFeeRecipient,
  poolNeedsExtension,
  buildSellInstruction,
  decodeFeeConfig,
  decodeGlobalConfig,
  decodePool,
  decodePumpSwapInstructionData,
  encodeFeeConfig,
  encodeGlobalConfig,
  encodePool,
  encodePumpSwapInstructionData,
  parseSwapInstruction,
  pumpSwapCodecs,
  pumpSwapRawCodecs,
  type PoolAccount,
  type SwapAccountsInput,
} from "./pumpswap.ts";
import { normalize } from "./test-normalize.ts";
import {
  sampleBuyEvent,
  sampleCreatePoolArgs,
  sampleCreatePoolEvent,
  sampleFeeConfig,
  sampleGlobalConfig,
  samplePool,
  sampleSellEvent,
  sampleAddress,
} from "./test-samples.ts";

const anchorCoder = swapSdk.OFFLINE_PUMP_AMM_PROGRAM.coder;

describe("instruction data", () => {
  test("solana_facts.md example buy (1e9 base out, 0.1 SOL max) is byte-exact", () => {
    const data = pumpSwapCodecs.buy.encode({ baseAmountOut: 1_000_000_000, maxQuoteAmountIn: 100_000_000, trackVolume: true });
    expect(toHex(data)).toBe("66063d1201daebea" + "00ca9a3b00000000" + "00e1f50500000000" + "01");
    expect(data.length).toBe(25);
    expect(decodePumpSwapInstructionData(fromHex("66063d1201daebea00ca9a3b0000000000e1f5050000000001"))).toEqual({
      name: "buy",
      args: { baseAmountOut: 1_000_000_000, maxQuoteAmountIn: 100_000_000, trackVolume: true },
    });
  });

  test("a buy without the trailing OptionBool (older clients) reads track_volume as false", () => {
    expect(pumpSwapCodecs.buy.decode(fromHex("66063d1201daebea00ca9a3b0000000000e1f50500000000"))).toEqual({
      baseAmountOut: 1_000_000_000,
      maxQuoteAmountIn: 100_000_000,
      trackVolume: false,
    });
  });

  test("sell is 24 bytes; buy_exact_quote_in and create_pool round-trip", () => {
    const sell = { baseAmountIn: 1_000_000_000, minQuoteAmountOut: 350_000 };
    const data = encodePumpSwapInstructionData({ name: "sell", args: sell });
    expect(data.length).toBe(24);
    expect(toHex(data.subarray(0, 8))).toBe("33e685a4017f83ad");
    expect(decodePumpSwapInstructionData(data)).toEqual({ name: "sell", args: sell });

    const exact = { spendableQuoteIn: 100_000_000, minBaseAmountOut: 240_000_000_000, trackVolume: true };
    expect(decodePumpSwapInstructionData(encodePumpSwapInstructionData({ name: "buy_exact_quote_in", args: exact }))).toEqual({ name: "buy_exact_quote_in", args: exact });

    const createPool = encodePumpSwapInstructionData({ name: "create_pool", args: sampleCreatePoolArgs });
    // 8 disc + u16 + 2×u64 + pubkey + bool + OptionBool + OptionU64 + OptionBool
    expect(createPool.length).toBe(8 + 2 + 16 + 32 + 1 + 1 + 8 + 1);
    expect(decodePumpSwapInstructionData(createPool)).toEqual({ name: "create_pool", args: sampleCreatePoolArgs });
  });

  test("agrees with the Anchor coder of the official SDK", () => {
    const ours = pumpSwapCodecs.createPool.encode(sampleCreatePoolArgs);
    const theirs = (anchorCoder.instruction as unknown as BorshInstructionCoder).decode(Buffer.from(ours));
    expect(theirs?.name).toBe("createPool");
    expect(normalize(theirs?.data)).toEqual(normalize(sampleCreatePoolArgs));
    const anchorBuy = anchorCoder.instruction.encode("buy", { baseAmountOut: new BN(123), maxQuoteAmountIn: new BN(456), trackVolume: { 0: false } });
    expect(decodePumpSwapInstructionData(new Uint8Array(anchorBuy))).toEqual({ name: "buy", args: { baseAmountOut: 123, maxQuoteAmountIn: 456, trackVolume: false } });
  });

  test("other instructions are not ours", () => {
    expect(decodePumpSwapInstructionData(fromHex("0102030405060708"))).toBeNull();
    expect(decodePumpSwapInstructionData(new Uint8Array(3))).toBeNull();
  });
});

describe("events", () => {
  const cases = [
    ["BuyEvent", pumpSwapCodecs.buyEvent, sampleBuyEvent],
    ["SellEvent", pumpSwapCodecs.sellEvent, sampleSellEvent],
    ["CreatePoolEvent", pumpSwapCodecs.createPoolEvent, sampleCreatePoolEvent],
  ] as const;

  test.each(cases)("%s round-trips and matches the Anchor event coder", (name, codec, sample) => {
    const bytes = (codec.encode as (v: unknown) => Uint8Array)(sample);
    expect((codec.decode as (d: Uint8Array) => unknown)(bytes)).toEqual(sample);
    const theirs = anchorCoder.events.decode(Buffer.from(bytes).toString("base64"));
    expect(theirs?.name.toLowerCase()).toBe(name.toLowerCase());
    expect(normalize(theirs?.data)).toEqual(normalize(sample));
  });

  test("CreatePoolEvent offsets match solana_facts.md", () => {
    const bytes = pumpSwapCodecs.createPoolEvent.encode(sampleCreatePoolEvent);
    const view = new DataView(bytes.buffer);
    expect(view.getUint16(16, true)).toBe(0);
    expect(bytes[114]).toBe(6);
    expect(bytes[115]).toBe(9);
    expect(Number(view.getBigUint64(116, true))).toBe(sampleCreatePoolEvent.baseAmountIn);
    expect(Number(view.getBigUint64(164, true))).toBe(sampleCreatePoolEvent.lpTokenAmountOut);
    expect(bytes[172]).toBe(sampleCreatePoolEvent.poolBump);
    expect(bytes.length).toBe(334 + 8 + 1);
  });

  test("a BuyEvent from before the cashback fields decodes with them zero", () => {
    const full = pumpSwapCodecs.buyEvent.encode(sampleBuyEvent);
    const raw = pumpSwapRawCodecs.event("BuyEvent");
    // Everything up to and including ix_name ("buy" = 4-byte length + 3 bytes).
    const ixNameEnd = full.length - (8 * 4 + 16 + 1 + 8);
    const old = full.subarray(0, ixNameEnd);
    const absent = raw.decode(old) as Record<string, unknown>;
    expect(absent.ix_name).toBe("buy");
    expect("cashback" in absent).toBe(false);
    expect(pumpSwapCodecs.buyEvent.decode(old)).toEqual({ ...sampleBuyEvent, cashbackFeeBasisPoints: 0, cashback: 0, buybackFeeBasisPoints: 0, buybackFee: 0, virtualQuoteReserves: 0, canBoost: false, baseSupply: 0 });
  });

  test("reserves beyond 2^53 are refused with the field named (raw codec still reads them)", () => {
    const raw = pumpSwapRawCodecs.event("BuyEvent");
    const value = raw.decode(pumpSwapCodecs.buyEvent.encode(sampleBuyEvent)) as Record<string, unknown>;
    const huge = raw.encode({ ...value, pool_base_token_reserves: 2n ** 60n });
    expect(() => pumpSwapCodecs.buyEvent.decode(huge)).toThrow(/BuyEvent\.pool_base_token_reserves: value 1152921504606846976 exceeds 2\^53/);
    expect((raw.decode(huge) as Record<string, unknown>).pool_base_token_reserves).toBe(2n ** 60n);
  });

  test("a wrong discriminator is named", () => {
    const bytes = pumpSwapCodecs.sellEvent.encode(sampleSellEvent);
    expect(() => pumpSwapCodecs.buyEvent.decode(bytes)).toThrow(/^BuyEvent: discriminator 3e2f370aa503dc2a is not 67f4521f2cf57777$/);
  });
});

describe("Pool account", () => {
  const full = encodePool(samplePool);

  test("current layout is 270 bytes, offsets as in solana_facts.md, and round-trips", () => {
    expect(full.length).toBe(270);
    expect(toHex(full.subarray(0, 8))).toBe("f19a6d0411b16dbc");
    expect(full[8]).toBe(254);
    expect(new DataView(full.buffer).getBigUint64(203, true)).toBe(samplePool.lpSupply);
    expect(full[243]).toBe(0);
    expect(full[244]).toBe(0);
    expect(new DataView(full.buffer).getBigInt64(245, true)).toBe(-1_250_000_000n);
    expect(decodePool(full)).toEqual(samplePool);
    expect(normalize(anchorCoder.accounts.decode("pool", Buffer.from(full)))).toEqual(normalize(samplePool));
  });

  test("an extended (300-byte) account decodes the same", () => {
    const padded = new Uint8Array(300);
    padded.set(full);
    expect(decodePool(padded)).toEqual(samplePool);
  });

  // Older pools: 211 (no coin creator), 243, 244, 245 (no virtual reserves), 261 bytes.
  const versions: [number, string[]][] = [
    [211, ["coin_creator", "is_mayhem_mode", "is_cashback_coin", "virtual_quote_reserves", "creator_fee_bps", "can_edit_creator_fee"]],
    [243, ["is_mayhem_mode", "is_cashback_coin", "virtual_quote_reserves", "creator_fee_bps", "can_edit_creator_fee"]],
    [244, ["is_cashback_coin", "virtual_quote_reserves", "creator_fee_bps", "can_edit_creator_fee"]],
    [245, ["virtual_quote_reserves", "creator_fee_bps", "can_edit_creator_fee"]],
    [261, ["creator_fee_bps", "can_edit_creator_fee"]],
  ];
  test.each(versions)("a %i-byte pool decodes with the newer fields absent (raw) / zero (typed)", (length, missing) => {
    const old = full.slice(0, length);
    const raw = pumpSwapRawCodecs.account("Pool").decode(old) as Record<string, unknown>;
    for (const field of missing) expect(field in raw).toBe(false);
    expect(raw.base_mint).toBe(samplePool.baseMint);
    expect(raw.lp_supply).toBe(samplePool.lpSupply);
    const typed = decodePool(old);
    const zeroed: PoolAccount = { ...samplePool };
    if (length <= 211) zeroed.coinCreator = DEFAULT_ADDRESS;
    if (length <= 243) zeroed.isMayhemMode = false;
    if (length <= 244) zeroed.isCashbackCoin = false;
    if (length <= 245) zeroed.virtualQuoteReserves = 0;
    zeroed.creatorFeeBps = 0;
    zeroed.canEditCreatorFee = false;
    expect(typed).toEqual(zeroed);
  });

  test("a pool cut inside a field is an error naming Pool and the field", () => {
    expect(() => decodePool(full.slice(0, 250))).toThrow(BorshError);
    expect(() => decodePool(full.slice(0, 250))).toThrow(/^Pool\.virtual_quote_reserves: needs 16 bytes at offset 245 but the data ends at 250$/);
    expect(() => decodePool(full.slice(0, 100))).toThrow(/^Pool\.quote_mint: needs 32 bytes at offset 75 but the data ends at 100$/);
    expect(() => decodePool(full.slice(0, 5))).toThrow(/^Pool: discriminator/);
  });
});

describe("GlobalConfig and FeeConfig accounts", () => {
  test("GlobalConfig is 949 bytes, offsets per solana_facts.md, matches Anchor", () => {
    const bytes = encodeGlobalConfig(sampleGlobalConfig);
    expect(bytes.length).toBe(949);
    const view = new DataView(bytes.buffer);
    expect(view.getBigUint64(40, true)).toBe(20n);
    expect(view.getBigUint64(48, true)).toBe(5n);
    expect(bytes[56]).toBe(0);
    expect(view.getBigUint64(313, true)).toBe(5n);
    expect(decodeGlobalConfig(bytes)).toEqual(sampleGlobalConfig);
    expect(normalize(anchorCoder.accounts.decode("globalConfig", Buffer.from(bytes)))).toEqual(normalize(sampleGlobalConfig));
  });

  test("older 907- and 940-byte GlobalConfigs decode with the later fields zero", () => {
    const bytes = encodeGlobalConfig(sampleGlobalConfig);
    const v940 = decodeGlobalConfig(bytes.slice(0, 940));
    expect(v940.boostAuthority).toBe(sampleGlobalConfig.boostAuthority);
    expect(v940.creatorFeeConfigurable).toBe(false);
    expect(v940.maxConfigurableCreatorFeeBps).toBe(0);
    const v907 = decodeGlobalConfig(bytes.slice(0, 907));
    expect(v907.buybackBasisPoints).toBe(10);
    expect(v907.boostAuthority).toBe(DEFAULT_ADDRESS);
  });

  test("FeeConfig round-trips", () => {
    const bytes = encodeFeeConfig(sampleFeeConfig);
    const padded = new Uint8Array(FEE_CONFIG_SIZE_POST_EXOTIC);
    padded.set(bytes);
    expect(decodeFeeConfig(padded)).toEqual(sampleFeeConfig);
  });

  test("decodes the live mainnet FeeConfig (SDK golden, 4073 bytes)", () => {
    const data = new Uint8Array(Buffer.from(MAINNET_FEE_CONFIG_DATA_BASE64, "base64"));
    expect(data.length).toBe(FEE_CONFIG_SIZE_POST_STABLE);
    const config = decodeFeeConfig(data);
    expect(config.admin).toBe(MAINNET_FEE_CONFIG_ADMIN as Address);
    expect([config.flatFees.lpFeeBps, config.flatFees.protocolFeeBps, config.flatFees.creatorFeeBps].map(String)).toEqual([...MAINNET_FLAT_FEES]);
    const rows = (tiers: typeof config.feeTiers) => tiers.map((t) => [t.marketCapLamportsThreshold, t.fees.lpFeeBps, t.fees.protocolFeeBps, t.fees.creatorFeeBps].map(String));
    expect(rows(config.feeTiers)).toEqual(MAINNET_FEE_TIERS.map((r) => [...r]));
    expect(rows(config.stableFeeTiers)).toEqual(MAINNET_STABLE_FEE_TIERS.map((r) => [...r]));
    expect(config.exoticFlatFees).toEqual({ lpFeeBps: 0, protocolFeeBps: 0, creatorFeeBps: 0 });
  });

  test("a pre-stable FeeConfig ignores stale bytes after its fee tiers, as the program does", () => {
    const bytes = encodeFeeConfig(sampleFeeConfig);
    const pre = new Uint8Array(FEE_CONFIG_SIZE_PRE_STABLE);
    pre.set(bytes); // the stable tiers and exotic fees sit beyond fee_tiers: stale for this version
    const config = decodeFeeConfig(pre);
    expect(config.feeTiers).toEqual(sampleFeeConfig.feeTiers);
    expect(config.stableFeeTiers).toEqual([]);
    expect(config.exoticFlatFees).toEqual({ lpFeeBps: 0, protocolFeeBps: 0, creatorFeeBps: 0 });
    const post = new Uint8Array(FEE_CONFIG_SIZE_POST_STABLE);
    post.set(bytes);
    expect(decodeFeeConfig(post).stableFeeTiers).toEqual(sampleFeeConfig.stableFeeTiers);
    expect(decodeFeeConfig(post).exoticFlatFees).toEqual({ lpFeeBps: 0, protocolFeeBps: 0, creatorFeeBps: 0 });
  });
});

describe("swap instruction accounts", () => {
  test("IDL account lists: buy 23, sell 21, in the order of solana_facts.md", () => {
    const common = [
      "pool",
      "user",
      "global_config",
      "base_mint",
      "quote_mint",
      "user_base_token_account",
      "user_quote_token_account",
      "pool_base_token_account",
      "pool_quote_token_account",
      "protocol_fee_recipient",
      "protocol_fee_recipient_token_account",
      "base_token_program",
      "quote_token_program",
      "system_program",
      "associated_token_program",
      "event_authority",
      "program",
      "coin_creator_vault_ata",
      "coin_creator_vault_authority",
    ];
    expect([...PUMPSWAP_BUY_ACCOUNT_NAMES]).toEqual([...common, "global_volume_accumulator", "user_volume_accumulator", "fee_config", "fee_program"]);
    expect([...PUMPSWAP_BUY_EXACT_QUOTE_IN_ACCOUNT_NAMES]).toEqual([...PUMPSWAP_BUY_ACCOUNT_NAMES]);
    expect([...PUMPSWAP_SELL_ACCOUNT_NAMES]).toEqual([...common, "fee_config", "fee_program"]);
  });

  interface Scenario {
    label: string;
    coinCreator: "set" | "default";
    cashback: boolean;
    baseTokenProgram: Address;
    buyCount: number;
    sellCount: number;
  }
  const scenarios: Scenario[] = [
    { label: "migrated pool", coinCreator: "set", cashback: false, baseTokenProgram: TOKEN_PROGRAM_ADDRESS, buyCount: 26, sellCount: 24 },
    { label: "cashback pool", coinCreator: "set", cashback: true, baseTokenProgram: TOKEN_PROGRAM_ADDRESS, buyCount: 27, sellCount: 26 },
    { label: "Token-2022 base", coinCreator: "set", cashback: false, baseTokenProgram: TOKEN_2022_PROGRAM_ADDRESS, buyCount: 26, sellCount: 24 },
    { label: "no coin creator", coinCreator: "default", cashback: false, baseTokenProgram: TOKEN_PROGRAM_ADDRESS, buyCount: 25, sellCount: 23 },
  ];

  function sdkState(s: Scenario) {
    const baseMint = Keypair.generate().publicKey;
    const user = Keypair.generate().publicKey;
    const baseProgram = new PublicKey(s.baseTokenProgram);
    const creator = swapSdk.pumpPoolAuthorityPda(baseMint);
    const poolKey = swapSdk.poolPda(0, creator, baseMint, new PublicKey(WSOL_MINT_ADDRESS));
    const protocolFeeRecipient = Keypair.generate().publicKey;
    const buybackFeeRecipient = new PublicKey(sampleAddress(`buyback ${s.label}`));
    const coinCreator = s.coinCreator === "set" ? Keypair.generate().publicKey : PublicKey.default;
    const nativeMint = new PublicKey(WSOL_MINT_ADDRESS);
    const pool = {
      poolBump: 255,
      index: 0,
      creator,
      baseMint,
      quoteMint: nativeMint,
      lpMint: swapSdk.lpMintPda(poolKey),
      poolBaseTokenAccount: getAssociatedTokenAddressSync(baseMint, poolKey, true, baseProgram),
      poolQuoteTokenAccount: getAssociatedTokenAddressSync(nativeMint, poolKey, true),
      lpSupply: new BN(0),
      coinCreator,
      isMayhemMode: false,
      isCashbackCoin: s.cashback,
      virtualQuoteReserves: new BN(0),
      creatorFeeBps: new BN(0),
      canEditCreatorFee: false,
    };
    const z = new BN(0);
    const globalConfig = {
      admin: PublicKey.default,
      lpFeeBasisPoints: new BN(20),
      protocolFeeBasisPoints: new BN(5),
      disableFlags: 0,
      protocolFeeRecipients: [protocolFeeRecipient],
      coinCreatorFeeBasisPoints: new BN(5),
      adminSetCoinCreatorAuthority: PublicKey.default,
      whitelistPda: PublicKey.default,
      reservedFeeRecipient: PublicKey.default,
      mayhemModeEnabled: false,
      reservedFeeRecipients: [],
      isCashbackEnabled: true,
      buybackFeeRecipients: [buybackFeeRecipient],
      buybackBasisPoints: z,
      boostAuthority: PublicKey.default,
      boostEnabled: false,
      creatorFeeConfigurable: false,
      maxConfigurableCreatorFeeBps: z,
    };
    const state = {
      globalConfig,
      feeConfig: null,
      poolKey,
      poolAccountInfo: { data: Buffer.alloc(300), executable: false, lamports: 0, owner: new PublicKey(PUMPSWAP_PROGRAM_ADDRESS) },
      pool,
      poolBaseAmount: new BN("206900000000000"),
      poolQuoteAmount: new BN("84990359038"),
      baseTokenProgram: baseProgram,
      quoteTokenProgram: new PublicKey(TOKEN_PROGRAM_ADDRESS),
      baseMint,
      baseMintAccount: { mintAuthorityOption: 0, mintAuthority: PublicKey.default, supply: 10n ** 15n, decimals: 6, isInitialized: true, freezeAuthorityOption: 0, freezeAuthority: PublicKey.default },
      user,
      userBaseTokenAccount: getAssociatedTokenAddressSync(baseMint, user, false, baseProgram),
      userQuoteTokenAccount: getAssociatedTokenAddressSync(nativeMint, user),
      userBaseAccountInfo: null,
      userQuoteAccountInfo: null,
    };
    const input: SwapAccountsInput = {
      pool: poolKey.toBase58() as Address,
      poolState: {
        baseMint: baseMint.toBase58() as Address,
        quoteMint: WSOL_MINT_ADDRESS,
        poolBaseTokenAccount: pool.poolBaseTokenAccount.toBase58() as Address,
        poolQuoteTokenAccount: pool.poolQuoteTokenAccount.toBase58() as Address,
        coinCreator: coinCreator.toBase58() as Address,
        isCashbackCoin: s.cashback,
      },
      user: user.toBase58() as Address,
      baseTokenProgram: s.baseTokenProgram,
      protocolFeeRecipient: protocolFeeRecipient.toBase58() as Address,
      buybackFeeRecipient: buybackFeeRecipient.toBase58() as Address,
    };
    return { state, input };
  }

  function sdkSwap(instructions: TransactionInstruction[], disc: Uint8Array) {
    const ix = instructions.find((i) => i.programId.toBase58() === PUMPSWAP_PROGRAM_ADDRESS && toHex(i.data.subarray(0, 8)) === toHex(disc));
    if (!ix) throw new Error("the SDK built no swap instruction");
    return {
      accounts: ix.keys.map((k) => ({ address: k.pubkey.toBase58(), role: (k.isSigner ? 2 : 0) | (k.isWritable ? 1 : 0) })),
      data: toHex(ix.data),
    };
  }

  test.each(scenarios)("buy and sell match the official SDK: $label", async (s) => {
    const { state, input } = sdkState(s);
    const sdk = swapSdk.PUMP_AMM_SDK;

    const ourBuy = await buildBuyInstruction({ ...input, baseAmountOut: 1_000_000_000, maxQuoteAmountIn: 100_000_000 });
    const theirBuy = sdkSwap(await sdk.buyInstructions(state as never, new BN(1_000_000_000), new BN(100_000_000)), pumpSwapCodecs.buy.discriminator);
    expect(ourBuy.programAddress).toBe(PUMPSWAP_PROGRAM_ADDRESS);
    expect(ourBuy.accounts).toEqual(theirBuy.accounts as never);
    expect(toHex(ourBuy.data)).toBe(theirBuy.data);
    expect(ourBuy.accounts.length).toBe(s.buyCount);

    const ourSell = await buildSellInstruction({ ...input, baseAmountIn: 1_000_000_000, minQuoteAmountOut: 350_000 });
    const theirSell = sdkSwap(await sdk.sellInstructions(state as never, new BN(1_000_000_000), new BN(350_000)), pumpSwapCodecs.sell.discriminator);
    expect(ourSell.accounts).toEqual(theirSell.accounts as never);
    expect(toHex(ourSell.data)).toBe(theirSell.data);
    expect(ourSell.accounts.length).toBe(s.sellCount);
  });

  test("buy_exact_quote_in uses the buy account list and reads back by name", async () => {
    const { input } = sdkState(scenarios[1]);
    const ix = await buildBuyExactQuoteInInstruction({ ...input, spendableQuoteIn: 100_000_000, minBaseAmountOut: 1 });
    const buy = await buildBuyInstruction({ ...input, baseAmountOut: 1, maxQuoteAmountIn: 1 });
    expect(ix.accounts).toEqual(buy.accounts);
    // Amounts may be given as bigint; unsafe numbers are refused rather than rounded.
    expect((await buildBuyInstruction({ ...input, baseAmountOut: 1n, maxQuoteAmountIn: 1n })).data).toEqual(buy.data);
    await expect(buildBuyInstruction({ ...input, baseAmountOut: 2 ** 53 + 2, maxQuoteAmountIn: 1 })).rejects.toThrow(/buy\.base_amount_out: expected an integer/);
    const parsed = parseSwapInstruction(ix);
    expect(parsed?.name).toBe("buy_exact_quote_in");
    expect(parsed?.args).toEqual({ spendableQuoteIn: 100_000_000, minBaseAmountOut: 1, trackVolume: true });
    expect(parsed?.accounts.user).toBe(input.user);
    expect(parsed?.accounts.pool_base_token_account).toBe(input.poolState.poolBaseTokenAccount);
    expect(parsed?.remainingAccounts).toEqual(ix.accounts.slice(23).map((a) => a.address));
    expect(ix.accounts[1].role).toBe(AccountRole.WRITABLE_SIGNER);
    expect(ix.accounts[2].role).toBe(AccountRole.READONLY);
  });

  test("parseSwapInstruction refuses too few accounts and ignores other instructions", () => {
    const data = pumpSwapCodecs.sell.encode({ baseAmountIn: 1, minQuoteAmountOut: 1 });
    expect(() => parseSwapInstruction({ data, accounts: [] })).toThrow(/21/);
    expect(parseSwapInstruction({ data: pumpSwapCodecs.createPool.encode(sampleCreatePoolArgs), accounts: [] })).toBeNull();
  });

  test("an older pool gets the SDK's extend_account first", async () => {
    const { state, input } = sdkState(scenarios[0]);
    const short = { ...state, poolAccountInfo: { ...state.poolAccountInfo, data: Buffer.alloc(245) } };
    const theirs = await swapSdk.PUMP_AMM_SDK.buyInstructions(short as never, new BN(1), new BN(1));
    expect(poolNeedsExtension(245)).toBe(true);
    expect(poolNeedsExtension(300)).toBe(false);
    const ours = buildExtendAccountInstruction({ account: input.pool, user: input.user });
    expect(theirs[0].programId.toBase58()).toBe(PUMPSWAP_PROGRAM_ADDRESS);
    expect(toHex(ours.data)).toBe(theirs[0].data.toString("hex"));
    expect(ours.accounts).toEqual(theirs[0].keys.map((k) => ({ address: k.pubkey.toBase58(), role: (k.isSigner ? 2 : 0) | (k.isWritable ? 1 : 0) })) as never);
  });

  test("fee recipients are picked from GlobalConfig like the SDK (reserved ones for mayhem pools)", () => {
    const config = sampleGlobalConfig;
    expect(pickProtocolFeeRecipient(config, false, () => 0)).toBe(config.protocolFeeRecipients[0]);
    expect(pickProtocolFeeRecipient(config, false, () => 0.99)).toBe(config.protocolFeeRecipients[7]);
    expect(pickProtocolFeeRecipient(config, true, () => 0)).toBe(config.reservedFeeRecipient);
    expect(pickProtocolFeeRecipient(config, true, () => 0.99)).toBe(config.reservedFeeRecipients[6]);
    expect(pickBuybackFeeRecipient(config, () => 0.5)).toBe(config.buybackFeeRecipients[4]);
    expect(() => pickBuybackFeeRecipient({ buybackFeeRecipients: [] })).toThrow(/no buyback fee recipients/);
  });
});
