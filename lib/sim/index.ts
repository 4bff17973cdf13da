/**
 * The simulator (DESIGN §3): one parameter set over one fold, with execution realism.
 *
 * @example
 * const fold = loadFoldSync("tel_out/permanent_holdout.jsonl");
 * const feats = computeFoldFeatures(fold);              // once per fold
 * const ws = new SimWorkspace();                         // once per thread
 * const exec = executionModel({ latencyMs: 300 });
 * const s = evaluateVector(fold, feats, vector, exec, ws);
 * console.log(s.trades, s.pnlSol, s.maxDrawdownSol);
 */
export * from "./execution";
export { LAMPORTS_PER_SOL, reservesAt, buyAt, sellAt } from "./fills";
export { SimSummary, summaryToJSON, type SummaryJSON } from "./summary";
export {
  simulate,
  evaluateVector,
  scanEntries,
  migrationPrice,
  equityCurve,
  SimWorkspace,
  type SimOptions,
  type TradeRecord,
} from "./simulate";
