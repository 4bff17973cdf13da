/**
 * The chain simulator's core: a ledger of PumpSwap pools and token accounts, a slot clock, and the
 * transactions it executes, as a geyser plugin would stream them. No sockets and no timers here:
 * the servers (./grpc_server.ts, ./rpc_server.ts) and the pump loop (./index.ts) drive it.
 *
 * Order flow comes from the seeded market model (lib/market): each migration becomes a Pump.fun
 * `migrate` transaction whose inner instructions hold PumpSwap `create_pool` with CreatePoolEvent
 * and Pump.fun's CompletePumpAmmMigrationEvent; each model swap becomes a PumpSwap buy / sell
 * priced here, against this ledger's reserves, with lib/amm — so transactions received over
 * JSON-RPC interleave with the model's flow and the model is told (`syncReserves`). Tokens created
 * while the simulator runs also get a Pump.fun `create` with CreateEvent, and with it their mint,
 * BondingCurve account and the curve's token account holding the whole supply; more coins are
 * created that never migrate (`curveLaunchesPerHour`, as most Pump.fun coins). Every created coin
 * gets seeded curve flow for its first minutes (./curve_flow.ts): real Pump.fun buy / sell
 * transactions run through the program (./programs.ts) like received ones. Supply is conserved:
 * at migration the curve's tokens go to the pool and to synthetic curve buyers, who get only what
 * the curve's real traders do not already hold.
 *
 * Accounts are as mainnet has them: a migrated pool is a 300-byte Pool account (older, shorter
 * sizes on request, grown by PumpSwap extend_account); the supply outside the pool sits in real
 * token accounts of the bonding curve's buyers (./holders.ts), market traders and RPC wallets, so
 * getTokenLargestAccounts lists accounts a checker can read and simulate selling from; FeeConfig
 * has the newest layout's fixed size. `setCoinCreator` changes a pool's coin creator as
 * admin_set_coin_creator does, and swaps are checked against it (./programs.ts).
 *
 * Time is simulated Unix ms (`now`); slots follow lib/market's slotAt (400 ms). Everything that
 * mutates runs through one promise chain, so a sendTransaction cannot interleave with a half-done
 * market step.
 */
import { COMPUTE_BUDGET_PROGRAM_ADDRESS, getSetComputeUnitLimitInstruction, getSetComputeUnitPriceInstruction } from "@solana-program/compute-budget";
import { AccountRole, getProgramDerivedAddress, getAddressEncoder, type Address } from "@solana/kit";
import { createHash } from "node:crypto";
import type { PoolFees } from "../amm/index.ts";
import { decodeBase58, encodeBase58 } from "../chain/base58.ts";
import {
  ANCHOR_EVENT_IX_TAG,
  ASSOCIATED_TOKEN_PROGRAM_ADDRESS,
  DEFAULT_ADDRESS,
  PUMP_FEE_PROGRAM_ADDRESS,
  PUMPFUN_EVENT_AUTHORITY_ADDRESS,
  PUMPFUN_GLOBAL_ADDRESS,
  PUMPFUN_PROGRAM_ADDRESS,
  PUMPFUN_WITHDRAW_AUTHORITY_ADDRESS,
  PUMPSWAP_BUYBACK_FEE_RECIPIENTS,
  PUMPSWAP_EVENT_AUTHORITY_ADDRESS,
  PUMPSWAP_FEE_CONFIG_ADDRESS,
  PUMPSWAP_GLOBAL_CONFIG_ADDRESS,
  PUMPSWAP_PROGRAM_ADDRESS,
  RENT_SYSVAR_ADDRESS,
  SYSTEM_PROGRAM_ADDRESS,
  TOKEN_2022_PROGRAM_ADDRESS,
  TOKEN_PROGRAM_ADDRESS,
  WSOL_MINT_ADDRESS,
} from "../chain/constants.ts";
import { eventCpiInstruction, eventLogLine, programInvocationLogs, type EventTypes } from "../chain/events.ts";
import { encodeMint } from "../chain/mint.ts";
import { associatedTokenAddress, findCanonicalPoolPda } from "../chain/pda.ts";
import { AnchorCodecs } from "../chain/anchor.ts";
import { concatBytes } from "../chain/borsh.ts";
import {
  buildCurveBuyExactSolInInstruction,
  buildCurveBuyInstruction,
  buildCurveSellInstruction,
  buildMigrateInstruction,
  decodeBondingCurve,
  encodeBondingCurve,
  encodePumpFunGlobal,
  parseMigrateInstruction,
  pickCurveBuybackFeeRecipient,
  pickCurveFeeRecipient,
  pumpFunCodecs,
  PUMPFUN_IDL,
  type BondingCurveAccount,
  type PumpFunGlobalAccount,
} from "../chain/pumpfun.ts";
import { curveFeesFromGlobal } from "../amm/curve.ts";
import type { SubscribeUpdateTransactionInfo } from "../chain/proto.ts";
import {
  buildBuyExactQuoteInInstruction,
  buildBuyInstruction,
  buildSellInstruction,
  decodePool,
  encodeFeeConfig,
  FEE_CONFIG_SIZE_POST_EXOTIC,
  encodeGlobalConfig,
  encodePool,
  parseSwapInstruction,
  POOL_ACCOUNT_EXTENDED_SIZE,
  pumpSwapCodecs,
  PUMPSWAP_IDL,
  type FeeConfigAccount,
  type GlobalConfigAccount,
  type PoolAccount,
} from "../chain/pumpswap.ts";
import { idlAccountRole } from "../chain/anchor.ts";
import {
  BASE_DECIMALS,
  DEFAULT_MARKET_OPTIONS,
  FRESH_POOL_FEES,
  Market,
  MarketStream,
  MIGRATION_BASE_RESERVE,
  MIGRATION_QUOTE_RESERVE,
  slotAt,
  SLOT_ANCHOR,
  SLOT_ANCHOR_TS,
  TOKEN_SUPPLY,
  type MarketEvent,
  type TokenLaunch,
  type TokenMarket,
} from "../market/index.ts";
import { randomAddress, randomPumpMint, randomSignature } from "../market/ids.ts";
import { createRng, type Rng } from "../util/rng.ts";
import { encodeTokenAccount, makeMint, MINT_PROFILES, MINT_RENT_LAMPORTS, rentExemptLamports, SELL_BLOCKED_PROFILES, TOKEN_ACCOUNT_RENT_LAMPORTS, TokenAccountStateCode, type MintProfile, type TokenAccount } from "./accounts.ts";
import { curveHolderDistribution, holderWalletLamports } from "./holders.ts";
import { ataSync, bondingCurveSync } from "../chain/pda_sync.ts";
import { createAtaIdempotentIx } from "../chain/instructions.ts";
import { CurveFlow, FlowQueue, type CurveOrder } from "./curve_flow.ts";
import { applySwap, eventCpiLogs, executeInstructions, InstructionFailure, prioritizationFeeLamports, readComputeBudget, SWAP_LOG_NAMES, type CurveTradeEffect, type ExecEnv, type ExecOutput, type SwapEffect } from "./programs.ts";
import type { CurveTradeRecord, DevchainRecord, FlowRecord, MigrationRecord, RecordSource } from "./record.ts";
import { ChainState, StateTxn, type HolderProfile, type SimCurve, type SimPool } from "./state.ts";
import { buildTransactionInfo, type SimInnerGroup, type SimInstruction } from "./txbuild.ts";
import { decodeWireTransaction, verifyWireSignatures, WireError, type DecodedWireTransaction } from "./wire.ts";

export interface DevchainOptions {
  seed: number;
  /** Drive order flow from the seeded market model (default true). */
  market?: boolean;
  /** Simulated start, Unix ms (default: the market's default start). */
  startTs?: number;
  migrationsPerDay?: number;
  trackSeconds?: number;
  idleStopSeconds?: number;
  days?: number;
  /** The model's order flow stops at this simulated time (slots keep advancing). */
  marketEndTs?: number;
  /** Share of market tokens given an unsafe mint (default 0.2). */
  unsafeShare?: number;
  /** Slots of stream history kept for from_slot replay (default 3000 = 20 min). */
  historySlots?: number;
  /** How far ahead token creations are scheduled (default 14 days, the model's oldest token age). */
  createLookaheadMs?: number;
  /** Share of market tokens whose holders are concentrated in one insider wallet (default 0.05). */
  concentratedHolderShare?: number;
  /**
   * Charge received transactions the prioritization fee — ceil(compute-unit price × limit / 10⁶)
   * lamports, the limit being SetComputeUnitLimit's or 200k per other instruction — on top of
   * 5,000 lamports per signature, on success and on landed failure alike, as mainnet does; the fee
   * is the transaction's meta.fee. Default true; false charges the signature fee only.
   */
  priorityFees?: boolean;
  /**
   * Mean Pump.fun coins created per simulated hour that never migrate (a seeded Poisson stream;
   * only with `market`). Default 360: a minute of simulated time sees about six. 0 turns it off.
   */
  curveLaunchesPerHour?: number;
  /** Seconds after its create during which a coin's curve gets model flow (default 600). */
  curveFlowSeconds?: number;
  /** Model flow on the curves of coins created by the market (default true). */
  curveFlow?: boolean;
}

export type ChainUpdate =
  | { kind: "transaction"; seq: number; slot: number; createdAtMs: number; info: SubscribeUpdateTransactionInfo; keys: ReadonlySet<string>; failed: boolean }
  | { kind: "slot"; seq: number; slot: number; createdAtMs: number };

export interface RpcErrorShape {
  code: number;
  message: string;
  data?: unknown;
}

export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

export interface SubmitResult {
  signature: string;
  err: unknown;
  logs: string[];
  unitsConsumed: number;
  slot: number;
}

interface CommittedTx {
  slot: number;
  createdAtMs: number;
  info: SubscribeUpdateTransactionInfo;
  err: unknown;
}

const DAY_MS = 86_400_000;
/** Pays for migrations in the simulator (a stand-in for Pump.fun's migration keeper). */
export const MIGRATION_KEEPER_ADDRESS = "5Rw5LtWgZMhQRgGpcsFeHPPWmvNqwa2LwMb1RmHu8Yrm" as Address;
const POOL_MIGRATION_FEE_LAMPORTS = 15_000_001;
const SIGNATURE_FEE_LAMPORTS = 5_000;
const STATUS_LIMIT = 200_000;

export const slotStartMs = (slot: number): number => SLOT_ANCHOR_TS + (slot - SLOT_ANCHOR) * 400;

/** Fee tiers served at the FeeConfig address: the first tier is what a fresh pool pays (lib/market FRESH_POOL_FEES). */
export const DEVCHAIN_FEE_CONFIG: FeeConfigAccount = {
  bump: 255,
  admin: "FeeAdmin11111111111111111111111111111111111" as Address,
  flatFees: { lpFeeBps: 25, protocolFeeBps: 5, creatorFeeBps: 0 },
  feeTiers: [
    { marketCapLamportsThreshold: 0n, fees: { ...FRESH_POOL_FEES } },
    { marketCapLamportsThreshold: 420_000_000_000n, fees: { lpFeeBps: 20, protocolFeeBps: 5, creatorFeeBps: 95 } },
    { marketCapLamportsThreshold: 1_470_000_000_000n, fees: { lpFeeBps: 20, protocolFeeBps: 5, creatorFeeBps: 90 } },
  ],
  stableFeeTiers: [],
  exoticFlatFees: { lpFeeBps: 30, protocolFeeBps: 10, creatorFeeBps: 5 },
};

function label32(text: string): Address {
  return encodeBase58(createHash("sha256").update(text).digest()) as Address;
}

export const DEVCHAIN_GLOBAL_CONFIG: GlobalConfigAccount = {
  admin: label32("devchain amm admin"),
  lpFeeBasisPoints: 20,
  protocolFeeBasisPoints: 5,
  disableFlags: 0,
  protocolFeeRecipients: Array.from({ length: 8 }, (_, i) => label32(`devchain protocol fee recipient ${i}`)),
  coinCreatorFeeBasisPoints: 5,
  adminSetCoinCreatorAuthority: label32("devchain set coin creator authority"),
  whitelistPda: label32("devchain whitelist"),
  reservedFeeRecipient: label32("devchain reserved fee recipient"),
  mayhemModeEnabled: false,
  reservedFeeRecipients: Array.from({ length: 7 }, (_, i) => label32(`devchain reserved ${i}`)),
  isCashbackEnabled: false,
  buybackFeeRecipients: [...PUMPSWAP_BUYBACK_FEE_RECIPIENTS],
  buybackBasisPoints: 0,
  boostAuthority: label32("devchain boost authority"),
  boostEnabled: false,
  creatorFeeConfigurable: false,
  maxConfigurableCreatorFeeBps: 100,
};

/** Pump.fun's Global on the simulator (fee recipients, fees and the initial curve). */
export const DEVCHAIN_PUMPFUN_GLOBAL: PumpFunGlobalAccount = {
  initialized: true,
  authority: label32("devchain pump authority"),
  feeRecipient: label32("devchain pump fee recipient"),
  initialVirtualTokenReserves: 1_073_000_000_000_000,
  initialVirtualSolReserves: 30_000_000_000,
  initialRealTokenReserves: 793_100_000_000_000,
  tokenTotalSupply: TOKEN_SUPPLY,
  feeBasisPoints: 95,
  withdrawAuthority: PUMPFUN_WITHDRAW_AUTHORITY_ADDRESS,
  enableMigrate: true,
  poolMigrationFee: POOL_MIGRATION_FEE_LAMPORTS,
  creatorFeeBasisPoints: 30,
  feeRecipients: Array.from({ length: 7 }, (_, i) => label32(`devchain pump fee ${i}`)),
  setCreatorAuthority: label32("devchain set creator"),
  adminSetCreatorAuthority: label32("devchain admin set creator"),
  createV2Enabled: true,
  whitelistPda: label32("devchain pump whitelist"),
  reservedFeeRecipient: label32("devchain pump reserved"),
  mayhemModeEnabled: false,
  reservedFeeRecipients: Array.from({ length: 7 }, (_, i) => label32(`devchain pump reserved ${i}`)),
  isCashbackEnabled: false,
  buybackFeeRecipients: Array.from({ length: 8 }, (_, i) => label32(`devchain pump buyback ${i}`)),
  buybackBasisPoints: 0,
  initialVirtualQuoteReserves: 30_000_000_000,
  whitelistedQuoteMints: [WSOL_MINT_ADDRESS],
  creatorFeeConfigurable: false,
  maxConfigurableCreatorFeeBps: 100,
  holderRewardClaimAuthority: label32("devchain holder reward"),
  isHolderRewardEnabled: false,
};
const PUMPFUN_GLOBAL = DEVCHAIN_PUMPFUN_GLOBAL;

const CREATE_POOL_ROLES = new Map<string, AccountRole>(
  PUMPSWAP_IDL.instructions.find((i) => i.name === "create_pool")!.accounts.map((a) => [a.name, idlAccountRole(a as { writable?: boolean; signer?: boolean }) as AccountRole]),
);
const ammCodecs = new AnchorCodecs(PUMPSWAP_IDL, { integers: "number", keys: "camel" });
const adminSetCoinCreatorIx = ammCodecs.instruction<{ coinCreator: Address }>("admin_set_coin_creator");
const adminSetCoinCreatorEvent = ammCodecs.event<{ timestamp: number; adminSetCoinCreatorAuthority: Address; baseMint: Address; pool: Address; oldCoinCreator: Address; newCoinCreator: Address }>("AdminSetCoinCreatorEvent");
const ADMIN_SET_COIN_CREATOR_ROLES = PUMPSWAP_IDL.instructions.find((i) => i.name === "admin_set_coin_creator")!.accounts.map((a) => [a.name, idlAccountRole(a as { writable?: boolean; signer?: boolean }) as AccountRole] as const);
const CREATE_ROLES = PUMPFUN_IDL.instructions.find((i) => i.name === "create")!.accounts.map((a) => [a.name, idlAccountRole(a as { writable?: boolean; signer?: boolean }) as AccountRole] as const);
const METAPLEX_PROGRAM_ADDRESS = "metaqbxxUerdq28cj1RbAWkYQm3ybzjb6a8bt518x1s" as Address;
const MEMO_PROGRAM_ADDRESS = "MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr" as Address;
/** A deployed program's account, as the upgradeable loader's program accounts look. */
const programAccount = () => ({ owner: "BPFLoaderUpgradeab1e11111111111111111111111" as Address, data: new Uint8Array(36), lamports: 1_141_440, executable: true });

/** A compute-budget instruction (@solana-program/compute-budget) in the simulator's instruction shape. */
const budgetIx = (ix: { programAddress: Address; data: ArrayLike<number> }): SimInstruction => ({ programAddress: ix.programAddress, accounts: [], data: ix.data as Uint8Array });
// Constant instructions, shared by every transaction that carries them (never mutated).
const MIGRATE_BUDGET_IX = budgetIx(getSetComputeUnitLimitInstruction({ units: 400_000 }));
const MARKET_SWAP_BUDGET_IXS = [budgetIx(getSetComputeUnitLimitInstruction({ units: 120_000 })), budgetIx(getSetComputeUnitPriceInstruction({ microLamports: 250_000 }))];
/** What a model trade pays: the signature plus the priority fee of MARKET_SWAP_BUDGET_IXS. */
const MARKET_SWAP_FEE = SIGNATURE_FEE_LAMPORTS + prioritizationFeeLamports({ computeUnitLimit: 120_000, computeUnitPriceMicroLamports: 250_000 });
const BUDGET_LOGS = programInvocationLogs(COMPUTE_BUDGET_PROGRAM_ADDRESS, 1, []);

export interface LaunchTokenOptions {
  profile?: MintProfile;
  baseReserve?: number;
  quoteReserve?: number;
  coinCreator?: Address;
  fees?: PoolFees;
  /**
   * Bytes of the Pool account (default 300, the size today's PumpSwap pools have). Older pools
   * are shorter — 243 (before is_mayhem_mode) up to 270 (the IDL's Pool struct) — and read as
   * zero past their end; swaps on one shorter than the struct need extend_account first.
   */
  poolDataLength?: number;
  /** How the bonding-curve buyers' tokens are spread (default "distributed"). */
  holders?: HolderProfile;
  /** Migrate this coin, created on the curve earlier (launchCurveToken); its creator and mint are kept. */
  mint?: Address;
}

export interface LaunchCurveTokenOptions {
  profile?: MintProfile;
  creator?: Address;
  /** Run the seeded curve flow model on it (default false). */
  flow?: boolean;
}

export interface LaunchedCurveToken {
  mint: Address;
  bondingCurve: Address;
  /** The curve's token account (associated_bonding_curve). */
  associatedBondingCurve: Address;
  creator: Address;
  tokenProgram: Address;
  profile: MintProfile;
  signature: string;
  slot: number;
}

export interface LaunchedToken {
  mint: Address;
  pool: Address;
  signature: string;
  slot: number;
  profile: MintProfile;
  baseTokenProgram: Address;
  coinCreator: Address;
  poolDataLength: number;
  holderProfile: HolderProfile;
}

/** Smallest Pool accepted by launchToken: the layout that ends with coin_creator. */
export const MIN_POOL_DATA_LENGTH = 243;

/** Every option's default; the market's own come from lib/market. */
export const DEVCHAIN_DEFAULTS: Required<Omit<DevchainOptions, "seed" | "marketEndTs">> = {
  market: true,
  startTs: DEFAULT_MARKET_OPTIONS.startTs,
  migrationsPerDay: DEFAULT_MARKET_OPTIONS.migrationsPerDay,
  trackSeconds: DEFAULT_MARKET_OPTIONS.trackSeconds,
  idleStopSeconds: DEFAULT_MARKET_OPTIONS.idleStopSeconds,
  days: DEFAULT_MARKET_OPTIONS.days,
  unsafeShare: 0.2,
  historySlots: 3_000,
  createLookaheadMs: 14 * DAY_MS,
  concentratedHolderShare: 0.05,
  priorityFees: true,
  curveLaunchesPerHour: 360,
  curveFlowSeconds: 600,
  curveFlow: true,
};

export class Devchain {
  readonly opts: Required<Omit<DevchainOptions, "marketEndTs">> & { marketEndTs: number };
  readonly state = new ChainState();
  readonly records: DevchainRecord[] = [];
  /**
   * Counters for tests and logs. `transactions` counts what the migration market streams (creates,
   * migrations, swaps, received transactions); the curve flow model's trades, which a migration
   * watcher's filters do not select, are `curveFlowTransactions`. `curveTrades` counts every curve
   * trade that landed, model and received.
   */
  readonly counters = { transactions: 0, migrations: 0, marketSwaps: 0, marketOrdersRejected: 0, rpcTransactions: 0, creates: 0, curveLaunches: 0, curveTrades: 0, curveFlowTransactions: 0, curveOrdersRejected: 0 };
  /** Every Pump.fun curve trade that landed (model and received), in order. */
  readonly curveTrades: CurveTradeRecord[] = [];
  private readonly recordListeners = new Set<(r: DevchainRecord) => void>();
  private readonly curveTradeListeners = new Set<(r: CurveTradeRecord) => void>();
  private readonly listeners = new Set<(u: ChainUpdate) => void>();
  private readonly history: ChainUpdate[] = [];
  private historyHead = 0;
  /** Lowest slot still replayable. */
  private firstRetainedSlot: number;
  private seq = 0;
  private serial: Promise<unknown> = Promise.resolve();
  private _now: number;
  private lastClosedSlot: number;
  private slotTxIndex = 0;
  private readonly rng: Rng;
  private readonly market: Market | null;
  private readonly stream: MarketStream | null;
  private pending: MarketEvent | null = null;
  private pendingToken: TokenMarket | null = null;
  private readonly marketTokens = new Map<string, TokenMarket>();
  private readonly createSchedule: { ts: number; launch: TokenLaunch }[] = [];
  private launchAhead: Generator<TokenLaunch> | null;
  private nextAhead: TokenLaunch | null = null;
  private readonly createdTsByMint = new Map<string, number>();
  private readonly blockhashes = new Map<string, number>();
  private readonly committed = new Map<string, CommittedTx>();
  private readonly statuses = new Map<string, { slot: number; err: unknown }>();
  private readonly hookPrograms = new Set<Address>();
  private readonly curveSellRngs = new Map<Address, Rng>();
  private readonly flows = new FlowQueue();
  private readonly flowsByMint = new Map<Address, CurveFlow>();
  private readonly curveLaunchRng: Rng;
  private nextCurveLaunchTs = Infinity;
  private curveLaunchCount = 0;
  private apiCount = 0;

  constructor(options: DevchainOptions) {
    this.opts = { ...DEVCHAIN_DEFAULTS, ...options, marketEndTs: options.marketEndTs ?? Infinity };
    this.rng = createRng(this.opts.seed).fork("devchain");
    this._now = this.opts.startTs;
    this.lastClosedSlot = slotAt(this._now) - 1;
    this.firstRetainedSlot = slotAt(this._now);
    this.installStaticAccounts();
    this.rememberBlockhash(slotAt(this._now));
    this.curveLaunchRng = createRng(this.opts.seed).fork("devchain:curve-launches");
    if (this.opts.market && this.opts.curveLaunchesPerHour > 0) this.nextCurveLaunchTs = this.opts.startTs + this.curveLaunchGapMs();
    if (this.opts.market) {
      this.market = new Market({ seed: this.opts.seed, startTs: this.opts.startTs, days: this.opts.days, migrationsPerDay: this.opts.migrationsPerDay, trackSeconds: this.opts.trackSeconds, idleStopSeconds: this.opts.idleStopSeconds });
      this.stream = this.market.stream();
      this.launchAhead = this.market.launches();
      this.nextAhead = this.launchAhead.next().value ?? null;
      this.pullPending();
    } else {
      this.market = null;
      this.stream = null;
      this.launchAhead = null;
    }
  }

  /** Simulated Unix ms. */
  get now(): number {
    return this._now;
  }

  get slot(): number {
    return slotAt(this._now);
  }

  /** Block height (slots since the anchor; every slot has a block here). */
  blockHeight(slot = this.slot): number {
    return slot - SLOT_ANCHOR + 1;
  }

  blockhashOf(slot: number): string {
    return encodeBase58(createHash("sha256").update(`devchain:${this.opts.seed}:blockhash:${slot}`).digest());
  }

  latestBlockhash(): { blockhash: string; lastValidBlockHeight: number; slot: number } {
    const slot = this.slot;
    this.rememberBlockhash(slot);
    return { blockhash: this.blockhashOf(slot), lastValidBlockHeight: this.blockHeight(slot) + 150, slot };
  }

  /** A blockhash from one of the last 150 slots. */
  isBlockhashValid(blockhash: string): boolean {
    const slot = this.blockhashes.get(blockhash);
    return slot !== undefined && this.slot - slot <= 150;
  }

  private rememberBlockhash(slot: number): void {
    if (this.blockhashes.size > 600) {
      for (const [h, s] of this.blockhashes) if (this.slot - s > 300) this.blockhashes.delete(h);
    }
    this.blockhashes.set(this.blockhashOf(slot), slot);
  }

  // ---- subscribers and history ----

  subscribe(listener: (u: ChainUpdate) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onRecord(listener: (r: DevchainRecord) => void): () => void {
    this.recordListeners.add(listener);
    return () => this.recordListeners.delete(listener);
  }

  onCurveTrade(listener: (r: CurveTradeRecord) => void): () => void {
    this.curveTradeListeners.add(listener);
    return () => this.curveTradeListeners.delete(listener);
  }

  /** Oldest slot a from_slot resume can start at. */
  get oldestReplayableSlot(): number {
    return this.firstRetainedSlot;
  }

  /** Updates with slot ≥ fromSlot still in history; null when that slot has been trimmed. */
  replayFrom(fromSlot: number): ChainUpdate[] | null {
    if (fromSlot < this.firstRetainedSlot) return null;
    const out: ChainUpdate[] = [];
    for (let i = this.historyHead; i < this.history.length; i++) if (this.history[i].slot >= fromSlot) out.push(this.history[i]);
    return out;
  }

  private publish(u: ChainUpdate): void {
    this.history.push(u);
    const keepFrom = u.slot - this.opts.historySlots;
    while (this.historyHead < this.history.length && this.history[this.historyHead].slot < keepFrom) {
      this.firstRetainedSlot = Math.max(this.firstRetainedSlot, this.history[this.historyHead].slot + 1);
      this.historyHead++;
    }
    if (this.historyHead > 4096 && this.historyHead * 2 > this.history.length) {
      this.history.splice(0, this.historyHead);
      this.historyHead = 0;
    }
    for (const l of this.listeners) l(u);
  }

  private addRecord(r: DevchainRecord): void {
    this.records.push(r);
    for (const l of this.recordListeners) l(r);
  }

  /** Emits the slot updates of every slot that ended before `slot`. */
  private closeSlotsBefore(slot: number): void {
    while (this.lastClosedSlot < slot - 1) {
      const s = ++this.lastClosedSlot;
      this.publish({ kind: "slot", seq: ++this.seq, slot: s, createdAtMs: slotStartMs(s + 1) });
      this.rememberBlockhash(s + 1);
      this.slotTxIndex = 0;
    }
  }

  private emitTransaction(info: SubscribeUpdateTransactionInfo, keys: readonly Address[], ts: number, err: unknown, curveFlow = false): number {
    const slot = slotAt(ts);
    this.closeSlotsBefore(slot);
    info.index = String(this.slotTxIndex++);
    const sig = encodeBase58(info.signature);
    this.committed.set(sig, { slot, createdAtMs: ts, info, err });
    this.statuses.set(sig, { slot, err });
    if (this.committed.size > STATUS_LIMIT) {
      const first = this.committed.keys().next().value!;
      this.committed.delete(first);
      this.statuses.delete(first);
    }
    if (curveFlow) this.counters.curveFlowTransactions++;
    else this.counters.transactions++;
    this.publish({ kind: "transaction", seq: ++this.seq, slot, createdAtMs: ts, info, keys: new Set(keys), failed: err != null });
    return slot;
  }

  // ---- serialisation ----

  private run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.serial.then(fn, fn);
    this.serial = next.catch(() => undefined);
    return next;
  }

  /** Moves simulated time to `ts`, executing the model's events up to it and closing slots. */
  advanceTo(ts: number): Promise<void> {
    return this.run(async () => {
      if (ts < this._now) return;
      const end = this.opts.marketEndTs;
      for (;;) {
        this.scheduleCreates(ts);
        const createTs = this.createSchedule.length > 0 ? this.createSchedule[0].ts : Infinity;
        const launchTs = this.nextCurveLaunchTs < end ? this.nextCurveLaunchTs : Infinity;
        const flowTs = this.flows.peekTs() < end ? this.flows.peekTs() : Infinity;
        const marketTs = this.pending && this.pending.ts < end ? this.pending.ts : Infinity;
        const nextTs = Math.min(createTs, launchTs, flowTs, marketTs);
        if (nextTs > ts) break;
        this._now = Math.max(this._now, nextTs);
        if (createTs === nextTs) await this.emitMarketCreate(this.createSchedule.shift()!.launch);
        else if (launchTs === nextTs) await this.emitCurveLaunch();
        else if (flowTs === nextTs) await this.curveFlowStep();
        else {
          const ev = this.pending!;
          const tok = this.pendingToken!;
          await this.handleMarketEvent(ev, tok);
          this.pullPending();
        }
      }
      this._now = ts;
      this.closeSlotsBefore(slotAt(ts));
    });
  }

  private pullPending(): void {
    this.pending = this.stream!.next();
    this.pendingToken = this.stream!.current;
  }

  // ---- static accounts ----

  private installStaticAccounts(): void {
    const raw = this.state.raw;
    raw.set(PUMPSWAP_GLOBAL_CONFIG_ADDRESS, { owner: PUMPSWAP_PROGRAM_ADDRESS, data: encodeGlobalConfig(DEVCHAIN_GLOBAL_CONFIG), lamports: 10_000_000 });
    // FeeConfig as mainnet allocates it: the newest layout's fixed size, zeros after the fields.
    const feeConfig = new Uint8Array(FEE_CONFIG_SIZE_POST_EXOTIC);
    feeConfig.set(encodeFeeConfig(DEVCHAIN_FEE_CONFIG));
    raw.set(PUMPSWAP_FEE_CONFIG_ADDRESS, { owner: PUMP_FEE_PROGRAM_ADDRESS, data: feeConfig, lamports: rentExemptLamports(feeConfig.length) });
    raw.set(PUMPFUN_GLOBAL_ADDRESS, { owner: PUMPFUN_PROGRAM_ADDRESS, data: encodePumpFunGlobal(PUMPFUN_GLOBAL), lamports: 10_000_000 });
    for (const p of [PUMPSWAP_PROGRAM_ADDRESS, PUMPFUN_PROGRAM_ADDRESS, TOKEN_PROGRAM_ADDRESS, TOKEN_2022_PROGRAM_ADDRESS, ASSOCIATED_TOKEN_PROGRAM_ADDRESS, PUMP_FEE_PROGRAM_ADDRESS]) {
      raw.set(p, programAccount());
    }
    raw.set(WSOL_MINT_ADDRESS, { owner: TOKEN_PROGRAM_ADDRESS, data: encodeMint({ mintAuthority: null, supply: 0n, decimals: 9, isInitialized: true, freezeAuthority: null, extensions: [] }), lamports: MINT_RENT_LAMPORTS });
  }

  private env(ts: number): ExecEnv {
    return {
      timestampS: Math.floor(ts / 1000),
      protocolFeeRecipientFor: () => DEVCHAIN_GLOBAL_CONFIG.protocolFeeRecipients[0],
      hookProgramExists: (p) => this.hookPrograms.has(p),
    };
  }

  // ---- token creation (Pump.fun create) ----

  private scheduleCreates(untilTs: number): void {
    if (!this.launchAhead) return;
    while (this.nextAhead && this.nextAhead.ts <= untilTs + this.opts.createLookaheadMs) {
      const l = this.nextAhead;
      if (l.tokenCreatedTs >= this.opts.startTs) {
        const item = { ts: l.tokenCreatedTs, launch: l };
        let i = this.createSchedule.length;
        while (i > 0 && this.createSchedule[i - 1].ts > item.ts) i--;
        this.createSchedule.splice(i, 0, item);
      }
      this.nextAhead = this.launchAhead.next().value ?? null;
    }
  }

  private mintProfileOf(launch: TokenLaunch): MintProfile {
    return this.mintProfileFor(launch.index);
  }

  /** A seeded mint profile: safe, or one of the unsafe kinds for `unsafeShare` of coins. */
  private mintProfileFor(key: string | number): MintProfile {
    const r = createRng(this.opts.seed).fork(`devchain:mint:${key}`);
    if (!r.chance(this.opts.unsafeShare)) return "safe";
    const unsafe = MINT_PROFILES.filter((p) => p !== "safe" && p !== "safe_token2022");
    return unsafe[r.int(unsafe.length)];
  }

  private holderProfileOf(launch: TokenLaunch): HolderProfile {
    return createRng(this.opts.seed).fork(`devchain:holders-profile:${launch.index}`).chance(this.opts.concentratedHolderShare) ? "concentrated" : "distributed";
  }

  private async emitMarketCreate(launch: TokenLaunch): Promise<void> {
    const ts = launch.tokenCreatedTs;
    await this.emitCreate({
      label: String(launch.index),
      mint: launch.mint as Address,
      creator: launch.creator as Address,
      ts,
      profile: this.mintProfileOf(launch),
      sigRng: createRng(this.opts.seed).fork(`devchain:create:${launch.index}`),
      // Its curve trades until shortly before the market migrates it.
      flowEndTs: this.opts.curveFlow ? Math.min(ts + this.opts.curveFlowSeconds * 1000, launch.ts - 1_000) : null,
    });
  }

  private curveLaunchGapMs(): number {
    return Math.max(1, Math.round(this.curveLaunchRng.exponential(3_600_000 / this.opts.curveLaunchesPerHour)));
  }

  /** A coin of the curve-only stream: created now, traded on its curve, never migrated by the market. */
  private async emitCurveLaunch(): Promise<void> {
    const n = this.curveLaunchCount++;
    const ts = this.nextCurveLaunchTs;
    this.nextCurveLaunchTs = ts + this.curveLaunchGapMs();
    const r = createRng(this.opts.seed).fork(`devchain:curve-launch:${n}`);
    const mint = randomPumpMint(r) as Address;
    const creator = randomAddress(r) as Address;
    this.counters.curveLaunches++;
    await this.emitCreate({ label: `C${n}`, mint, creator, ts, profile: this.mintProfileFor(`curve:${n}`), sigRng: r, flowEndTs: ts + this.opts.curveFlowSeconds * 1000 });
  }

  /**
   * Pump.fun `create` at `c.ts`: streamed with its CreateEvent, and the coin's accounts installed
   * (mint, BondingCurve at Global's initial reserves, the curve's token account with the supply).
   */
  private async emitCreate(c: { label: string; mint: Address; creator: Address; ts: number; profile: MintProfile; sigRng: Rng; flowEndTs: number | null }): Promise<{ curve: SimCurve; signature: string; slot: number }> {
    const { mint, ts } = c;
    const user = c.creator;
    const curve = this.installCurve(mint, user, c.profile, ts);
    const enc = getAddressEncoder();
    const [[mintAuthority], [metadata]] = await Promise.all([
      getProgramDerivedAddress({ programAddress: PUMPFUN_PROGRAM_ADDRESS, seeds: ["mint-authority"] }),
      getProgramDerivedAddress({ programAddress: METAPLEX_PROGRAM_ADDRESS, seeds: ["metadata", enc.encode(METAPLEX_PROGRAM_ADDRESS), enc.encode(mint)] }),
    ]);
    const named: Record<string, Address> = {
      mint,
      mint_authority: mintAuthority,
      bonding_curve: curve.address,
      associated_bonding_curve: curve.ata,
      global: PUMPFUN_GLOBAL_ADDRESS,
      mpl_token_metadata: METAPLEX_PROGRAM_ADDRESS,
      metadata,
      user,
      system_program: SYSTEM_PROGRAM_ADDRESS,
      token_program: TOKEN_PROGRAM_ADDRESS,
      associated_token_program: ASSOCIATED_TOKEN_PROGRAM_ADDRESS,
      rent: RENT_SYSVAR_ADDRESS,
      event_authority: PUMPFUN_EVENT_AUTHORITY_ADDRESS,
      program: PUMPFUN_PROGRAM_ADDRESS,
    };
    const name = `Sim ${c.label}`;
    const symbol = `SIM${c.label}`;
    const uri = `https://example.invalid/${c.label}.json`;
    const ix: SimInstruction = {
      programAddress: PUMPFUN_PROGRAM_ADDRESS,
      accounts: CREATE_ROLES.map(([n, role]) => ({ address: named[n], role })),
      data: pumpFunCodecs.create.encode({ name, symbol, uri, creator: user }),
    };
    const timestampS = Math.floor(ts / 1000);
    const event: EventTypes["CreateEvent"] = {
      name,
      symbol,
      uri,
      mint,
      bondingCurve: curve.address,
      user,
      creator: user,
      timestamp: timestampS,
      virtualTokenReserves: PUMPFUN_GLOBAL.initialVirtualTokenReserves,
      virtualSolReserves: PUMPFUN_GLOBAL.initialVirtualSolReserves,
      realTokenReserves: PUMPFUN_GLOBAL.initialRealTokenReserves,
      tokenTotalSupply: PUMPFUN_GLOBAL.tokenTotalSupply,
      tokenProgram: curve.tokenProgram,
      isMayhemMode: false,
      isCashbackEnabled: false,
      quoteMint: SYSTEM_PROGRAM_ADDRESS,
      virtualQuoteReserves: PUMPFUN_GLOBAL.initialVirtualQuoteReserves,
      creatorFeeBps: 0,
      isHolderReward: false,
    };
    const cpi = eventCpiInstruction("CreateEvent", event);
    const logs = programInvocationLogs(PUMPFUN_PROGRAM_ADDRESS, 1, ["Program log: Instruction: Create", eventLogLine("CreateEvent", event), ...eventCpiLogs(PUMPFUN_PROGRAM_ADDRESS, 2, 150_000)], { consumed: 118_000, limit: 250_000 });
    const sig = decodeBase58(randomSignature(c.sigRng));
    const { info, keys } = buildTransactionInfo({
      signature: sig,
      feePayer: user,
      outer: [ix],
      inner: [{ index: 0, instructions: [{ ix: cpi, stackHeight: 2 }] }],
      logs,
      recentBlockhash: decodeBase58(this.blockhashOf(slotAt(ts))),
      index: 0,
      fee: SIGNATURE_FEE_LAMPORTS,
      err: null,
      computeUnits: 118_000,
    });
    const slot = this.emitTransaction(info, keys, ts, null);
    this.counters.creates++;
    const createdTs = timestampS * 1000;
    this.createdTsByMint.set(mint, createdTs);
    this.addRecord({ type: "create", ts, slot, sig: encodeBase58(sig), mint, token_created_ts: createdTs });
    // Transfers of a sell-blocked mint fail, so a flow there would only be rejected orders.
    if (c.flowEndTs !== null && !SELL_BLOCKED_PROFILES.has(c.profile)) this.startFlow(curve, c.flowEndTs);
    return { curve, signature: encodeBase58(sig), slot };
  }

  /** The accounts a create makes: the mint, the BondingCurve and its token account holding the supply. */
  private installCurve(mint: Address, creator: Address, profile: MintProfile, ts: number): SimCurve {
    const st = this.state;
    const simMint = makeMint(mint, profile, { supply: TOKEN_SUPPLY, decimals: BASE_DECIMALS, authority: creator, hookProgram: label32(`devchain hook ${mint}`) });
    st.mints.set(mint, simMint);
    const address = bondingCurveSync(mint);
    const ata = ataSync(address, mint, simMint.program);
    const data = encodeBondingCurve({
      virtualTokenReserves: PUMPFUN_GLOBAL.initialVirtualTokenReserves,
      virtualQuoteReserves: PUMPFUN_GLOBAL.initialVirtualQuoteReserves,
      realTokenReserves: PUMPFUN_GLOBAL.initialRealTokenReserves,
      realQuoteReserves: 0,
      tokenTotalSupply: TOKEN_SUPPLY,
      complete: false,
      creator,
      isMayhemMode: false,
      isCashbackCoin: false,
      quoteMint: SYSTEM_PROGRAM_ADDRESS,
      creatorFeeBps: 0,
      canEditCreatorFee: false,
      isHolderReward: false,
    });
    st.raw.set(address, { owner: PUMPFUN_PROGRAM_ADDRESS, data, lamports: rentExemptLamports(data.length) });
    st.putToken({ address: ata, mint, owner: address, amount: TOKEN_SUPPLY, state: TokenAccountStateCode.Initialized, isNative: false, lamports: TOKEN_ACCOUNT_RENT_LAMPORTS, program: simMint.program });
    if (!st.lamports.has(creator) && !st.raw.has(creator) && !st.tokenAccounts.has(creator)) st.lamports.set(creator, holderWalletLamports(createRng(this.opts.seed).fork(`devchain:wallet:${creator}`)));
    const curve: SimCurve = { mint, address, ata, tokenProgram: simMint.program, creator, createdTs: ts, modelHolders: new Set(), migrated: false };
    st.curves.set(mint, curve);
    return curve;
  }

  // ---- curve flow ----

  private startFlow(curve: SimCurve, endTs: number): void {
    const flow = new CurveFlow(curve.mint, curve.creator, curve.createdTs, endTs, createRng(this.opts.seed).fork(`devchain:curve-flow:${curve.mint}`));
    this.flowsByMint.set(curve.mint, flow);
    this.flows.push(flow);
  }

  private stopFlow(mint: Address): void {
    this.flowsByMint.get(mint)?.stop();
    this.flowsByMint.delete(mint);
  }

  /** Decoded BondingCurve of a coin the simulator created (null for unknown mints). */
  curveAccount(mint: Address): BondingCurveAccount | null {
    const c = this.state.curves.get(mint);
    const raw = c && this.state.raw.get(c.address);
    return raw ? decodeBondingCurve(raw.data) : null;
  }

  /** The due curve order: priced on the curve as it is now, sent through the Pump.fun program. */
  private async curveFlowStep(): Promise<void> {
    const { ts, flow } = this.flows.pop()!;
    if (flow.nextTs !== ts) return; // stopped since it was queued
    const st = this.state;
    const curve = st.curves.get(flow.mint)!;
    const bc = this.curveAccount(flow.mint)!;
    if (curve.migrated || bc.complete) {
      this.stopFlow(flow.mint);
      return;
    }
    const balanceOf = (owner: Address) => st.tokenAccounts.get(ataSync(owner, curve.mint, curve.tokenProgram))?.amount ?? 0;
    const order = flow.next(bc, curveFeesFromGlobal(PUMPFUN_GLOBAL, bc.creator !== DEFAULT_ADDRESS), balanceOf);
    if (flow.nextTs !== Infinity) this.flows.push(flow);
    else this.flowsByMint.delete(flow.mint);
    // A coin created late (a market create scheduled after its time) trades from now on.
    if (order) await this.sendCurveOrder(curve, bc, flow, order, Math.max(ts, this._now));
  }

  private async sendCurveOrder(curve: SimCurve, bc: BondingCurveAccount, flow: CurveFlow, o: CurveOrder, ts: number): Promise<void> {
    const r = flow.rng;
    const st = this.state;
    const input = {
      mint: curve.mint,
      user: o.user,
      creator: bc.creator,
      tokenProgram: curve.tokenProgram,
      feeRecipient: pickCurveFeeRecipient(PUMPFUN_GLOBAL, bc.isMayhemMode, () => r.next()),
      buybackFeeRecipient: pickCurveBuybackFeeRecipient(PUMPFUN_GLOBAL, () => r.next()),
    };
    const userAta = ataSync(o.user, curve.mint, curve.tokenProgram);
    const outer: SimInstruction[] = [...MARKET_SWAP_BUDGET_IXS];
    if (o.ix === "sell") outer.push(buildCurveSellInstruction({ ...input, amount: o.amount, minSolOutput: o.minSolOutput }));
    else {
      outer.push(createAtaIdempotentIx(o.user, userAta, o.user, curve.mint, curve.tokenProgram));
      outer.push(o.ix === "buy" ? buildCurveBuyInstruction({ ...input, amount: o.amount, maxSolCost: o.maxSolCost }) : buildCurveBuyExactSolInInstruction({ ...input, spendableSolIn: o.spendableSolIn, minTokensOut: o.minTokensOut }));
    }
    // Model wallets come with the SOL they trade (as the market's traders do).
    const need = MARKET_SWAP_FEE + (o.ix === "sell" ? 0 : o.spend + TOKEN_ACCOUNT_RENT_LAMPORTS);
    if ((st.lamports.get(o.user) ?? 0) < need) st.lamports.set(o.user, need + Math.floor(r.uniform(0.01e9, 0.5e9)));
    const txn = new StateTxn(st);
    txn.setLamports(o.user, txn.getLamports(o.user) - MARKET_SWAP_FEE);
    let out: ExecOutput;
    try {
      out = await executeInstructions(txn, outer, new Set([o.user]), this.env(ts));
    } catch (err) {
      if (!(err instanceof InstructionFailure)) throw err;
      this.counters.curveOrdersRejected++;
      return;
    }
    txn.commit();
    const signature = decodeBase58(randomSignature(r));
    const { info, keys } = buildTransactionInfo({ signature, feePayer: o.user, outer, inner: out.inner, logs: out.logs, recentBlockhash: decodeBase58(this.blockhashOf(slotAt(ts))), index: 0, fee: MARKET_SWAP_FEE, err: null, computeUnits: out.computeUnits });
    const slot = this.emitTransaction(info, keys, ts, null, true);
    if (o.ix !== "sell") curve.modelHolders.add(userAta);
    for (const e of out.curveTrades) this.recordCurveTrade(e, ts, slot, encodeBase58(signature), "market");
  }

  private recordCurveTrade(e: CurveTradeEffect, ts: number, slot: number, sig: string, source: RecordSource): void {
    const a = e.after;
    const r: CurveTradeRecord = {
      type: "curve_trade",
      ts,
      slot,
      sig,
      mint: e.mint,
      bonding_curve: e.bondingCurve,
      ix: e.ix,
      side: e.side,
      user: e.user,
      tokens: e.tokens,
      sol_amount: e.solAmount,
      protocol_fee: e.protocolFee,
      creator_fee: e.creatorFee,
      lamports: e.lamports,
      virtual_token_reserves: a.virtualTokenReserves,
      virtual_sol_reserves: a.virtualQuoteReserves,
      real_token_reserves: a.realTokenReserves,
      real_sol_reserves: a.realQuoteReserves,
      complete: e.complete,
      source,
    };
    this.counters.curveTrades++;
    this.curveTrades.push(r);
    for (const l of this.curveTradeListeners) l(r);
    if (e.complete) this.stopFlow(e.mint);
  }

  // ---- migrations ----

  private async migrate(m: {
    mint: Address;
    coinCreator: Address;
    signature: Uint8Array;
    ts: number;
    baseReserve: number;
    quoteReserve: number;
    fees: PoolFees;
    profile: MintProfile;
    holders: HolderProfile;
    poolDataLength: number;
    source: RecordSource;
  }): Promise<LaunchedToken> {
    const { mint, coinCreator, ts } = m;
    const st = this.state;
    // A coin created during the run already has its mint and curve; older ones get them here.
    const simMint = st.mints.get(mint) ?? makeMint(mint, m.profile, { supply: TOKEN_SUPPLY, decimals: BASE_DECIMALS, authority: coinCreator, hookProgram: label32(`devchain hook ${mint}`) });
    const curve = st.curves.get(mint);
    // Supply: what the curve's traders hold stays theirs; the rest of the curve's tokens go to the
    // pool and to synthetic earlier buyers.
    let tradersHold = 0;
    if (curve) for (const t of st.tokenAccountsOf(mint)) if (t.address !== curve.ata) tradersHold += t.amount;
    const migrateIx = await buildMigrateInstruction({ mint, user: MIGRATION_KEEPER_ADDRESS, mintTokenProgram: simMint.program });
    const named = parseMigrateInstruction(migrateIx)!.accounts;
    const [, poolBump] = await findCanonicalPoolPda(mint);
    const pool = named.pool;
    const lpSupply = BigInt(Math.floor(Math.sqrt(m.baseReserve) * Math.sqrt(m.quoteReserve)));
    let account: PoolAccount = {
      poolBump,
      index: 0,
      creator: named.pool_authority,
      baseMint: mint,
      quoteMint: WSOL_MINT_ADDRESS,
      lpMint: named.lp_mint,
      poolBaseTokenAccount: named.pool_base_token_account,
      poolQuoteTokenAccount: named.pool_quote_token_account,
      lpSupply,
      coinCreator,
      isMayhemMode: false,
      isCashbackCoin: false,
      virtualQuoteReserves: 0,
      creatorFeeBps: m.fees.creatorFeeBps,
      canEditCreatorFee: false,
    };
    // The Pool account at its size (older layouts are a prefix of today's, zero past their end).
    const encoded = encodePool(account);
    const poolData = new Uint8Array(m.poolDataLength);
    poolData.set(encoded.subarray(0, Math.min(encoded.length, poolData.length)));
    if (poolData.length < encoded.length) account = decodePool(poolData);
    // Ledger: mint, pool, vaults, LP mint, completed bonding curve.
    st.mints.set(mint, simMint);
    const simPool: SimPool = { address: pool, account, mint, baseVault: account.poolBaseTokenAccount, quoteVault: account.poolQuoteTokenAccount, fees: { ...m.fees }, baseTokenProgram: simMint.program, coinCreator, migratedTs: ts, holderProfile: m.holders, curveHolders: [] };
    st.pools.set(pool, simPool);
    st.poolsByMint.set(mint, simPool);
    st.raw.set(pool, { owner: PUMPSWAP_PROGRAM_ADDRESS, data: poolData, lamports: rentExemptLamports(poolData.length) });
    st.putToken({ address: account.poolBaseTokenAccount, mint, owner: pool, amount: m.baseReserve, state: TokenAccountStateCode.Initialized, isNative: false, lamports: TOKEN_ACCOUNT_RENT_LAMPORTS, program: simMint.program });
    st.putToken({ address: account.poolQuoteTokenAccount, mint: WSOL_MINT_ADDRESS, owner: pool, amount: m.quoteReserve, state: TokenAccountStateCode.Initialized, isNative: true, lamports: TOKEN_ACCOUNT_RENT_LAMPORTS + m.quoteReserve, program: TOKEN_PROGRAM_ADDRESS });
    st.raw.set(named.lp_mint, { owner: TOKEN_2022_PROGRAM_ADDRESS, data: encodeMint({ mintAuthority: pool, supply: lpSupply, decimals: 9, isInitialized: true, freezeAuthority: null, extensions: [] }), lamports: MINT_RENT_LAMPORTS });
    const curveData = encodeBondingCurve({ virtualTokenReserves: 0, virtualQuoteReserves: 0, realTokenReserves: 0, realQuoteReserves: 0, tokenTotalSupply: TOKEN_SUPPLY, complete: true, creator: coinCreator, isMayhemMode: false, isCashbackCoin: false, quoteMint: SYSTEM_PROGRAM_ADDRESS, creatorFeeBps: 0, canEditCreatorFee: false, isHolderReward: false });
    // A live curve's SOL goes to the pool; rent is what stays.
    st.raw.set(named.bonding_curve, { owner: PUMPFUN_PROGRAM_ADDRESS, data: curveData, lamports: curve ? rentExemptLamports(curveData.length) : 1_500_000 });
    const inHolders = new Set<Address>();
    const addHolder = (ata: Address) => {
      if (inHolders.has(ata)) return;
      inHolders.add(ata);
      simPool.curveHolders.push(ata);
    };
    if (curve) {
      const ca = st.tokenAccounts.get(curve.ata);
      if (ca) st.putToken({ ...ca, amount: 0 });
      curve.migrated = true;
      this.stopFlow(mint);
      // The model's curve traders are among the pool's early holders (RPC wallets are not drawn from).
      for (const a of curve.modelHolders) if ((st.tokenAccounts.get(a)?.amount ?? 0) > 0) addHolder(a);
    }
    // Holders: the curve's buyers hold what the pool does not, each in its own ATA (frozen when
    // the mint freezes new accounts), their wallets funded; the creator's bag among them.
    const holderRng = createRng(this.opts.seed).fork(`devchain:holders:${mint}`);
    const frozen = simMint.profile === "default_frozen";
    for (const h of curveHolderDistribution(holderRng, { total: Math.max(0, TOKEN_SUPPLY - m.baseReserve - tradersHold), supply: TOKEN_SUPPLY, creator: coinCreator, profile: m.holders })) {
      const ata = ataSync(h.owner, mint, simMint.program);
      const held = st.tokenAccounts.get(ata);
      st.putToken(held ? { ...held, amount: held.amount + h.amount } : { address: ata, mint, owner: h.owner, amount: h.amount, state: frozen ? TokenAccountStateCode.Frozen : TokenAccountStateCode.Initialized, isNative: false, lamports: TOKEN_ACCOUNT_RENT_LAMPORTS, program: simMint.program });
      addHolder(ata);
      if (h.role !== "creator" && !st.lamports.has(h.owner)) st.lamports.set(h.owner, h.lamports);
    }
    // A creator the chain has never seen gets a wallet too (an existing one is left as it is).
    if (!st.lamports.has(coinCreator) && !st.raw.has(coinCreator) && !st.tokenAccounts.has(coinCreator)) st.lamports.set(coinCreator, holderWalletLamports(holderRng));

    // create_pool CPI with its accounts named as Pump.fun passes them.
    const cpNamed: Record<string, Address> = {
      pool,
      global_config: named.amm_global_config,
      creator: named.pool_authority,
      base_mint: mint,
      quote_mint: WSOL_MINT_ADDRESS,
      lp_mint: named.lp_mint,
      user_base_token_account: named.pool_authority_mint_account,
      user_quote_token_account: named.pool_authority_wsol_account,
      user_pool_token_account: named.user_pool_token_account,
      pool_base_token_account: named.pool_base_token_account,
      pool_quote_token_account: named.pool_quote_token_account,
      system_program: SYSTEM_PROGRAM_ADDRESS,
      token_2022_program: TOKEN_2022_PROGRAM_ADDRESS,
      base_token_program: simMint.program,
      quote_token_program: TOKEN_PROGRAM_ADDRESS,
      associated_token_program: ASSOCIATED_TOKEN_PROGRAM_ADDRESS,
      event_authority: PUMPSWAP_EVENT_AUTHORITY_ADDRESS,
      program: PUMPSWAP_PROGRAM_ADDRESS,
    };
    const createPoolIx: SimInstruction = {
      programAddress: PUMPSWAP_PROGRAM_ADDRESS,
      accounts: [...CREATE_POOL_ROLES].map(([n, role]) => ({ address: cpNamed[n], role: role === AccountRole.WRITABLE_SIGNER || role === AccountRole.READONLY_SIGNER ? AccountRole.WRITABLE : role })),
      data: pumpSwapCodecs.createPool.encode({ index: 0, baseAmountIn: m.baseReserve, quoteAmountIn: m.quoteReserve, coinCreator, isMayhemMode: false, isCashbackCoin: false, creatorFeeBps: m.fees.creatorFeeBps, canEditCreatorFee: false }),
    };
    const timestampS = Math.floor(ts / 1000);
    const createPoolEvent: EventTypes["CreatePoolEvent"] = {
      timestamp: timestampS,
      index: 0,
      creator: named.pool_authority,
      baseMint: mint,
      quoteMint: WSOL_MINT_ADDRESS,
      baseMintDecimals: BASE_DECIMALS,
      quoteMintDecimals: 9,
      baseAmountIn: m.baseReserve,
      quoteAmountIn: m.quoteReserve,
      poolBaseAmount: m.baseReserve,
      poolQuoteAmount: m.quoteReserve,
      minimumLiquidity: 100,
      initialLiquidity: Number(lpSupply),
      lpTokenAmountOut: Number(lpSupply) - 100,
      poolBump,
      pool,
      lpMint: named.lp_mint,
      userBaseTokenAccount: named.pool_authority_mint_account,
      userQuoteTokenAccount: named.pool_authority_wsol_account,
      coinCreator,
      isMayhemMode: false,
      creatorFeeBps: m.fees.creatorFeeBps,
      canEditCreatorFee: false,
    };
    const completeEvent: EventTypes["CompletePumpAmmMigrationEvent"] = {
      user: MIGRATION_KEEPER_ADDRESS,
      mint,
      mintAmount: m.baseReserve,
      solAmount: m.quoteReserve,
      poolMigrationFee: POOL_MIGRATION_FEE_LAMPORTS,
      bondingCurve: named.bonding_curve,
      timestamp: timestampS,
      pool,
      quoteMint: WSOL_MINT_ADDRESS,
    };
    const cpiPool = eventCpiInstruction("CreatePoolEvent", createPoolEvent);
    const cpiComplete = eventCpiInstruction("CompletePumpAmmMigrationEvent", completeEvent);
    const createPoolLogs = programInvocationLogs(
      PUMPSWAP_PROGRAM_ADDRESS,
      2,
      ["Program log: Instruction: CreatePool", eventLogLine("CreatePoolEvent", createPoolEvent), ...eventCpiLogs(PUMPSWAP_PROGRAM_ADDRESS, 3, 120_000)],
      { consumed: 98_000, limit: 220_000 },
    );
    const logs = [
      ...BUDGET_LOGS,
      ...programInvocationLogs(
        PUMPFUN_PROGRAM_ADDRESS,
        1,
        ["Program log: Instruction: Migrate", ...createPoolLogs, eventLogLine("CompletePumpAmmMigrationEvent", completeEvent), ...eventCpiLogs(PUMPFUN_PROGRAM_ADDRESS, 2, 100_000)],
        { consumed: 160_000, limit: 398_000 },
      ),
    ];
    const outer: SimInstruction[] = [MIGRATE_BUDGET_IX, migrateIx];
    const inner: SimInnerGroup[] = [
      {
        index: 1,
        instructions: [
          { ix: createPoolIx, stackHeight: 2 },
          { ix: cpiPool, stackHeight: 3 },
          { ix: cpiComplete, stackHeight: 2 },
        ],
      },
    ];
    const { info, keys } = buildTransactionInfo({ signature: m.signature, feePayer: MIGRATION_KEEPER_ADDRESS, outer, inner, logs, recentBlockhash: decodeBase58(this.blockhashOf(slotAt(ts))), index: 0, fee: SIGNATURE_FEE_LAMPORTS, err: null, computeUnits: 160_150 });
    const slot = this.emitTransaction(info, keys, ts, null);
    this.counters.migrations++;
    const sig = encodeBase58(m.signature);
    const rec: MigrationRecord = {
      type: "migration",
      ts,
      slot,
      sig,
      mint,
      pool,
      creator: coinCreator,
      base_reserve: m.baseReserve,
      quote_reserve: m.quoteReserve,
      base_decimals: BASE_DECIMALS,
      lp_fee_bps: m.fees.lpFeeBps,
      protocol_fee_bps: m.fees.protocolFeeBps,
      creator_fee_bps: m.fees.creatorFeeBps,
      mint_profile: simMint.profile,
      source: m.source,
    };
    const created = this.createdTsByMint.get(mint);
    if (created !== undefined) rec.token_created_ts = created;
    this.addRecord(rec);
    return { mint, pool, signature: sig, slot, profile: simMint.profile, baseTokenProgram: simMint.program, coinCreator, poolDataLength: poolData.length, holderProfile: m.holders };
  }

  // ---- market flow ----

  private async handleMarketEvent(ev: MarketEvent, tok: TokenMarket): Promise<void> {
    switch (ev.kind) {
      case "migration": {
        const l = ev.launch;
        this.marketTokens.set(l.mint, tok);
        await this.migrate({ mint: l.mint as Address, coinCreator: l.creator as Address, signature: decodeBase58(l.sig), ts: ev.ts, baseReserve: l.baseReserve, quoteReserve: l.quoteReserve, fees: l.fees, profile: this.mintProfileOf(l), holders: this.holderProfileOf(l), poolDataLength: POOL_ACCOUNT_EXTENDED_SIZE, source: "market" });
        return;
      }
      case "swap": {
        const pool = this.state.poolsByMint.get(ev.mint as Address);
        if (!pool) return;
        const user = ev.user as Address;
        const ix = await this.swapInstruction(pool, user, ev.ix, ev.arg1, ev.arg2);
        const parsed = parseSwapInstruction(ix)!;
        const txn = new StateTxn(this.state);
        const env = this.env(ev.ts);
        let res;
        try {
          res = await applySwap(txn, pool, { ix: ev.ix, arg1: ev.arg1, arg2: ev.arg2 }, { user, userBaseTokenAccount: parsed.accounts.user_base_token_account, userQuoteTokenAccount: parsed.accounts.user_quote_token_account, moveUserBalances: false }, env, (kind) => {
            throw new InstructionFailure(2, kind, []);
          });
        } catch (err) {
          if (!(err instanceof InstructionFailure)) throw err;
          // The model priced this order on reserves that a received transaction has since moved.
          this.counters.marketOrdersRejected++;
          const r = this.state.reserves(pool);
          tok.syncReserves(r.baseReserve, r.quoteReserve, ev.ts);
          return;
        }
        txn.commit();
        const outer = [...MARKET_SWAP_BUDGET_IXS, ix];
        const logs = [
          ...BUDGET_LOGS,
          ...BUDGET_LOGS,
          ...programInvocationLogs(PUMPSWAP_PROGRAM_ADDRESS, 1, [`Program log: Instruction: ${SWAP_LOG_NAMES[ev.ix]}`, ...res.logs], { consumed: 45_000, limit: 120_000 }),
        ];
        const signature = decodeBase58(ev.sig);
        const { info, keys } = buildTransactionInfo({ signature, feePayer: user, outer, inner: [{ index: 2, instructions: res.inner.map((x) => ({ ix: x, stackHeight: 2 })) }], logs, recentBlockhash: decodeBase58(this.blockhashOf(slotAt(ev.ts))), index: 0, fee: MARKET_SWAP_FEE, err: null, computeUnits: 45_300 });
        const slot = this.emitTransaction(info, keys, ev.ts, null);
        this.counters.marketSwaps++;
        this.applyMarketHolders(res.effect, parsed.accounts.user_base_token_account);
        this.recordFlow(res.effect, ev.ts, slot, ev.sig, "market");
        tok.syncReserves(res.effect.baseReserveAfter, res.effect.quoteReserveAfter, ev.ts);
        return;
      }
      case "tick": {
        const pool = this.state.poolsByMint.get(ev.mint as Address);
        if (!pool) return;
        const r = this.state.reserves(pool);
        this.addRecord({ type: "tick", ts: ev.ts, slot: ev.slot, mint: ev.mint, pool: pool.address, base_reserve: r.baseReserve, quote_reserve: r.quoteReserve });
        return;
      }
    }
  }

  private async swapInstruction(pool: SimPool, user: Address, ix: "buy" | "buy_exact_quote_in" | "sell", arg1: number, arg2: number) {
    const input = {
      pool: pool.address,
      poolState: pool.account,
      user,
      baseTokenProgram: pool.baseTokenProgram,
      protocolFeeRecipient: DEVCHAIN_GLOBAL_CONFIG.protocolFeeRecipients[0],
      buybackFeeRecipient: DEVCHAIN_GLOBAL_CONFIG.buybackFeeRecipients[0],
    };
    if (ix === "buy") return buildBuyInstruction({ ...input, baseAmountOut: arg1, maxQuoteAmountIn: arg2 });
    if (ix === "buy_exact_quote_in") return buildBuyExactQuoteInInstruction({ ...input, spendableQuoteIn: arg1, minBaseAmountOut: arg2 });
    return buildSellInstruction({ ...input, baseAmountIn: arg1, minQuoteAmountOut: arg2 });
  }

  /**
   * A market trade's effect on holders (the model's swaps do not move wallet balances through the
   * programs): a buy lands in the trader's ATA, a sell leaves it; what a seller never bought on
   * the pool came from the bonding curve, so it leaves the curve buyers' accounts — a holder
   * drawn with probability proportional to balance, so the spread keeps its shape.
   */
  private applyMarketHolders(e: SwapEffect, userBaseAta: Address): void {
    const st = this.state;
    const pool = e.pool;
    if (!st.lamports.has(e.user)) st.lamports.set(e.user, holderWalletLamports(createRng(this.opts.seed).fork(`devchain:wallet:${e.user}`)));
    const acc = st.tokenAccounts.get(userBaseAta);
    const mint = st.mints.get(pool.mint);
    if (e.side === "buy") {
      const withheld = mint && mint.transferFeeBps > 0 ? Math.ceil((e.base * mint.transferFeeBps) / 10_000) : 0;
      const amount = (acc?.amount ?? 0) + e.base - withheld;
      st.putToken(acc ? { ...acc, amount } : { address: userBaseAta, mint: pool.mint, owner: e.user, amount, state: mint?.profile === "default_frozen" ? TokenAccountStateCode.Frozen : TokenAccountStateCode.Initialized, isNative: false, lamports: TOKEN_ACCOUNT_RENT_LAMPORTS, program: pool.baseTokenProgram });
      return;
    }
    const fromUser = Math.min(acc?.amount ?? 0, e.base);
    if (acc && fromUser > 0) st.putToken({ ...acc, amount: acc.amount - fromUser });
    let short = e.base - fromUser;
    if (short <= 0) return;
    let rng = this.curveSellRngs.get(pool.address);
    if (!rng) this.curveSellRngs.set(pool.address, (rng = createRng(this.opts.seed).fork(`devchain:curve-sells:${pool.mint}`)));
    while (short > 0) {
      let total = 0;
      for (const a of pool.curveHolders) total += st.tokenAccounts.get(a)?.amount ?? 0;
      if (total <= 0) return;
      let x = rng.next() * total;
      let pick: TokenAccount | null = null;
      for (const a of pool.curveHolders) {
        const t = st.tokenAccounts.get(a);
        if (!t || t.amount <= 0) continue;
        pick = t;
        x -= t.amount;
        if (x < 0) break;
      }
      const take = Math.min(pick!.amount, short);
      st.putToken({ ...pick!, amount: pick!.amount - take });
      short -= take;
    }
  }

  private recordFlow(e: SwapEffect, ts: number, slot: number, sig: string, source: RecordSource): void {
    const r: FlowRecord = { type: "flow", ts, slot, sig, mint: e.pool.mint, pool: e.pool.address, side: e.side, user: e.user, base: e.base, quote: e.quote, base_reserve: e.baseReserveAfter, quote_reserve: e.quoteReserveAfter, source };
    this.addRecord(r);
  }

  // ---- test / operator API ----

  /** Creates a token with a freshly migrated pool right now (streamed like a market migration). */
  launchToken(opts: LaunchTokenOptions = {}): Promise<LaunchedToken> {
    const poolLength = opts.poolDataLength ?? POOL_ACCOUNT_EXTENDED_SIZE;
    if (!Number.isInteger(poolLength) || poolLength < MIN_POOL_DATA_LENGTH || poolLength > 10_240) {
      return Promise.reject(new Error(`poolDataLength must be an integer from ${MIN_POOL_DATA_LENGTH} to 10240, got ${poolLength}`));
    }
    return this.run(async () => {
      const n = this.apiCount++;
      const r = createRng(this.opts.seed).fork(`devchain:api:${n}`);
      const drawn = randomAddress(r) as Address;
      const curve = opts.mint ? this.state.curves.get(opts.mint) : undefined;
      if (opts.mint && (!curve || curve.migrated)) throw new Error(`${opts.mint} is not a coin on its bonding curve`);
      const mint = opts.mint ?? drawn;
      const ts = this._now;
      return this.migrate({
        mint,
        coinCreator: curve?.creator ?? opts.coinCreator ?? (randomAddress(r) as Address),
        signature: decodeBase58(randomSignature(r)),
        ts,
        baseReserve: opts.baseReserve ?? MIGRATION_BASE_RESERVE,
        quoteReserve: opts.quoteReserve ?? MIGRATION_QUOTE_RESERVE,
        fees: opts.fees ?? FRESH_POOL_FEES,
        profile: opts.profile ?? "safe",
        holders: opts.holders ?? "distributed",
        poolDataLength: poolLength,
        source: "api",
      });
    });
  }

  /**
   * Creates a coin on its bonding curve right now: a Pump.fun `create` streamed with its
   * CreateEvent, the mint, BondingCurve and curve token account installed. With `flow` the seeded
   * curve flow model trades it for `curveFlowSeconds`. `launchToken({ mint })` migrates it later.
   */
  launchCurveToken(opts: LaunchCurveTokenOptions = {}): Promise<LaunchedCurveToken> {
    return this.run(async () => {
      const n = this.apiCount++;
      const r = createRng(this.opts.seed).fork(`devchain:api:${n}`);
      const mint = randomPumpMint(r) as Address;
      const creator = opts.creator ?? (randomAddress(r) as Address);
      const profile = opts.profile ?? "safe";
      const ts = this._now;
      const { curve, signature, slot } = await this.emitCreate({ label: `A${n}`, mint, creator, ts, profile, sigRng: r, flowEndTs: opts.flow ? ts + this.opts.curveFlowSeconds * 1000 : null });
      return { mint, bondingCurve: curve.address, associatedBondingCurve: curve.ata, creator, tokenProgram: curve.tokenProgram, profile, signature, slot };
    });
  }

  /**
   * Streams, right now, a transaction that only logs: one top-level instruction of `program`
   * (default: the SPL Memo program) printing `logLines`, with `accounts` as readonly keys so that
   * subscription filters can select it. For exercising the stream itself — e.g. messages far over
   * HTTP/2's 64 KiB flow-control window. Nothing is executed or recorded.
   */
  streamLogTransaction(opts: { logLines: readonly string[]; accounts?: readonly Address[]; program?: Address }): Promise<{ signature: string; slot: number }> {
    return this.run(async () => {
      const r = createRng(this.opts.seed).fork(`devchain:api:${this.apiCount++}`);
      const signature = decodeBase58(randomSignature(r));
      const program = opts.program ?? MEMO_PROGRAM_ADDRESS;
      const ix: SimInstruction = { programAddress: program, accounts: (opts.accounts ?? []).map((address) => ({ address, role: AccountRole.READONLY })), data: new Uint8Array() };
      const logs = [`Program ${program} invoke [1]`, ...opts.logLines, `Program ${program} success`];
      const ts = this._now;
      const { info, keys } = buildTransactionInfo({ signature, feePayer: randomAddress(r) as Address, outer: [ix], inner: [], logs, recentBlockhash: decodeBase58(this.blockhashOf(slotAt(ts))), index: 0, fee: SIGNATURE_FEE_LAMPORTS, err: null, computeUnits: 0 });
      const slot = this.emitTransaction(info, keys, ts, null);
      return { signature: encodeBase58(signature), slot };
    });
  }

  /** Credits lamports to a wallet (requestAirdrop). */
  airdrop(owner: Address, lamports: number): string {
    this.state.lamports.set(owner, (this.state.lamports.get(owner) ?? 0) + lamports);
    return encodeBase58(createHash("sha512").update(`airdrop:${owner}:${lamports}:${this.seq++}`).digest());
  }

  /** Gives `owner` an initialised token account (its ATA) holding `amount` of `mint`. */
  async fundTokenAccount(owner: Address, mint: Address, amount: number): Promise<Address> {
    const simMint = this.state.mints.get(mint);
    const program = mint === WSOL_MINT_ADDRESS ? TOKEN_PROGRAM_ADDRESS : simMint?.program;
    if (!program) throw new Error(`unknown mint ${mint}`);
    const ata = await associatedTokenAddress(owner, mint, program);
    const existing = this.state.tokenAccounts.get(ata);
    const isNative = mint === WSOL_MINT_ADDRESS;
    const amountNow = (existing?.amount ?? 0) + amount;
    this.state.putToken({
      address: ata,
      mint,
      owner,
      amount: amountNow,
      state: existing?.state ?? (simMint?.profile === "default_frozen" ? TokenAccountStateCode.Frozen : TokenAccountStateCode.Initialized),
      isNative,
      lamports: TOKEN_ACCOUNT_RENT_LAMPORTS + (isNative ? amountNow : 0),
      program,
    });
    return ata;
  }

  // ---- received transactions ----

  /**
   * sendTransaction (commit) / simulateTransaction (dry run): decode, verify signatures, check
   * the blockhash, execute, and when committing, stream the result. Throws RpcError with
   * Solana's JSON-RPC codes for what the node would reject before execution.
   */
  submitTransaction(wire: Uint8Array, opts: { commit: boolean; sigVerify?: boolean; replaceRecentBlockhash?: boolean; skipPreflight?: boolean }): Promise<SubmitResult> {
    return this.run(async () => {
      let tx: DecodedWireTransaction;
      try {
        tx = decodeWireTransaction(wire);
      } catch (err) {
        throw new RpcError(-32602, `invalid transaction: ${(err as WireError).message}`);
      }
      if (opts.sigVerify !== false && !(await verifyWireSignatures(tx))) {
        throw new RpcError(-32003, "Transaction signature verification failure");
      }
      if (!opts.replaceRecentBlockhash && !this.isBlockhashValid(tx.recentBlockhash)) {
        if (opts.commit && !opts.skipPreflight) throw new RpcError(-32002, "Transaction simulation failed: Blockhash not found", { err: "BlockhashNotFound", logs: [], accounts: null, unitsConsumed: 0, returnData: null });
        return { signature: tx.signature, err: "BlockhashNotFound", logs: [], unitsConsumed: 0, slot: this.slot };
      }
      if (opts.commit && this.statuses.has(tx.signature)) throw new RpcError(-32002, "Transaction simulation failed: This transaction has already been processed", { err: "AlreadyProcessed", logs: [] });
      const ts = this._now;
      // The fee, as the runtime takes it before running anything: 5,000 lamports a signature
      // plus the prioritization fee (compute-unit price × limit) when enabled.
      const budget = readComputeBudget(tx.instructions);
      if ("error" in budget) {
        if (opts.commit && !opts.skipPreflight) throw new RpcError(-32002, `Transaction simulation failed: ${JSON.stringify(budget.error)}`, { err: budget.error, logs: [], accounts: null, unitsConsumed: 0, returnData: null });
        return { signature: tx.signature, err: budget.error, logs: [], unitsConsumed: 0, slot: this.slot };
      }
      const fee = SIGNATURE_FEE_LAMPORTS * tx.signatures.length + (this.opts.priorityFees ? prioritizationFeeLamports(budget) : 0);
      const txn = new StateTxn(this.state);
      const payerBalance = txn.getLamports(tx.feePayer);
      if (payerBalance < fee) {
        const [err, message] = txn.exists(tx.feePayer) ? ["InsufficientFundsForFee", "Insufficient funds for fee"] : ["AccountNotFound", "Attempt to debit an account but found no record of a prior credit."];
        if (opts.commit && !opts.skipPreflight) throw new RpcError(-32002, `Transaction simulation failed: ${message}`, { err, logs: [] });
        return { signature: tx.signature, err, logs: [], unitsConsumed: 0, slot: this.slot };
      }
      txn.setLamports(tx.feePayer, payerBalance - fee);
      let out;
      try {
        out = await executeInstructions(txn, tx.instructions, tx.signers, this.env(ts));
      } catch (err) {
        if (!(err instanceof InstructionFailure)) throw err;
        const txErr = err.transactionError;
        if (opts.commit && !opts.skipPreflight) {
          throw new RpcError(-32002, `Transaction simulation failed: Error processing Instruction ${err.index}: ${err.message}`, { err: txErr, logs: err.logs, accounts: null, unitsConsumed: 0, returnData: null });
        }
        if (opts.commit) {
          // Landed but failed: the fee is charged and the failure is on record (and filtered from
          // streams that ask for failed: false).
          const charge = new StateTxn(this.state);
          charge.setLamports(tx.feePayer, payerBalance - fee);
          charge.commit();
          const { info, keys } = buildTransactionInfo({ signature: tx.signatures[0].bytes!, feePayer: tx.feePayer, outer: tx.instructions, inner: [], logs: err.logs, recentBlockhash: decodeBase58(tx.recentBlockhash), index: 0, fee, err: txErr, computeUnits: 0, otherSignatures: tx.signatures.slice(1).map((s) => s.bytes!) });
          this.emitTransaction(info, keys, ts, txErr);
        }
        return { signature: tx.signature, err: txErr, logs: err.logs, unitsConsumed: 0, slot: this.slot };
      }
      if (!opts.commit) return { signature: tx.signature, err: null, logs: out.logs, unitsConsumed: out.computeUnits, slot: this.slot };
      txn.commit();
      const { info, keys } = buildTransactionInfo({
        signature: tx.signatures[0].bytes!,
        feePayer: tx.feePayer,
        outer: tx.instructions,
        inner: out.inner,
        logs: out.logs,
        recentBlockhash: decodeBase58(tx.recentBlockhash),
        index: 0,
        fee,
        err: null,
        computeUnits: out.computeUnits,
        otherSignatures: tx.signatures.slice(1).map((s) => s.bytes!),
      });
      const slot = this.emitTransaction(info, keys, ts, null);
      this.counters.rpcTransactions++;
      for (const e of out.swaps) {
        this.recordFlow(e, ts, slot, tx.signature, "rpc");
        this.marketTokens.get(e.pool.mint)?.syncReserves(e.baseReserveAfter, e.quoteReserveAfter, ts);
      }
      for (const e of out.curveTrades) this.recordCurveTrade(e, ts, slot, tx.signature, "rpc");
      return { signature: tx.signature, err: null, logs: out.logs, unitsConsumed: out.computeUnits, slot };
    });
  }

  signatureStatus(signature: string): { slot: number; err: unknown } | null {
    return this.statuses.get(signature) ?? null;
  }

  committedTransaction(signature: string): CommittedTx | null {
    return this.committed.get(signature) ?? null;
  }

  // ---- account reads (JSON-RPC) ----

  getAccount(address: Address): { owner: Address; data: Uint8Array; lamports: number; executable: boolean } | null {
    const st = this.state;
    const token = st.tokenAccounts.get(address);
    if (token) return { owner: token.program, data: encodeTokenAccountCached(token), lamports: token.lamports, executable: false };
    const mint = st.mints.get(address);
    if (mint) return { owner: mint.program, data: mint.data, lamports: MINT_RENT_LAMPORTS, executable: false };
    const raw = st.raw.get(address);
    if (raw) return { owner: raw.owner, data: raw.data, lamports: raw.lamports, executable: raw.executable ?? false };
    const lamports = st.lamports.get(address);
    if (lamports !== undefined) return { owner: SYSTEM_PROGRAM_ADDRESS, data: new Uint8Array(), lamports, executable: false };
    return null;
  }

  /**
   * getTokenLargestAccounts: the mint's token accounts (pool vault, bonding-curve buyers, market
   * traders, RPC wallets), largest first, at most `limit` — every one a real account getAccount serves.
   */
  async tokenLargestAccounts(mint: Address, limit = 20): Promise<{ address: Address; amount: number }[]> {
    if (!this.state.mints.has(mint)) return [];
    return this.state
      .tokenAccountsOf(mint)
      .sort((a, b) => b.amount - a.amount || (a.address < b.address ? -1 : a.address > b.address ? 1 : 0))
      .slice(0, limit)
      .map((t) => ({ address: t.address, amount: t.amount }));
  }

  /**
   * Changes a pool's coin creator right now, as PumpSwap's `admin_set_coin_creator` (or
   * `set_coin_creator` from the token's metadata) does: Pool.coin_creator is rewritten (a pool
   * shorter than the Pool struct is first grown to 300 bytes, as the SDK prepends extend_account)
   * and the instruction is streamed with its AdminSetCoinCreatorEvent. Swaps must then pass the
   * new creator's vault: a client still using the old one fails with ConstraintSeeds (2006).
   */
  setCoinCreator(poolOrMint: Address, coinCreator: Address): Promise<{ pool: Address; previous: Address; signature: string; slot: number }> {
    return this.run(async () => {
      const st = this.state;
      const pool = st.pools.get(poolOrMint) ?? st.poolsByMint.get(poolOrMint);
      if (!pool) throw new Error(`no pool for ${poolOrMint}`);
      const previous = pool.account.coinCreator;
      pool.account.coinCreator = coinCreator;
      pool.coinCreator = coinCreator;
      const raw = st.raw.get(pool.address)!;
      const encoded = encodePool(pool.account);
      const length = raw.data.length < encoded.length ? POOL_ACCOUNT_EXTENDED_SIZE : raw.data.length;
      const data = new Uint8Array(length);
      data.set(raw.data.subarray(0, Math.min(raw.data.length, length)));
      data.set(encoded);
      st.raw.set(pool.address, { ...raw, data, lamports: Math.max(raw.lamports, rentExemptLamports(length)) });

      const ts = this._now;
      const r = createRng(this.opts.seed).fork(`devchain:api:${this.apiCount++}`);
      const signature = decodeBase58(randomSignature(r));
      const authority = DEVCHAIN_GLOBAL_CONFIG.adminSetCoinCreatorAuthority;
      const named: Record<string, Address> = { admin_set_coin_creator_authority: authority, global_config: PUMPSWAP_GLOBAL_CONFIG_ADDRESS, pool: pool.address, event_authority: PUMPSWAP_EVENT_AUTHORITY_ADDRESS, program: PUMPSWAP_PROGRAM_ADDRESS };
      const ix: SimInstruction = { programAddress: PUMPSWAP_PROGRAM_ADDRESS, accounts: ADMIN_SET_COIN_CREATOR_ROLES.map(([n, role]) => ({ address: named[n], role })), data: adminSetCoinCreatorIx.encode({ coinCreator }) };
      const eventData = adminSetCoinCreatorEvent.encode({ timestamp: Math.floor(ts / 1000), adminSetCoinCreatorAuthority: authority, baseMint: pool.mint, pool: pool.address, oldCoinCreator: previous, newCoinCreator: coinCreator });
      const cpi: SimInstruction = { programAddress: PUMPSWAP_PROGRAM_ADDRESS, accounts: [{ address: PUMPSWAP_EVENT_AUTHORITY_ADDRESS, role: AccountRole.READONLY_SIGNER }], data: concatBytes(ANCHOR_EVENT_IX_TAG, eventData) };
      const logs = programInvocationLogs(
        PUMPSWAP_PROGRAM_ADDRESS,
        1,
        ["Program log: Instruction: AdminSetCoinCreator", `Program data: ${Buffer.from(eventData).toString("base64")}`, ...eventCpiLogs(PUMPSWAP_PROGRAM_ADDRESS, 2, 190_000)],
        { consumed: 14_000, limit: 200_000 },
      );
      const { info, keys } = buildTransactionInfo({ signature, feePayer: authority, outer: [ix], inner: [{ index: 0, instructions: [{ ix: cpi, stackHeight: 2 }] }], logs, recentBlockhash: decodeBase58(this.blockhashOf(slotAt(ts))), index: 0, fee: SIGNATURE_FEE_LAMPORTS, err: null, computeUnits: 14_000 });
      const slot = this.emitTransaction(info, keys, ts, null);
      return { pool: pool.address, previous, signature: encodeBase58(signature), slot };
    });
  }

  /** Registers a program as deployed (a transfer-hook program, so hooked transfers can pass). */
  deployProgram(program: Address): void {
    this.hookPrograms.add(program);
    this.state.raw.set(program, programAccount());
  }
}

const tokenDataCache = new WeakMap<object, Uint8Array>();
/** Token accounts are replaced, never mutated, on change: their bytes can be cached per object. */
function encodeTokenAccountCached(t: TokenAccount): Uint8Array {
  let d = tokenDataCache.get(t);
  if (!d) {
    d = encodeTokenAccount(t);
    tokenDataCache.set(t, d);
  }
  return d;
}
