/**
 * Test helpers (not used outside tests): a small seeded tel_out directory of fabricated
 * lifecycles with binary twins, and optimizer options for it.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildFold, fabricateLifecycles, sha256Hex, toJsonl, writeTwin } from "../dataset/index";
import { defaultParams, vectorFromParams, writeParamsFile, type ParamValues } from "../params/index";
import { executionModel } from "../sim/execution";
import type { OptimizeOptions } from "./run";
import { DEFAULT_GATES, DEFAULT_SCORE } from "./score";

/** wf_round_<1..rounds>_test (perFold lifecycles each) and permanent_holdout, JSONL + twins. */
export async function makeTelOut(dir: string, opts: { rounds?: number; perFold?: number; holdout?: number; seed?: number } = {}): Promise<string> {
  const rounds = opts.rounds ?? 3;
  const perFold = opts.perFold ?? 60;
  const holdout = opts.holdout ?? 40;
  mkdirSync(dir, { recursive: true });
  const all = fabricateLifecycles(rounds * perFold + holdout, { seed: opts.seed ?? 3, seconds: [120, 900], gapMs: [60_000, 300_000] });
  const parts: [string, typeof all][] = [];
  for (let r = 0; r < rounds; r++) parts.push([`wf_round_${r + 1}_test`, all.slice(r * perFold, (r + 1) * perFold)]);
  parts.push(["permanent_holdout", all.slice(rounds * perFold)]);
  for (const [stem, lcs] of parts) {
    const text = toJsonl(lcs);
    const bytes = new TextEncoder().encode(text);
    writeFileSync(join(dir, `${stem}.jsonl`), bytes);
    await writeTwin(join(dir, `${stem}.msgpack`), buildFold(lcs, stem), { bytes: bytes.length, sha256: sha256Hex(bytes) });
  }
  return dir;
}

/** A champion that trades on fabricated data (the schema defaults, a little more permissive). */
export function testChampion(overrides: Partial<ParamValues> = {}): ParamValues {
  return { ...defaultParams(), minBuyers: 20, maxPositions: 3, ...overrides };
}

export function writeTestChampion(path: string, overrides: Partial<ParamValues> = {}, meta: Record<string, unknown> = {}): void {
  writeParamsFile(path, vectorFromParams(testChampion(overrides)), meta);
}

/** Options for a quick run on makeTelOut data (quiet, no progress). */
export function testOptions(dir: string, overrides: Partial<OptimizeOptions> = {}): OptimizeOptions {
  return {
    dataDir: join(dir, "tel_out"),
    paramsPath: join(dir, "best_strategy_params.json"),
    samples: 600,
    useCma: false,
    cmaShare: 0.5,
    mode: "normal",
    hailMary: false,
    sweep: null,
    holdoutWeight: 0.6,
    minImprovement: 0,
    maxHoldoutDegradation: 100,
    score: { ...DEFAULT_SCORE },
    gates: { ...DEFAULT_GATES, minTrades: 0, minHoldoutTrades: 0, maxDrawdownStakes: 1e9, maxTailLoss: 1e9 },
    exec: executionModel(),
    seed: 1,
    topK: 8,
    threads: 1,
    batchSize: 128,
    resume: false,
    checkpointPath: join(dir, "optimize_checkpoint.json"),
    checkpointEverySec: 3600,
    sensitivityPath: join(dir, "sensitivity_cache.json"),
    write: true,
    progress: null,
    note: () => {},
    ...overrides,
  };
}
