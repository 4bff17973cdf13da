// Pump.fun bonding-curve layouts from the official IDL (data/idl/pump.json): the migrate,
// create/create_v2 and curve trade (buy, buy_exact_sol_in, sell) instructions, the events around a
// coin's life and migration, and the BondingCurve and Global accounts. Same conventions as
// pumpswap.ts; the trade builders are synchronous (lib/chain/pda_sync.ts) for the live buy path.

import { AccountRole, type AccountMeta, type Address, type Instruction } from "@solana/kit";
import pumpIdlJson from "../../data/idl/pump.json" with { type: "json" };
import { AnchorCodecs } from "./anchor.ts";
import type { Idl } from "./borsh.ts";
import {
  ASSOCIATED_TOKEN_PROGRAM_ADDRESS,
  PUMPFUN_EVENT_AUTHORITY_ADDRESS,
  PUMPFUN_GLOBAL_ADDRESS,
  PUMPFUN_PROGRAM_ADDRESS,
  PUMPFUN_WITHDRAW_AUTHORITY_ADDRESS,
  PUMP_FEE_PROGRAM_ADDRESS,
  PUMPSWAP_EVENT_AUTHORITY_ADDRESS,
  PUMPSWAP_GLOBAL_CONFIG_ADDRESS,
  PUMPSWAP_PROGRAM_ADDRESS,
  RENT_SYSVAR_ADDRESS,
  SYSTEM_PROGRAM_ADDRESS,
  TOKEN_2022_PROGRAM_ADDRESS,
  TOKEN_PROGRAM_ADDRESS,
  WSOL_MINT_ADDRESS,
} from "./constants.ts";
import { associatedTokenAddress, findBondingCurvePda, findBoostVaultAuthorityPda, findCanonicalPoolPda, findLpMintPda, findPoolAuthorityPda } from "./pda.ts";
import {
  ataSync,
  bondingCurveSync,
  bondingCurveV2Sync,
  creatorVaultSync,
  pumpFunFeeConfigSync,
  pumpFunGlobalVolumeAccumulatorSync,
  pumpFunUserVolumeAccumulatorSync,
} from "./pda_sync.ts";

export const PUMPFUN_IDL = pumpIdlJson as unknown as Idl;

export interface BondingCurveAccount {
  virtualTokenReserves: number;
  /** Lamports for SOL coins (named virtual_sol_reserves before quote mints were added). */
  virtualQuoteReserves: number;
  realTokenReserves: number;
  realQuoteReserves: number;
  tokenTotalSupply: number;
  /** Set when real_token_reserves reaches 0; the coin can then migrate. */
  complete: boolean;
  creator: Address;
  isMayhemMode: boolean;
  isCashbackCoin: boolean;
  /** The zero key for SOL coins. */
  quoteMint: Address;
  creatorFeeBps: number;
  canEditCreatorFee: boolean;
  isHolderReward: boolean;
}

export interface PumpFunGlobalAccount {
  initialized: boolean;
  authority: Address;
  feeRecipient: Address;
  initialVirtualTokenReserves: number;
  initialVirtualSolReserves: number;
  initialRealTokenReserves: number;
  tokenTotalSupply: number;
  feeBasisPoints: number;
  withdrawAuthority: Address;
  enableMigrate: boolean;
  poolMigrationFee: number;
  creatorFeeBasisPoints: number;
  feeRecipients: Address[];
  setCreatorAuthority: Address;
  adminSetCreatorAuthority: Address;
  createV2Enabled: boolean;
  whitelistPda: Address;
  reservedFeeRecipient: Address;
  mayhemModeEnabled: boolean;
  reservedFeeRecipients: Address[];
  isCashbackEnabled: boolean;
  buybackFeeRecipients: Address[];
  buybackBasisPoints: number;
  initialVirtualQuoteReserves: number;
  whitelistedQuoteMints: Address[];
  creatorFeeConfigurable: boolean;
  maxConfigurableCreatorFeeBps: number;
  holderRewardClaimAuthority: Address;
  isHolderRewardEnabled: boolean;
}

export interface CompleteEvent {
  user: Address;
  mint: Address;
  bondingCurve: Address;
  timestamp: number;
  quoteMint: Address;
}

export interface CompletePumpAmmMigrationEvent {
  user: Address;
  mint: Address;
  mintAmount: number;
  /** Quote amount moved into the pool (lamports for SOL coins). */
  solAmount: number;
  poolMigrationFee: number;
  bondingCurve: Address;
  timestamp: number;
  pool: Address;
  quoteMint: Address;
}

export interface Shareholder {
  address: Address;
  shareBps: number;
}

export interface TradeEvent {
  mint: Address;
  solAmount: number;
  tokenAmount: number;
  isBuy: boolean;
  user: Address;
  timestamp: number;
  virtualSolReserves: number;
  virtualTokenReserves: number;
  realSolReserves: number;
  realTokenReserves: number;
  feeRecipient: Address;
  feeBasisPoints: number;
  fee: number;
  creator: Address;
  creatorFeeBasisPoints: number;
  creatorFee: number;
  trackVolume: boolean;
  totalUnclaimedTokens: number;
  totalClaimedTokens: number;
  currentSolVolume: number;
  lastUpdateTimestamp: number;
  /** "buy", "sell" or "buy_exact_sol_in". */
  ixName: string;
  mayhemMode: boolean;
  cashbackFeeBasisPoints: number;
  cashback: number;
  buybackFeeBasisPoints: number;
  buybackFee: number;
  shareholders: Shareholder[];
  quoteMint: Address;
  quoteAmount: number;
  virtualQuoteReserves: number;
  realQuoteReserves: number;
  holderRewardsBps: number;
  holderRewards: number;
}

export interface CreateEvent {
  name: string;
  symbol: string;
  uri: string;
  mint: Address;
  bondingCurve: Address;
  user: Address;
  creator: Address;
  timestamp: number;
  virtualTokenReserves: number;
  virtualSolReserves: number;
  realTokenReserves: number;
  tokenTotalSupply: number;
  tokenProgram: Address;
  isMayhemMode: boolean;
  isCashbackEnabled: boolean;
  quoteMint: Address;
  virtualQuoteReserves: number;
  creatorFeeBps: number;
  isHolderReward: boolean;
}

export interface CreateArgs {
  name: string;
  symbol: string;
  uri: string;
  creator: Address;
}

export interface CreateV2Args extends CreateArgs {
  isMayhemMode: boolean;
  isCashbackEnabled: boolean;
  creatorFeeBps: number;
  isHolderReward: boolean;
}

export interface CurveBuyArgs {
  /** Tokens to receive (the program caps it at the curve's real token reserves). */
  amount: number;
  /** Most lamports the buyer pays, fees included (else TooMuchSolRequired 6002). */
  maxSolCost: number;
  /** OptionBool; the official SDK always sends true. */
  trackVolume: boolean;
}

export interface CurveBuyExactSolInArgs {
  /** Lamports to spend, fees included. */
  spendableSolIn: number;
  /** Fewest tokens accepted (else BuySlippageBelowMinTokensOut 6042). */
  minTokensOut: number;
  trackVolume: boolean;
}

export interface CurveSellArgs {
  amount: number;
  /** Fewest lamports accepted after fees (else TooLittleSolReceived 6003). */
  minSolOutput: number;
}

const typed = new AnchorCodecs(PUMPFUN_IDL, { integers: "number", keys: "camel", trailing: "zero" });

/** Generic codecs over the same IDL: IDL (snake_case) keys, bigint integers, absent trailing fields. */
export const pumpFunRawCodecs = new AnchorCodecs(PUMPFUN_IDL);

export const pumpFunCodecs = {
  bondingCurve: typed.account<BondingCurveAccount>("BondingCurve"),
  global: typed.account<PumpFunGlobalAccount>("Global"),
  completeEvent: typed.event<CompleteEvent>("CompleteEvent"),
  completePumpAmmMigrationEvent: typed.event<CompletePumpAmmMigrationEvent>("CompletePumpAmmMigrationEvent"),
  tradeEvent: typed.event<TradeEvent>("TradeEvent"),
  createEvent: typed.event<CreateEvent>("CreateEvent"),
  migrate: typed.instruction<Record<string, never>>("migrate"),
  create: typed.instruction<CreateArgs>("create"),
  createV2: typed.instruction<CreateV2Args>("create_v2"),
  buy: typed.instruction<CurveBuyArgs>("buy"),
  buyExactSolIn: typed.instruction<CurveBuyExactSolInArgs>("buy_exact_sol_in"),
  sell: typed.instruction<CurveSellArgs>("sell"),
} as const;

export function decodeBondingCurve(data: Uint8Array): BondingCurveAccount {
  return pumpFunCodecs.bondingCurve.decode(data);
}

export function encodeBondingCurve(curve: BondingCurveAccount): Uint8Array {
  return pumpFunCodecs.bondingCurve.encode(curve);
}

export function decodePumpFunGlobal(data: Uint8Array): PumpFunGlobalAccount {
  return pumpFunCodecs.global.decode(data);
}

export function encodePumpFunGlobal(global: PumpFunGlobalAccount): Uint8Array {
  return pumpFunCodecs.global.encode(global);
}

export type CurveTradeInstruction = { name: "buy"; args: CurveBuyArgs } | { name: "buy_exact_sol_in"; args: CurveBuyExactSolInArgs } | { name: "sell"; args: CurveSellArgs };

export type PumpFunInstruction = { name: "migrate"; args: Record<string, never> } | { name: "create"; args: CreateArgs } | { name: "create_v2"; args: CreateV2Args } | CurveTradeInstruction;

function decodeCurveTradeData(data: Uint8Array): CurveTradeInstruction | null {
  const c = pumpFunCodecs;
  if (c.buy.matches(data)) return { name: "buy", args: c.buy.decode(data) };
  if (c.sell.matches(data)) return { name: "sell", args: c.sell.decode(data) };
  if (c.buyExactSolIn.matches(data)) return { name: "buy_exact_sol_in", args: c.buyExactSolIn.decode(data) };
  return null;
}

/** Decodes migrate / create / create_v2 / buy / buy_exact_sol_in / sell data; null for any other Pump.fun instruction. */
export function decodePumpFunInstructionData(data: Uint8Array): PumpFunInstruction | null {
  const c = pumpFunCodecs;
  const trade = decodeCurveTradeData(data);
  if (trade) return trade;
  if (c.migrate.matches(data)) return { name: "migrate", args: c.migrate.decode(data) };
  if (c.create.matches(data)) return { name: "create", args: c.create.decode(data) };
  if (c.createV2.matches(data)) return { name: "create_v2", args: c.createV2.decode(data) };
  return null;
}

export function encodePumpFunInstructionData(ix: PumpFunInstruction): Uint8Array {
  switch (ix.name) {
    case "migrate":
      return pumpFunCodecs.migrate.encode({});
    case "create":
      return pumpFunCodecs.create.encode(ix.args);
    case "create_v2":
      return pumpFunCodecs.createV2.encode(ix.args);
    case "buy":
      return pumpFunCodecs.buy.encode(ix.args);
    case "buy_exact_sol_in":
      return pumpFunCodecs.buyExactSolIn.encode(ix.args);
    case "sell":
      return pumpFunCodecs.sell.encode(ix.args);
  }
}

export const PUMPFUN_MIGRATE_ACCOUNT_NAMES = typed.accountNames("migrate");
export const PUMPFUN_CREATE_ACCOUNT_NAMES = typed.accountNames("create");
export const PUMPFUN_CREATE_V2_ACCOUNT_NAMES = typed.accountNames("create_v2");

export interface MigrateInput {
  mint: Address;
  /** Pays for and signs the migration (permissionless). */
  user: Address;
  /** Global.withdraw_authority. */
  withdrawAuthority?: Address;
  /** Owner program of the mint: SPL Token for `create` coins, Token-2022 for `create_v2`. */
  mintTokenProgram?: Address;
}

/** Named migrate accounts (SOL-quoted coin) and the two boost remaining accounts the SDK appends. */
export async function resolveMigrateAccounts(input: MigrateInput): Promise<{ named: Record<string, Address>; remaining: AccountMeta[] }> {
  const mintTokenProgram = input.mintTokenProgram ?? TOKEN_PROGRAM_ADDRESS;
  const { mint } = input;
  const [[bondingCurve], [poolAuthority], [pool]] = await Promise.all([findBondingCurvePda(mint), findPoolAuthorityPda(mint), findCanonicalPoolPda(mint)]);
  const [[lpMint], [boostVaultAuthority]] = await Promise.all([findLpMintPda(pool), findBoostVaultAuthorityPda(pool)]);
  const [associatedBondingCurve, poolAuthorityMintAccount, poolAuthorityWsolAccount, userPoolTokenAccount, poolBaseTokenAccount, poolQuoteTokenAccount, boostVault] = await Promise.all([
    associatedTokenAddress(bondingCurve, mint, mintTokenProgram),
    associatedTokenAddress(poolAuthority, mint, mintTokenProgram),
    associatedTokenAddress(poolAuthority, WSOL_MINT_ADDRESS, TOKEN_PROGRAM_ADDRESS),
    associatedTokenAddress(poolAuthority, lpMint, TOKEN_2022_PROGRAM_ADDRESS),
    associatedTokenAddress(pool, mint, mintTokenProgram),
    associatedTokenAddress(pool, WSOL_MINT_ADDRESS, TOKEN_PROGRAM_ADDRESS),
    associatedTokenAddress(boostVaultAuthority, WSOL_MINT_ADDRESS, TOKEN_PROGRAM_ADDRESS),
  ]);
  const named: Record<string, Address> = {
    global: PUMPFUN_GLOBAL_ADDRESS,
    withdraw_authority: input.withdrawAuthority ?? PUMPFUN_WITHDRAW_AUTHORITY_ADDRESS,
    mint,
    bonding_curve: bondingCurve,
    associated_bonding_curve: associatedBondingCurve,
    user: input.user,
    system_program: SYSTEM_PROGRAM_ADDRESS,
    token_program: TOKEN_PROGRAM_ADDRESS,
    pump_amm: PUMPSWAP_PROGRAM_ADDRESS,
    pool,
    pool_authority: poolAuthority,
    pool_authority_mint_account: poolAuthorityMintAccount,
    pool_authority_wsol_account: poolAuthorityWsolAccount,
    amm_global_config: PUMPSWAP_GLOBAL_CONFIG_ADDRESS,
    wsol_mint: WSOL_MINT_ADDRESS,
    lp_mint: lpMint,
    user_pool_token_account: userPoolTokenAccount,
    pool_base_token_account: poolBaseTokenAccount,
    pool_quote_token_account: poolQuoteTokenAccount,
    token_2022_program: TOKEN_2022_PROGRAM_ADDRESS,
    associated_token_program: ASSOCIATED_TOKEN_PROGRAM_ADDRESS,
    pump_amm_event_authority: PUMPSWAP_EVENT_AUTHORITY_ADDRESS,
    event_authority: PUMPFUN_EVENT_AUTHORITY_ADDRESS,
    program: PUMPFUN_PROGRAM_ADDRESS,
    rent: RENT_SYSVAR_ADDRESS,
  };
  const remaining: AccountMeta[] = [
    { address: boostVaultAuthority, role: AccountRole.READONLY },
    { address: boostVault, role: AccountRole.WRITABLE },
  ];
  return { named, remaining };
}

/** A migrate instruction as the official SDK builds it (25 IDL accounts + 2 boost accounts). */
export async function buildMigrateInstruction(input: MigrateInput): Promise<Instruction & { accounts: AccountMeta[]; data: Uint8Array }> {
  const { named, remaining } = await resolveMigrateAccounts(input);
  const accounts = typed.accountMetas("migrate", named, "Pump.fun");
  return { programAddress: PUMPFUN_PROGRAM_ADDRESS, accounts: [...accounts, ...remaining], data: pumpFunCodecs.migrate.encode({}) };
}

/** Names the accounts of a migrate instruction (as seen in a transaction); null if it is not migrate. */
export function parseMigrateInstruction(ix: { data: Uint8Array; accounts: readonly (Address | { address: Address })[] }): { accounts: Record<string, Address>; remainingAccounts: Address[] } | null {
  if (!pumpFunCodecs.migrate.matches(ix.data)) return null;
  return typed.nameAccounts("migrate", ix.accounts, "Pump.fun");
}

// ---- Curve trades: buy / buy_exact_sol_in / sell ----

export type CurveTradeName = CurveTradeInstruction["name"];

export const PUMPFUN_BUY_ACCOUNT_NAMES = typed.accountNames("buy");
export const PUMPFUN_BUY_EXACT_SOL_IN_ACCOUNT_NAMES = typed.accountNames("buy_exact_sol_in");
export const PUMPFUN_SELL_ACCOUNT_NAMES = typed.accountNames("sell");

/** Pump.fun error codes a curve trade can fail with (numbers from the IDL's `errors`). */
export const PUMPFUN_ERRORS = (() => {
  const names = ["NotAuthorized", "TooMuchSolRequired", "TooLittleSolReceived", "BondingCurveComplete", "BuyZeroAmount", "SellZeroAmount", "NotEnoughTokensToSell", "Overflow", "NotEnoughRemainingAccounts", "BuyNotEnoughSolToCoverFees", "BuySlippageBelowMinTokensOut", "BuybackFeeRecipientNotAuthorized"] as const;
  const errors = (PUMPFUN_IDL as unknown as { errors: { code: number; name: string }[] }).errors;
  const out = {} as Record<(typeof names)[number], number>;
  for (const n of names) {
    const e = errors.find((x) => x.name === n);
    if (!e) throw new Error(`Pump.fun IDL has no error ${n}`);
    out[n] = e.code;
  }
  return Object.freeze(out);
})();

export interface CurveTradeAccountsInput {
  mint: Address;
  user: Address;
  /** BondingCurve.creator (its creator vault receives the creator fee). */
  creator: Address;
  /** The mint's owner program: SPL Token for `create` coins, Token-2022 for `create_v2`. */
  tokenProgram: Address;
  /** One of Global's fee recipients (pickCurveFeeRecipient). */
  feeRecipient: Address;
  /** One of Global.buyback_fee_recipients (pickCurveBuybackFeeRecipient). */
  buybackFeeRecipient: Address;
  /** Sell only: cashback coins put user_volume_accumulator first in the remaining accounts. */
  cashback?: boolean;
}

/** Every named account of a curve trade, by IDL name. */
export function curveTradeNamedAccounts(input: CurveTradeAccountsInput): Record<string, Address> {
  const { mint, user, tokenProgram } = input;
  const bondingCurve = bondingCurveSync(mint);
  return {
    global: PUMPFUN_GLOBAL_ADDRESS,
    fee_recipient: input.feeRecipient,
    mint,
    bonding_curve: bondingCurve,
    associated_bonding_curve: ataSync(bondingCurve, mint, tokenProgram),
    associated_user: ataSync(user, mint, tokenProgram),
    user,
    system_program: SYSTEM_PROGRAM_ADDRESS,
    token_program: tokenProgram,
    creator_vault: creatorVaultSync(input.creator),
    event_authority: PUMPFUN_EVENT_AUTHORITY_ADDRESS,
    program: PUMPFUN_PROGRAM_ADDRESS,
    global_volume_accumulator: pumpFunGlobalVolumeAccumulatorSync(),
    user_volume_accumulator: pumpFunUserVolumeAccumulatorSync(user),
    fee_config: pumpFunFeeConfigSync(),
    fee_program: PUMP_FEE_PROGRAM_ADDRESS,
  };
}

/** The IDL's accounts in order, then the official SDK's remaining accounts: [bonding_curve_v2, buyback fee recipient]. */
export function curveTradeAccountMetas(ix: CurveTradeName, input: CurveTradeAccountsInput): AccountMeta[] {
  const metas = typed.accountMetas(ix, curveTradeNamedAccounts(input), "Pump.fun");
  if (ix === "sell" && input.cashback) metas.push({ address: pumpFunUserVolumeAccumulatorSync(input.user), role: AccountRole.WRITABLE });
  metas.push({ address: bondingCurveV2Sync(input.mint), role: AccountRole.READONLY }, { address: input.buybackFeeRecipient, role: AccountRole.WRITABLE });
  return metas;
}

export type PumpFunInstructionObject = Instruction & { accounts: AccountMeta[]; data: Uint8Array };

export function buildCurveBuyInstruction(input: CurveTradeAccountsInput & { amount: number | bigint; maxSolCost: number | bigint; trackVolume?: boolean }): PumpFunInstructionObject {
  const data = pumpFunCodecs.buy.encode({ amount: input.amount as number, maxSolCost: input.maxSolCost as number, trackVolume: input.trackVolume ?? true });
  return { programAddress: PUMPFUN_PROGRAM_ADDRESS, accounts: curveTradeAccountMetas("buy", input), data };
}

export function buildCurveBuyExactSolInInstruction(input: CurveTradeAccountsInput & { spendableSolIn: number | bigint; minTokensOut: number | bigint; trackVolume?: boolean }): PumpFunInstructionObject {
  const data = pumpFunCodecs.buyExactSolIn.encode({ spendableSolIn: input.spendableSolIn as number, minTokensOut: input.minTokensOut as number, trackVolume: input.trackVolume ?? true });
  return { programAddress: PUMPFUN_PROGRAM_ADDRESS, accounts: curveTradeAccountMetas("buy_exact_sol_in", input), data };
}

export function buildCurveSellInstruction(input: CurveTradeAccountsInput & { amount: number | bigint; minSolOutput: number | bigint }): PumpFunInstructionObject {
  const data = pumpFunCodecs.sell.encode({ amount: input.amount as number, minSolOutput: input.minSolOutput as number });
  return { programAddress: PUMPFUN_PROGRAM_ADDRESS, accounts: curveTradeAccountMetas("sell", input), data };
}

export type ParsedCurveTradeInstruction = CurveTradeInstruction & { accounts: Record<string, Address>; remainingAccounts: Address[] };

/** Names the accounts of a Pump.fun buy / buy_exact_sol_in / sell; null for other instructions. */
export function parseCurveTradeInstruction(ix: { data: Uint8Array; accounts: readonly (Address | { address: Address })[] }): ParsedCurveTradeInstruction | null {
  const decoded = decodeCurveTradeData(ix.data);
  if (!decoded) return null;
  return { ...decoded, ...typed.nameAccounts(decoded.name, ix.accounts, "Pump.fun") };
}

/**
 * The fee recipient of a curve trade, chosen as the official SDK's getFeeRecipient does: Global's
 * fee_recipient or one of fee_recipients, or for mayhem-mode coins the reserved ones. `random` is
 * in [0, 1) (Math.random by default; pass a seeded source for reproducible runs).
 */
export function pickCurveFeeRecipient(
  global: Pick<PumpFunGlobalAccount, "feeRecipient" | "feeRecipients" | "reservedFeeRecipient" | "reservedFeeRecipients">,
  mayhem: boolean,
  random: () => number = Math.random,
): Address {
  const candidates = mayhem ? [global.reservedFeeRecipient, ...global.reservedFeeRecipients] : [global.feeRecipient, ...global.feeRecipients];
  return candidates[Math.min(candidates.length - 1, Math.floor(random() * candidates.length))];
}

/** One of Global.buyback_fee_recipients. */
export function pickCurveBuybackFeeRecipient(global: Pick<PumpFunGlobalAccount, "buybackFeeRecipients">, random: () => number = Math.random): Address {
  const c = global.buybackFeeRecipients;
  if (c.length === 0) throw new Error("Pump.fun Global has no buyback fee recipients");
  return c[Math.min(c.length - 1, Math.floor(random() * c.length))];
}
