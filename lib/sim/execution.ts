/**
 * Execution realism: the knobs shared by backtest_logic, the optimizer and (for paper fills) the
 * live engine, in one place — the `ExecutionModel` type, its defaults, one reusable CLI fragment
 * (`executionArgs`), the `.env_PROD` keys, and one resolver.
 *
 * Semantics (the simulator implements exactly this; see lib/sim/simulate.ts):
 *
 * Latency. Row t of a lifecycle is the close of second t (the state at (t+1)·1000 ms after the
 * migration). A decision taken at that close is sent then and lands `latencyMs` later, at
 * (t+1)·1000 + latencyMs. We only know closes, so the fill is priced against the first close at
 * or after the landing instant: row t + ⌈latencyMs / 1000⌉ (`fillLagSeconds`). latencyMs 0 fills
 * at the decision close; 1–1000 ms at the next close (the whole next second's flow reaches the
 * pool before us — conservative for entries that chase a move); 1001–2000 ms two closes later.
 * A fill beyond the lifecycle's last row uses the last row (exits) or is a missed entry (entries).
 *
 * Impact and fees. Every fill is a PumpSwap swap through lib/amm against the pool reserves of the
 * fill row (quote = quote_reserve × 1e9 lamports, base = quote_reserve ÷ price × 10^decimals raw
 * units) with the lifecycle's LP + protocol + creator fee bps: the buy spends `buySol` in total
 * (buy_exact_quote_in), the sell sells every token bought. Our buy is not carried into later
 * recorded states (the recording never contained it), so the round trip pays impact twice — a
 * conservative approximation. Each landed transaction also pays baseFeeLamports + priority fee +
 * tip; a failed one pays baseFeeLamports + priority fee (its tip transfer reverts with it).
 *
 * Slippage. The buy is sent with min_base_amount_out = (tokens quoted at the decision close) ×
 * (1 − slippageBps/10⁴); if the fill row gives fewer tokens it fails: a missed entry, counted, the
 * pool is not retried. A sell is sent with min_quote_amount_out = (SOL quoted at its decision
 * close) × (1 − slippageBps/10⁴); if it fails it is retried, as the live sell processor does, from
 * the close of the next second (or of the second it failed in, if later), re-quoted; after
 * `maxSellRetries` failed attempts the next one goes out without a bound and fills. At the last
 * row of the data the sell fills unconditionally.
 *
 * Precedence of the knobs: command-line flag > environment variable > .env_PROD file > default.
 */
import type { ArgSpecs, ParsedArgs } from "../cli/args";
import { UsageError } from "../cli/args";
import { join, resolve } from "node:path";
import { loadEnvKnobs, type EnvKnobSpec } from "../config/env_file";

export interface ExecutionModel {
  /** Decision-to-landing delay of every transaction, ms. */
  latencyMs: number;
  /** Slippage tolerance of both legs, bps (1000 = 10 %). */
  slippageBps: number;
  /** Compute-budget priority fee paid per transaction (landed or failed), lamports. */
  priorityFeeLamports: number;
  /** Tip per landed transaction (e.g. a Jito tip), lamports. */
  tipLamports: number;
  /** Signature fee per transaction, lamports (5000 per signature on Solana). */
  baseFeeLamports: number;
  /** Failed sell attempts before the sell goes out without a price bound. */
  maxSellRetries: number;
  /** SOL per entry; null = the params' `buySol`. */
  buySol: number | null;
}

export const DEFAULT_EXECUTION: Readonly<ExecutionModel> = Object.freeze({
  latencyMs: 300,
  slippageBps: 1000,
  priorityFeeLamports: 100_000,
  tipLamports: 100_000,
  baseFeeLamports: 5_000,
  maxSellRetries: 3,
  buySol: null,
});

/** Fill row offset for a latency: ⌈latencyMs / 1000⌉ seconds (see the file comment). */
export const fillLagSeconds = (latencyMs: number): number => (latencyMs <= 0 ? 0 : Math.ceil(latencyMs / 1000));

/** The env file read when --env-file is not given (in the working directory, if present). */
export const DEFAULT_ENV_FILE = ".env_PROD";

/** `.env_PROD` keys for the knobs (also read from the process environment). */
export const EXECUTION_ENV = {
  latencyMs: "SIM_LATENCY_MS",
  slippageBps: "SIM_SLIPPAGE_BPS",
  buySol: "SIM_BUY_AMOUNT_SOL",
  priorityFeeLamports: "SIM_PRIORITY_FEE_LAMPORTS",
  tipLamports: "SIM_TIP_LAMPORTS",
  maxSellRetries: "SIM_MAX_SELL_RETRIES",
} as const;

const BOUNDS = {
  latencyMs: { min: 0, max: 60_000, integer: true },
  slippageBps: { min: 0, max: 10_000, integer: true },
  buySol: { min: 0.000001, max: 1_000 },
  priorityFeeLamports: { min: 0, max: 1e12, integer: true },
  tipLamports: { min: 0, max: 1e12, integer: true },
  maxSellRetries: { min: 0, max: 100, integer: true },
} as const;

/** The env-file specs for the knobs (for lib/config/env_file). */
export const EXECUTION_ENV_SPECS: Record<(typeof EXECUTION_ENV)[keyof typeof EXECUTION_ENV], EnvKnobSpec> = Object.fromEntries(
  (Object.keys(EXECUTION_ENV) as (keyof typeof EXECUTION_ENV)[]).map((k) => [EXECUTION_ENV[k], { type: "number", ...BOUNDS[k] }]),
) as never;

/**
 * The execution flags, to spread into any tool's args (`{ ...executionArgs, … }`). No defaults
 * here on purpose: an absent flag falls through to the environment, then .env_PROD, then
 * DEFAULT_EXECUTION, which `resolveExecutionModel` applies in one place.
 */
export const executionArgs = {
  latencyMs: { type: "number", ...BOUNDS.latencyMs, env: EXECUTION_ENV.latencyMs, valueHint: "ms", description: `decision-to-fill latency (default ${DEFAULT_EXECUTION.latencyMs})` },
  slippageBps: { type: "number", ...BOUNDS.slippageBps, env: EXECUTION_ENV.slippageBps, valueHint: "bps", description: `slippage tolerance of buys and sells (default ${DEFAULT_EXECUTION.slippageBps})` },
  buySol: { type: "number", ...BOUNDS.buySol, env: EXECUTION_ENV.buySol, valueHint: "sol", description: "SOL per entry, overriding the params' buySol" },
  priorityFeeLamports: { type: "number", ...BOUNDS.priorityFeeLamports, env: EXECUTION_ENV.priorityFeeLamports, valueHint: "lamports", description: `priority fee per transaction (default ${DEFAULT_EXECUTION.priorityFeeLamports})` },
  tipLamports: { type: "number", ...BOUNDS.tipLamports, env: EXECUTION_ENV.tipLamports, valueHint: "lamports", description: `tip per landed transaction (default ${DEFAULT_EXECUTION.tipLamports})` },
  maxSellRetries: { type: "number", ...BOUNDS.maxSellRetries, env: EXECUTION_ENV.maxSellRetries, valueHint: "n", description: `failed sells retried before selling unbounded (default ${DEFAULT_EXECUTION.maxSellRetries})` },
  envFile: { type: "string", valueHint: "file", description: `KEY=VALUE file with the SIM_* knobs (default ./${DEFAULT_ENV_FILE} when present)` },
} as const satisfies ArgSpecs;

export type ExecutionArgs = Pick<ParsedArgs<typeof executionArgs>, keyof typeof executionArgs>;

export interface ResolvedExecution {
  model: ExecutionModel;
  /** Where each knob came from: "flag or environment", "<file>:<line>", "default". */
  origin: Record<keyof typeof EXECUTION_ENV, string>;
}

/**
 * Merge flags (which already carry the environment variables, via parseArgs) over the env-file
 * values over the defaults. `fileValues` are keyed by env name (SIM_…), as lib/config/env_file
 * returns them.
 */
export function resolveExecutionModel(
  args: Partial<ExecutionArgs>,
  file: { values: Partial<Record<string, number | string | boolean>>; origin: Partial<Record<string, string>> } | null = null,
): ResolvedExecution {
  const model: ExecutionModel = { ...DEFAULT_EXECUTION };
  const origin = {} as Record<keyof typeof EXECUTION_ENV, string>;
  for (const key of Object.keys(EXECUTION_ENV) as (keyof typeof EXECUTION_ENV)[]) {
    const envName = EXECUTION_ENV[key];
    const fromArgs = args[key];
    const fromFile = file?.values[envName];
    let value: number | null | undefined;
    if (fromArgs !== undefined) {
      value = fromArgs;
      origin[key] = "flag or environment";
    } else if (fromFile !== undefined) {
      if (typeof fromFile !== "number") throw new UsageError(`${file?.origin[envName] ?? envName}: ${envName} must be a number`);
      value = fromFile;
      origin[key] = file?.origin[envName] ?? "env file";
    } else {
      origin[key] = "default";
      continue;
    }
    (model as unknown as Record<string, number | null>)[key] = value;
  }
  return { model, origin };
}

/**
 * The one call a tool makes after parsing `executionArgs`: reads the env file (`--env-file`, which
 * must exist, else ./.env_PROD when present; bad values are EnvFileErrors naming file:line:key)
 * and resolves the model with flag > environment > file > default.
 */
export function loadExecutionModel(args: Partial<ExecutionArgs>, cwd = process.cwd()): ResolvedExecution & { envFile: string | null } {
  let envFile: string | null = null;
  let knobs: ReturnType<typeof loadEnvKnobs> = null;
  if (args.envFile !== undefined) {
    knobs = loadEnvKnobs(resolve(cwd, args.envFile), EXECUTION_ENV_SPECS);
    if (knobs === null) throw new Error(`env file not found: ${args.envFile}`);
    envFile = args.envFile;
  } else {
    const path = join(cwd, DEFAULT_ENV_FILE);
    knobs = loadEnvKnobs(path, EXECUTION_ENV_SPECS);
    if (knobs) envFile = path;
  }
  return { ...resolveExecutionModel(args, knobs), envFile };
}

/** Build a model from partial overrides (tests, library callers). */
export function executionModel(overrides: Partial<ExecutionModel> = {}): ExecutionModel {
  return { ...DEFAULT_EXECUTION, ...overrides };
}
