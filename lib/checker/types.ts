/**
 * What the checker takes in and hands out (DESIGN §4 stage 2, spec §3.3 step 2).
 *
 * A migrated token is checked along four lines, concurrently and each under its own deadline:
 * - honeypot: can an existing holder actually sell it through the PumpSwap pool (simulated)?
 * - contract: can the mint's authorities or Token-2022 extensions take the tokens back, freeze
 *   them, tax them or stop them moving?
 * - holders: is the supply outside the pool concentrated in a few wallets?
 * - creator: has this creator rugged before (or is the wallet on our block list)?
 *
 * A token that clears all four becomes a VerifiedTradeSignal for the trading stage; any other
 * becomes a CheckRejection carrying every reason found, not just the first.
 */
import type { Address } from "@solana/kit";

export type CheckName = "honeypot" | "contract" | "holders" | "creator";
export const CHECK_NAMES: readonly CheckName[] = ["honeypot", "contract", "holders", "creator"];

/**
 * Why a check did not pass. Operational codes (`timeout`, `rpc_error`, `check_error`) say the check could not be
 * completed; every other code is a finding about the token.
 */
export type ReasonCode =
  // any check
  | "timeout"
  | "rpc_error"
  | "check_error"
  // honeypot
  | "honeypot"
  | "pool_not_found"
  | "pool_mismatch"
  | "global_config_not_found"
  | "no_simulation_seller"
  // contract
  | "mint_not_found"
  | "not_a_mint"
  | "mint_authority_present"
  | "freeze_authority_present"
  | "transfer_fee"
  | "permanent_delegate"
  | "transfer_hook"
  | "non_transferable"
  | "default_account_frozen"
  | "paused"
  | "pausable"
  // holders
  | "top1_concentration"
  | "top10_concentration"
  // creator
  | "creator_rugs"
  | "creator_blocklisted";

export const OPERATIONAL_REASON_CODES: ReadonlySet<ReasonCode> = new Set(["timeout", "rpc_error", "check_error"]);

export interface CheckReason {
  check: CheckName;
  code: ReasonCode;
  /** One human sentence with the figures that decided it. Never holds key material. */
  detail: string;
}

export interface CheckResult {
  check: CheckName;
  ok: boolean;
  reasons: CheckReason[];
  durationMs: number;
}

/** pass: every check passed. fail: a finding against the token. error: only operational failures. */
export type Verdict = "pass" | "fail" | "error";

/** The minimum the checker needs about a token; migration events carry all three. */
export interface CheckSubject {
  mint: string;
  /** The PumpSwap pool; the canonical pool PDA of the mint when absent. */
  pool?: string;
  /** The coin creator (Pool.coin_creator); read from the pool account when absent. */
  creator?: string;
}

export interface Analysis {
  mint: Address;
  pool: Address;
  /** Null when neither the event nor the pool account named one. */
  creator: Address | null;
  verdict: Verdict;
  /** Every reason from every check, in check order. */
  reasons: CheckReason[];
  /** Per-check results; empty when the verdict came from the cache. */
  checks: CheckResult[];
  /** True when the verdict came from sniper_cache instead of fresh checks. */
  cached: boolean;
  /** When the verdict was reached (Unix ms; for a cached verdict, when it was first reached). */
  checkedAtMs: number;
  /** Wall time this analysis took (near zero for a cache hit). */
  latencyMs: number;
}

/** A migration the checker cleared: the trading stage (issue 7) consumes these. */
export interface VerifiedTradeSignal<E extends CheckSubject = CheckSubject> {
  kind: "verified";
  event: E;
  mint: Address;
  pool: Address;
  creator: Address | null;
  /** True when the checks were switched off (--checks-off): nothing was verified. */
  checksSkipped: boolean;
  analysis: Analysis | null;
  /** When the event reached the checker and when it was cleared (Unix ms). */
  receivedAtMs: number;
  verifiedAtMs: number;
}

export interface CheckRejection<E extends CheckSubject = CheckSubject> {
  kind: "rejected";
  event: E;
  mint: Address;
  pool: Address;
  creator: Address | null;
  verdict: Exclude<Verdict, "pass">;
  reasons: CheckReason[];
  analysis: Analysis;
  receivedAtMs: number;
  rejectedAtMs: number;
}

export type CheckOutcome<E extends CheckSubject = CheckSubject> = VerifiedTradeSignal<E> | CheckRejection<E>;

export interface CheckerConfig {
  /**
   * The checks that run (default: all four). A coin still on its bonding curve (token mode) has no
   * PumpSwap pool to simulate a sell through and its curve holds nearly all the supply, so only
   * contract and creator apply there.
   */
  checks: readonly CheckName[];
  /** Deadline of each check; a check still running then fails with reason `timeout`. */
  timeoutMs: Record<CheckName, number>;
  /** A Token-2022 transfer fee above this many basis points is a finding (0: any fee). */
  maxTransferFeeBps: number;
  /** Largest single holder outside the pool vault, as a share of supply (0..1). */
  maxTop1HolderShare: number;
  /** Ten largest holders outside the pool vault together, as a share of supply (0..1). */
  maxTop10HolderShare: number;
  /** A creator with at least this many recorded rugs is rejected. */
  creatorMaxRugs: number;
  /** …or whose rugs / tokens seen reaches this, once at least `creatorMinTokensForRate` are seen. */
  creatorMaxRugRate: number;
  creatorMinTokensForRate: number;
  /** How long a cached verdict is reused, by verdict (0: not cached). */
  cacheTtlMs: Record<Verdict, number>;
  /**
   * A funded system account to sign the simulated buy-then-sell "by" (sigVerify is off, so no key
   * is needed). Null: simulate a sell by one of the largest holders instead.
   */
  simulationWallet: string | null;
  /** Lamports the round trip wraps for its buy (it spends about a quarter). */
  probeBuyLamports: bigint;
  /** Share of the chosen holder's balance the simulated sell sells (the amount is irrelevant to a honeypot, only that it sells). */
  probeSellFraction: number;
  /** A holder wallet needs this many lamports to pay the simulated fee and the WSOL account rent. */
  minSellerLamports: bigint;
  /** How many of the largest holders are tried as the simulated seller. */
  sellerCandidates: number;
  commitment: "processed" | "confirmed" | "finalized";
}

export const DEFAULT_CHECKER_CONFIG: CheckerConfig = {
  checks: CHECK_NAMES,
  timeoutMs: { honeypot: 2500, contract: 1500, holders: 2000, creator: 500 },
  maxTransferFeeBps: 0,
  maxTop1HolderShare: 0.2,
  maxTop10HolderShare: 0.5,
  creatorMaxRugs: 2,
  creatorMaxRugRate: 0.5,
  creatorMinTokensForRate: 2,
  cacheTtlMs: { pass: 10 * 60_000, fail: 24 * 3_600_000, error: 0 },
  simulationWallet: null,
  probeBuyLamports: 10_000_000n,
  probeSellFraction: 0.01,
  // WSOL token account rent (2,039,280) plus a generous fee allowance.
  minSellerLamports: 3_000_000n,
  sellerCandidates: 5,
  commitment: "confirmed",
};

/** Verdict over a set of reasons: any finding fails; only operational problems is an error. */
export function verdictOf(reasons: readonly CheckReason[]): Verdict {
  if (reasons.length === 0) return "pass";
  return reasons.some((r) => !OPERATIONAL_REASON_CODES.has(r.code)) ? "fail" : "error";
}
