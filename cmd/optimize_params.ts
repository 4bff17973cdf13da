/** optimize_params: evolutionary search over the strategy parameters, walk-forward CV + holdout, guarded champion promotion. */
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { defineTool, main, UsageError } from "../lib/cli";
import { formatCount, style } from "../lib/cli/term";
import { MODES, type Mode } from "../lib/optimize/candidates";
import { createOptimizeProgress } from "../lib/optimize/progress";
import { checkpointSeed } from "../lib/optimize/resume";
import { runOptimization, type OptimizeResult } from "../lib/optimize/run";
import { DEFAULT_GATES, DEFAULT_SCORE } from "../lib/optimize/score";
import { PARAM_GROUPS, type ParamGroup } from "../lib/params/schema";
import { DEFAULT_EXECUTION, EXECUTION_ENV, executionArgs, loadExecutionModel } from "../lib/sim/execution";

const SPEC_CALL =
  "optimize_params --samples 1500000 --use-cma --mode chaos --multi-sweep entry,trail,dd --wf-rounds 5 --holdout-weight 0.60 --min-entry-rate 0.3 --latency-ms 300 --slippage-bps 300 --buy-sol 0.5 --data-dir tel_out --params best_strategy_params.json --seed 7 --json";

export const tool = defineTool({
  name: "optimize_params",
  description: "evolve strategy parameters on walk-forward test folds; promote a champion only when it beats the current one out of sample and passes the safety gates",
  usage: "[options]",
  examples: [
    SPEC_CALL,
    "optimize_params --samples 20000 --data-dir out/demo/tel_out --wf-rounds 4 --params out/demo/best_strategy_params.json --seed 1",
    "optimize_params --samples 200000 --multi-sweep trail,dd,churn --mode explore --threads 2 --dry-run",
    "optimize_params --resume --samples 1500000 --use-cma --mode chaos --multi-sweep entry,trail,dd --seed 7   # after Ctrl-C",
    "optimize_params --samples 300000 --multi-sweep entry,trail,panic --hail-mary --json | tail -n 1 | jq .status",
  ],
  args: {
    dataDir: { type: "string", valueHint: "dir", default: "tel_out", description: "walk_forward_split output: wf_round_<n>_test and permanent_holdout (.msgpack twins preferred)" },
    wfRounds: { type: "number", integer: true, min: 1, max: 100, valueHint: "n", description: "walk-forward rounds to score on (default: every round in --data-dir)" },
    params: { type: "string", valueHint: "file", default: "best_strategy_params.json", description: "the champion: read (strictly validated), re-scored, replaced on promotion (old copy kept as <file>.bak)" },
    samples: { type: "number", integer: true, min: 1, max: 10_000_000, default: 100_000, valueHint: "n", description: "candidates per sweep stage (each is scored on every WF test fold)" },
    useCma: { type: "boolean", description: "draw part of every batch from CMA-ES lanes (bounded, IPOP restarts)" },
    cmaShare: { type: "number", min: 0.05, max: 1, default: 0.5, valueHint: "0..1", description: "share of each batch the CMA-ES lanes aim for, with --use-cma" },
    mode: { type: "enum", options: MODES, default: "normal", description: "exploration: jitter scale 1× / 2× / 4× and uniform share 10 % / 30 % / 60 %" },
    multiSweep: { type: "string", valueHint: "g1,g2,…", description: `one stage per group, the rest fixed at the best so far; groups: ${PARAM_GROUPS.join(", ")}` },
    hailMary: { type: "boolean", description: "triple the jitter widths of the entry and trail groups (the evolution loop's fallback when stuck)" },
    holdoutWeight: { type: "number", min: 0, max: 1, default: 0.6, valueHint: "w", description: "blended = (1 − w)·CV + w·holdout" },
    minImprovement: { type: "number", min: 0, default: 0.01, valueHint: "score", description: "blended must beat the champion's recorded blended score by this (stakes/day)" },
    maxHoldoutDegradation: { type: "number", min: 0, default: 0.5, valueHint: "frac", description: "largest allowed (CV − holdout)/|CV| for promotion" },
    minEntryRate: { type: "number", min: 0, max: 1, default: DEFAULT_SCORE.minEntryRate, valueHint: "rate", description: "share of migrations to enter: penalised below it in the score, a hard gate on CV" },
    ddPenalty: { type: "number", min: 0, default: DEFAULT_SCORE.ddPenalty, valueHint: "α", description: "score weight of the max drawdown (stakes)" },
    tailPenalty: { type: "number", min: 0, default: DEFAULT_SCORE.tailPenalty, valueHint: "β", description: "score weight of the loss of the worst 5 % of trades (stakes)" },
    ratePenalty: { type: "number", min: 0, default: DEFAULT_SCORE.ratePenalty, valueHint: "γ", description: "score cost per entry missing below --min-entry-rate (stakes)" },
    minTrades: { type: "number", integer: true, min: 0, default: DEFAULT_GATES.minTrades, valueHint: "n", description: "safety gate: fewest trades over the CV folds" },
    minHoldoutTrades: { type: "number", integer: true, min: 0, default: DEFAULT_GATES.minHoldoutTrades, valueHint: "n", description: "safety gate: fewest trades on the holdout" },
    maxDrawdownStakes: { type: "number", min: 0, default: DEFAULT_GATES.maxDrawdownStakes, valueHint: "stakes", description: "safety gate: largest max drawdown on any fold, in stakes" },
    maxTailLoss: { type: "number", min: 0, default: DEFAULT_GATES.maxTailLoss, valueHint: "stakes", description: "safety gate: CVaR5 per trade on any fold must be ≥ −this (stakes)" },
    ...executionArgs,
    seed: { type: "number", integer: true, min: 0, max: 4294967295, valueHint: "n", description: "seed: the same seed and flags reproduce a run (any thread count); default random, printed" },
    topK: { type: "number", integer: true, min: 2, max: 1000, default: 20, valueHint: "k", description: "finalists kept (bounded memory) and checked on the holdout" },
    threads: { type: "number", integer: true, min: 1, max: 1024, env: "FERRIX_THREADS", valueHint: "n", description: `worker threads (default: all ${availableParallelism()} cores; 1 = no workers)` },
    batchSize: { type: "number", integer: true, min: 16, max: 65536, default: 1024, valueHint: "n", description: "candidates per batch (part of the search: changes results)" },
    resume: { type: "boolean", description: "continue the interrupted run recorded in --checkpoint (same flags and data); a fresh run when there is none" },
    checkpoint: { type: "string", valueHint: "file", description: "checkpoint file (default: optimize_checkpoint.json beside --params)" },
    checkpointEvery: { type: "number", min: 1, default: 30, valueHint: "s", description: "seconds between checkpoints (also written per stage and on SIGINT/SIGTERM)" },
    sensitivityCache: { type: "string", valueHint: "file", description: "per-parameter jitter widths, updated after each run (default: sensitivity_cache.json beside --params)" },
    dryRun: { type: "boolean", description: "never write the champion (scores and gates are still reported)" },
    json: { type: "boolean", description: "print one JSON summary as the last line of stdout (the report goes to stderr)" },
    progressEvery: { type: "number", min: 0.5, default: 5, valueHint: "s", description: "seconds between progress lines when stderr is not a terminal" },
  },
  epilog: `Output (stdout), stable for scripts — one per line, numbers in stakes per day (a stake = SOL per entry):
  CV_SCORE <number>                mean fold score over the WF test folds (the search objective)
  HOLDOUT_SCORE <number>           the winner on permanent_holdout (never seen by the search)
  BLENDED_SCORE <number>           (1 − w)·CV + w·holdout, w = --holdout-weight
  CHAMPION_BLENDED_SCORE <number>  the current champion re-scored on the same data and execution
  NEW CHAMPION CONFIRMED           the winner passed every gate and was written, or
  NO PROMOTION: <reason>           the first gate that failed (or the interruption / dry run)
With --json these lines are replaced by one JSON object (the last stdout line) with the fields
cv_score, holdout_score, blended_score, champion_blended_score, promoted, status (the marker line
above), reason, gates, winner, champion, finalists, overfitting, run, files.

Fold score = (pnl − α·maxDD − β·tail loss − γ·missing entries) / days, all in stakes.
Promotion gates, in order: not the champion itself; safety (trades, entry rate, drawdown, CVaR5,
CV profit); blended ≥ recorded champion blended + --min-improvement; holdout degradation ≤
--max-holdout-degradation; blended > CHAMPION_BLENDED_SCORE.

Search: --samples candidates per stage; with --multi-sweep one stage per group (the spec's call:
3 stages × 5 rounds × 1.5 M samples = 22.5 M fold evaluations). Progress on stderr (a bar on a
terminal, a line every --progress-every seconds otherwise). SIGINT/SIGTERM: stop at the next
batch, write the checkpoint, report the best so far without promoting (exit 130); --resume goes on.

Execution knobs are backtest_logic's: flag > environment > .env_PROD (or --env-file) > default:
  ${EXECUTION_ENV.latencyMs.padEnd(26)} --latency-ms (default ${DEFAULT_EXECUTION.latencyMs})     ${EXECUTION_ENV.slippageBps} --slippage-bps (default ${DEFAULT_EXECUTION.slippageBps})
  ${EXECUTION_ENV.buySol.padEnd(26)} --buy-sol (default: the params' buySol, which is then searched)
  ${EXECUTION_ENV.priorityFeeLamports}, ${EXECUTION_ENV.tipLamports}, ${EXECUTION_ENV.maxSellRetries}
Environment: FERRIX_THREADS (--threads). Exit codes: 0 done (promoted or not), 1 error (e.g. an invalid
champion file: the message names the file and key; the file is left untouched), 2 bad usage,
130 interrupted.`,
  async run(a) {
    const sweep = parseSweep(a.multiSweep);
    const paramsDir = dirname(a.params) || ".";
    const checkpointPath = a.checkpoint ?? join(paramsDir, "optimize_checkpoint.json");
    let seed = a.seed;
    if (seed === undefined && a.resume) seed = checkpointSeed(checkpointPath) ?? undefined;
    if (seed === undefined) seed = crypto.getRandomValues(new Uint32Array(1))[0];
    const threads = a.threads ?? availableParallelism();
    const execution = loadExecutionModel(a);
    const out = a.json ? process.stderr : process.stdout;
    const say = (m: string) => void out.write(m + "\n");
    const note = (m: string) => void process.stderr.write(m + "\n");

    const signal = { stop: false };
    let signals = 0;
    const onSignal = (name: string) => {
      signals++;
      if (signals > 1) {
        note(`optimize_params: second ${name}: exiting now (the last checkpoint stands)`);
        process.exit(130);
      }
      signal.stop = true;
      note(`\noptimize_params: ${name}: stopping after the current batch (checkpoint → ${checkpointPath}); ${name} again to exit at once`);
    };
    const sigint = () => onSignal("SIGINT");
    const sigterm = () => onSignal("SIGTERM");
    process.on("SIGINT", sigint);
    process.on("SIGTERM", sigterm);

    const stages = sweep ? sweep.length : 1;
    say(
      `${style.bold("optimize_params")}: ${stages} stage(s) × ${formatCount(a.samples)} samples${sweep ? ` [${sweep.join(" → ")}]` : " [all groups]"}, mode ${a.mode}${a.useCma ? ", CMA-ES" : ""}${a.hailMary ? ", hail mary" : ""}, seed ${seed}, ${threads} thread(s)`,
    );
    if (execution.envFile) note(`execution knobs from ${execution.envFile} where no flag or environment variable set them`);
    let result: OptimizeResult;
    try {
      result = await runOptimization({
        dataDir: a.dataDir,
        rounds: a.wfRounds,
        paramsPath: a.params,
        samples: a.samples,
        useCma: a.useCma,
        cmaShare: a.cmaShare,
        mode: a.mode as Mode,
        hailMary: a.hailMary,
        sweep,
        holdoutWeight: a.holdoutWeight,
        minImprovement: a.minImprovement,
        maxHoldoutDegradation: a.maxHoldoutDegradation,
        score: { minEntryRate: a.minEntryRate, ddPenalty: a.ddPenalty, tailPenalty: a.tailPenalty, ratePenalty: a.ratePenalty },
        gates: { minTrades: a.minTrades, minHoldoutTrades: a.minHoldoutTrades, maxDrawdownStakes: a.maxDrawdownStakes, maxTailLoss: a.maxTailLoss },
        exec: execution.model,
        seed,
        topK: a.topK,
        threads,
        batchSize: a.batchSize,
        resume: a.resume,
        checkpointPath,
        checkpointEverySec: a.checkpointEvery,
        sensitivityPath: a.sensitivityCache ?? join(paramsDir, "sensitivity_cache.json"),
        write: !a.dryRun,
        note,
        signal,
        progress: createOptimizeProgress({ everyMs: a.progressEvery * 1000 }),
      });
    } finally {
      process.off("SIGINT", sigint);
      process.off("SIGTERM", sigterm);
    }
    for (const line of humanReport(result, a.holdoutWeight)) say(line);
    if (a.json) process.stdout.write(JSON.stringify(jsonSummary(result, seed)) + "\n");
    else {
      process.stdout.write(`CV_SCORE ${num(result.winner.cv)}\n`);
      process.stdout.write(`HOLDOUT_SCORE ${num(result.winner.holdout)}\n`);
      process.stdout.write(`BLENDED_SCORE ${num(result.winner.blended)}\n`);
      process.stdout.write(`CHAMPION_BLENDED_SCORE ${num(result.champion.blended)}\n`);
      process.stdout.write(`${result.status}\n`);
    }
    return result.interrupted ? 130 : 0;
  },
});

function parseSweep(text: string | undefined): ParamGroup[] | null {
  if (text === undefined) return null;
  const groups = text.split(",").map((g) => g.trim()).filter(Boolean);
  if (groups.length === 0) throw new UsageError("--multi-sweep needs at least one group");
  for (const g of groups) if (!(PARAM_GROUPS as readonly string[]).includes(g)) throw new UsageError(`--multi-sweep: unknown group '${g}' (groups: ${PARAM_GROUPS.join(", ")})`);
  return groups as ParamGroup[];
}

const num = (x: number): string => (Number.isFinite(x) ? String(Number(x.toFixed(6))) : String(x));
const f4 = (x: number | null | undefined): string => (x === null || x === undefined ? "-" : Number.isFinite(x) ? x.toFixed(4) : String(x));

function humanReport(r: OptimizeResult, w: number): string[] {
  const L: string[] = [];
  const run = r.run;
  const reuse = run.reuse.full + run.reuse.memo + run.reuse.split;
  const pct = (x: number) => (reuse > 0 ? `${((100 * x) / reuse).toFixed(0)}%` : "-");
  L.push(
    `search: ${formatCount(run.samples)} samples (${formatCount(run.duplicates)} duplicates reused), ${formatCount(run.foldEvals)} fold evaluations; ` +
      `${formatCount(run.foldEvalsPerSec)} fold-evals/s over ${run.searchSeconds.toFixed(1)} s on ${run.threads} thread(s) (${run.evaluator}); ` +
      `work reuse: memo ${pct(run.reuse.memo)}, split ${pct(run.reuse.split)}, full ${pct(run.reuse.full)}`,
  );
  if (run.resumedFrom) L.push(`resumed at stage ${run.resumedFrom.stage + 1}, batch ${run.resumedFrom.batch}`);
  for (const s of run.stages) L.push(`  stage ${s.index + 1} [${s.groups.join(",")}]: ${formatCount(s.samples)} samples, best CV ${f4(s.bestScore)}${s.bestSafe ? "" : " (fails a safety gate)"}`);
  const win = r.winner;
  L.push(
    `winner: CV ${f4(win.cv)} (folds ${win.cvFoldScores.map((x) => x.toFixed(3)).join(" ")}), holdout ${f4(win.holdout)}, blended ${f4(win.blended)} (holdout weight ${w}); ` +
      `${win.cvTrades} CV trades, entry rate ${win.cvEntryRate.toFixed(3)}, CV PnL ${win.cvPnlSol.toFixed(3)} SOL, holdout ${win.holdoutTrades} trades ${win.holdoutPnlSol.toFixed(3)} SOL`,
  );
  const ch = r.champion;
  L.push(`champion (${ch.source}) re-scored: CV ${f4(ch.cv)}, holdout ${f4(ch.holdout)}, blended ${f4(ch.blended)}; recorded blended ${f4(ch.recordedBlended)}`);
  L.push("gates: " + r.decision.gates.map((g) => `${g.passed ? "✓" : "✗"} ${g.gate}`).join("  "));
  for (const g of r.decision.gates) if (!g.passed) L.push(`  ${g.gate}: ${g.detail}`);
  const o = r.overfitting;
  const d = o.foldDispersion;
  L.push(`overfitting: fold scores mean ${f4(d.mean)} sd ${f4(d.std)} min ${f4(d.min)} max ${f4(d.max)}, ${(100 * d.positiveShare).toFixed(0)}% positive`);
  L.push(
    `  per-trade Sharpe ${f4(o.sharpe.sharpe)} over ${o.sharpe.trades} trades: PSR(0) ${f4(o.sharpe.psr0)}, deflated Sharpe ${f4(o.sharpe.dsr)} ` +
      `(N ${formatCount(o.sharpe.trials)} trials, V[SR] ${o.sharpe.sharpeVariance.toExponential(2)}, SR₀ ${f4(o.sharpe.expectedMaxSharpe)})`,
  );
  L.push(
    `  PBO ${f4(o.pbo.pbo)} over ${o.pbo.finalists} finalists (CSCV, ${o.pbo.rows} rows), OOS/IS slope ${f4(o.pbo.oosVsIsSlope)}, CV~holdout rank correlation ${f4(o.pbo.cvHoldoutRankCorrelation)}${o.pbo.note ? ` (${o.pbo.note})` : ""}`,
  );
  if (r.files.written) L.push(`champion written: ${r.files.champion}${r.files.backup ? ` (previous kept as ${r.files.backup})` : ""}`);
  if (r.files.checkpoint) L.push(`checkpoint: ${r.files.checkpoint} (continue with --resume)`);
  L.push(r.promoted ? style.green("→ promoted: every gate passed") : `→ not promoted: ${r.reason}`);
  return L;
}

function jsonSummary(r: OptimizeResult, seed: number) {
  const fin = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? null : x);
  return {
    cv_score: fin(r.winner.cv),
    holdout_score: fin(r.winner.holdout),
    blended_score: fin(r.winner.blended),
    champion_blended_score: fin(r.champion.blended),
    promoted: r.promoted,
    status: r.status,
    reason: r.reason,
    interrupted: r.interrupted,
    seed,
    gates: r.decision.gates,
    winner: r.winner,
    champion: r.champion,
    finalists: r.finalists.slice(0, 20),
    overfitting: {
      fold_scores: r.overfitting.foldDispersion,
      sharpe: { ...r.overfitting.sharpe, dsr: fin(r.overfitting.sharpe.dsr), psr0: fin(r.overfitting.sharpe.psr0) },
      pbo: r.overfitting.pbo,
    },
    run: r.run,
    files: r.files,
    warnings: r.warnings,
  };
}

if (import.meta.main) await main(tool);
