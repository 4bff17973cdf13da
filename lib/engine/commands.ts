/**
 * The `ferrix` command line (spec §3.2): `token --auto-trade`, `migration [--dummy-event]
 * [--checks-off]`, `autobuysell [--checks-off]`, `test-analysis --token-list-path FILE`, with the
 * global options of ./config.ts on every command.
 */
import { UsageError } from "../cli";
import { createEngineLogger } from "./rolling_log.ts";
import { ConfigError, configArgSpecs, resolveConfig, type ResolvedConfig } from "./config.ts";
import { runEngine, type EngineDeps, type EngineRunOptions } from "./run.ts";
import { defineSubcommand, type MultiCommandDef } from "./subcommands.ts";
import { formatTestAnalysisTable, readTokenList, runTestAnalysis, testAnalysisJson } from "./test_analysis.ts";

const globalArgs = configArgSpecs();
type Globals = typeof globalArgs;

function configFrom(args: Record<string, unknown>, env: Record<string, string | undefined>): ResolvedConfig {
  try {
    return resolveConfig({ flags: args, env });
  } catch (err) {
    if (err instanceof ConfigError) throw err.forCli();
    throw err;
  }
}

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
        description: "watch for migrations, check each token, emit verified trade signals",
        examples: ["ferrix migration", "ferrix migration --dummy-event --checks-off --metrics-addr 127.0.0.1:0", "ferrix migration --live --keypair ~/.config/solana/ferrix.json"],
        args: {
          dummyEvent: { type: "boolean", description: "inject one synthetic migration (smoke test; never traded, never in telemetry)" },
          checksOff: { type: "boolean", description: "skip the token checks: every migration passes unverified" },
        },
        run: (a) => engine(a, { mode: "migration", dummyEvent: a.dummyEvent, checksOff: a.checksOff }),
      }),
      autobuysell: defineSubcommand({
        description: "migration flow with automatic buys and sells",
        examples: ["ferrix autobuysell", "ferrix autobuysell --checks-off"],
        args: {
          checksOff: { type: "boolean", description: "skip the token checks: every migration passes unverified" },
        },
        run: (a) => engine(a, { mode: "autobuysell", checksOff: a.checksOff }),
      }),
      token: defineSubcommand({
        description: "watch Pump.fun token creations (with --auto-trade: trade them)",
        examples: ["ferrix token --auto-trade"],
        args: {
          autoTrade: { type: "boolean", description: "trade the tokens the watcher finds" },
        },
        run: (a) => engine(a, { mode: "token", autoTrade: a.autoTrade }),
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
            const report = await runTestAnalysis({ config: c, tokens, fresh: a.fresh, logger: log.logger, createRpc: deps.createRpc, clock: deps.clock });
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
      "<log-dir>/ferrix.log (rotated by size). SIGTERM/SIGINT stop gracefully.",
    commands,
  };
}
