// PumpSwap (pump AMM) layouts from the official IDL (data/idl/pump_amm.json): instructions,
// events, accounts, and the buy/sell account lists the current program requires.
//
// Typed values use camelCase keys and numbers for amounts (lamports, token base units, bps,
// timestamps), checked to be safe integers; a few fields that need not fit stay bigint.
// Accounts and events written by an older program version decode with the missing trailing
// fields zero, as the program itself reads them; use `pumpSwapRawCodecs` to see which are absent.

import { AccountRole, type AccountMeta, type Address, type Instruction } from "@solana/kit";
import pumpAmmIdlJson from "../../data/idl/pump_amm.json" with { type: "json" };
import { AnchorCodecs } from "./anchor.ts";
import { BorshError, type Idl } from "./borsh.ts";
import {
  ASSOCIATED_TOKEN_PROGRAM_ADDRESS,
  DEFAULT_ADDRESS,
  PUMP_FEE_PROGRAM_ADDRESS,
  PUMPSWAP_EVENT_AUTHORITY_ADDRESS,
  PUMPSWAP_FEE_CONFIG_ADDRESS,
  PUMPSWAP_GLOBAL_CONFIG_ADDRESS,
  PUMPSWAP_GLOBAL_VOLUME_ACCUMULATOR_ADDRESS,
  PUMPSWAP_PROGRAM_ADDRESS,
  SYSTEM_PROGRAM_ADDRESS,
  TOKEN_PROGRAM_ADDRESS,
} from "./constants.ts";
import {
  associatedTokenAddress,
  findCoinCreatorVaultAuthorityPda,
  findPoolV2Pda,
  findUserVolumeAccumulatorPda,
} from "./pda.ts";

export const PUMPSWAP_IDL = pumpAmmIdlJson as unknown as Idl;

// ---- Typed layouts (camelCase of the IDL names; round-trip tests pin them to the IDL) ----

export interface PoolAccount {
  poolBump: number;
  index: number;
  creator: Address;
  baseMint: Address;
  quoteMint: Address;
  lpMint: Address;
  poolBaseTokenAccount: Address;
  poolQuoteTokenAccount: Address;
  /** LP supply; bigint because it is not bounded by a Pump.fun token supply. */
  lpSupply: bigint;
  coinCreator: Address;
  isMayhemMode: boolean;
  isCashbackCoin: boolean;
  /** Signed lamports added to the quote vault amount when quoting (0 on non-boost pools). */
  virtualQuoteReserves: number;
  creatorFeeBps: number;
  canEditCreatorFee: boolean;
}

export interface GlobalConfigAccount {
  admin: Address;
  lpFeeBasisPoints: number;
  protocolFeeBasisPoints: number;
  /** bit 0 create_pool, 1 deposit, 2 withdraw, 3 buy, 4 sell. */
  disableFlags: number;
  protocolFeeRecipients: Address[];
  coinCreatorFeeBasisPoints: number;
  adminSetCoinCreatorAuthority: Address;
  whitelistPda: Address;
  reservedFeeRecipient: Address;
  mayhemModeEnabled: boolean;
  reservedFeeRecipients: Address[];
  isCashbackEnabled: boolean;
  buybackFeeRecipients: Address[];
  buybackBasisPoints: number;
  boostAuthority: Address;
  boostEnabled: boolean;
  creatorFeeConfigurable: boolean;
  maxConfigurableCreatorFeeBps: number;
}

export interface FeesBps {
  lpFeeBps: number;
  protocolFeeBps: number;
  creatorFeeBps: number;
}

export interface FeeTier {
  /** u128 market-cap threshold in quote base units; bigint because the IDL allows any u128. */
  marketCapLamportsThreshold: bigint;
  fees: FeesBps;
}

export interface FeeConfigAccount {
  bump: number;
  admin: Address;
  flatFees: FeesBps;
  feeTiers: FeeTier[];
  stableFeeTiers: FeeTier[];
  exoticFlatFees: FeesBps;
}

export interface CreatePoolEvent {
  timestamp: number;
  index: number;
  creator: Address;
  baseMint: Address;
  quoteMint: Address;
  baseMintDecimals: number;
  quoteMintDecimals: number;
  baseAmountIn: number;
  quoteAmountIn: number;
  poolBaseAmount: number;
  poolQuoteAmount: number;
  minimumLiquidity: number;
  initialLiquidity: number;
  lpTokenAmountOut: number;
  poolBump: number;
  pool: Address;
  lpMint: Address;
  userBaseTokenAccount: Address;
  userQuoteTokenAccount: Address;
  coinCreator: Address;
  isMayhemMode: boolean;
  creatorFeeBps: number;
  canEditCreatorFee: boolean;
}

export interface BuyEvent {
  timestamp: number;
  baseAmountOut: number;
  maxQuoteAmountIn: number;
  userBaseTokenReserves: number;
  userQuoteTokenReserves: number;
  /** Pool vault balances before the trade. */
  poolBaseTokenReserves: number;
  poolQuoteTokenReserves: number;
  quoteAmountIn: number;
  lpFeeBasisPoints: number;
  lpFee: number;
  protocolFeeBasisPoints: number;
  protocolFee: number;
  quoteAmountInWithLpFee: number;
  userQuoteAmountIn: number;
  pool: Address;
  user: Address;
  userBaseTokenAccount: Address;
  userQuoteTokenAccount: Address;
  protocolFeeRecipient: Address;
  protocolFeeRecipientTokenAccount: Address;
  coinCreator: Address;
  coinCreatorFeeBasisPoints: number;
  coinCreatorFee: number;
  trackVolume: boolean;
  totalUnclaimedTokens: number;
  totalClaimedTokens: number;
  currentSolVolume: number;
  lastUpdateTimestamp: number;
  minBaseAmountOut: number;
  /** "buy" or "buy_exact_quote_in". */
  ixName: string;
  cashbackFeeBasisPoints: number;
  cashback: number;
  buybackFeeBasisPoints: number;
  buybackFee: number;
  virtualQuoteReserves: number;
  canBoost: boolean;
  baseSupply: number;
}

export interface SellEvent {
  timestamp: number;
  baseAmountIn: number;
  minQuoteAmountOut: number;
  userBaseTokenReserves: number;
  userQuoteTokenReserves: number;
  poolBaseTokenReserves: number;
  poolQuoteTokenReserves: number;
  quoteAmountOut: number;
  lpFeeBasisPoints: number;
  lpFee: number;
  protocolFeeBasisPoints: number;
  protocolFee: number;
  quoteAmountOutWithoutLpFee: number;
  userQuoteAmountOut: number;
  pool: Address;
  user: Address;
  userBaseTokenAccount: Address;
  userQuoteTokenAccount: Address;
  protocolFeeRecipient: Address;
  protocolFeeRecipientTokenAccount: Address;
  coinCreator: Address;
  coinCreatorFeeBasisPoints: number;
  coinCreatorFee: number;
  cashbackFeeBasisPoints: number;
  cashback: number;
  buybackFeeBasisPoints: number;
  buybackFee: number;
  virtualQuoteReserves: number;
  canBoost: boolean;
  baseSupply: number;
}

export interface BuyArgs {
  baseAmountOut: number;
  maxQuoteAmountIn: number;
  /** OptionBool; the official SDK always sends true. */
  trackVolume: boolean;
}

export interface BuyExactQuoteInArgs {
  spendableQuoteIn: number;
  minBaseAmountOut: number;
  trackVolume: boolean;
}

export interface SellArgs {
  baseAmountIn: number;
  minQuoteAmountOut: number;
}

export interface CreatePoolArgs {
  index: number;
  baseAmountIn: number;
  quoteAmountIn: number;
  coinCreator: Address;
  isMayhemMode: boolean;
  isCashbackCoin: boolean;
  creatorFeeBps: number;
  canEditCreatorFee: boolean;
}

// ---- Codecs ----

const typed = new AnchorCodecs(PUMPSWAP_IDL, {
  integers: "number",
  keys: "camel",
  trailing: "zero",
  bigintFields: ["Pool.lp_supply", "FeeTier.market_cap_lamports_threshold"],
});

/** Generic codecs over the same IDL: IDL (snake_case) keys, bigint integers, absent trailing fields. */
export const pumpSwapRawCodecs = new AnchorCodecs(PUMPSWAP_IDL);

export const pumpSwapCodecs = {
  pool: typed.account<PoolAccount>("Pool"),
  globalConfig: typed.account<GlobalConfigAccount>("GlobalConfig"),
  feeConfig: typed.account<FeeConfigAccount>("FeeConfig"),
  createPoolEvent: typed.event<CreatePoolEvent>("CreatePoolEvent"),
  buyEvent: typed.event<BuyEvent>("BuyEvent"),
  sellEvent: typed.event<SellEvent>("SellEvent"),
  buy: typed.instruction<BuyArgs>("buy"),
  buyExactQuoteIn: typed.instruction<BuyExactQuoteInArgs>("buy_exact_quote_in"),
  sell: typed.instruction<SellArgs>("sell"),
  createPool: typed.instruction<CreatePoolArgs>("create_pool"),
  extendAccount: typed.instruction<Record<string, never>>("extend_account"),
} as const;

/** Pool data shorter than this lacks fields the program writes back; the SDK extends it first. */
export const POOL_ACCOUNT_EXTENDED_SIZE = 300;

/** Whether a swap on this pool must be preceded by extend_account (as the official SDK does). */
export function poolNeedsExtension(poolDataLength: number): boolean {
  return poolDataLength < POOL_ACCOUNT_EXTENDED_SIZE;
}

export function decodePool(data: Uint8Array): PoolAccount {
  return pumpSwapCodecs.pool.decode(data);
}

export function encodePool(pool: PoolAccount): Uint8Array {
  return pumpSwapCodecs.pool.encode(pool);
}

export function decodeGlobalConfig(data: Uint8Array): GlobalConfigAccount {
  return pumpSwapCodecs.globalConfig.decode(data);
}

export function encodeGlobalConfig(config: GlobalConfigAccount): Uint8Array {
  return pumpSwapCodecs.globalConfig.encode(config);
}

// FeeConfig versions are told apart by account length, and the program never reads past the last
// field of the version the length selects: bytes after it may be stale (a shrunken vector's tail).
export const FEE_CONFIG_SIZE_PRE_STABLE = 2512;
export const FEE_CONFIG_SIZE_POST_STABLE = 4073;
export const FEE_CONFIG_SIZE_POST_EXOTIC = 4097;
const FEE_TIERS_OFFSET = 8 + 1 + 32 + 24;
const FEE_TIER_SIZE = 16 + 24;

function feeTierVecEnd(data: Uint8Array, offset: number): number {
  if (offset + 4 > data.length) throw new BorshError("FeeConfig.fee_tiers", `length at offset ${offset} runs past ${data.length} bytes`);
  const count = new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(offset, true);
  const end = offset + 4 + count * FEE_TIER_SIZE;
  if (end > data.length) throw new BorshError("FeeConfig.fee_tiers", `${count} tiers at offset ${offset} run past ${data.length} bytes`);
  return end;
}

/** Decodes FeeConfig the way the program reads it: the account length picks the layout version. */
export function decodeFeeConfig(data: Uint8Array): FeeConfigAccount {
  let end = data.length;
  if (data.length < FEE_CONFIG_SIZE_POST_EXOTIC) {
    end = feeTierVecEnd(data, FEE_TIERS_OFFSET);
    if (data.length >= FEE_CONFIG_SIZE_POST_STABLE) end = feeTierVecEnd(data, end);
  }
  return pumpSwapCodecs.feeConfig.decode(data.subarray(0, end));
}

/** Encodes FeeConfig compactly (no padding to an account size). */
export function encodeFeeConfig(config: FeeConfigAccount): Uint8Array {
  return pumpSwapCodecs.feeConfig.encode(config);
}

export type PumpSwapInstruction =
  | { name: "buy"; args: BuyArgs }
  | { name: "buy_exact_quote_in"; args: BuyExactQuoteInArgs }
  | { name: "sell"; args: SellArgs }
  | { name: "create_pool"; args: CreatePoolArgs };

/** Decodes the data of a PumpSwap instruction we trade with; null for any other instruction. */
export function decodePumpSwapInstructionData(data: Uint8Array): PumpSwapInstruction | null {
  const c = pumpSwapCodecs;
  if (c.buy.matches(data)) return { name: "buy", args: c.buy.decode(data) };
  if (c.sell.matches(data)) return { name: "sell", args: c.sell.decode(data) };
  if (c.buyExactQuoteIn.matches(data)) return { name: "buy_exact_quote_in", args: c.buyExactQuoteIn.decode(data) };
  if (c.createPool.matches(data)) return { name: "create_pool", args: c.createPool.decode(data) };
  return null;
}

export function encodePumpSwapInstructionData(ix: PumpSwapInstruction): Uint8Array {
  switch (ix.name) {
    case "buy":
      return pumpSwapCodecs.buy.encode(ix.args);
    case "buy_exact_quote_in":
      return pumpSwapCodecs.buyExactQuoteIn.encode(ix.args);
    case "sell":
      return pumpSwapCodecs.sell.encode(ix.args);
    case "create_pool":
      return pumpSwapCodecs.createPool.encode(ix.args);
  }
}

// ---- Instruction accounts ----

export type SwapInstructionName = "buy" | "buy_exact_quote_in" | "sell";

/** The fixed accounts of each swap instruction, in IDL order. */
export const PUMPSWAP_BUY_ACCOUNT_NAMES = typed.accountNames("buy");
export const PUMPSWAP_BUY_EXACT_QUOTE_IN_ACCOUNT_NAMES = typed.accountNames("buy_exact_quote_in");
export const PUMPSWAP_SELL_ACCOUNT_NAMES = typed.accountNames("sell");
export const PUMPSWAP_CREATE_POOL_ACCOUNT_NAMES = typed.accountNames("create_pool");

export interface SwapAccountsInput {
  pool: Address;
  /** The decoded pool (only these fields are read). */
  poolState: Pick<PoolAccount, "baseMint" | "quoteMint" | "poolBaseTokenAccount" | "poolQuoteTokenAccount" | "coinCreator" | "isCashbackCoin">;
  user: Address;
  /** Owner program of the base mint: SPL Token, or Token-2022 for create_v2 coins. */
  baseTokenProgram: Address;
  /** Owner program of the quote mint; SPL Token (WSOL) by default. */
  quoteTokenProgram?: Address;
  /** One of GlobalConfig.protocol_fee_recipients (reserved recipients for mayhem pools). */
  protocolFeeRecipient: Address;
  /** One of GlobalConfig.buyback_fee_recipients. */
  buybackFeeRecipient: Address;
  /** Defaults to the user's ATAs. */
  userBaseTokenAccount?: Address;
  userQuoteTokenAccount?: Address;
}

/** Addresses of every named swap account, plus the remaining accounts, for one user and pool. */
export interface ResolvedSwapAccounts {
  named: Record<string, Address>;
  remaining: AccountMeta[];
}

export async function resolveSwapAccounts(instruction: SwapInstructionName, input: SwapAccountsInput): Promise<ResolvedSwapAccounts> {
  const { pool, poolState, user } = input;
  const quoteTokenProgram = input.quoteTokenProgram ?? TOKEN_PROGRAM_ADDRESS;
  const { baseMint, quoteMint } = poolState;
  const [
    userBaseTokenAccount,
    userQuoteTokenAccount,
    protocolFeeRecipientTokenAccount,
    [coinCreatorVaultAuthority],
    [userVolumeAccumulator],
    [poolV2],
    buybackFeeRecipientTokenAccount,
  ] = await Promise.all([
    input.userBaseTokenAccount ?? associatedTokenAddress(user, baseMint, input.baseTokenProgram),
    input.userQuoteTokenAccount ?? associatedTokenAddress(user, quoteMint, quoteTokenProgram),
    associatedTokenAddress(input.protocolFeeRecipient, quoteMint, quoteTokenProgram),
    findCoinCreatorVaultAuthorityPda(poolState.coinCreator),
    findUserVolumeAccumulatorPda(user),
    findPoolV2Pda(baseMint),
    associatedTokenAddress(input.buybackFeeRecipient, quoteMint, quoteTokenProgram),
  ]);
  const coinCreatorVaultAta = await associatedTokenAddress(coinCreatorVaultAuthority, quoteMint, quoteTokenProgram);

  const named: Record<string, Address> = {
    pool,
    user,
    global_config: PUMPSWAP_GLOBAL_CONFIG_ADDRESS,
    base_mint: baseMint,
    quote_mint: quoteMint,
    user_base_token_account: userBaseTokenAccount,
    user_quote_token_account: userQuoteTokenAccount,
    pool_base_token_account: poolState.poolBaseTokenAccount,
    pool_quote_token_account: poolState.poolQuoteTokenAccount,
    protocol_fee_recipient: input.protocolFeeRecipient,
    protocol_fee_recipient_token_account: protocolFeeRecipientTokenAccount,
    base_token_program: input.baseTokenProgram,
    quote_token_program: quoteTokenProgram,
    system_program: SYSTEM_PROGRAM_ADDRESS,
    associated_token_program: ASSOCIATED_TOKEN_PROGRAM_ADDRESS,
    event_authority: PUMPSWAP_EVENT_AUTHORITY_ADDRESS,
    program: PUMPSWAP_PROGRAM_ADDRESS,
    coin_creator_vault_ata: coinCreatorVaultAta,
    coin_creator_vault_authority: coinCreatorVaultAuthority,
    global_volume_accumulator: PUMPSWAP_GLOBAL_VOLUME_ACCUMULATOR_ADDRESS,
    user_volume_accumulator: userVolumeAccumulator,
    fee_config: PUMPSWAP_FEE_CONFIG_ADDRESS,
    fee_program: PUMP_FEE_PROGRAM_ADDRESS,
  };

  // Order per the official SDK's buyInstructionsNoPool / sellInstructionsNoPool.
  const remaining: AccountMeta[] = [];
  if (poolState.isCashbackCoin) {
    const cashbackAta = await associatedTokenAddress(userVolumeAccumulator, quoteMint, quoteTokenProgram);
    remaining.push({ address: cashbackAta, role: AccountRole.WRITABLE });
    if (instruction === "sell") remaining.push({ address: userVolumeAccumulator, role: AccountRole.WRITABLE });
  }
  if (poolState.coinCreator !== DEFAULT_ADDRESS) remaining.push({ address: poolV2, role: AccountRole.READONLY });
  remaining.push(
    { address: input.buybackFeeRecipient, role: AccountRole.READONLY },
    { address: buybackFeeRecipientTokenAccount, role: AccountRole.WRITABLE },
  );
  return { named, remaining };
}

/** Account metas of a swap instruction: the IDL's accounts in order, then the remaining accounts. */
export async function buildSwapAccountMetas(instruction: SwapInstructionName, input: SwapAccountsInput): Promise<AccountMeta[]> {
  const { named, remaining } = await resolveSwapAccounts(instruction, input);
  return [...typed.accountMetas(instruction, named, "PumpSwap"), ...remaining];
}

export type PumpSwapInstructionObject = Instruction & { accounts: AccountMeta[]; data: Uint8Array };

function instructionObject(accounts: AccountMeta[], data: Uint8Array): PumpSwapInstructionObject {
  return { programAddress: PUMPSWAP_PROGRAM_ADDRESS, accounts, data };
}

export async function buildBuyInstruction(input: SwapAccountsInput & { baseAmountOut: number | bigint; maxQuoteAmountIn: number | bigint; trackVolume?: boolean }): Promise<PumpSwapInstructionObject> {
  const data = pumpSwapCodecs.buy.encode({
    baseAmountOut: input.baseAmountOut as number,
    maxQuoteAmountIn: input.maxQuoteAmountIn as number,
    trackVolume: input.trackVolume ?? true,
  });
  return instructionObject(await buildSwapAccountMetas("buy", input), data);
}

export async function buildBuyExactQuoteInInstruction(input: SwapAccountsInput & { spendableQuoteIn: number | bigint; minBaseAmountOut: number | bigint; trackVolume?: boolean }): Promise<PumpSwapInstructionObject> {
  const data = pumpSwapCodecs.buyExactQuoteIn.encode({
    spendableQuoteIn: input.spendableQuoteIn as number,
    minBaseAmountOut: input.minBaseAmountOut as number,
    trackVolume: input.trackVolume ?? true,
  });
  return instructionObject(await buildSwapAccountMetas("buy_exact_quote_in", input), data);
}

export async function buildSellInstruction(input: SwapAccountsInput & { baseAmountIn: number | bigint; minQuoteAmountOut: number | bigint }): Promise<PumpSwapInstructionObject> {
  const data = pumpSwapCodecs.sell.encode({
    baseAmountIn: input.baseAmountIn as number,
    minQuoteAmountOut: input.minQuoteAmountOut as number,
  });
  return instructionObject(await buildSwapAccountMetas("sell", input), data);
}

/** extend_account: grows an older pool (or other PumpSwap account) to the current size; `user` pays rent. */
export function buildExtendAccountInstruction(input: { account: Address; user: Address }): PumpSwapInstructionObject {
  const named: Record<string, Address> = {
    account: input.account,
    user: input.user,
    system_program: SYSTEM_PROGRAM_ADDRESS,
    event_authority: PUMPSWAP_EVENT_AUTHORITY_ADDRESS,
    program: PUMPSWAP_PROGRAM_ADDRESS,
  };
  return instructionObject(typed.accountMetas("extend_account", named, "PumpSwap"), pumpSwapCodecs.extendAccount.encode({}));
}

/**
 * The protocol fee recipient for a swap, chosen as the official SDK does: one of
 * protocol_fee_recipients, or for mayhem-mode pools one of the reserved recipients.
 * `random` is in [0, 1) (Math.random by default; pass a seeded source for reproducible runs).
 */
export function pickProtocolFeeRecipient(
  config: Pick<GlobalConfigAccount, "protocolFeeRecipients" | "reservedFeeRecipient" | "reservedFeeRecipients">,
  isMayhemMode: boolean,
  random: () => number = Math.random,
): Address {
  const candidates = isMayhemMode ? [config.reservedFeeRecipient, ...config.reservedFeeRecipients] : config.protocolFeeRecipients;
  return pickOne(candidates, random, isMayhemMode ? "reserved fee recipients" : "protocol fee recipients");
}

/** One of GlobalConfig.buyback_fee_recipients, chosen as the official SDK does. */
export function pickBuybackFeeRecipient(config: Pick<GlobalConfigAccount, "buybackFeeRecipients">, random: () => number = Math.random): Address {
  return pickOne(config.buybackFeeRecipients, random, "buyback fee recipients");
}

function pickOne(candidates: readonly Address[], random: () => number, what: string): Address {
  if (candidates.length === 0) throw new Error(`GlobalConfig has no ${what}`);
  return candidates[Math.min(candidates.length - 1, Math.floor(random() * candidates.length))];
}

/** A swap instruction read back into names: what the simulator does with a received transaction. */
export interface ParsedSwapInstruction {
  name: SwapInstructionName;
  args: BuyArgs | BuyExactQuoteInArgs | SellArgs;
  accounts: Record<string, Address>;
  remainingAccounts: Address[];
}

/** Names the accounts of a PumpSwap buy / buy_exact_quote_in / sell; null for other instructions. */
export function parseSwapInstruction(ix: { data: Uint8Array; accounts: readonly (Address | { address: Address })[] }): ParsedSwapInstruction | null {
  const decoded = decodePumpSwapInstructionData(ix.data);
  if (!decoded || decoded.name === "create_pool") return null;
  return { name: decoded.name, args: decoded.args, ...typed.nameAccounts(decoded.name, ix.accounts, "PumpSwap") };
}

