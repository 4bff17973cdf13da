/**
 * The `ferrix` command line (spec §3.2): `token --auto-trade`, `migration [--dummy-event]
 * [--checks-off]`, `autobuysell [--checks-off]`, `test-analysis --token-list-path FILE`, with the
 * global options of ./config.ts on every command.
 */
import { existsSync } from "node:fs";
import { UsageError, type ArgSpecs } from "../cli";
import { EXECUTION_ENV, executionArgs } from "../sim/execution.ts";
import { openTradesDb } from "../store";
import { recordedBreaker, requestBreakerReset } from "./breaker_reset.ts";
import { createEngineLogger } from "./rolling_log.ts";
import { ConfigError, configArgSpecs, resolveConfig, usingConfigured, type ResolvedConfig } from "./config.ts";
import { runEngine, type EngineDeps, type EngineRunOptions } from "./run.ts";
import { defineSubcommand, type MultiCommandDef } from "./subcommands.ts";
import { formatTestAnalysisTable, readTokenList, runTestAnalysis, testAnalysisJson } from "./test_analysis.ts";

const globalArgs = configArgSpecs();
type Globals = typeof globalArgs;

/**
 * The execution knobs of the trading stages, as backtest_logic takes them (lib/sim): flag, else
 * the SIM_* environment variable, else the env file (--env-file / .env_PROD), else the default.
 * The environment is read by the engine (so the env file cannot shadow it), not by the parser.
 */
const { envFile: _envFile, ...executionSpecs } = executionArgs;
const executionFlags = Object.fromEntries(
  Object.entries(executionSpecs).map(([k, spec]) => {
    const { env, ...rest } = spec as typeof spec & { env?: string };
    return [k, { ...rest, description: `${spec.description} [env ${env}]` }];
  }),
) as unknown as { [K in keyof typeof EXECUTION_ENV]: { type: "number"; description: string; min?: number; max?: number; integer?: boolean; valueHint?: string } };
type ExecutionFlags = { -readonly [K in keyof typeof EXECUTION_ENV]?: number };
const executionOf = (a: Record<string, unknown>): ExecutionFlags => {
  const out: ExecutionFlags = {};
  for (const k of Object.keys(EXECUTION_ENV) as (keyof typeof EXECUTION_ENV)[]) if (typeof a[k] === "number") out[k] = a[k] as number;
  return out;
};
void (executionFlags satisfies ArgSpecs);

function configFrom(args: Record<string, unknown>, env: Record<string, string | undefined>): ResolvedConfig {
  try {
    return resolveConfig({ flags: args, env });
  } catch (err) {
    if (err instanceof ConfigError) throw err.forCli();
    throw err;
  }
}

const MODE_EPILOG = (mode: string) =>
  `${mode}\n` +
  "Paper trading by default: fills are priced from the live pool reserves, nothing is signed or sent.\n" +
  "--live signs and sends real transactions with the --keypair wallet (file mode 0600 or stricter; the key\n" +
  "is never logged). Execution knobs: flag, else SIM_* environment, else the env file, else the default.\n" +
  "Trades go to trades.db; decision records (checks, entries, rejections, exits) to --decisions.";

export interface FerrixCliDeps extends EngineDeps {
  env?: Record<string, string | undefined>;
}

export function ferrixCommands(deps: FerrixCliDeps = {}): MultiCommandDef<Globals> {
  const env = deps.env ?? process.env;
  const engine = (args: Record<string, unknown>, run: EngineRunOptions) => runEngine(configFrom(args, env), run, deps);
  // Built apart from the returned object: inside it, the registry's type would become the
  // inference site of each command's args and erase them.
  const commands = {
      migration: defineSubcommand({
        description: "watch for migrations, check each token, buy what the strategy's entry observer picks, sell on its exits",
        examples: ["ferrix migration", "ferrix migration --dummy-event --checks-off --metrics-addr 127.0.0.1:0", "ferrix migration --live --keypair ~/.config/solana/ferrix.json"],
        args: {
          dummyEvent: { type: "boolean", description: "inject one synthetic migration (smoke test; never traded, never in telemetry)" },
          checksOff: { type: "boolean", description: "skip the token checks: every migration passes unverified" },
          ...executionFlags,
        },
        epilog: MODE_EPILOG("migration: each verified migration is watched by the strategy's entry observer, which buys only when its entry rules fire."),
        run: (a) => engine(a, { mode: "migration", dummyEvent: a.dummyEvent, checksOff: a.checksOff, execution: executionOf(a) }),
      }),
      autobuysell: defineSubcommand({
        description: "watch for migrations, check each token, buy every verified one at once, sell on the strategy's exits",
        examples: ["ferrix autobuysell", "ferrix autobuysell --checks-off --buy-sol 0.05", "ferrix autobuysell --live --keypair ~/.config/solana/ferrix.json"],
        args: {
          checksOff: { type: "boolean", description: "skip the token checks: every migration passes unverified" },
          ...executionFlags,
        },
        epilog: MODE_EPILOG("autobuysell: every verified migration is bought at once; the strategy's exits sell it."),
        run: (a) => engine(a, { mode: "autobuysell", checksOff: a.checksOff, execution: executionOf(a) }),
      }),
      token: defineSubcommand({
        description: "watch Pump.fun token creations and record their bonding curves; with --auto-trade, trade them on the curve",
        examples: ["ferrix token --auto-trade", "ferrix token --auto-trade --immediate --checks-off --buy-sol 0.02", "ferrix token --auto-trade --live --keypair ~/.config/solana/ferrix.json", "ferrix token --telemetry curves.jsonl"],
        args: {
          autoTrade: { type: "boolean", description: "trade the coins the watcher finds (buy and sell on the bonding curve)" },
          immediate: { type: "boolean", description: "with --auto-trade: buy every verified launch at once instead of waiting for the strategy's entry observer" },
          checksOff: { type: "boolean", description: "skip the token checks: every creation passes unverified" },
          ...executionFlags,
        },
        epilog: MODE_EPILOG(
          "token: each Pump.fun create starts a launch whose market is the bonding curve; the strategy's observer gates entries and its exits sell, through Pump.fun buy_exact_sol_in / sell. Checks: contract and creator (a coin on its curve has no pool to probe). Without --auto-trade nothing is traded. Curve telemetry goes to telemetry_token.jsonl unless --telemetry says otherwise.",
        ),
        run: (a) => {
          if (a.immediate && !a.autoTrade) throw new UsageError("--immediate decides when to buy: it needs --auto-trade");
          return engine(a, { mode: "token", autoTrade: a.autoTrade, immediate: a.immediate, checksOff: a.checksOff, execution: executionOf(a) });
        },
      }),
      "reset-breaker": defineSubcommand({
        description: "reset the circuit breaker (any tier, Emergency included): recorded in trades.db for the engine to apply",
        examples: ["ferrix reset-breaker", "ferrix reset-breaker --db /var/lib/ferrix/trades.db --by alice"],
        args: {
          by: { type: "string", description: "who resets (recorded in circuit_breaker_events; default: $USER)", valueHint: "name" },
        },
        epilog:
          "The running engine applies the reset at its next status refresh (--status-interval-ms, 2 s by default);\n" +
          "a stopped one applies it on its next start, before it trades. 'kill -USR2 <ferrix pid>' resets a running engine at once.\n" +
          "Each reset is written to circuit_breaker_events as 'manual_reset by <who>'. Exit 1 when trades.db does not exist.",
        run(a) {
          const resolved = configFrom(a, env);
          const c = resolved.config;
          if (!existsSync(c.db)) throw new Error(`no trades database at ${c.db} (pass --db): nothing to reset`);
          const db = usingConfigured(resolved, "db", `cannot open trades database ${c.db}`, () => openTradesDb(c.db));
          try {
            const before = recordedBreaker(db);
            const who = a.by ?? env.USER ?? env.LOGNAME ?? "operator";
            const req = requestBreakerReset(db, who, Date.now());
            process.stdout.write(
              `circuit breaker reset requested by ${who} (request ${req.id})\n` +
                `  recorded tier: ${before.tier}${before.sinceMs ? ` since ${new Date(before.sinceMs).toISOString()}` : ""}${before.lastReason ? ` (last change: ${before.lastReason})` : ""}\n` +
                `  a running ferrix on ${c.db} applies it within ${Math.ceil(c.statusIntervalMs / 1000)} s (or at once on SIGUSR2); a stopped one on its next start\n`,
            );
            return 0;
          } finally {
            db.close();
          }
        },
      }),
      "test-analysis": defineSubcommand({
        description: "run the token checks over a list of mints and record the results",
        examples: ["ferrix test-analysis --token-list-path test_tokens.txt", "ferrix test-analysis --token-list-path test_tokens.txt --json > report.json"],
        args: {
          tokenListPath: { type: "string", required: true, description: "file with one mint per line (# comments allowed)", valueHint: "file" },
          json: { type: "boolean", description: "print one JSON document instead of the table" },
          fresh: { type: "boolean", description: "re-check tokens even when a fresh verdict is cached" },
        },
        epilog: "Exit 0 whatever the verdicts; 1 when the list or the database cannot be used. Logs go to stderr and <log-dir>/ferrix.log.",
        async run(a) {
          const resolved = configFrom(a, env);
          const tokens = readTokenList(a.tokenListPath);
          if (tokens.length === 0) throw new UsageError(`${a.tokenListPath} lists no mints`);
          const c = resolved.config;
          const log = createEngineLogger({ name: "ferrix", level: c.logLevel, logDir: c.logDir, maxBytes: c.logMaxBytes, maxFiles: c.logMaxFiles, consoleFd: 2 });
          try {
            const report = await runTestAnalysis({ resolved, tokens, fresh: a.fresh, logger: log.logger, createRpc: deps.createRpc, clock: deps.clock });
            process.stdout.write(a.json ? JSON.stringify(testAnalysisJson(report)) + "\n" : formatTestAnalysisTable(report));
            return 0;
          } finally {
            log.close();
          }
        },
      }),
  };
  return {
    name: "ferrix",
    description: "Pump.fun → PumpSwap migration trading engine (paper trading unless --live)",
    globalArgs,
    epilog:
      "Configuration: each option comes from its flag, else its environment variable, else .env_PROD\n" +
      "(or --env-file), else its default. --live is flag-only. Logs are JSON on stdout and in\n" +
      "<log-dir>/ferrix.log (rotated by size). SIGTERM/SIGINT stop gracefully; SIGUSR2 resets the circuit\n" +
      "breaker (as 'ferrix reset-breaker' does).",
    commands,
  };
}
