/**
 * Numeric enums of the decision logic: numbers in the hot path (no strings per tick), names for
 * output. Each is a frozen object of constants plus a names table indexed by the value.
 */

/** Where the token is in its life (DESIGN §3); selects exit widths. */
export const Phase = { Chaos: 0, Discovery: 1, Trending: 2, Mature: 3 } as const;
export type Phase = (typeof Phase)[keyof typeof Phase];
export const PHASE_NAMES = ["chaos", "discovery", "trending", "mature"] as const;
export const PHASE_COUNT = PHASE_NAMES.length;

/**
 * Why a position was closed. `Hold` (0) means no exit this second. The order of the values is
 * also the priority when several fire in the same second (lowest first), see decideExit.
 */
export const ExitReason = {
  Hold: 0,
  ShockDrop: 1,
  WhaleDump: 2,
  PanicFlow: 3,
  CreatorSell: 4,
  ExitLiquidity: 5,
  DrawdownCap: 6,
  TrailingStop: 7,
  MomentumReversal: 8,
  Churn: 9,
  MaxHold: 10,
  /** The recorded lifecycle ended with the position open: sold at its last second. */
  EndOfData: 11,
} as const;
export type ExitReason = (typeof ExitReason)[keyof typeof ExitReason];
export const EXIT_REASON_NAMES = [
  "hold",
  "shock_drop",
  "whale_dump",
  "panic_flow",
  "creator_sell",
  "exit_liquidity",
  "drawdown_cap",
  "trailing_stop",
  "momentum_reversal",
  "churn",
  "max_hold",
  "end_of_data",
] as const;
export const EXIT_REASON_COUNT = EXIT_REASON_NAMES.length;

/** What the observer decided this second. */
export const EntryDecision = { Wait: 0, Enter: 1, Reject: 2 } as const;
export type EntryDecision = (typeof EntryDecision)[keyof typeof EntryDecision];
export const ENTRY_DECISION_NAMES = ["wait", "enter", "reject"] as const;

/** Why the observer rejected a pool (None while waiting or after entering). */
export const RejectReason = {
  None: 0,
  /** The creator sold more than maxCreatorSellSol before we entered. */
  CreatorSelling: 1,
  /** Price fell below the band (minPriceChange vs the migration price). */
  PriceCrashed: 2,
  /** The window closed with net buy flow below minNetFlowSol. */
  LowNetFlow: 3,
  /** The window closed with fewer than minBuyers distinct buyers. */
  FewBuyers: 4,
  /** The window closed with the price still above the band (maxPriceChange). */
  PriceTooHigh: 5,
  /** The window closed with the relative volume ratio below minRvr. */
  LowVolume: 6,
  /** The pool's data ended before the observer decided. */
  DataEnded: 7,
} as const;
export type RejectReason = (typeof RejectReason)[keyof typeof RejectReason];
export const REJECT_REASON_NAMES = [
  "none",
  "creator_selling",
  "price_crashed",
  "low_net_flow",
  "few_buyers",
  "price_too_high",
  "low_volume",
  "data_ended",
] as const;
export const REJECT_REASON_COUNT = REJECT_REASON_NAMES.length;
