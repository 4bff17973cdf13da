/**
 * What flows between the trading stages (DESIGN §4 stages 3–5, spec §3.3 steps 3–5):
 *
 *   verified signal ─► PositionActor ──BuyIntent──► TradeSignalProcessor ─► executor (paper | live)
 *                          ▲  │                                │
 *                          │  └──SellOrder──► SellOrderProcessor ─► executor
 *                          └──── PositionCommand ◄─────────────┘
 *
 * The actor is the single writer of position state; strategies and observers only produce
 * intents (BuyIntent, SellOrder); the processors execute them through one executor whose live
 * form holds the one signer, and report back with PositionCommands. All amounts are integers in
 * base units: lamports and raw token units. Times are Unix ms on the chain's clock (the stream's
 * created_at), rows are seconds since the pool's migration.
 */
import type { Address } from "@solana/kit";
import type { PoolFees, PoolReserves } from "../amm/index.ts";
import type { MigrationEvent } from "../telemetry/types.ts";

export type TradingMode = "paper" | "live";
/** `observer`: the entry observer gates entries (migration mode); `immediate`: enter on every verified signal (autobuysell). */
export type EntryMode = "observer" | "immediate";

/**
 * A migration as the trading stage needs it: telemetry v1's `migration` fields (lib/telemetry,
 * `creator` being Pool.coin_creator), plus what the intake may know.
 */
export interface MigrationSignalEvent extends Omit<MigrationEvent, "type" | "v" | "token_created_ts"> {
  synthetic?: boolean;
  /** Owner program of the base mint, when the intake read it from the migration transaction. */
  base_token_program?: string;
  pool_base_token_account?: string;
  pool_quote_token_account?: string;
  /** Monotonic gRPC receipt time of the migration (latency metrics). */
  received_at_mono?: number;
}

/** A migration as lib/watcher emits it (and lib/engine's DetectedMigration carries it). */
export interface WatcherMigrationEvent {
  signature: string;
  slot: number;
  ts: number;
  mint: string;
  pool: string;
  coinCreator: string;
  baseReserve: number;
  quoteReserve: number;
  baseDecimals: number;
  fees: { lpFeeBps: number; protocolFeeBps: number; creatorFeeBps: number };
  receivedAtMono?: number;
  synthetic?: boolean;
  /** When the intake read them off the migration transaction (lib/trading migrationTokenProgram). */
  baseTokenProgram?: string;
  poolBaseTokenAccount?: string;
  poolQuoteTokenAccount?: string;
}

/** The part of lib/checker's VerifiedTradeSignal the trading stage reads; either event form. */
export interface TradeSignal {
  event: MigrationSignalEvent | WatcherMigrationEvent;
  checksSkipped?: boolean;
}

/** The telemetry form of either migration event. */
export function signalEvent(ev: MigrationSignalEvent | WatcherMigrationEvent): MigrationSignalEvent {
  if (!("baseReserve" in ev)) return ev;
  return {
    ts: ev.ts,
    slot: ev.slot,
    sig: ev.signature,
    mint: ev.mint,
    pool: ev.pool,
    creator: ev.coinCreator,
    base_reserve: ev.baseReserve,
    quote_reserve: ev.quoteReserve,
    base_decimals: ev.baseDecimals,
    lp_fee_bps: ev.fees.lpFeeBps,
    protocol_fee_bps: ev.fees.protocolFeeBps,
    creator_fee_bps: ev.fees.creatorFeeBps,
    synthetic: ev.synthetic,
    base_token_program: ev.baseTokenProgram,
    pool_base_token_account: ev.poolBaseTokenAccount,
    pool_quote_token_account: ev.poolQuoteTokenAccount,
    received_at_mono: ev.receivedAtMono,
  };
}

/** A buy the strategy wants (from the actor to the trade signal processor). */
export interface BuyIntent {
  positionId: string;
  mint: Address;
  pool: Address;
  creator: Address;
  /** Migration time of the pool (row 0 starts here). */
  t0: number;
  /** Row (second) whose close the decision was taken at, and that close's chain time. */
  decisionRow: number;
  decisionTs: number;
  /** Pool reserves (raw units, lamports) at the decision. */
  reserves: PoolReserves;
  fees: PoolFees;
  baseDecimals: number;
  /** Lamports the strategy wants to spend (before the circuit breaker's size multiplier). */
  spendLamports: number;
  slippageBps: number;
  /** observer_enter | autobuysell | … */
  reason: string;
  /** gRPC receipt of the migration (monotonic ms), for the buy-path latency. */
  receivedAtMono?: number;
  /** Live recovery: a signature of an earlier attempt of this buy, to reconcile instead of re-sending. */
  priorSignature?: string | null;
  /** The entry record (JSON) for the trades row. */
  entryRecord?: string;
}

/** A sell the exit logic wants (from the actor to the sell order processor). */
export interface SellOrder {
  positionId: string;
  mint: Address;
  pool: Address;
  tokens: number;
  /** Sell empties our base token account (we held none before the buy): close it for its rent. */
  closeBaseAccount: boolean;
  t0: number;
  decisionRow: number;
  decisionTs: number;
  reserves: PoolReserves;
  fees: PoolFees;
  baseDecimals: number;
  /** Exit reason name (lib/strategy EXIT_REASON_NAMES). */
  reason: string;
  phase: string;
  slippageBps: number;
  /** Live recovery: signature of an earlier attempt to reconcile first. */
  priorSignature?: string | null;
}

/** A landed trade. */
export interface Fill {
  signature: string | null;
  slot: number | null;
  /** Chain time the transaction landed (ms). */
  landedTs: number;
  /** Raw token units bought or sold. */
  tokens: number;
  /** Lamports paid to the pool (buy: fees included) or received from it (sell: net of fees). */
  lamports: number;
  /** Network fees of this transaction (signature + priority + tip). */
  feesLamports: number;
  /** Account rent the transaction locked (+) or returned (−) (base ATA), outside PnL. */
  rentLamports: number;
  /** Buy: we held no tokens of this mint before, so a full sell may close the account. */
  closeable?: boolean;
}

export type FailureKind = "slippage" | "creator_vault" | "simulation" | "send" | "timeout" | "insufficient_funds" | "circuit_breaker" | "no_pool" | "other";

export interface ExecFailure {
  kind: FailureKind;
  /** Program error code when there was one (6004 ExceededSlippage, 2006 ConstraintSeeds, …). */
  code: number | null;
  message: string;
  /** The transaction landed (failed on chain) and paid its fee. */
  landed: boolean;
  feesLamports: number;
  signature: string | null;
}

export type ExecResult = { ok: true; fill: Fill } | { ok: false; failure: ExecFailure };

/** What the processors tell the actor. */
export type PositionCommand =
  | { kind: "buy_confirmed"; positionId: string; fill: Fill; spendLamports: number; sizeMultiplier: number }
  | { kind: "buy_failed"; positionId: string; failure: ExecFailure }
  | { kind: "buy_rejected"; positionId: string; reason: string; tier: string }
  | { kind: "sell_confirmed"; positionId: string; fill: Fill; attempts: number; failedFeesLamports: number }
  | { kind: "sell_failed"; positionId: string; failure: ExecFailure; attempts: number; failedFeesLamports: number };

/** Counts for the status file and /metrics (spec §3.6). */
export interface TradingStatus {
  open_positions: number;
  observers: number;
  /** Pools whose market data the actor is following. */
  tracked_pools: number;
}
