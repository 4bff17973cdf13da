/**
 * The programs the simulator runs: compute budget, system transfer, associated-token create,
 * the token instructions a PumpSwap trade wraps (SyncNative, CloseAccount, and the transfers the
 * swap makes), and PumpSwap buy / buy_exact_quote_in / sell priced with lib/amm. Errors are the
 * programs' own: PumpSwap's IDL error codes (6004 ExceededSlippage, …) and SPL Token / Token-2022
 * TokenError numbers, reported as Solana's InstructionError [index, {Custom: n}].
 *
 * Pump.fun runs the curve trades (buy, buy_exact_sol_in, sell) priced with lib/amm/curve.ts, with
 * the account checks the Anchor program makes (PDAs of the curve, its token account, the creator
 * vault of BondingCurve.creator, the volume accumulators and fee config; the fee and buyback
 * recipients against Global) and its errors (6002 / 6003 / 6042 slippage, 6005 complete, …). SOL
 * moves as lamports: into the curve account and to the fee recipient and creator vault on a buy,
 * out of the curve account on a sell. A buy that takes the last real tokens completes the curve.
 *
 * PumpSwap also runs `extend_account` (grows an older, shorter Pool account to the size the
 * official SDK checks for, the user paying the extra rent) and makes the account checks the
 * Anchor program makes on a swap: the Pool must deserialize (data at least as long as the IDL's
 * Pool struct: AccountDidNotDeserialize 3003 otherwise), and the coin-creator vault accounts must
 * be derived from Pool.coin_creator (the vault ATA: AccountNotAssociatedTokenAccount 3014; the
 * vault authority `["creator_vault", pool.coin_creator]`: ConstraintSeeds 2006).
 */
import { COMPUTE_BUDGET_PROGRAM_ADDRESS, MAX_COMPUTE_UNIT_LIMIT } from "@solana-program/compute-budget";
import { AccountRole, type Address } from "@solana/kit";
import { quoteBuyExactBase, quoteBuyExactQuote, quoteSell, type BuyQuote, type PoolFees, type SellQuote } from "../amm/index.ts";
import { curveAfterBuy, curveAfterSell, curveFeesFromGlobal, quoteCurveBuyExactSolIn, quoteCurveBuyTokens, quoteCurveSell, type CurveBuyQuote, type CurveReserves } from "../amm/curve.ts";
import { AnchorCodecs } from "../chain/anchor.ts";
import { concatBytes } from "../chain/borsh.ts";
import {
  ANCHOR_EVENT_IX_TAG,
  ASSOCIATED_TOKEN_PROGRAM_ADDRESS,
  DEFAULT_ADDRESS,
  PUMP_FEE_PROGRAM_ADDRESS,
  PUMPFUN_EVENT_AUTHORITY_ADDRESS,
  PUMPFUN_GLOBAL_ADDRESS,
  PUMPFUN_PROGRAM_ADDRESS,
  PUMPSWAP_EVENT_AUTHORITY_ADDRESS,
  PUMPSWAP_PROGRAM_ADDRESS,
  SYSTEM_PROGRAM_ADDRESS,
  TOKEN_2022_PROGRAM_ADDRESS,
  TOKEN_PROGRAM_ADDRESS,
  WSOL_MINT_ADDRESS,
} from "../chain/constants.ts";
import {
  decodeBondingCurve,
  decodePumpFunGlobal,
  encodeBondingCurve,
  parseCurveTradeInstruction,
  pumpFunCodecs,
  PUMPFUN_ERRORS,
  type CurveTradeName,
  type ParsedCurveTradeInstruction,
  type PumpFunGlobalAccount,
  type TradeEvent,
} from "../chain/pumpfun.ts";
import { eventCpiInstruction, eventLogLine, programInvocationLogs } from "../chain/events.ts";
import { parseSwapInstruction, POOL_ACCOUNT_EXTENDED_SIZE, pumpSwapCodecs, PUMPSWAP_IDL, type BuyEvent, type SellEvent, type SwapInstructionName } from "../chain/pumpswap.ts";
import { rentExemptLamports, TOKEN_ACCOUNT_RENT_LAMPORTS, TokenAccountStateCode, type SimMint, type TokenAccount } from "./accounts.ts";
import {
  ataSync,
  bondingCurveSync,
  bondingCurveV2Sync,
  coinCreatorVaultAuthoritySync,
  creatorVaultSync,
  pumpFunFeeConfigSync,
  pumpFunGlobalVolumeAccumulatorSync,
  pumpFunUserVolumeAccumulatorSync,
} from "../chain/pda_sync.ts";
import type { SimPool, StateTxn } from "./state.ts";
import type { SimInnerGroup, SimInstruction } from "./txbuild.ts";

/** PumpSwap error codes (data/idl/pump_amm.json `errors`). */
export const PumpSwapError = { ZeroBaseAmount: 6001, ZeroQuoteAmount: 6002, ExceededSlippage: 6004, BuyMoreBaseAmountThanPoolReserves: 6016, NewSizeLessThanCurrentSize: 6026, AccountTypeNotSupported: 6027 } as const;
/** Anchor framework error codes the PumpSwap program returns from its account checks. */
export const AnchorError = { ConstraintSeeds: 2006, AccountDidNotDeserialize: 3003, InvalidProgramId: 3008, AccountNotInitialized: 3012, AccountNotAssociatedTokenAccount: 3014 } as const;

/** Length of the Pool struct in the IDL (discriminator included): shorter pools do not deserialize. */
export const POOL_STRUCT_SIZE = pumpSwapCodecs.pool.encode({
  poolBump: 0,
  index: 0,
  creator: SYSTEM_PROGRAM_ADDRESS,
  baseMint: SYSTEM_PROGRAM_ADDRESS,
  quoteMint: SYSTEM_PROGRAM_ADDRESS,
  lpMint: SYSTEM_PROGRAM_ADDRESS,
  poolBaseTokenAccount: SYSTEM_PROGRAM_ADDRESS,
  poolQuoteTokenAccount: SYSTEM_PROGRAM_ADDRESS,
  lpSupply: 0n,
  coinCreator: SYSTEM_PROGRAM_ADDRESS,
  isMayhemMode: false,
  isCashbackCoin: false,
  virtualQuoteReserves: 0,
  creatorFeeBps: 0,
  canEditCreatorFee: false,
}).length;

/** The `Program log: Instruction: …` name of each swap instruction. */
export const SWAP_LOG_NAMES: Readonly<Record<SwapInstructionName, string>> = { buy: "Buy", buy_exact_quote_in: "BuyExactQuoteIn", sell: "Sell" };
export const CURVE_LOG_NAMES: Readonly<Record<CurveTradeName, string>> = { buy: "Buy", buy_exact_sol_in: "BuyExactSolIn", sell: "Sell" };

/** The runtime's lines for an Anchor emit_cpi! self-invocation at `depth` (2,003 CU, as mainnet logs it). */
export function eventCpiLogs(program: Address, depth: number, limit: number): string[] {
  return programInvocationLogs(program, depth, [], { consumed: 2003, limit });
}

const ammCodecs = new AnchorCodecs(PUMPSWAP_IDL, { integers: "number", keys: "camel" });
const extendAccountEventCodec = ammCodecs.event<{ timestamp: number; account: Address; user: Address; currentSize: number; newSize: number }>("ExtendAccountEvent");

function anchorAccountError(account: string, name: keyof typeof AnchorError, message: string, pubkeys?: [Address, Address]): string[] {
  const out = [`Program log: AnchorError caused by account: ${account}. Error Code: ${name}. Error Number: ${AnchorError[name]}. Error Message: ${message}.`];
  if (pubkeys) out.push("Program log: Left:", `Program log: ${pubkeys[0]}`, "Program log: Right:", `Program log: ${pubkeys[1]}`);
  return out;
}

export const DEFAULT_COMPUTE_UNIT_LIMIT_PER_INSTRUCTION = 200_000;

export interface ComputeBudget {
  computeUnitLimit: number;
  computeUnitPriceMicroLamports: number;
}

/**
 * The compute budget the runtime reads from a transaction before running it: SetComputeUnitLimit
 * (capped at 1.4M) else 200k per other instruction, and SetComputeUnitPrice. A repeated budget
 * instruction is DuplicateInstruction, malformed data InvalidInstructionData (the transaction is
 * then rejected without a fee).
 */
export function readComputeBudget(instructions: readonly SimInstruction[]): ComputeBudget | { error: unknown } {
  let limit: number | null = null;
  let price: number | null = null;
  let others = 0;
  for (let i = 0; i < instructions.length; i++) {
    const ix = instructions[i];
    if (ix.programAddress !== COMPUTE_BUDGET_PROGRAM_ADDRESS) {
      others++;
      continue;
    }
    if (ix.data[0] === 2 && ix.data.length === 5) {
      if (limit !== null) return { error: { DuplicateInstruction: i } };
      limit = readU32(ix.data, 1);
    } else if (ix.data[0] === 3 && ix.data.length === 9) {
      if (price !== null) return { error: { DuplicateInstruction: i } };
      price = readU64(ix.data, 1);
    } else if (ix.data[0] !== 1 && ix.data[0] !== 4) {
      return { error: { InstructionError: [i, "InvalidInstructionData"] } };
    }
  }
  return { computeUnitLimit: Math.min(MAX_COMPUTE_UNIT_LIMIT, limit ?? DEFAULT_COMPUTE_UNIT_LIMIT_PER_INSTRUCTION * others), computeUnitPriceMicroLamports: price ?? 0 };
}

/** ceil(price × limit / 10⁶) lamports, as the runtime computes the prioritization fee. */
export function prioritizationFeeLamports(b: ComputeBudget): number {
  return Number((BigInt(b.computeUnitPriceMicroLamports) * BigInt(b.computeUnitLimit) + 999_999n) / 1_000_000n);
}
/** spl-token / spl-token-2022 TokenError numbers. */
export const TokenError = { InsufficientFunds: 1, MintMismatch: 3, OwnerMismatch: 4, UninitializedState: 9, NonNativeHasBalance: 11, AccountFrozen: 17, NonTransferable: 37, MintPaused: 67 } as const;

export type InstructionErrorKind = { Custom: number } | string;

export class InstructionFailure extends Error {
  constructor(
    readonly index: number,
    readonly kind: InstructionErrorKind,
    readonly logs: string[],
  ) {
    super(typeof kind === "string" ? kind : `custom program error: 0x${kind.Custom.toString(16)}`);
  }
  /** Solana's TransactionError JSON. */
  get transactionError(): unknown {
    return { InstructionError: [this.index, this.kind] };
  }
}

export interface SwapOrder {
  ix: SwapInstructionName;
  /** buy: base_amount_out; buy_exact_quote_in: spendable_quote_in; sell: base_amount_in. */
  arg1: number;
  /** buy: max_quote_amount_in; buy_exact_quote_in: min_base_amount_out; sell: min_quote_amount_out. */
  arg2: number;
}

export type Priced = { side: "buy"; quote: BuyQuote } | { side: "sell"; quote: SellQuote };

/** Prices an order against reserves and checks its slippage bound; returns the PumpSwap error code on failure. */
export function priceOrder(order: SwapOrder, reserves: { baseReserve: number; quoteReserve: number }, fees: PoolFees): Priced | { error: number } {
  switch (order.ix) {
    case "buy": {
      if (!(order.arg1 > 0)) return { error: PumpSwapError.ZeroBaseAmount };
      const q = quoteBuyExactBase(reserves, order.arg1, fees);
      if (!q) return { error: PumpSwapError.BuyMoreBaseAmountThanPoolReserves };
      if (q.totalQuoteIn > order.arg2) return { error: PumpSwapError.ExceededSlippage };
      return { side: "buy", quote: q };
    }
    case "buy_exact_quote_in": {
      if (!(order.arg1 > 0)) return { error: PumpSwapError.ZeroQuoteAmount };
      const q = quoteBuyExactQuote(reserves, order.arg1, fees);
      if (!q) return { error: PumpSwapError.ZeroBaseAmount };
      if (q.baseOut < order.arg2) return { error: PumpSwapError.ExceededSlippage };
      return { side: "buy", quote: q };
    }
    case "sell": {
      if (!(order.arg1 > 0)) return { error: PumpSwapError.ZeroBaseAmount };
      const q = quoteSell(reserves, order.arg1, fees);
      if (!q) return { error: PumpSwapError.ZeroBaseAmount };
      if (q.netQuoteOut < order.arg2) return { error: PumpSwapError.ExceededSlippage };
      return { side: "sell", quote: q };
    }
  }
}

export interface SwapEffect {
  pool: SimPool;
  side: "buy" | "sell";
  user: Address;
  base: number;
  /** What the trader paid in total (buy) or received net (sell). */
  quote: number;
  baseReserveAfter: number;
  quoteReserveAfter: number;
}

export interface CurveTradeEffect {
  mint: Address;
  bondingCurve: Address;
  ix: CurveTradeName;
  side: "buy" | "sell";
  user: Address;
  /** Tokens out of the curve (buy) or sent by the seller (sell). */
  tokens: number;
  /** The curve side (TradeEvent.sol_amount): a buy's fees come on top of it, a sell's out of it. */
  solAmount: number;
  protocolFee: number;
  creatorFee: number;
  /** What the buyer paid in total / the seller received net. */
  lamports: number;
  feeRecipient: Address;
  /** The curve after the trade. */
  after: CurveReserves;
  complete: boolean;
}

export interface ExecOutput {
  logs: string[];
  inner: SimInnerGroup[];
  computeUnits: number;
  swaps: SwapEffect[];
  curveTrades: CurveTradeEffect[];
  computeUnitLimit: number;
  computeUnitPriceMicroLamports: number;
}

export interface ExecEnv {
  /** Unix seconds of the block (events' timestamp). */
  timestampS: number;
  protocolFeeRecipientFor(pool: SimPool): Address;
  hookProgramExists(program: Address): boolean;
}

const u64le = (v: number): Uint8Array => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(v), true);
  return b;
};

const readU32 = (d: Uint8Array, o: number) => new DataView(d.buffer, d.byteOffset, d.byteLength).getUint32(o, true);
const readU64 = (d: Uint8Array, o: number) => Number(new DataView(d.buffer, d.byteOffset, d.byteLength).getBigUint64(o, true));

function systemTransferIx(from: Address, to: Address, lamports: number): SimInstruction {
  const data = new Uint8Array(12);
  const v = new DataView(data.buffer);
  v.setUint32(0, 2, true);
  v.setBigUint64(4, BigInt(lamports), true);
  return {
    programAddress: SYSTEM_PROGRAM_ADDRESS,
    accounts: [
      { address: from, role: AccountRole.WRITABLE_SIGNER },
      { address: to, role: AccountRole.WRITABLE },
    ],
    data,
  };
}

const isTokenProgram = (p: Address) => p === TOKEN_PROGRAM_ADDRESS || p === TOKEN_2022_PROGRAM_ADDRESS;

function transferCheckedIx(program: Address, from: Address, mint: Address, to: Address, authority: Address, amount: number, decimals: number): SimInstruction {
  const data = new Uint8Array(10);
  data[0] = 12;
  data.set(u64le(amount), 1);
  data[9] = decimals;
  return {
    programAddress: program,
    accounts: [
      { address: from, role: AccountRole.WRITABLE },
      { address: mint, role: AccountRole.READONLY },
      { address: to, role: AccountRole.WRITABLE },
      { address: authority, role: AccountRole.READONLY_SIGNER },
    ],
    data,
  };
}

/** Runs one transaction's instructions against `txn`; throws InstructionFailure on the first error. */
export async function executeInstructions(txn: StateTxn, instructions: readonly SimInstruction[], signers: ReadonlySet<Address>, env: ExecEnv): Promise<ExecOutput> {
  const out: ExecOutput = { logs: [], inner: [], computeUnits: 0, swaps: [], curveTrades: [], computeUnitLimit: 200_000 * instructions.length, computeUnitPriceMicroLamports: 0 };
  for (let i = 0; i < instructions.length; i++) {
    const ix = instructions[i];
    const logs: string[] = [];
    const fail = (kind: InstructionErrorKind, msg?: string): never => {
      if (msg) logs.push(`Program log: ${msg}`);
      logs.push(`Program ${ix.programAddress} failed: ${typeof kind === "string" ? kind : `custom program error: 0x${kind.Custom.toString(16)}`}`);
      throw new InstructionFailure(i, kind, [...out.logs, ...logs]);
    };
    logs.push(`Program ${ix.programAddress} invoke [1]`);
    if (ix.programAddress === COMPUTE_BUDGET_PROGRAM_ADDRESS) {
      if (ix.data[0] === 2 && ix.data.length >= 5) out.computeUnitLimit = readU32(ix.data, 1);
      else if (ix.data[0] === 3 && ix.data.length >= 9) out.computeUnitPriceMicroLamports = readU64(ix.data, 1);
      else fail("InvalidInstructionData");
      out.computeUnits += 150;
    } else if (ix.programAddress === SYSTEM_PROGRAM_ADDRESS) {
      if (ix.data.length !== 12 || readU32(ix.data, 0) !== 2) fail("InvalidInstructionData", "the simulator's system program supports Transfer only");
      const lamports = readU64(ix.data, 4);
      const [from, to] = ix.accounts;
      if (!signers.has(from.address)) fail("MissingRequiredSignature");
      const balance = txn.getLamports(from.address);
      if (balance < lamports) fail({ Custom: 1 }, `Transfer: insufficient lamports ${balance}, need ${lamports}`);
      txn.setLamports(from.address, balance - lamports);
      txn.setLamports(to.address, txn.getLamports(to.address) + lamports);
      out.computeUnits += 150;
    } else if (ix.programAddress === ASSOCIATED_TOKEN_PROGRAM_ADDRESS) {
      const idempotent = ix.data.length > 0 && ix.data[0] === 1;
      const [payer, ata, owner, mint, , tokenProgram] = ix.accounts.map((a) => a.address);
      if (!signers.has(payer)) fail("MissingRequiredSignature");
      const expected = ataSync(owner, mint, tokenProgram);
      if (expected !== ata) fail("InvalidSeeds", `Associated address does not match seed derivation`);
      const existing = txn.getToken(ata);
      if (existing) {
        if (!idempotent) fail({ Custom: 0 }, "Create: account already in use");
      } else {
        const simMint = txn.base.mints.get(mint);
        if (!simMint && mint !== WSOL_MINT_ADDRESS) fail("InvalidAccountData", `mint ${mint} does not exist`);
        const paid = txn.getLamports(payer);
        if (paid < TOKEN_ACCOUNT_RENT_LAMPORTS) fail({ Custom: 1 }, "insufficient lamports for rent");
        txn.setLamports(payer, paid - TOKEN_ACCOUNT_RENT_LAMPORTS);
        const frozen = simMint?.profile === "default_frozen";
        txn.setToken({ address: ata, mint, owner, amount: 0, state: frozen ? TokenAccountStateCode.Frozen : TokenAccountStateCode.Initialized, isNative: mint === WSOL_MINT_ADDRESS, lamports: TOKEN_ACCOUNT_RENT_LAMPORTS, program: tokenProgram });
      }
      out.computeUnits += 4_000;
    } else if (isTokenProgram(ix.programAddress)) {
      const op = ix.data[0];
      if (op === 17) {
        const acc = txn.getToken(ix.accounts[0].address);
        if (!acc || !acc.isNative) fail({ Custom: TokenError.UninitializedState });
        txn.setToken({ ...acc!, amount: acc!.lamports - TOKEN_ACCOUNT_RENT_LAMPORTS });
        logs.push("Program log: Instruction: SyncNative");
      } else if (op === 9) {
        const [account, dest, owner] = ix.accounts.map((a) => a.address);
        const acc = txn.getToken(account);
        if (!acc) fail({ Custom: TokenError.UninitializedState });
        if (acc!.owner !== owner || !signers.has(owner)) fail({ Custom: TokenError.OwnerMismatch });
        if (!acc!.isNative && acc!.amount !== 0) fail({ Custom: TokenError.NonNativeHasBalance });
        txn.deleteToken(account);
        txn.setLamports(dest, txn.getLamports(dest) + acc!.lamports);
        logs.push("Program log: Instruction: CloseAccount");
      } else {
        fail("InvalidInstructionData", `the simulator's token program does not support instruction ${op}`);
      }
      out.computeUnits += 3_000;
    } else if (ix.programAddress === PUMPSWAP_PROGRAM_ADDRESS && pumpSwapCodecs.extendAccount.matches(ix.data)) {
      const res = extendAccount(txn, ix, signers, env, (kind, msg) => fail(kind, msg), logs);
      out.inner.push({ index: i, instructions: res.inner.map((x) => ({ ix: x, stackHeight: 2 })) });
      out.computeUnits += 12_000;
    } else if (ix.programAddress === PUMPSWAP_PROGRAM_ADDRESS) {
      const parsed = (() => {
        try {
          return parseSwapInstruction({ data: ix.data, accounts: ix.accounts });
        } catch (err) {
          return fail("NotEnoughAccountKeys", (err as Error).message);
        }
      })();
      if (!parsed) fail("InvalidInstructionData", "the simulator's PumpSwap supports buy, buy_exact_quote_in and sell");
      const p = parsed!;
      const pool = txn.base.pools.get(p.accounts.pool);
      if (!pool) fail("AccountNotInitialized", `pool ${p.accounts.pool} does not exist`);
      const user = p.accounts.user;
      if (!signers.has(user)) fail("MissingRequiredSignature");
      // Anchor's account checks, in account order: the Pool deserializes, then the coin-creator vault.
      const poolData = txn.getRaw(pool!.address)?.data.length ?? 0;
      if (poolData < POOL_STRUCT_SIZE) {
        logs.push(...anchorAccountError("pool", "AccountDidNotDeserialize", "Failed to deserialize the account"));
        fail({ Custom: AnchorError.AccountDidNotDeserialize });
      }
      const vaultAuthority = p.accounts.coin_creator_vault_authority;
      const vaultAta = ataSync(vaultAuthority, p.accounts.quote_mint, p.accounts.quote_token_program);
      if (p.accounts.coin_creator_vault_ata !== vaultAta) {
        logs.push(...anchorAccountError("coin_creator_vault_ata", "AccountNotAssociatedTokenAccount", "The given account is not the associated token account"));
        fail({ Custom: AnchorError.AccountNotAssociatedTokenAccount });
      }
      const expectedAuthority = coinCreatorVaultAuthoritySync(pool!.account.coinCreator);
      if (vaultAuthority !== expectedAuthority) {
        logs.push(...anchorAccountError("coin_creator_vault_authority", "ConstraintSeeds", "A seeds constraint was violated", [vaultAuthority, expectedAuthority]));
        fail({ Custom: AnchorError.ConstraintSeeds });
      }
      const args = p.args as unknown as Record<string, number>;
      const order: SwapOrder =
        p.name === "buy"
          ? { ix: "buy", arg1: args.baseAmountOut, arg2: args.maxQuoteAmountIn }
          : p.name === "buy_exact_quote_in"
            ? { ix: "buy_exact_quote_in", arg1: args.spendableQuoteIn, arg2: args.minBaseAmountOut }
            : { ix: "sell", arg1: args.baseAmountIn, arg2: args.minQuoteAmountOut };
      logs.push(`Program log: Instruction: ${SWAP_LOG_NAMES[p.name]}`);
      const res = await applySwap(txn, pool!, order, { user, userBaseTokenAccount: p.accounts.user_base_token_account, userQuoteTokenAccount: p.accounts.user_quote_token_account, moveUserBalances: true }, env, (kind, msg) => fail(kind, msg));
      logs.push(...res.logs);
      out.inner.push({ index: i, instructions: res.inner.map((x) => ({ ix: x, stackHeight: 2 })) });
      out.swaps.push(res.effect);
      out.computeUnits += 45_000;
    } else if (ix.programAddress === PUMPFUN_PROGRAM_ADDRESS) {
      const parsed = (() => {
        try {
          return parseCurveTradeInstruction({ data: ix.data, accounts: ix.accounts });
        } catch (err) {
          return fail("NotEnoughAccountKeys", (err as Error).message);
        }
      })();
      if (!parsed) fail("InvalidInstructionData", "the simulator's Pump.fun supports buy, buy_exact_sol_in and sell");
      logs.push(`Program log: Instruction: ${CURVE_LOG_NAMES[parsed!.name]}`);
      const res = applyCurveTrade(txn, parsed!, signers, env, (kind, msg) => fail(kind, msg), logs);
      out.inner.push({ index: i, instructions: res.inner.map((x) => ({ ix: x, stackHeight: 2 })) });
      out.curveTrades.push(res.effect);
      out.computeUnits += 48_000;
    } else {
      fail("UnsupportedProgramId", `program ${ix.programAddress} is not deployed on the simulator`);
    }
    logs.push(`Program ${ix.programAddress} success`);
    out.logs.push(...logs);
  }
  return out;
}

/**
 * PumpSwap extend_account: grows a program-owned Pool to POOL_ACCOUNT_EXTENDED_SIZE bytes (zeros after
 * the old data), the user paying the rent the larger account needs; emits ExtendAccountEvent.
 * Only Pool accounts are supported here (AccountTypeNotSupported otherwise); a Pool already
 * larger than the target is NewSizeLessThanCurrentSize; one of exactly that size is left as is.
 */
function extendAccount(txn: StateTxn, ix: SimInstruction, signers: ReadonlySet<Address>, env: ExecEnv, fail: (k: InstructionErrorKind, msg?: string) => never, logs: string[]): { inner: SimInstruction[] } {
  if (ix.accounts.length < 5) fail("NotEnoughAccountKeys");
  const [account, user, systemProgram, eventAuthority] = ix.accounts.map((a) => a.address);
  logs.push("Program log: Instruction: ExtendAccount");
  if (!signers.has(user)) fail("MissingRequiredSignature");
  if (systemProgram !== SYSTEM_PROGRAM_ADDRESS) {
    logs.push(...anchorAccountError("system_program", "InvalidProgramId", "Program ID was not as expected"));
    fail({ Custom: AnchorError.InvalidProgramId });
  }
  if (eventAuthority !== PUMPSWAP_EVENT_AUTHORITY_ADDRESS) {
    logs.push(...anchorAccountError("event_authority", "ConstraintSeeds", "A seeds constraint was violated"));
    fail({ Custom: AnchorError.ConstraintSeeds });
  }
  const raw = txn.getRaw(account);
  if (!raw || raw.owner !== PUMPSWAP_PROGRAM_ADDRESS || !pumpSwapCodecs.pool.matches(raw.data)) {
    fail({ Custom: PumpSwapError.AccountTypeNotSupported }, "AnchorError occurred. Error Code: AccountTypeNotSupported. Error Number: 6027. Error Message: AccountTypeNotSupported.");
  }
  const current = raw!.data.length;
  const target = POOL_ACCOUNT_EXTENDED_SIZE;
  if (current > target) fail({ Custom: PumpSwapError.NewSizeLessThanCurrentSize }, "AnchorError occurred. Error Code: NewSizeLessThanCurrentSize. Error Number: 6026. Error Message: NewSizeLessThanCurrentSize.");
  const inner: SimInstruction[] = [];
  const rent = Math.max(0, rentExemptLamports(target) - raw!.lamports);
  if (rent > 0) {
    const balance = txn.getLamports(user);
    if (balance < rent) {
      logs.push(`Program ${SYSTEM_PROGRAM_ADDRESS} invoke [2]`, `Transfer: insufficient lamports ${balance}, need ${rent}`, `Program ${SYSTEM_PROGRAM_ADDRESS} failed: custom program error: 0x1`);
      fail({ Custom: 1 });
    }
    txn.setLamports(user, balance - rent);
    inner.push(systemTransferIx(user, account, rent));
    logs.push(`Program ${SYSTEM_PROGRAM_ADDRESS} invoke [2]`, `Program ${SYSTEM_PROGRAM_ADDRESS} success`);
  }
  const data = new Uint8Array(Math.max(target, current));
  data.set(raw!.data);
  const grown = txn.getRaw(account)!;
  txn.setRaw(account, { ...grown, data, lamports: grown.lamports + rent });
  const eventData = extendAccountEventCodec.encode({ timestamp: env.timestampS, account, user, currentSize: current, newSize: data.length });
  logs.push(`Program data: ${Buffer.from(eventData).toString("base64")}`);
  logs.push(...eventCpiLogs(PUMPSWAP_PROGRAM_ADDRESS, 2, 180_000));
  inner.push({ programAddress: PUMPSWAP_PROGRAM_ADDRESS, accounts: [{ address: PUMPSWAP_EVENT_AUTHORITY_ADDRESS, role: AccountRole.READONLY_SIGNER }], data: concatBytes(ANCHOR_EVENT_IX_TAG, eventData) });
  return { inner };
}

interface SwapUserAccounts {
  user: Address;
  userBaseTokenAccount: Address;
  userQuoteTokenAccount: Address;
  /** False for the market model's traders, whose wallets the simulator does not keep. */
  moveUserBalances: boolean;
}

const feeAtaMemo = new Map<Address, Address>();
/** WSOL ATA of a fee recipient or vault authority (memoised: few recipients, many swaps). */
function feeAta(owner: Address): Address {
  let a = feeAtaMemo.get(owner);
  if (a === undefined) {
    if (feeAtaMemo.size > 50_000) feeAtaMemo.clear();
    a = ataSync(owner, WSOL_MINT_ADDRESS);
    feeAtaMemo.set(owner, a);
  }
  return a;
}

function transferFee(mint: SimMint | undefined, amount: number): number {
  if (!mint || mint.transferFeeBps === 0) return 0;
  return Math.ceil((amount * mint.transferFeeBps) / 10_000);
}

/**
 * The token-level checks Token-2022 applies to a transfer of the base token, in the order the
 * program meets them. Returns the fee withheld.
 */
function checkBaseTransfer(
  mint: SimMint | undefined,
  from: TokenAccount | null,
  to: TokenAccount | null,
  amount: number,
  env: ExecEnv,
  fail: (k: InstructionErrorKind, msg?: string) => never,
): number {
  if (mint?.profile === "non_transferable") fail({ Custom: TokenError.NonTransferable }, "Transfer is disabled for this mint");
  if (mint?.profile === "pausable") fail({ Custom: TokenError.MintPaused }, "Transferring, minting, and burning is paused on this mint");
  if (mint?.profile === "transfer_hook") {
    const hook = mint.info.extensions.find((e) => e.kind === "TransferHook");
    const program = hook && hook.kind === "TransferHook" ? hook.programId : null;
    if (!program || !env.hookProgramExists(program)) fail("MissingAccount", "transfer hook program or its extra accounts are missing");
  }
  if (from && from.state === TokenAccountStateCode.Frozen) fail({ Custom: TokenError.AccountFrozen }, "Account is frozen");
  if (to && to.state === TokenAccountStateCode.Frozen) fail({ Custom: TokenError.AccountFrozen }, "Account is frozen");
  if (from && from.amount < amount) fail({ Custom: TokenError.InsufficientFunds }, "Error: insufficient funds");
  return transferFee(mint, amount);
}

/** One PumpSwap swap on `pool`: prices it, moves vault (and user) balances, builds the event. */
export async function applySwap(
  txn: StateTxn,
  pool: SimPool,
  order: SwapOrder,
  acct: SwapUserAccounts,
  env: ExecEnv,
  fail: (k: InstructionErrorKind, msg?: string) => never,
): Promise<{ effect: SwapEffect; logs: string[]; inner: SimInstruction[]; event: { name: "BuyEvent"; event: BuyEvent } | { name: "SellEvent"; event: SellEvent } }> {
  const before = txn.reserves(pool);
  const priced = priceOrder(order, before, pool.fees);
  if ("error" in priced) return fail({ Custom: priced.error }, priced.error === PumpSwapError.ExceededSlippage ? "AnchorError occurred. Error Code: ExceededSlippage. Error Number: 6004. Error Message: Exceeded slippage." : undefined);
  const mint = txn.base.mints.get(pool.mint);
  const baseVault = txn.getToken(pool.baseVault)!;
  const quoteVault = txn.getToken(pool.quoteVault)!;
  const userBase = acct.moveUserBalances ? txn.getToken(acct.userBaseTokenAccount) : null;
  const userQuote = acct.moveUserBalances ? txn.getToken(acct.userQuoteTokenAccount) : null;
  if (acct.moveUserBalances) {
    if (!userBase || userBase.mint !== pool.mint) fail("AccountNotInitialized", "user_base_token_account is not a token account of the base mint");
    if (!userQuote || userQuote.mint !== WSOL_MINT_ADDRESS) fail("AccountNotInitialized", "user_quote_token_account is not a WSOL account");
    if (userBase!.owner !== acct.user || userQuote!.owner !== acct.user) fail({ Custom: TokenError.OwnerMismatch });
  }
  const protocolFeeRecipient = env.protocolFeeRecipientFor(pool);
  const protocolFeeAta = feeAta(protocolFeeRecipient);
  const creatorVaultAta = feeAta(coinCreatorVaultAuthoritySync(pool.account.coinCreator));
  const decimals = mint?.info.decimals ?? 6;
  const inner: SimInstruction[] = [];
  const logs: string[] = [];
  const qp = TOKEN_PROGRAM_ADDRESS;
  let effect: SwapEffect;
  let event: { name: "BuyEvent"; event: BuyEvent } | { name: "SellEvent"; event: SellEvent };
  const common = {
    timestamp: env.timestampS,
    userBaseTokenReserves: userBase?.amount ?? 0,
    userQuoteTokenReserves: userQuote?.amount ?? 0,
    poolBaseTokenReserves: before.baseReserve,
    poolQuoteTokenReserves: before.quoteReserve,
    lpFeeBasisPoints: pool.fees.lpFeeBps,
    protocolFeeBasisPoints: pool.fees.protocolFeeBps,
    pool: pool.address,
    user: acct.user,
    userBaseTokenAccount: acct.userBaseTokenAccount,
    userQuoteTokenAccount: acct.userQuoteTokenAccount,
    protocolFeeRecipient,
    protocolFeeRecipientTokenAccount: protocolFeeAta,
    coinCreator: pool.account.coinCreator,
    coinCreatorFeeBasisPoints: pool.fees.creatorFeeBps,
    cashbackFeeBasisPoints: 0,
    cashback: 0,
    buybackFeeBasisPoints: 0,
    buybackFee: 0,
    virtualQuoteReserves: pool.account.virtualQuoteReserves,
    canBoost: false,
    baseSupply: Number(mint?.info.supply ?? 0n),
  };
  if (priced.side === "buy") {
    const q = priced.quote;
    if (acct.moveUserBalances) {
      if (userQuote!.amount < q.totalQuoteIn) fail({ Custom: TokenError.InsufficientFunds }, "Error: insufficient funds");
    }
    const fee = checkBaseTransfer(mint, baseVault, userBase, q.baseOut, env, fail);
    txn.setToken({ ...baseVault, amount: baseVault.amount - q.baseOut });
    txn.setToken({ ...quoteVault, amount: quoteVault.amount + q.quoteIn + q.lpFee, lamports: quoteVault.lamports + q.quoteIn + q.lpFee });
    if (acct.moveUserBalances) {
      const ub = txn.getToken(acct.userBaseTokenAccount)!;
      txn.setToken({ ...ub, amount: ub.amount + q.baseOut - fee });
      const uq = txn.getToken(acct.userQuoteTokenAccount)!;
      txn.setToken({ ...uq, amount: uq.amount - q.totalQuoteIn, lamports: uq.lamports - q.totalQuoteIn });
    }
    inner.push(
      transferCheckedIx(qp, acct.userQuoteTokenAccount, WSOL_MINT_ADDRESS, pool.quoteVault, acct.user, q.quoteIn + q.lpFee, 9),
      transferCheckedIx(pool.baseTokenProgram, pool.baseVault, pool.mint, acct.userBaseTokenAccount, pool.address, q.baseOut, decimals),
      transferCheckedIx(qp, acct.userQuoteTokenAccount, WSOL_MINT_ADDRESS, protocolFeeAta, acct.user, q.protocolFee, 9),
      transferCheckedIx(qp, acct.userQuoteTokenAccount, WSOL_MINT_ADDRESS, creatorVaultAta, acct.user, q.creatorFee, 9),
    );
    event = {
      name: "BuyEvent",
      event: {
        ...common,
        baseAmountOut: q.baseOut,
        maxQuoteAmountIn: order.ix === "buy" ? order.arg2 : order.arg1,
        quoteAmountIn: q.quoteIn,
        lpFee: q.lpFee,
        protocolFee: q.protocolFee,
        quoteAmountInWithLpFee: q.quoteIn + q.lpFee,
        userQuoteAmountIn: q.totalQuoteIn,
        coinCreatorFee: q.creatorFee,
        trackVolume: true,
        totalUnclaimedTokens: 0,
        totalClaimedTokens: 0,
        currentSolVolume: 0,
        lastUpdateTimestamp: env.timestampS,
        minBaseAmountOut: order.ix === "buy_exact_quote_in" ? order.arg2 : 0,
        ixName: order.ix,
      },
    };
    effect = { pool, side: "buy", user: acct.user, base: q.baseOut, quote: q.totalQuoteIn, baseReserveAfter: q.after.baseReserve, quoteReserveAfter: q.after.quoteReserve };
  } else {
    const q = priced.quote;
    const fee = checkBaseTransfer(mint, userBase, baseVault, q.baseIn, env, fail);
    if (fee > 0) {
      // The pool receives less than the seller sent: price the swap on what arrives.
      const repriced = priceOrder({ ...order, arg1: q.baseIn - fee }, before, pool.fees);
      if ("error" in repriced) return fail({ Custom: repriced.error }, "AnchorError occurred. Error Code: ExceededSlippage. Error Number: 6004. Error Message: Exceeded slippage.");
      return applyPricedSell(repriced.quote as SellQuote);
    }
    return applyPricedSell(q);
  }
  return finish();

  function applyPricedSell(q: SellQuote) {
    const vaultOut = q.quoteOut - q.lpFee;
    txn.setToken({ ...baseVault, amount: baseVault.amount + q.baseIn });
    txn.setToken({ ...quoteVault, amount: quoteVault.amount - vaultOut, lamports: quoteVault.lamports - vaultOut });
    if (acct.moveUserBalances) {
      const ub = txn.getToken(acct.userBaseTokenAccount)!;
      txn.setToken({ ...ub, amount: ub.amount - order.arg1 });
      const uq = txn.getToken(acct.userQuoteTokenAccount)!;
      txn.setToken({ ...uq, amount: uq.amount + q.netQuoteOut, lamports: uq.lamports + q.netQuoteOut });
    }
    inner.push(
      transferCheckedIx(pool.baseTokenProgram, acct.userBaseTokenAccount, pool.mint, pool.baseVault, acct.user, order.arg1, decimals),
      transferCheckedIx(qp, pool.quoteVault, WSOL_MINT_ADDRESS, acct.userQuoteTokenAccount, pool.address, q.netQuoteOut, 9),
      transferCheckedIx(qp, pool.quoteVault, WSOL_MINT_ADDRESS, protocolFeeAta, pool.address, q.protocolFee, 9),
      transferCheckedIx(qp, pool.quoteVault, WSOL_MINT_ADDRESS, creatorVaultAta, pool.address, q.creatorFee, 9),
    );
    event = {
      name: "SellEvent",
      event: {
        ...common,
        baseAmountIn: order.arg1,
        minQuoteAmountOut: order.arg2,
        quoteAmountOut: q.quoteOut,
        lpFee: q.lpFee,
        protocolFee: q.protocolFee,
        quoteAmountOutWithoutLpFee: q.quoteOut - q.lpFee,
        userQuoteAmountOut: q.netQuoteOut,
        coinCreatorFee: q.creatorFee,
      },
    };
    effect = { pool, side: "sell", user: acct.user, base: order.arg1, quote: q.netQuoteOut, baseReserveAfter: q.after.baseReserve, quoteReserveAfter: q.after.quoteReserve };
    return finish();
  }

  function finish() {
    for (const t of inner) logs.push(...programInvocationLogs(t.programAddress, 2, ["Program log: Instruction: TransferChecked"], { consumed: 6_200, limit: 156_200 }));
    logs.push(eventLogLine(event.name, event.event as never));
    const cpi = eventCpiInstruction(event.name, event.event as never);
    logs.push(...eventCpiLogs(PUMPSWAP_PROGRAM_ADDRESS, 2, 150_000));
    inner.push(cpi);
    return { effect, logs, inner, event };
  }
}

// ---- Pump.fun curve trades ----

const globalMemo = new WeakMap<Uint8Array, PumpFunGlobalAccount>();
/** Pump.fun's Global as the ledger holds it (decoded once per account version). */
function readPumpFunGlobal(txn: StateTxn): PumpFunGlobalAccount | null {
  const raw = txn.getRaw(PUMPFUN_GLOBAL_ADDRESS);
  if (!raw) return null;
  let g = globalMemo.get(raw.data);
  if (!g) globalMemo.set(raw.data, (g = decodePumpFunGlobal(raw.data)));
  return g;
}

const PUMPFUN_ERROR_NAMES = new Map(Object.entries(PUMPFUN_ERRORS).map(([k, v]) => [v, k]));
/** The log line Anchor prints for a program error (`require!` / `err!`). */
const pumpFunErrorLog = (code: number): string => {
  const name = PUMPFUN_ERROR_NAMES.get(code) ?? String(code);
  return `AnchorError occurred. Error Code: ${name}. Error Number: ${code}. Error Message: ${name}.`;
};

/**
 * One Pump.fun buy / buy_exact_sol_in / sell: the account checks in the order Anchor makes them,
 * pricing with lib/amm/curve.ts against the curve account, the lamport and token moves, the
 * BondingCurve write-back, and the TradeEvent (reserves after the trade), plus CompleteEvent when
 * the buy takes the last real tokens.
 */
export function applyCurveTrade(
  txn: StateTxn,
  p: ParsedCurveTradeInstruction,
  signers: ReadonlySet<Address>,
  env: ExecEnv,
  fail: (k: InstructionErrorKind, msg?: string) => never,
  /** The instruction's log lines so far (a failure reports them). */
  logs: string[],
): { effect: CurveTradeEffect; inner: SimInstruction[] } {
  const a = p.accounts;
  const seeds = (account: string, got?: Address, want?: Address): never => {
    logs.push(...anchorAccountError(account, "ConstraintSeeds", "A seeds constraint was violated", got && want ? [got, want] : undefined));
    return fail({ Custom: AnchorError.ConstraintSeeds });
  };
  const programId = (account: string): never => {
    logs.push(...anchorAccountError(account, "InvalidProgramId", "Program ID was not as expected"));
    return fail({ Custom: AnchorError.InvalidProgramId });
  };
  const notInitialized = (account: string): never => {
    logs.push(...anchorAccountError(account, "AccountNotInitialized", "The program expected this account to be already initialized"));
    return fail({ Custom: AnchorError.AccountNotInitialized });
  };
  const programError = (code: number): never => fail({ Custom: code }, pumpFunErrorLog(code));

  if (a.global !== PUMPFUN_GLOBAL_ADDRESS) seeds("global", a.global, PUMPFUN_GLOBAL_ADDRESS);
  const global = readPumpFunGlobal(txn) ?? notInitialized("global");
  if (a.bonding_curve !== bondingCurveSync(a.mint)) seeds("bonding_curve", a.bonding_curve, bondingCurveSync(a.mint));
  const curveRaw = txn.getRaw(a.bonding_curve);
  if (!curveRaw || curveRaw.owner !== PUMPFUN_PROGRAM_ADDRESS || !pumpFunCodecs.bondingCurve.matches(curveRaw.data)) notInitialized("bonding_curve");
  const curve = decodeBondingCurve(curveRaw!.data);
  const mint = txn.base.mints.get(a.mint) ?? notInitialized("mint");
  if (a.associated_bonding_curve !== ataSync(a.bonding_curve, a.mint, a.token_program)) seeds("associated_bonding_curve", a.associated_bonding_curve, ataSync(a.bonding_curve, a.mint, a.token_program));
  if (!signers.has(a.user)) fail("MissingRequiredSignature");
  if (a.system_program !== SYSTEM_PROGRAM_ADDRESS) programId("system_program");
  if (a.token_program !== mint.program) programId("token_program");
  const vault = creatorVaultSync(curve.creator);
  if (a.creator_vault !== vault) seeds("creator_vault", a.creator_vault, vault);
  if (a.event_authority !== PUMPFUN_EVENT_AUTHORITY_ADDRESS) seeds("event_authority", a.event_authority, PUMPFUN_EVENT_AUTHORITY_ADDRESS);
  if (a.program !== PUMPFUN_PROGRAM_ADDRESS) programId("program");
  const isBuy = p.name !== "sell";
  if (isBuy) {
    if (a.global_volume_accumulator !== pumpFunGlobalVolumeAccumulatorSync()) seeds("global_volume_accumulator", a.global_volume_accumulator, pumpFunGlobalVolumeAccumulatorSync());
    if (a.user_volume_accumulator !== pumpFunUserVolumeAccumulatorSync(a.user)) seeds("user_volume_accumulator", a.user_volume_accumulator, pumpFunUserVolumeAccumulatorSync(a.user));
  }
  if (a.fee_config !== pumpFunFeeConfigSync()) seeds("fee_config", a.fee_config, pumpFunFeeConfigSync());
  if (a.fee_program !== PUMP_FEE_PROGRAM_ADDRESS) programId("fee_program");
  // Global's recipients (the reserved ones for mayhem coins), then the remaining accounts the SDK appends.
  const recipients = curve.isMayhemMode ? [global.reservedFeeRecipient, ...global.reservedFeeRecipients] : [global.feeRecipient, ...global.feeRecipients];
  if (!recipients.includes(a.fee_recipient)) programError(PUMPFUN_ERRORS.NotAuthorized);
  const rem = p.remainingAccounts;
  const skip = !isBuy && curve.isCashbackCoin ? 1 : 0;
  if (rem.length < skip + 2) programError(PUMPFUN_ERRORS.NotEnoughRemainingAccounts);
  if (rem[skip] !== bondingCurveV2Sync(a.mint)) seeds("bonding_curve_v2", rem[skip], bondingCurveV2Sync(a.mint));
  if (!global.buybackFeeRecipients.includes(rem[skip + 1])) programError(PUMPFUN_ERRORS.BuybackFeeRecipientNotAuthorized);
  if (curve.complete) programError(PUMPFUN_ERRORS.BondingCurveComplete);

  const userAta = txn.getToken(a.associated_user) ?? notInitialized("associated_user");
  if (userAta.mint !== a.mint) fail({ Custom: TokenError.MintMismatch }, "Error: Account not associated with this Mint");
  if (userAta.owner !== a.user) fail({ Custom: TokenError.OwnerMismatch }, "Error: owner does not match");
  const curveAta = txn.getToken(a.associated_bonding_curve) ?? notInitialized("associated_bonding_curve");
  const fees = curveFeesFromGlobal(global, curve.creator !== DEFAULT_ADDRESS);
  const inner: SimInstruction[] = [];
  const decimals = mint.info.decimals;
  const bump = (addr: Address, delta: number) => txn.setLamports(addr, txn.getLamports(addr) + delta);
  let effect: CurveTradeEffect;
  const args = p.args as unknown as Record<string, number | boolean>;

  if (isBuy) {
    let q: CurveBuyQuote | null;
    if (p.name === "buy") {
      if (!((args.amount as number) > 0)) programError(PUMPFUN_ERRORS.BuyZeroAmount);
      q = quoteCurveBuyTokens(curve, args.amount as number, fees);
      if (!q) programError(PUMPFUN_ERRORS.BondingCurveComplete);
      if (q!.totalLamports > (args.maxSolCost as number)) programError(PUMPFUN_ERRORS.TooMuchSolRequired);
    } else {
      if (!((args.spendableSolIn as number) > 0)) programError(PUMPFUN_ERRORS.BuyZeroAmount);
      q = quoteCurveBuyExactSolIn(curve, args.spendableSolIn as number, fees);
      if (!q) programError(PUMPFUN_ERRORS.BuyNotEnoughSolToCoverFees);
      if (q!.tokensOut < (args.minTokensOut as number)) programError(PUMPFUN_ERRORS.BuySlippageBelowMinTokensOut);
    }
    const quote = q!;
    const balance = txn.getLamports(a.user);
    if (balance < quote.totalLamports) {
      logs.push(`Program ${SYSTEM_PROGRAM_ADDRESS} invoke [2]`, `Transfer: insufficient lamports ${balance}, need ${quote.totalLamports}`, `Program ${SYSTEM_PROGRAM_ADDRESS} failed: custom program error: 0x1`);
      fail({ Custom: 1 });
    }
    const withheld = checkBaseTransfer(mint, curveAta, userAta, quote.tokensOut, env, fail);
    txn.setToken({ ...curveAta, amount: curveAta.amount - quote.tokensOut });
    const ua = txn.getToken(a.associated_user)!;
    txn.setToken({ ...ua, amount: ua.amount + quote.tokensOut - withheld });
    txn.setLamports(a.user, balance - quote.totalLamports);
    bump(a.bonding_curve, quote.solIntoCurve);
    bump(a.fee_recipient, quote.protocolFee);
    bump(a.creator_vault, quote.creatorFee);
    inner.push(systemTransferIx(a.user, a.bonding_curve, quote.solIntoCurve), transferCheckedIx(a.token_program, a.associated_bonding_curve, a.mint, a.associated_user, a.bonding_curve, quote.tokensOut, decimals));
    if (quote.protocolFee > 0) inner.push(systemTransferIx(a.user, a.fee_recipient, quote.protocolFee));
    if (quote.creatorFee > 0) inner.push(systemTransferIx(a.user, a.creator_vault, quote.creatorFee));
    const after = curveAfterBuy(curve, quote);
    effect = { mint: a.mint, bondingCurve: a.bonding_curve, ix: p.name, side: "buy", user: a.user, tokens: quote.tokensOut, solAmount: quote.solIntoCurve, protocolFee: quote.protocolFee, creatorFee: quote.creatorFee, lamports: quote.totalLamports, feeRecipient: a.fee_recipient, after, complete: after.realTokenReserves === 0 };
  } else {
    const amount = args.amount as number;
    if (!(amount > 0)) programError(PUMPFUN_ERRORS.SellZeroAmount);
    if (userAta.amount < amount) programError(PUMPFUN_ERRORS.NotEnoughTokensToSell);
    // A transfer fee (Token-2022) is withheld on the way: the curve prices what arrives.
    const withheld = checkBaseTransfer(mint, userAta, curveAta, amount, env, fail);
    const q = quoteCurveSell(curve, amount - withheld, fees) ?? programError(PUMPFUN_ERRORS.SellZeroAmount);
    if (q.netLamports < (args.minSolOutput as number)) programError(PUMPFUN_ERRORS.TooLittleSolReceived);
    if (q.solOutOfCurve > curve.realQuoteReserves || q.solOutOfCurve - q.protocolFee - q.creatorFee < 0) programError(PUMPFUN_ERRORS.Overflow);
    txn.setToken({ ...userAta, amount: userAta.amount - amount });
    const ca = txn.getToken(a.associated_bonding_curve)!;
    txn.setToken({ ...ca, amount: ca.amount + amount - withheld });
    // The program debits its own curve account directly (no system transfer).
    bump(a.bonding_curve, -q.solOutOfCurve);
    bump(a.user, q.netLamports);
    bump(a.fee_recipient, q.protocolFee);
    bump(a.creator_vault, q.creatorFee);
    inner.push(transferCheckedIx(a.token_program, a.associated_user, a.mint, a.associated_bonding_curve, a.user, amount, decimals));
    const after = curveAfterSell(curve, q);
    effect = { mint: a.mint, bondingCurve: a.bonding_curve, ix: "sell", side: "sell", user: a.user, tokens: amount, solAmount: q.solOutOfCurve, protocolFee: q.protocolFee, creatorFee: q.creatorFee, lamports: q.netLamports, feeRecipient: a.fee_recipient, after, complete: false };
  }
  const written = txn.getRaw(a.bonding_curve)!;
  const encoded = encodeBondingCurve({ ...curve, ...effect.after, complete: effect.complete });
  const data = new Uint8Array(Math.max(written.data.length, encoded.length));
  data.set(encoded);
  txn.setRaw(a.bonding_curve, { ...written, data });

  for (const t of inner) logs.push(...programInvocationLogs(t.programAddress, 2, t.programAddress === SYSTEM_PROGRAM_ADDRESS ? [] : ["Program log: Instruction: TransferChecked"], { consumed: t.programAddress === SYSTEM_PROGRAM_ADDRESS ? 150 : 6_200, limit: 150_000 }));
  const event: TradeEvent = {
    mint: a.mint,
    solAmount: effect.solAmount,
    tokenAmount: effect.tokens,
    isBuy,
    user: a.user,
    timestamp: env.timestampS,
    virtualSolReserves: effect.after.virtualQuoteReserves,
    virtualTokenReserves: effect.after.virtualTokenReserves,
    realSolReserves: effect.after.realQuoteReserves,
    realTokenReserves: effect.after.realTokenReserves,
    feeRecipient: a.fee_recipient,
    feeBasisPoints: fees.protocolFeeBps,
    fee: effect.protocolFee,
    creator: curve.creator,
    creatorFeeBasisPoints: fees.creatorFeeBps,
    creatorFee: effect.creatorFee,
    trackVolume: isBuy ? (args.trackVolume as boolean) : false,
    totalUnclaimedTokens: 0,
    totalClaimedTokens: 0,
    currentSolVolume: 0,
    lastUpdateTimestamp: env.timestampS,
    ixName: p.name,
    mayhemMode: curve.isMayhemMode,
    cashbackFeeBasisPoints: 0,
    cashback: 0,
    buybackFeeBasisPoints: 0,
    buybackFee: 0,
    shareholders: [],
    quoteMint: curve.quoteMint,
    quoteAmount: effect.solAmount,
    virtualQuoteReserves: effect.after.virtualQuoteReserves,
    realQuoteReserves: effect.after.realQuoteReserves,
    holderRewardsBps: 0,
    holderRewards: 0,
  };
  logs.push(eventLogLine("TradeEvent", event));
  inner.push(eventCpiInstruction("TradeEvent", event));
  logs.push(...eventCpiLogs(PUMPFUN_PROGRAM_ADDRESS, 2, 140_000));
  if (effect.complete) {
    const complete = { user: a.user, mint: a.mint, bondingCurve: a.bonding_curve, timestamp: env.timestampS, quoteMint: curve.quoteMint };
    logs.push(eventLogLine("CompleteEvent", complete));
    inner.push(eventCpiInstruction("CompleteEvent", complete));
    logs.push(...eventCpiLogs(PUMPFUN_PROGRAM_ADDRESS, 2, 130_000));
  }
  return { effect, inner };
}
