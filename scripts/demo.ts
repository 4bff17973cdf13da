#!/usr/bin/env bun
/**
 * The demo behind `npm run demo`: the whole Ferrix flow on the embedded seeded market, with the
 * compiled binaries in bin/ (run `bun scripts/build.ts` first; falls back to sources).
 *
 *   1. generate a seeded PumpSwap market           → out/demo/telemetry.jsonl
 *   2. telemetry_tool: ground-truth lifecycles     → out/demo/tel_out/ground_truth_analysis.jsonl
 *   3. walk_forward_split: holdout + WF rounds     → out/demo/tel_out/*.jsonl (+ .msgpack twins)
 *   4. backtest_logic: the shipped champion on the holdout
 *   5. optimize_params: a short search, and whether its winner is promoted and why
 *   6. run_deep_evolution.ts --once: one whole generation, and what changed in the champion
 *   7. ferrix autobuysell: a short paper-trading session on the local chain simulator
 *
 * Flags: --days N (default 6), --seed N (default 42), --out-dir DIR (default out/demo), --keep.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "../lib/cli/args";
import { style } from "../lib/cli/term";
import { bunPath, repoRoot, toolCommand } from "../lib/util/tools";
import { runLiveDemo } from "./demo_live";

const args = parseArgs(process.argv.slice(2), {
  days: { type: "number", description: "days of market", default: 6, min: 1 },
  seed: { type: "number", description: "seed", default: 42, integer: true },
  outDir: { type: "string", description: "output directory", default: join(repoRoot, "out", "demo") },
  keep: { type: "boolean", description: "keep earlier outputs" },
});

const dir = args.outDir;
const telOut = join(dir, "tel_out");
if (!args.keep && existsSync(dir)) rmSync(dir, { recursive: true, force: true });
mkdirSync(telOut, { recursive: true });

let stepNo = 0;
async function step(title: string, tool: string, toolArgs: string[], opts: { stdoutJson?: boolean; echo?: boolean } = {}): Promise<any> {
  stepNo++;
  const { argv, source } = toolCommand(tool);
  process.stdout.write(`\n${style.bold(`[${stepNo}] ${title}`)}\n${style.dim(`$ ${[source === "source" ? `bun ${argv[1]!.replace(repoRoot + "/", "")}` : argv[0]!.replace(repoRoot + "/", ""), ...toolArgs.map((a) => a.replace(repoRoot + "/", ""))].join(" ")}`)}\n`);
  const started = performance.now();
  const proc = Bun.spawn([...argv, ...toolArgs], { cwd: repoRoot, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  if (code !== 0) {
    process.stdout.write(out + err);
    throw new Error(`${tool} exited ${code}`);
  }
  if (opts.echo) process.stdout.write(out);
  const shownErr = err.trim();
  if (shownErr && !opts.echo) process.stdout.write(shownErr.split("\n").map((l) => "  " + l).join("\n") + "\n");
  process.stdout.write(style.dim(`  (${secs}s)\n`));
  return opts.stdoutJson ? JSON.parse(out) : out;
}

const started = performance.now();
const telemetry = join(dir, "telemetry.jsonl");
await step(`Generate ${args.days} days of a seeded PumpSwap market (seed ${args.seed})`, "gen_telemetry", [
  "--days", String(args.days), "--seed", String(args.seed), "--out", telemetry, "--known-wallets-out", join(dir, "known_wallets.json"),
]);
const gt = join(telOut, "ground_truth_analysis.jsonl");
await step("telemetry_tool: rebuild ground-truth lifecycles (bad lines skipped and counted)", "telemetry_tool", [telemetry, "--out", gt]);
await step("walk_forward_split: permanent holdout + sliding walk-forward rounds with embargo", "walk_forward_split", [
  gt, "--out-dir", telOut, "--min-train-trades", "10", "--test-window-trades", "150", "--embargo-trades", "20", "--n-rounds", "4", "--sliding",
]);
// FERRIX_DEMO_PARTS=backtest,optimize,evolution,live selects parts (default: all).
const parts = new Set((process.env.FERRIX_DEMO_PARTS ?? "backtest,optimize,evolution,live").split(","));
const champion = join(dir, "best_strategy_params.json");
copyFileSync(join(repoRoot, "data", "best_strategy_params.json"), champion);
if (parts.has("backtest")) {
  await step("backtest_logic: the shipped champion on the permanent holdout", "backtest_logic", [
    "--params", champion, "--data", join(telOut, "permanent_holdout.jsonl"), "--report", join(dir, "report.html"),
  ], { echo: true });
}
const SPLIT_ENV = { WF_ROUNDS: "4", TEST_WINDOW_TRADES: "150", EMBARGO_TRADES: "20", MIN_TRAIN_TRADES: "10" };
if (parts.has("optimize")) {
  await step("optimize_params: a short search (3 sweep stages × 10k samples) and the promotion gates", "optimize_params", [
    "--samples", "10000", "--use-cma", "--multi-sweep", "entry,trail,dd", "--data-dir", telOut, "--wf-rounds", "4",
    "--params", champion, "--seed", String(args.seed), "--min-entry-rate", "0.2", "--dry-run",
  ], { echo: true });
}
if (parts.has("evolution")) {
  stepNo++;
  process.stdout.write(`\n${style.bold(`[${stepNo}] run_deep_evolution.ts --once: one whole generation on the demo market`)}\n`);
  const env = {
    ...process.env, ...SPLIT_ENV, SAMPLES_NORMAL: "10000", SAMPLES_EXPLORE: "10000", SAMPLES_CHAOS: "10000", SAMPLES_HAIL_MARY: "10000",
    FORCED_CHAOS_GENS: "0", EVOLUTION_SEED: String(args.seed), GENERATION_SLEEP_SECONDS: "0", MIN_IMPROVEMENT: "0",
    FERRIX_STATE_DIR: join(dir, "state"), FERRIX_PENDING_UPDATE_FILE: join(dir, "ferrix_pending_update"), FERRIX_CV_DEGRADED_FILE: join(dir, "ferrix_cv_degraded"),
  };
  mkdirSync(join(dir, "state"), { recursive: true });
  const before = readFileSync(champion, "utf8");
  const proc = Bun.spawn([bunPath(), join(repoRoot, "run_deep_evolution.ts"), "--once", "--cwd", dir], { env, stdout: "inherit", stderr: "inherit" });
  if ((await proc.exited) !== 0) throw new Error("run_deep_evolution.ts --once failed");
  const after = readFileSync(champion, "utf8");
  process.stdout.write(after === before ? "  champion unchanged (no validated promotion this generation)\n" : `  champion replaced; journal: ${join(dir, "evolution_journal.md").replace(repoRoot + "/", "")}\n`);
}
if (parts.has("live")) {
  stepNo++;
  process.stdout.write(`\n${style.bold(`[${stepNo}] ferrix autobuysell: a paper-trading session on the local chain simulator`)}\n`);
  await runLiveDemo(join(dir, "live"));
}
process.stdout.write(`\n${style.green("demo finished")} in ${((performance.now() - started) / 1000).toFixed(1)}s — outputs in ${dir.replace(repoRoot + "/", "")}/\n`);
