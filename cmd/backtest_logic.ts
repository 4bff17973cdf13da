/** backtest_logic: one champion over one fold with execution realism → summary table / JSON, per-trade JSONL, HTML report. */
import { defineTool, main, openOutput, UsageError } from "../lib/cli";
import { formatSummaryTable, renderReport, runBacktest, tradeToJsonLine } from "../lib/backtest";
import { summaryToJSON } from "../lib/sim";
import { executionArgs, EXECUTION_ENV, DEFAULT_EXECUTION } from "../lib/sim/execution";
import { writeFileAtomic } from "../lib/util/atomic";

export const tool = defineTool({
  name: "backtest_logic",
  description: "backtest strategy parameters on a lifecycle fold with latency, impact, fees and slippage",
  usage: "[options]",
  examples: [
    "backtest_logic --params best_strategy_params.json --data tel_out/permanent_holdout.jsonl",
    "backtest_logic --data tel_out/wf_round_1_test.jsonl --latency-ms 300 --slippage-bps 800 --json",
    "backtest_logic --data tel_out/permanent_holdout.jsonl --trades - | jq -c 'select(.pnl_sol < 0)'",
    "backtest_logic --data tel_out/permanent_holdout.jsonl --report report.html",
  ],
  args: {
    params: { type: "string", valueHint: "file", description: "strategy params (default best_strategy_params.json, else the shipped data/best_strategy_params.json)" },
    data: { type: "string", valueHint: "fold", description: "lifecycle JSONL or its .msgpack twin (the twin is preferred when fresh)", default: "tel_out/permanent_holdout.jsonl" },
    ...executionArgs,
    trades: { type: "string", valueHint: "file|-", description: "write every trade as JSONL ('-' = stdout; the table then goes to stderr)" },
    json: { type: "boolean", description: "print the summary as JSON on stdout instead of the table" },
    report: { type: "string", valueHint: "file.html", description: "write a self-contained HTML report (equity, drawdown, exit reasons)" },
  },
  epilog: `Execution knobs: flag > environment variable > .env_PROD (or --env-file) > default.
  ${EXECUTION_ENV.latencyMs.padEnd(26)} --latency-ms             (default ${DEFAULT_EXECUTION.latencyMs})
  ${EXECUTION_ENV.slippageBps.padEnd(26)} --slippage-bps           (default ${DEFAULT_EXECUTION.slippageBps})
  ${EXECUTION_ENV.buySol.padEnd(26)} --buy-sol                (default: the params' buySol)
  ${EXECUTION_ENV.priorityFeeLamports.padEnd(26)} --priority-fee-lamports  (default ${DEFAULT_EXECUTION.priorityFeeLamports})
  ${EXECUTION_ENV.tipLamports.padEnd(26)} --tip-lamports           (default ${DEFAULT_EXECUTION.tipLamports})
  ${EXECUTION_ENV.maxSellRetries.padEnd(26)} --max-sell-retries       (default ${DEFAULT_EXECUTION.maxSellRetries})
Latency: a decision at the close of second t fills at the close of second t + ceil(latency/1000).
A buy beyond the slippage tolerance is a missed entry; a sell retries the next second, then fills.
Failures (exit 1): a missing or invalid params file, data file or env file — each names the file.`,
  async run(a) {
    if (a.json && a.trades === "-") throw new UsageError("--json and --trades - both write stdout; send the trades to a file");
    const result = runBacktest({ ...a, recordTrades: a.trades !== undefined || a.report !== undefined });
    const s = result.summary;

    if (a.trades !== undefined) {
      const out = openOutput(a.trades);
      try {
        let n = 0;
        for (const t of result.trades) {
          out.write(tradeToJsonLine(t));
          if (++n % 4096 === 0) await out.flush();
        }
        await out.end();
      } catch (err) {
        out.abort();
        throw err;
      }
    }
    if (a.report !== undefined) {
      writeFileAtomic(
        a.report,
        renderReport({
          title: `Ferrix backtest — ${s.fold}`,
          summary: s,
          curve: result.curve,
          trades: result.trades,
          paramsSource: result.params.source,
          params: result.params.params,
          dataPath: a.data,
          exec: result.execution.model,
          buySol: result.buySol,
        }),
      );
      process.stderr.write(`report written to ${a.report}\n`);
    }
    if (a.json) {
      process.stdout.write(
        JSON.stringify({
          params: result.params.source,
          data: a.data,
          env_file: result.envFile,
          execution: { ...result.execution.model, buySol: result.buySol },
          warnings: result.params.warnings,
          summary: summaryToJSON(s),
        }) + "\n",
      );
    } else {
      const text = formatSummaryTable(s, {
        paramsSource: result.params.source,
        dataPath: a.data,
        exec: result.execution.model,
        buySol: result.buySol,
        elapsedMs: result.elapsedMs,
      });
      (a.trades === "-" ? process.stderr : process.stdout).write(text);
    }
    return 0;
  },
});

if (import.meta.main) await main(tool);
