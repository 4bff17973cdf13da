/**
 * backtest_logic's work, as a library call: resolve the champion file (with the documented
 * fallback), the execution model (flag > environment > .env_PROD > default), load the fold, run
 * the simulator once, and hand back everything the outputs need.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { loadFoldSync } from "../dataset/index";
import type { Fold } from "../dataset/types";
import { computeFoldFeatures } from "../features/index";
import { loadParamsFile, validateParamsDocument, type LoadedParams } from "../params/index";
import shippedParams from "../../data/best_strategy_params.json";
import { loadExecutionModel, type ExecutionArgs, type ResolvedExecution } from "../sim/execution";
import { equityCurve, simulate, SimWorkspace, type SimSummary, type TradeRecord } from "../sim/index";
import { compileParams } from "../strategy/compile";
import { repoRoot } from "../util/tools";

export const DEFAULT_PARAMS_FILE = "best_strategy_params.json";
export const SHIPPED_PARAMS_FILE = "data/best_strategy_params.json";

export interface BacktestOptions extends Partial<ExecutionArgs> {
  /** Params file; undefined = best_strategy_params.json, falling back to data/best_strategy_params.json. */
  params?: string;
  data: string;
  recordTrades?: boolean;
  /** Notes for people (fallbacks, warnings) — stderr in the CLI. */
  note?: (message: string) => void;
}

export interface BacktestResult {
  params: LoadedParams;
  execution: ResolvedExecution;
  envFile: string | null;
  fold: Fold;
  summary: SimSummary;
  trades: TradeRecord[];
  curve: { time: number[]; equity: number[]; drawdown: number[] };
  buySol: number;
  elapsedMs: number;
}

/**
 * Where the champion comes from: an explicit path as given; else ./best_strategy_params.json; else
 * the shipped data/best_strategy_params.json (in the working directory, then beside this source);
 * else the copy of it built into the program (compiled binaries carry no data directory).
 */
export function resolveParamsPath(explicit: string | undefined, cwd = process.cwd()): { path: string | null; fallback: boolean } {
  if (explicit !== undefined) return { path: explicit, fallback: false };
  if (existsSync(join(cwd, DEFAULT_PARAMS_FILE))) return { path: DEFAULT_PARAMS_FILE, fallback: false };
  if (existsSync(join(cwd, SHIPPED_PARAMS_FILE))) return { path: SHIPPED_PARAMS_FILE, fallback: true };
  const beside = join(repoRoot, SHIPPED_PARAMS_FILE);
  if (existsSync(beside)) return { path: beside, fallback: true };
  return { path: null, fallback: true };
}

/** Load the champion as resolveParamsPath says, noting a fallback. */
export function loadChampion(explicit: string | undefined, note: (message: string) => void): LoadedParams {
  const { path, fallback } = resolveParamsPath(explicit);
  if (path === null) {
    note(`note: ${DEFAULT_PARAMS_FILE} not found; using the built-in copy of ${SHIPPED_PARAMS_FILE}`);
    return validateParamsDocument(shippedParams, `${SHIPPED_PARAMS_FILE} (built in)`);
  }
  if (fallback) note(`note: ${DEFAULT_PARAMS_FILE} not found; using the shipped default ${path}`);
  return loadParamsFile(path);
}

export function runBacktest(opts: BacktestOptions): BacktestResult {
  const note = opts.note ?? ((m: string) => process.stderr.write(m + "\n"));

  const params = loadChampion(opts.params, note);
  for (const w of params.warnings) note(`warning: ${w}`);

  const execution = loadExecutionModel(opts);

  const fold = loadFoldSync(opts.data);
  const feats = computeFoldFeatures(fold);
  const ws = new SimWorkspace();
  const p = compileParams(params.vector);
  const started = performance.now();
  const summary = simulate(fold, feats, p, execution.model, ws, { recordTrades: opts.recordTrades ?? false });
  const elapsedMs = performance.now() - started;
  return {
    params,
    execution,
    envFile: execution.envFile,
    fold,
    summary,
    trades: ws.trades,
    curve: equityCurve(ws),
    buySol: execution.model.buySol ?? p.buySol,
    elapsedMs,
  };
}
