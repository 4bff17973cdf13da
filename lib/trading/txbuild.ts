/**
 * PumpSwap buy and sell transactions, built with @solana/kit instructions and the
 * @solana-program clients, exactly as the official SDK wraps a swap (reference/solana_facts §1):
 *
 *   buy:  compute-unit limit + price · [extend_account when the pool is short] · create the WSOL
 *         ATA idempotently · transfer the quote budget into it · SyncNative · create the base ATA
 *         idempotently with the mint's own token program (Token-2022 aware) · buy_exact_quote_in
 *         (or buy with max_quote_amount_in) with the remaining accounts the program requires ·
 *         CloseAccount on the WSOL ATA (unwrap what was not spent) · [tip]
 *   sell: compute-unit limit + price · [extend_account] · create the WSOL ATA idempotently · sell
 *         · CloseAccount on the WSOL ATA (unwrap the proceeds) · [CloseAccount on the emptied base
 *         ATA, returning its rent] · [tip]
 *
 * Account resolution is synchronous (lib/chain/pda_sync.ts) and mirrors lib/chain's `resolveSwapAccounts`
 * name for name (txbuild.test.ts checks the instructions equal lib/chain's for buy,
 * buy_exact_quote_in and sell, cashback and creator-less pools included).
 *
 * The system, token and compute-budget instructions are written here rather than through the
 * @solana-program builders (which build a codec per call: ~30 µs of a buy): the same program,
 * accounts, roles and bytes, which txbuild.test.ts checks against those builders.
 */
import { AccountRole, type AccountMeta, type Address, type Instruction } from "@solana/kit";
import type { PoolFees } from "../amm/index.ts";
import { idlAccountRole } from "../chain/anchor.ts";
import { encodeBase58 } from "../chain/base58.ts";
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
} from "../chain/constants.ts";
import { buildExtendAccountInstruction, poolNeedsExtension, pumpSwapCodecs, PUMPSWAP_IDL, type SwapInstructionName } from "../chain/pumpswap.ts";
import { compileMessage, wireTransaction, type MessageVersion } from "./message.ts";
import { budgetIxs, closeAccountIx, createAtaIdempotentIx, syncNativeIx, transferSolIx, type ComputeBudget } from "../chain/instructions.ts";
import { ataSync, coinCreatorVaultAuthoritySync, poolV2Sync, userVolumeAccumulatorSync } from "../chain/pda_sync.ts";
import type { TradingSigner } from "./signer.ts";

/** Everything about a pool the transaction needs (from the migration, the pool account, the mint). */
export interface PoolInfo {
  pool: Address;
  mint: Address;
  quoteMint: Address;
  /** Owner program of the base mint: SPL Token or Token-2022. */
  baseTokenProgram: Address;
  quoteTokenProgram: Address;
  poolBaseTokenAccount: Address;
  poolQuoteTokenAccount: Address;
  /** Pool.coin_creator (DEFAULT_ADDRESS when none). */
  coinCreator: Address;
  isCashbackCoin: boolean;
  isMayhemMode: boolean;
  fees: PoolFees;
  baseDecimals: number;
  /** Pool account data length when known (extend_account below 300 bytes). */
  poolDataLength?: number;
}

export interface FeeRecipients {
  protocolFeeRecipient: Address;
  buybackFeeRecipient: Address;
}

export type { ComputeBudget };

/** Optional tip (e.g. a Jito tip account) appended to each transaction. */
export interface Tip {
  account: Address;
  lamports: number;
}

interface SwapDef {
  names: string[];
  roles: AccountRole[];
}

const SWAP_DEFS: Record<SwapInstructionName, SwapDef> = Object.fromEntries(
  (["buy", "buy_exact_quote_in", "sell"] as const).map((name) => {
    const ix = PUMPSWAP_IDL.instructions.find((i) => i.name === name)!;
    return [name, { names: ix.accounts.map((a) => a.name), roles: ix.accounts.map((a) => idlAccountRole(a as { writable?: boolean; signer?: boolean }) as AccountRole) }];
  }),
) as Record<SwapInstructionName, SwapDef>;

/** Account metas of a PumpSwap swap: the IDL's accounts in order, then the remaining accounts. */
export function swapAccountMetas(instruction: SwapInstructionName, user: Address, p: PoolInfo, r: FeeRecipients): AccountMeta[] {
  const quoteProgram = p.quoteTokenProgram;
  const vaultAuthority = coinCreatorVaultAuthoritySync(p.coinCreator);
  const userVolume = userVolumeAccumulatorSync(user);
  const named: Record<string, Address> = {
    pool: p.pool,
    user,
    global_config: PUMPSWAP_GLOBAL_CONFIG_ADDRESS,
    base_mint: p.mint,
    quote_mint: p.quoteMint,
    user_base_token_account: ataSync(user, p.mint, p.baseTokenProgram),
    user_quote_token_account: ataSync(user, p.quoteMint, quoteProgram),
    pool_base_token_account: p.poolBaseTokenAccount,
    pool_quote_token_account: p.poolQuoteTokenAccount,
    protocol_fee_recipient: r.protocolFeeRecipient,
    protocol_fee_recipient_token_account: ataSync(r.protocolFeeRecipient, p.quoteMint, quoteProgram),
    base_token_program: p.baseTokenProgram,
    quote_token_program: quoteProgram,
    system_program: SYSTEM_PROGRAM_ADDRESS,
    associated_token_program: ASSOCIATED_TOKEN_PROGRAM_ADDRESS,
    event_authority: PUMPSWAP_EVENT_AUTHORITY_ADDRESS,
    program: PUMPSWAP_PROGRAM_ADDRESS,
    coin_creator_vault_ata: ataSync(vaultAuthority, p.quoteMint, quoteProgram),
    coin_creator_vault_authority: vaultAuthority,
    global_volume_accumulator: PUMPSWAP_GLOBAL_VOLUME_ACCUMULATOR_ADDRESS,
    user_volume_accumulator: userVolume,
    fee_config: PUMPSWAP_FEE_CONFIG_ADDRESS,
    fee_program: PUMP_FEE_PROGRAM_ADDRESS,
  };
  const def = SWAP_DEFS[instruction];
  const metas: AccountMeta[] = new Array(def.names.length);
  for (let i = 0; i < def.names.length; i++) {
    const address = named[def.names[i]];
    if (address === undefined) throw new Error(`PumpSwap ${instruction}: no address for IDL account ${def.names[i]}`);
    metas[i] = { address, role: def.roles[i] };
  }
  // Remaining accounts, in the official SDK's order (buyInstructionsNoPool / sellInstructionsNoPool).
  if (p.isCashbackCoin) {
    metas.push({ address: ataSync(userVolume, p.quoteMint, quoteProgram), role: AccountRole.WRITABLE });
    if (instruction === "sell") metas.push({ address: userVolume, role: AccountRole.WRITABLE });
  }
  if (p.coinCreator !== DEFAULT_ADDRESS) metas.push({ address: poolV2Sync(p.mint), role: AccountRole.READONLY });
  metas.push({ address: r.buybackFeeRecipient, role: AccountRole.READONLY }, { address: ataSync(r.buybackFeeRecipient, p.quoteMint, quoteProgram), role: AccountRole.WRITABLE });
  return metas;
}

export type BuyOrder =
  /** Spend exactly `spendLamports` (fees included), at least `minBaseOut` tokens. */
  | { kind: "exact_quote_in"; spendLamports: number; minBaseOut: number }
  /** Exactly `baseOut` tokens, at most `maxQuoteIn` lamports in total. */
  | { kind: "exact_base_out"; baseOut: number; maxQuoteIn: number };

export interface BuildBuyInput {
  user: Address;
  pool: PoolInfo;
  recipients: FeeRecipients;
  order: BuyOrder;
  budget: ComputeBudget;
  tip?: Tip | null;
}

export interface BuildSellInput {
  user: Address;
  pool: PoolInfo;
  recipients: FeeRecipients;
  baseAmountIn: number;
  minQuoteOut: number;
  budget: ComputeBudget;
  /** The sell empties the base ATA: close it and take its rent back. */
  closeBaseAccount: boolean;
  tip?: Tip | null;
}

/** extend_account first when the pool account is known to be short (as the official SDK does). */
function extendIx(input: { pool: PoolInfo; user: Address }): Instruction[] {
  const len = input.pool.poolDataLength;
  if (len === undefined || !poolNeedsExtension(len)) return [];
  return [buildExtendAccountInstruction({ account: input.pool.pool, user: input.user })];
}

/** The buy transaction's instructions. */
export function buildBuyInstructions(input: BuildBuyInput): Instruction[] {
  const { user, pool: p, order } = input;
  const wsolAta = ataSync(user, p.quoteMint, p.quoteTokenProgram);
  const baseAta = ataSync(user, p.mint, p.baseTokenProgram);
  const wrap = order.kind === "exact_quote_in" ? order.spendLamports : order.maxQuoteIn;
  let swap: Instruction;
  if (order.kind === "exact_quote_in") {
    swap = {
      programAddress: PUMPSWAP_PROGRAM_ADDRESS,
      accounts: swapAccountMetas("buy_exact_quote_in", user, p, input.recipients),
      data: pumpSwapCodecs.buyExactQuoteIn.encode({ spendableQuoteIn: order.spendLamports, minBaseAmountOut: order.minBaseOut, trackVolume: true }),
    };
  } else {
    swap = {
      programAddress: PUMPSWAP_PROGRAM_ADDRESS,
      accounts: swapAccountMetas("buy", user, p, input.recipients),
      data: pumpSwapCodecs.buy.encode({ baseAmountOut: order.baseOut, maxQuoteAmountIn: order.maxQuoteIn, trackVolume: true }),
    };
  }
  const ixs: Instruction[] = [
    ...budgetIxs(input.budget),
    ...extendIx(input),
    createAtaIdempotentIx(user, wsolAta, user, p.quoteMint, p.quoteTokenProgram),
    transferSolIx(user, wsolAta, wrap),
    syncNativeIx(wsolAta, p.quoteTokenProgram),
    createAtaIdempotentIx(user, baseAta, user, p.mint, p.baseTokenProgram),
    swap,
    closeAccountIx(wsolAta, user, user, p.quoteTokenProgram),
  ];
  ixs.push(...tipIxs(user, input.tip));
  return ixs;
}

/** The tip transfer, when there is a tip. */
export function tipIxs(user: Address, tip: Tip | null | undefined): Instruction[] {
  return tip && tip.lamports > 0 ? [transferSolIx(user, tip.account, tip.lamports)] : [];
}

/** The sell transaction's instructions. */
export function buildSellInstructions(input: BuildSellInput): Instruction[] {
  const { user, pool: p } = input;
  const wsolAta = ataSync(user, p.quoteMint, p.quoteTokenProgram);
  const ixs: Instruction[] = [
    ...budgetIxs(input.budget),
    ...extendIx(input),
    createAtaIdempotentIx(user, wsolAta, user, p.quoteMint, p.quoteTokenProgram),
    {
      programAddress: PUMPSWAP_PROGRAM_ADDRESS,
      accounts: swapAccountMetas("sell", user, p, input.recipients),
      data: pumpSwapCodecs.sell.encode({ baseAmountIn: input.baseAmountIn, minQuoteAmountOut: input.minQuoteOut }),
    },
    closeAccountIx(wsolAta, user, user, p.quoteTokenProgram),
  ];
  if (input.closeBaseAccount) ixs.push(closeAccountIx(ataSync(user, p.mint, p.baseTokenProgram), user, user, p.baseTokenProgram));
  ixs.push(...tipIxs(user, input.tip));
  return ixs;
}

export interface SignedTransaction {
  /** Base58 fee-payer signature: the transaction id. */
  signature: string;
  wire: Uint8Array;
  base64: string;
}

/** Compiles and signs with the one signer (every transaction here has a single signer). */
export function signTransaction(signer: TradingSigner, instructions: readonly Instruction[], blockhash: string, version: MessageVersion = 0): SignedTransaction {
  const msg = compileMessage(signer.address, instructions, blockhash, version);
  if (msg.signers.length !== 1) throw new Error(`transaction needs ${msg.signers.length} signatures; the trading signer provides one`);
  const sig = signer.sign(msg.bytes);
  const wire = wireTransaction(msg.bytes, [sig]);
  return { signature: encodeBase58(sig), wire, base64: Buffer.from(wire.buffer, wire.byteOffset, wire.byteLength).toString("base64") };
}

