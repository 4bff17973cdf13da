/**
 * Promotion (spec §5.4): whether the run's winner replaces the champion, and the champion file.
 *
 * Gates, in this order; the first that fails is the printed reason (all are reported in --json):
 *   1. same      the winner is not the current champion (same parameter values)
 *   2. safety    the hard safety / tail-risk gates of score.ts, on the CV folds and the holdout
 *   3. improve   blended ≥ reference + --min-improvement, reference = the blended score recorded
 *                in the champion's meta (meta.scores.blended) when it has one, else the champion
 *                re-scored on this run's data
 *   4. holdout   (CV − holdout) / |CV| ≤ --max-holdout-degradation: the holdout may fall short of
 *                the CV score by at most that fraction (a larger gap is the overfitting signature)
 *   5. rescore   blended > the champion re-scored on the same data and execution model
 *                (CHAMPION_BLENDED_SCORE): a stale recorded score never lets a worse set through
 *
 * The champion file (DESIGN §2.3) is validated strictly before any work (lib/params: unknown key,
 * wrong type, out of bounds → an error naming key and file, exit 1, the file is never touched);
 * a missing file means "start from the schema defaults" and is created on promotion. Writing: the
 * file must still be byte-identical to what the run started from (else nothing is written: another
 * writer got there first); the old bytes go to `<file>.bak` (atomic), then the new champion
 * replaces the file (temp + fsync + rename), then it is read back and checked. A kill at any
 * moment leaves the old file or the new one, never a torn one.
 */
import { readFileSync } from "node:fs";
import { sha256Hex } from "../dataset/index";
import { loadParamsFile, parseParamsJson, writeParamsFile, type LoadedParams, type ParamsMeta } from "../params/index";
import { defaultVector, paramsFromVector, PARAM_COUNT } from "../params/schema";
import { writeFileAtomic } from "../util/atomic";
import type { FoldSetStats, GateConfig, GateFailure } from "./score";
import { cvSafetyFailures, holdoutSafetyFailures, type ScoreConfig } from "./score";

export interface ChampionState {
  path: string;
  /** False when the file did not exist (the schema defaults stand in). */
  exists: boolean;
  loaded: LoadedParams;
  /** sha256 of the file's bytes at the start ("absent" when missing). */
  sha256: string;
  /** meta.scores.blended when it is a finite number. */
  recordedBlended: number | null;
}

export function readChampion(path: string): ChampionState {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    if ((err as { code?: string }).code !== "ENOENT") throw new Error(`${path}: cannot read the champion (${(err as Error).message})`);
    const vector = defaultVector();
    return {
      path,
      exists: false,
      loaded: { vector, params: paramsFromVector(vector), meta: {}, warnings: [], source: `${path} (missing: schema defaults)` },
      sha256: "absent",
      recordedBlended: null,
    };
  }
  const loaded = parseParamsJson(bytes.toString("utf8"), path);
  const blended = loaded.meta.scores?.blended;
  return { path, exists: true, loaded, sha256: sha256Hex(bytes), recordedBlended: typeof blended === "number" && Number.isFinite(blended) ? blended : null };
}

export interface CandidateScores {
  vector: ArrayLike<number>;
  stake: number;
  cv: FoldSetStats;
  holdout: FoldSetStats;
  blended: number;
}

export interface PromotionConfig {
  minImprovement: number;
  maxHoldoutDegradation: number;
  gates: GateConfig;
  score: ScoreConfig;
}

export interface GateResult {
  gate: "same" | "safety" | "improve" | "holdout" | "rescore";
  passed: boolean;
  detail: string;
}

export interface PromotionDecision {
  promote: boolean;
  /** "NEW CHAMPION CONFIRMED" or the first failing gate's sentence. */
  reason: string;
  gates: GateResult[];
  safety: GateFailure[];
}

const f3 = (x: number): string => (Number.isFinite(x) ? x.toFixed(4) : String(x));

export function sameVector(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** The gates of the module doc, all evaluated. */
export function decidePromotion(
  winner: CandidateScores,
  champion: { vector: ArrayLike<number>; rescoredBlended: number; recordedBlended: number | null },
  cfg: PromotionConfig,
): PromotionDecision {
  const gates: GateResult[] = [];
  const same = sameVector(winner.vector, champion.vector);
  gates.push({ gate: "same", passed: !same, detail: same ? "the best candidate is the current champion" : "the winner differs from the champion" });

  const safety = [...cvSafetyFailures(winner.cv, winner.stake, cfg.score, cfg.gates), ...holdoutSafetyFailures(winner.holdout, winner.stake, cfg.gates)];
  gates.push({ gate: "safety", passed: safety.length === 0, detail: safety.length ? `safety gate failed: ${safety.map((s) => s.message).join("; ")}` : "safety and tail-risk gates pass" });

  const reference = champion.recordedBlended ?? champion.rescoredBlended;
  const refName = champion.recordedBlended !== null ? "the champion's recorded blended score" : "the champion's re-scored blended score";
  const improve = winner.blended >= reference + cfg.minImprovement;
  gates.push({
    gate: "improve",
    passed: improve,
    detail: `blended ${f3(winner.blended)} ${improve ? "beats" : "does not beat"} ${refName} ${f3(reference)} by --min-improvement ${cfg.minImprovement}`,
  });

  const cv = winner.cv.score;
  const hold = winner.holdout.score;
  const degradation = (cv - hold) / Math.max(Math.abs(cv), 1e-12);
  const holdoutOk = Number.isFinite(degradation) && degradation <= cfg.maxHoldoutDegradation;
  gates.push({
    gate: "holdout",
    passed: holdoutOk,
    detail: `holdout ${f3(hold)} vs CV ${f3(cv)}: degradation ${Number.isFinite(degradation) ? (100 * degradation).toFixed(1) + " %" : String(degradation)} ${holdoutOk ? "≤" : ">"} --max-holdout-degradation ${(100 * cfg.maxHoldoutDegradation).toFixed(1)} %`,
  });

  const rescore = winner.blended > champion.rescoredBlended;
  gates.push({
    gate: "rescore",
    passed: rescore,
    detail: `blended ${f3(winner.blended)} ${rescore ? ">" : "≤"} the champion re-scored on the same data ${f3(champion.rescoredBlended)}`,
  });

  const failed = gates.find((g) => !g.passed);
  return { promote: !failed, reason: failed ? failed.detail : "NEW CHAMPION CONFIRMED", gates, safety };
}

export class ChampionChangedError extends Error {
  override name = "ChampionChangedError";
}

/**
 * Replace the champion (module doc): refuse when the file changed since `expectedSha`, back up
 * the old bytes to `<path>.bak`, write the new file atomically, read it back. Returns the backup
 * path (null when there was no previous file).
 */
export function writeChampion(path: string, vector: ArrayLike<number>, meta: ParamsMeta, expectedSha: string): { backup: string | null } {
  if (vector.length !== PARAM_COUNT) throw new Error(`champion vector has ${vector.length} values, the schema has ${PARAM_COUNT}`);
  let current: Buffer | null = null;
  try {
    current = readFileSync(path);
  } catch (err) {
    if ((err as { code?: string }).code !== "ENOENT") throw err;
  }
  const sha = current ? sha256Hex(current) : "absent";
  if (sha !== expectedSha) throw new ChampionChangedError(`${path} changed during the run (another writer?); not overwriting it`);
  let backup: string | null = null;
  if (current) {
    backup = `${path}.bak`;
    writeFileAtomic(backup, current);
  }
  writeParamsFile(path, vector, meta);
  const back = loadParamsFile(path);
  if (!sameVector(back.vector, vector)) throw new Error(`${path}: the champion read back differs from what was written`);
  return { backup };
}
