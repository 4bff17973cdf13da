/**
 * Per-fold results of one simulation: a preallocated object of numbers and typed arrays that
 * `simulate` refills in place (no allocation per evaluation), plus `summaryToJSON` for output.
 *
 * Definitions:
 *  - trades: entries that filled (one per lifecycle at most); entriesPerDay = trades ÷ fold.spanDays.
 *  - pnlSol: Σ trade PnL (SOL out − SOL in, every fee included) + the fees of failed entry
 *    transactions (missed entries cost their priority and signature fees).
 *  - maxDrawdownSol: largest fall of the equity curve from its running peak; the curve starts at 0
 *    and steps at each trade's exit fill (and each failed entry's landing), in time order.
 *  - cvar5Sol: mean PnL of the worst ⌈5 % × trades⌉ trades (expected shortfall; negative = loss).
 *  - profitFactor: gross profit ÷ gross loss (Infinity with profits and no loss, 0 without trades).
 */
import { EXIT_REASON_COUNT, EXIT_REASON_NAMES, PHASE_COUNT, PHASE_NAMES, REJECT_REASON_COUNT, REJECT_REASON_NAMES } from "../strategy/types";

export class SimSummary {
  /** Fold name. */
  fold = "";
  lifecycles = 0;
  spanDays = 0;
  /** Observer entry signals (before position limits and slippage). */
  entrySignals = 0;
  trades = 0;
  wins = 0;
  losses = 0;
  winRate = 0;
  entriesPerDay = 0;
  pnlSol = 0;
  avgPnlSol = 0;
  grossProfitSol = 0;
  grossLossSol = 0;
  profitFactor = 0;
  maxDrawdownSol = 0;
  cvar5Sol = 0;
  /** Entries whose buy failed its slippage bound. */
  missedEntries = 0;
  /** Entry signals whose fill second lay beyond the recorded data. */
  missedNoData = 0;
  /** Entry signals skipped because maxPositions were open. */
  skippedMaxPositions = 0;
  /** Failed sell attempts that were retried. */
  sellRetries = 0;
  /** Priority, tip and signature fees of every transaction, landed or failed, SOL. */
  txFeesSol = 0;
  /** SOL spent on entries (pool fees included, transaction fees not). */
  deployedSol = 0;
  avgHoldS = 0;
  /** Per-second rows the simulator read (entry scans + holds). */
  ticksVisited = 0;
  /** Rows in the fold. */
  foldTicks = 0;

  readonly rejects = new Uint32Array(REJECT_REASON_COUNT);
  readonly exitReasonCounts = new Uint32Array(EXIT_REASON_COUNT);
  readonly exitReasonPnl = new Float64Array(EXIT_REASON_COUNT);
  readonly phaseTrades = new Uint32Array(PHASE_COUNT);
  readonly phaseWins = new Uint32Array(PHASE_COUNT);
  readonly phasePnl = new Float64Array(PHASE_COUNT);

  reset(): void {
    this.fold = "";
    this.lifecycles = this.spanDays = this.entrySignals = this.trades = this.wins = this.losses = 0;
    this.winRate = this.entriesPerDay = this.pnlSol = this.avgPnlSol = this.grossProfitSol = this.grossLossSol = 0;
    this.profitFactor = this.maxDrawdownSol = this.cvar5Sol = 0;
    this.missedEntries = this.missedNoData = this.skippedMaxPositions = this.sellRetries = 0;
    this.txFeesSol = this.deployedSol = this.avgHoldS = this.ticksVisited = this.foldTicks = 0;
    this.rejects.fill(0);
    this.exitReasonCounts.fill(0);
    this.exitReasonPnl.fill(0);
    this.phaseTrades.fill(0);
    this.phaseWins.fill(0);
    this.phasePnl.fill(0);
  }
}

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** Plain JSON form (names instead of indices; non-finite numbers as null). Allocates. */
export function summaryToJSON(s: SimSummary) {
  const byName = <T extends readonly string[]>(names: T, arr: ArrayLike<number>, skip0 = false) =>
    Object.fromEntries(names.flatMap((n, k) => (skip0 && k === 0 ? [] : [[n, arr[k]]])));
  return {
    fold: s.fold,
    lifecycles: s.lifecycles,
    span_days: s.spanDays,
    entry_signals: s.entrySignals,
    trades: s.trades,
    entries_per_day: s.entriesPerDay,
    wins: s.wins,
    losses: s.losses,
    win_rate: s.winRate,
    pnl_sol: s.pnlSol,
    avg_pnl_sol: s.avgPnlSol,
    gross_profit_sol: s.grossProfitSol,
    gross_loss_sol: s.grossLossSol,
    profit_factor: finiteOrNull(s.profitFactor),
    max_drawdown_sol: s.maxDrawdownSol,
    cvar5_sol: s.cvar5Sol,
    missed_entries: s.missedEntries,
    missed_no_data: s.missedNoData,
    skipped_max_positions: s.skippedMaxPositions,
    sell_retries: s.sellRetries,
    tx_fees_sol: s.txFeesSol,
    deployed_sol: s.deployedSol,
    avg_hold_s: s.avgHoldS,
    ticks_visited: s.ticksVisited,
    fold_ticks: s.foldTicks,
    rejects: byName(REJECT_REASON_NAMES, s.rejects, true),
    exit_reasons: Object.fromEntries(
      EXIT_REASON_NAMES.flatMap((n, k) => (k === 0 ? [] : [[n, { count: s.exitReasonCounts[k], pnl_sol: s.exitReasonPnl[k] }]])),
    ),
    phases: Object.fromEntries(PHASE_NAMES.map((n, k) => [n, { trades: s.phaseTrades[k], wins: s.phaseWins[k], pnl_sol: s.phasePnl[k] }])),
  };
}

export type SummaryJSON = ReturnType<typeof summaryToJSON>;
