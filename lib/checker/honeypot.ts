/**
 * Honeypot check: can the token actually be sold back into its PumpSwap pool?
 *
 * Solana has no state overrides in simulation, so a throwaway key that holds nothing would fail
 * every simulated sell for lack of tokens and SOL. `simulateTransaction` with sigVerify false does
 * run a transaction whose signer we do not control, against live state, so the probe is signed
 * "by" an account that has what the trade needs:
 *
 * 1. Round trip, when a simulation wallet is configured (any funded system account; in live mode
 *    our own wallet): buy a small amount and sell exactly that amount back, in one transaction.
 *    This asks the question that matters — can a *new* buyer, as we would be, sell — and catches
 *    hooks that let old holders out but not new ones.
 * 2. Otherwise, as an existing holder: one of the largest holders outside the pool vault whose
 *    wallet is a plain system account with lamports for the fee and the WSOL account rent sells a
 *    small share of its balance.
 *
 * Both transactions are what the official SDK sends (compute limit, idempotent ATAs, WSOL wrap,
 * extend_account for an old pool, the swap with all remaining accounts), with no minimum out:
 * only "does it sell at all" is asked. A simulation that returns an error is a honeypot, with the
 * error and the last program logs as evidence (a transfer hook refusing, a frozen account, a
 * paused mint, a disabled pool…).
 */
import { getSetComputeUnitLimitInstruction } from "@solana-program/compute-budget";
import { getTransferSolInstruction } from "@solana-program/system";
import { getCreateAssociatedTokenIdempotentInstruction, getSyncNativeInstruction } from "@solana-program/token";
import {
  appendTransactionMessageInstructions,
  blockhash,
  compileTransaction,
  createNoopSigner,
  createTransactionMessage,
  getBase64EncodedWireTransaction,
  pipe,
  setTransactionMessageFeePayer,
  setTransactionMessageLifetimeUsingBlockhash,
  type Address,
  type Instruction,
} from "@solana/kit";
import {
  associatedTokenAddress,
  buildBuyInstruction,
  buildExtendAccountInstruction,
  buildSellInstruction,
  encodeBase58,
  pickBuybackFeeRecipient,
  pickProtocolFeeRecipient,
  poolNeedsExtension,
  PUMPSWAP_BUYBACK_FEE_RECIPIENTS,
  SYSTEM_PROGRAM_ADDRESS,
  TOKEN_PROGRAM_ADDRESS,
  type GlobalConfigAccount,
  type PoolAccount,
} from "../chain";
import type { RpcAccount, SimulationResult, TokenHolderBalance } from "./rpc.ts";
import type { CheckReason } from "./types.ts";

/** SPL Token / Token-2022 token account: mint 0, owner 32, amount 64, state 108 (base layout). */
export interface TokenAccountInfo {
  mint: Address;
  owner: Address;
  amount: bigint;
  state: "uninitialized" | "initialized" | "frozen";
}

const TOKEN_ACCOUNT_BASE_SIZE = 165;
const TOKEN_ACCOUNT_STATES = ["uninitialized", "initialized", "frozen"] as const;

export function parseTokenAccount(data: Uint8Array): TokenAccountInfo | null {
  if (data.length < TOKEN_ACCOUNT_BASE_SIZE) return null;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const state = TOKEN_ACCOUNT_STATES[data[108]];
  if (!state) return null;
  return {
    mint: encodeBase58(data.subarray(0, 32)) as Address,
    owner: encodeBase58(data.subarray(32, 64)) as Address,
    amount: view.getBigUint64(64, true),
    state,
  };
}

export interface SimulationSeller {
  /** The wallet impersonated (fee payer and sell `user`). */
  wallet: Address;
  /** Its token account holding the mint. */
  tokenAccount: Address;
  balance: bigint;
}

/**
 * The token accounts worth fetching to find a seller: largest first, pool vault left out, at most
 * `candidates` of them.
 */
export function sellerCandidateAccounts(largest: readonly TokenHolderBalance[], poolVault: string, candidates: number): TokenHolderBalance[] {
  return largest.filter((h) => h.amount > 0n && h.address !== poolVault).slice(0, candidates);
}

/**
 * Picks the first candidate whose token account holds the mint, is not frozen, and whose owner is
 * a funded system wallet (a PDA or program-owned owner cannot pay a fee).
 */
export function chooseSimulationSeller(
  mint: string,
  candidates: readonly TokenHolderBalance[],
  tokenAccounts: readonly (RpcAccount | null)[],
  ownerAccounts: ReadonlyMap<string, RpcAccount | null>,
  minSellerLamports: bigint,
): SimulationSeller | null {
  for (let i = 0; i < candidates.length; i++) {
    const acc = tokenAccounts[i];
    if (!acc) continue;
    const parsed = parseTokenAccount(acc.data);
    if (!parsed || parsed.mint !== mint || parsed.state !== "initialized" || parsed.amount === 0n) continue;
    const wallet = ownerAccounts.get(parsed.owner);
    if (!wallet || wallet.owner !== SYSTEM_PROGRAM_ADDRESS || wallet.data.length !== 0 || wallet.lamports < minSellerLamports) continue;
    return { wallet: parsed.owner, tokenAccount: candidates[i].address, balance: parsed.amount };
  }
  return null;
}

/** Owners of the candidate token accounts that parse, in order, de-duplicated. */
export function candidateOwners(tokenAccounts: readonly (RpcAccount | null)[]): Address[] {
  const owners: Address[] = [];
  for (const acc of tokenAccounts) {
    const parsed = acc ? parseTokenAccount(acc.data) : null;
    if (parsed && !owners.includes(parsed.owner)) owners.push(parsed.owner);
  }
  return owners;
}

// The probes are simulated with replaceRecentBlockhash, so the node swaps in its own: any
// well-formed value is correct here, and a constant saves a getLatestBlockhash round trip.
const NODE_REPLACED_BLOCKHASH = blockhash("11111111111111111111111111111111");
const PROBE_COMPUTE_UNITS = 400_000;
const ROUND_TRIP_COMPUTE_UNITS = 700_000;

/** The pool and program accounts every probe transaction needs. */
export interface SwapContext {
  pool: Address;
  poolState: PoolAccount;
  /** Length of the pool account data (older pools need extend_account first). */
  poolDataLength: number;
  globalConfig: GlobalConfigAccount;
  baseTokenProgram: Address;
  /** Uniform [0, 1) for the fee-recipient choice (Math.random live; seeded in tests). */
  random?: () => number;
}

export interface ProbeSellInput extends SwapContext {
  seller: SimulationSeller;
  probeSellFraction: number;
}

/** Base units sold by the probe: a small share of the holder's balance, at least one unit. */
export function probeSellAmount(balance: bigint, fraction: number): bigint {
  const parts = 1_000_000n;
  const amount = (balance * BigInt(Math.round(Math.min(1, Math.max(0, fraction)) * Number(parts)))) / parts;
  return amount < 1n ? 1n : amount > balance ? balance : amount;
}

/** Fee recipients chosen as the official SDK does; configs from before the buyback upgrade carry none, the published list stands in. */
function recipients(c: SwapContext) {
  const random = c.random ?? Math.random;
  const buyback = c.globalConfig.buybackFeeRecipients.filter((a) => a !== SYSTEM_PROGRAM_ADDRESS);
  return {
    protocolFeeRecipient: pickProtocolFeeRecipient(c.globalConfig, c.poolState.isMayhemMode, random),
    buybackFeeRecipient: pickBuybackFeeRecipient({ buybackFeeRecipients: buyback.length ? buyback : [...PUMPSWAP_BUYBACK_FEE_RECIPIENTS] }, random),
  };
}

function wire(feePayer: Address, instructions: Instruction[]): string {
  const message = pipe(
    createTransactionMessage({ version: 0 }),
    (m) => setTransactionMessageFeePayer(feePayer, m),
    (m) => setTransactionMessageLifetimeUsingBlockhash({ blockhash: NODE_REPLACED_BLOCKHASH, lastValidBlockHeight: 0n }, m),
    (m) => appendTransactionMessageInstructions(instructions, m),
  );
  return getBase64EncodedWireTransaction(compileTransaction(message));
}

const safeAmount = (x: bigint, what: string): number => {
  if (x > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`${what} of ${x} base units does not fit the instruction codec`);
  return Number(x);
};

export interface RoundTripInput extends SwapContext {
  /** The funded system account the probe is signed "by" (sigVerify is off). */
  wallet: Address;
  /** Pool vault balances now (base units, lamports). */
  baseReserve: bigint;
  quoteReserve: bigint;
  /** Lamports wrapped for the buy; the buy spends about a quarter of it. */
  probeBuyLamports: bigint;
}

/**
 * Tokens the round trip buys: about a quarter of `probeBuyLamports` worth at the pool price
 * (quote reserve counted with the pool's virtual quote reserves, as the SDK quotes), so price
 * impact and fees never push the buy past the lamports wrapped for it.
 */
export function roundTripBaseAmount(baseReserve: bigint, effectiveQuoteReserve: bigint, probeBuyLamports: bigint): bigint {
  if (baseReserve <= 1n || effectiveQuoteReserve <= 0n) return 0n;
  const x = (baseReserve * (probeBuyLamports / 4n)) / effectiveQuoteReserve;
  const cap = baseReserve / 100n; // never a meaningful share of the pool
  return x < 1n ? 1n : x > cap && cap >= 1n ? cap : x;
}

/** Buy then sell the same amount, as one transaction signed by the simulation wallet. */
export async function buildProbeRoundTripTransaction(input: RoundTripInput): Promise<{ wire: string; baseAmount: bigint }> {
  const { pool, poolState, wallet } = input;
  const quoteTokenProgram = TOKEN_PROGRAM_ADDRESS;
  const signer = createNoopSigner(wallet);
  const [baseAta, quoteAta] = await Promise.all([
    associatedTokenAddress(wallet, poolState.baseMint, input.baseTokenProgram),
    associatedTokenAddress(wallet, poolState.quoteMint, quoteTokenProgram),
  ]);
  const effectiveQuote = input.quoteReserve + BigInt(poolState.virtualQuoteReserves);
  const baseAmount = roundTripBaseAmount(input.baseReserve, effectiveQuote, input.probeBuyLamports);
  if (baseAmount < 1n) throw new Error(`pool ${pool} has no reserves to buy from`);
  const swap = { pool, poolState, user: wallet, baseTokenProgram: input.baseTokenProgram, quoteTokenProgram, ...recipients(input), userBaseTokenAccount: baseAta, userQuoteTokenAccount: quoteAta };
  const instructions: Instruction[] = [getSetComputeUnitLimitInstruction({ units: ROUND_TRIP_COMPUTE_UNITS })];
  if (poolNeedsExtension(input.poolDataLength)) instructions.push(buildExtendAccountInstruction({ account: pool, user: wallet }));
  instructions.push(
    getCreateAssociatedTokenIdempotentInstruction({ payer: signer, ata: baseAta, owner: wallet, mint: poolState.baseMint, tokenProgram: input.baseTokenProgram }),
    getCreateAssociatedTokenIdempotentInstruction({ payer: signer, ata: quoteAta, owner: wallet, mint: poolState.quoteMint, tokenProgram: quoteTokenProgram }),
    getTransferSolInstruction({ source: signer, destination: quoteAta, amount: input.probeBuyLamports }),
    getSyncNativeInstruction({ account: quoteAta }),
    await buildBuyInstruction({ ...swap, baseAmountOut: safeAmount(baseAmount, "probe buy"), maxQuoteAmountIn: safeAmount(input.probeBuyLamports, "probe buy budget") }),
    await buildSellInstruction({ ...swap, baseAmountIn: safeAmount(baseAmount, "probe sell"), minQuoteAmountOut: 0 }),
  );
  return { wire: wire(wallet, instructions), baseAmount };
}

/** The probe sell as a base64 wire transaction with empty signatures (simulation only). */
export async function buildProbeSellTransaction(input: ProbeSellInput): Promise<string> {
  const { pool, poolState, seller } = input;
  const quoteTokenProgram = TOKEN_PROGRAM_ADDRESS;
  const sellerSigner = createNoopSigner(seller.wallet);
  const sellerQuoteAccount = await associatedTokenAddress(seller.wallet, poolState.quoteMint, quoteTokenProgram);
  const baseAmountIn = probeSellAmount(seller.balance, input.probeSellFraction);

  const instructions: Instruction[] = [getSetComputeUnitLimitInstruction({ units: PROBE_COMPUTE_UNITS })];
  if (poolNeedsExtension(input.poolDataLength)) instructions.push(buildExtendAccountInstruction({ account: pool, user: seller.wallet }));
  instructions.push(
    getCreateAssociatedTokenIdempotentInstruction({
      payer: sellerSigner,
      ata: sellerQuoteAccount,
      owner: seller.wallet,
      mint: poolState.quoteMint,
      tokenProgram: quoteTokenProgram,
    }),
    await buildSellInstruction({
      pool,
      poolState,
      user: seller.wallet,
      baseTokenProgram: input.baseTokenProgram,
      quoteTokenProgram,
      ...recipients(input),
      userBaseTokenAccount: seller.tokenAccount,
      userQuoteTokenAccount: sellerQuoteAccount,
      baseAmountIn: safeAmount(baseAmountIn, "probe sell"),
      minQuoteAmountOut: 0,
    }),
  );
  return wire(seller.wallet, instructions);
}

/** A failed simulation is a honeypot; the error and the tail of the logs are the evidence. */
export function interpretSimulation(result: SimulationResult, probe: string): CheckReason[] {
  if (result.err === null || result.err === undefined) return [];
  const logs = result.logs.slice(-3).join(" | ");
  return [{ check: "honeypot", code: "honeypot", detail: `${probe} failed: ${stringifyError(result.err)}${logs ? ` (logs: ${logs})` : ""}` }];
}

function stringifyError(err: unknown): string {
  if (typeof err === "string") return err;
  try {
    return JSON.stringify(err, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
  } catch {
    return String(err);
  }
}
