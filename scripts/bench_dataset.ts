#!/usr/bin/env bun
/**
 * The standard bench dataset shared by bench:sim and bench:optimize: generator seed 42, 30 days,
 * default cadence, telemetry_tool, then walk_forward_split with the spec flags
 * (--min-train-trades 10 --test-window-trades 450 --embargo-trades 40 --n-rounds 5 --sliding),
 * into .bench/std/tel_out/. Built once; a stamp file records the recipe, so a changed recipe
 * rebuilds. The ~2.4 GB telemetry file is deleted after use (only the lifecycles are kept).
 *
 *   bun scripts/bench_dataset.ts            build if missing, print the directory
 *   bun scripts/bench_dataset.ts --force    rebuild
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot, toolCommand } from "../lib/util/tools";

export const STD_DIR = join(repoRoot, ".bench", "std");
export const STD_TEL_OUT = join(STD_DIR, "tel_out");
const RECIPE = {
  gen: ["--days", "30", "--seed", "42", "--malformed-share", "0.001", "--legacy-share", "0.02"],
  split: ["--min-train-trades", "10", "--test-window-trades", "450", "--embargo-trades", "40", "--n-rounds", "5", "--sliding"],
  v: 1,
};

async function run(tool: string, args: string[]): Promise<void> {
  const { argv } = toolCommand(tool);
  const p = Bun.spawn([...argv, ...args], { cwd: repoRoot, stdout: "inherit", stderr: "inherit" });
  if ((await p.exited) !== 0) throw new Error(`${tool} ${args.join(" ")} failed`);
}

/** Build the dataset if needed; returns the tel_out directory. */
export async function ensureStandardDataset(opts: { force?: boolean; log?: (m: string) => void } = {}): Promise<string> {
  const log = opts.log ?? ((m: string) => process.stderr.write(m + "\n"));
  const stamp = join(STD_DIR, "recipe.json");
  const want = JSON.stringify(RECIPE);
  if (!opts.force && existsSync(stamp) && readFileSync(stamp, "utf8") === want && existsSync(join(STD_TEL_OUT, "wf_round_5_test.msgpack"))) return STD_TEL_OUT;
  rmSync(STD_DIR, { recursive: true, force: true });
  mkdirSync(STD_TEL_OUT, { recursive: true });
  const telemetry = join(STD_DIR, "telemetry.jsonl");
  const started = performance.now();
  log("building the standard bench dataset (seed 42, 30 days, spec split flags) …");
  await run("gen_telemetry", [...RECIPE.gen, "--out", telemetry]);
  const gt = join(STD_TEL_OUT, "ground_truth_analysis.jsonl");
  await run("telemetry_tool", [telemetry, "--out", gt]);
  rmSync(telemetry, { force: true });
  await run("walk_forward_split", [gt, "--out-dir", STD_TEL_OUT, ...RECIPE.split]);
  writeFileSync(stamp, want);
  log(`standard bench dataset ready in ${((performance.now() - started) / 1000).toFixed(1)}s: ${STD_TEL_OUT}`);
  return STD_TEL_OUT;
}

if (import.meta.main) {
  const dir = await ensureStandardDataset({ force: process.argv.includes("--force") });
  console.log(dir);
}
