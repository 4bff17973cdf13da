/**
 * Human and machine forms of a backtest: the summary table people read on a terminal, and the
 * per-trade JSONL line (snake_case keys, like the other data files of the pipeline).
 */
import type { ExecutionModel } from "../sim/execution";
import type { SimSummary, TradeRecord } from "../sim/index";
import { EXIT_REASON_NAMES, PHASE_NAMES, REJECT_REASON_NAMES } from "../strategy/types";

const sol = (x: number, digits = 4): string => (Number.isFinite(x) ? `${x >= 0 ? "" : "−"}${Math.abs(x).toFixed(digits)}` : String(x));
const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;

function table(rows: string[][], align: ("l" | "r")[]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (align[c] === "r" ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join("  ").trimEnd());
}

export interface TableContext {
  paramsSource: string;
  dataPath: string;
  exec: ExecutionModel;
  buySol: number;
  elapsedMs?: number;
}

/** The summary as an aligned plain-text table (no colour: it may be piped). */
export function formatSummaryTable(s: SimSummary, ctx: TableContext): string {
  const out: string[] = [];
  out.push(`backtest ${s.fold}: ${s.lifecycles} lifecycles over ${s.spanDays.toFixed(2)} days`);
  out.push(`  params  ${ctx.paramsSource}`);
  out.push(`  data    ${ctx.dataPath}`);
  out.push(
    `  exec    buy ${ctx.buySol} SOL, latency ${ctx.exec.latencyMs} ms, slippage ${ctx.exec.slippageBps} bps, ` +
      `priority ${ctx.exec.priorityFeeLamports} + tip ${ctx.exec.tipLamports} + base ${ctx.exec.baseFeeLamports} lamports/tx, ` +
      `${ctx.exec.maxSellRetries} sell retries`,
  );
  out.push("");
  const rows: [string, string][] = [
    ["trades", String(s.trades)],
    ["entries per day", s.entriesPerDay.toFixed(2)],
    ["win rate", pct(s.winRate)],
    ["PnL", `${sol(s.pnlSol)} SOL`],
    ["average PnL per trade", `${sol(s.avgPnlSol, 5)} SOL`],
    ["profit factor", Number.isFinite(s.profitFactor) ? s.profitFactor.toFixed(2) : "∞ (no losing trade)"],
    ["max drawdown", `${sol(s.maxDrawdownSol)} SOL`],
    ["CVaR 5 %", `${sol(s.cvar5Sol, 5)} SOL per trade`],
    ["average hold", `${s.avgHoldS.toFixed(1)} s`],
    ["deployed", `${sol(s.deployedSol)} SOL`],
    ["transaction fees", `${sol(s.txFeesSol, 5)} SOL`],
    ["entry signals", String(s.entrySignals)],
    ["missed entries (slippage)", String(s.missedEntries)],
    ["skipped (max positions)", String(s.skippedMaxPositions)],
    ["missed (no data to fill)", String(s.missedNoData)],
    ["sell retries", String(s.sellRetries)],
  ];
  out.push(...table(rows.map(([a, b]) => [a, b]), ["l", "r"]).map((l) => "  " + l));

  const reasons: string[][] = [["exit reason", "trades", "PnL SOL"]];
  for (let k = 1; k < EXIT_REASON_NAMES.length; k++) {
    if (s.exitReasonCounts[k] === 0) continue;
    reasons.push([EXIT_REASON_NAMES[k], String(s.exitReasonCounts[k]), sol(s.exitReasonPnl[k])]);
  }
  if (reasons.length > 1) {
    out.push("");
    out.push(...table(reasons, ["l", "r", "r"]).map((l) => "  " + l));
  }

  const phases: string[][] = [["phase at exit", "trades", "win rate", "PnL SOL"]];
  for (let k = 0; k < PHASE_NAMES.length; k++) {
    if (s.phaseTrades[k] === 0) continue;
    phases.push([PHASE_NAMES[k], String(s.phaseTrades[k]), pct(s.phaseWins[k] / s.phaseTrades[k]), sol(s.phasePnl[k])]);
  }
  if (phases.length > 1) {
    out.push("");
    out.push(...table(phases, ["l", "r", "r", "r"]).map((l) => "  " + l));
  }

  const rejects: string[][] = [["observer rejected", "pools"]];
  for (let k = 1; k < REJECT_REASON_NAMES.length; k++) if (s.rejects[k] > 0) rejects.push([REJECT_REASON_NAMES[k], String(s.rejects[k])]);
  if (rejects.length > 1) {
    out.push("");
    out.push(...table(rejects, ["l", "r"]).map((l) => "  " + l));
  }
  if (ctx.elapsedMs !== undefined) out.push("", `  simulated in ${ctx.elapsedMs.toFixed(1)} ms (${s.ticksVisited} of ${s.foldTicks} seconds visited)`);
  return out.join("\n") + "\n";
}

/** One trade as a JSONL line (snake_case keys). */
export function tradeToJson(t: TradeRecord): Record<string, unknown> {
  return {
    lifecycle: t.lifecycle,
    mint: t.mint,
    pool: t.pool,
    entry_second: t.entrySecond,
    entry_fill_second: t.entryFillSecond,
    exit_second: t.exitSecond,
    exit_fill_second: t.exitFillSecond,
    entry_ts: t.entryTs,
    exit_ts: t.exitTs,
    entry_price: t.entryPrice,
    exit_price: t.exitPrice,
    entry_spot: t.entrySpot,
    exit_spot: t.exitSpot,
    tokens: t.tokens,
    sol_in: t.solIn,
    sol_out: t.solOut,
    pnl_sol: t.pnlSol,
    pnl_pct: t.pnlPct,
    exit_reason: t.exitReason,
    phase_at_exit: t.phaseAtExit,
    peak_run_up: t.peakRunUp,
    held_s: t.heldS,
    sell_attempts: t.sellAttempts,
    features_at_entry: {
      price_change: t.entryFeatures.priceChange,
      net_flow_cum: t.entryFeatures.netFlowCum,
      buyers_cum: t.entryFeatures.buyersCum,
      rvr: t.entryFeatures.rvr,
      mom5: t.entryFeatures.mom5,
      volatility10: t.entryFeatures.volatility10,
      sell_ratio10: t.entryFeatures.sellRatio10,
      creator_sell_cum: t.entryFeatures.creatorSellCum,
    },
  };
}

export const tradeToJsonLine = (t: TradeRecord): string => JSON.stringify(tradeToJson(t)) + "\n";
