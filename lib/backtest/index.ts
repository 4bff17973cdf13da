/**
 * backtest_logic's library: run one champion over one fold (./run.ts) and present the result as a
 * terminal table or per-trade JSONL (./format.ts) and a self-contained HTML report (./report.ts).
 */
export { runBacktest, resolveParamsPath, loadChampion, DEFAULT_PARAMS_FILE, SHIPPED_PARAMS_FILE, type BacktestOptions, type BacktestResult } from "./run";
export { formatSummaryTable, tradeToJson, tradeToJsonLine, type TableContext } from "./format";
export { renderReport, type ReportInput } from "./report";
