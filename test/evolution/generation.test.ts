/**
 * One real generation of run_deep_evolution.ts on a small seeded market with a tiny budget,
 * running every compiled binary (telemetry_tool, walk_forward_split, optimize_params,
 * backtest_logic): it either promotes (archive, journal and pending flag appear, the champion is
 * replaced whole) or does not (nothing changes); a failed validation restores the backup.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bunPath, repoRoot } from "../../lib/util/tools";
import { ensureBuilt } from "../support/build";

const TOOLS = ["telemetry_tool", "walk_forward_split", "optimize_params", "backtest_logic"];
let base: string;
let telemetry: string;

/** A weak champion the tiny search beats: its entry filter is so strict that it never trades. */
const weakChampion = () => {
  const doc = JSON.parse(readFileSync(join(repoRoot, "data/best_strategy_params.json"), "utf8"));
  Object.assign(doc.params, { minBuyers: 500 });
  doc.meta = { note: "test: weak champion" };
  return JSON.stringify(doc, null, 2) + "\n";
};

beforeAll(async () => {
  await ensureBuilt(...TOOLS);
  base = mkdtempSync(join(tmpdir(), "ferrix-evo-gen-"));
  telemetry = join(base, "telemetry.jsonl");
  const gen = Bun.spawn([bunPath(), join(repoRoot, "scripts/gen_telemetry.ts"), "--days", "3", "--seed", "5", "--out", telemetry], { stderr: "inherit" });
  expect(await gen.exited).toBe(0);
  return () => rmSync(base, { recursive: true, force: true });
}, 120_000);

function workdir(name: string) {
  const dir = join(base, name);
  mkdirSync(dir, { recursive: true });
  copyFileSync(telemetry, join(dir, "telemetry.jsonl"));
  writeFileSync(join(dir, "best_strategy_params.json"), weakChampion());
  // Binaries are found in the repo's bin/ (the loop looks in the working dir first, as the spec's ./optimize_params).
  return dir;
}

async function generation(dir: string, env: Record<string, string>) {
  const fullEnv: Record<string, string> = {
    ...(process.env as Record<string, string>),
    WF_ROUNDS: "2", TEST_WINDOW_TRADES: "100", EMBARGO_TRADES: "5", MIN_TRAIN_TRADES: "10",
    SAMPLES_NORMAL: "3000", SAMPLES_EXPLORE: "3000", SAMPLES_CHAOS: "3000", SAMPLES_HAIL_MARY: "3000", TARGET_TRADES_PER_DAY: "30",
    FORCED_CHAOS_GENS: "0", EVOLUTION_SEED: "3", FERRIX_THREADS: "2", GENERATION_SLEEP_SECONDS: "0",
    FERRIX_STATE_DIR: join(dir, "state"), FERRIX_PENDING_UPDATE_FILE: join(dir, "pending_update"),
    FERRIX_CV_DEGRADED_FILE: join(dir, "cv_degraded"),
    MIN_IMPROVEMENT: "0", MAX_HOLDOUT_DEGRADATION: "1000000",
    ...env,
  };
  mkdirSync(join(dir, "state"), { recursive: true });
  const p = Bun.spawn([bunPath(), join(repoRoot, "run_deep_evolution.ts"), "--once", "--cwd", dir, "--json"], { env: fullEnv, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { code, out, err, result: out.trim() ? JSON.parse(out.trim().split("\n").pop()!) : null };
}

describe("run_deep_evolution.ts --once", () => {
  test("promotes: champion replaced atomically, archive, journal and pending flag appear", async () => {
    const dir = workdir("promote");
    const before = readFileSync(join(dir, "best_strategy_params.json"), "utf8");
    const r = await generation(dir, {});
    if (r.code !== 0 || !r.result?.accepted) console.error(r.err);
    expect(r.code).toBe(0);
    expect(r.err).toContain("$ telemetry_tool");
    expect(r.err).toContain("$ optimize_params");
    expect(r.result.promoted).toBe(true);
    expect(r.result.accepted).toBe(true);
    const after = readFileSync(join(dir, "best_strategy_params.json"), "utf8");
    expect(after).not.toBe(before);
    const champ = JSON.parse(after);
    expect(champ.version).toBe(1);
    expect(readFileSync(join(dir, "best_strategy_params.json.bak"), "utf8")).toBe(before);
    expect(existsSync(join(dir, "pending_update"))).toBe(true);
    const archives = readdirSync(join(dir, "deep_evo_archives"));
    expect(archives.length).toBe(1);
    expect(archives[0]).toMatch(/_DATADRIVEN$/);
    expect(readFileSync(join(dir, "deep_evo_archives", archives[0]!, "best_strategy_params.json"), "utf8")).toBe(after);
    const journal = readFileSync(join(dir, "evolution_journal.md"), "utf8");
    expect(journal).toContain("generation 1");
    expect(journal).toMatch(/\n  \w+\s+\S+ → \S+\n/);
    expect(JSON.parse(readFileSync(join(dir, "state/ferrix_evo_state.json"), "utf8"))).toEqual({ generation: 1, stagnation: 0 });
    expect(existsSync(join(dir, "state/ferrix_dynamic_rate.json"))).toBe(true);
  }, 180_000);

  test("does not promote: nothing changes", async () => {
    const dir = workdir("no-promote");
    const before = readFileSync(join(dir, "best_strategy_params.json"), "utf8");
    const r = await generation(dir, { MIN_IMPROVEMENT: "1000000" });
    expect(r.code).toBe(0);
    expect(r.result.promoted).toBe(false);
    expect(readFileSync(join(dir, "best_strategy_params.json"), "utf8")).toBe(before);
    expect(existsSync(join(dir, "pending_update"))).toBe(false);
    expect(existsSync(join(dir, "deep_evo_archives"))).toBe(false);
    expect(existsSync(join(dir, "evolution_journal.md"))).toBe(false);
    expect(JSON.parse(readFileSync(join(dir, "state/ferrix_evo_state.json"), "utf8"))).toEqual({ generation: 1, stagnation: 1 });
  }, 180_000);

  test("a failed validation restores the backup", async () => {
    const dir = workdir("restore");
    const before = readFileSync(join(dir, "best_strategy_params.json"), "utf8");
    const r = await generation(dir, { VALIDATION_MIN_TRADES: "1000000" });
    expect(r.code).toBe(0);
    expect(r.result.promoted).toBe(true);
    expect(r.result.accepted).toBe(false);
    expect(r.result.validation.ok).toBe(false);
    expect(r.err).toContain("champion restored from backup");
    expect(readFileSync(join(dir, "best_strategy_params.json"), "utf8")).toBe(before);
    expect(existsSync(join(dir, "pending_update"))).toBe(false);
  }, 180_000);

  test("a second loop on the same champion is refused", async () => {
    const dir = workdir("locked");
    writeFileSync(join(dir, "best_strategy_params.json.evolution.lock"), `${process.pid}\n`);
    const r = await generation(dir, {});
    expect(r.code).toBe(1);
    expect(r.err).toContain("another evolution loop is working on this champion");
  }, 60_000);
});
