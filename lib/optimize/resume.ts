/**
 * Checkpoints for --resume. The search is a deterministic function of (seed, configuration,
 * data, champion): batch i of stage s draws from its own RNG stream (seed, s, i), and the only
 * state carried from batch to batch is listed in `RunState` — the stage base, the stage's elite
 * (jitter centres), the global top-K, the CMA lanes, the counters and the Sharpe accumulator of
 * the deflated Sharpe ratio. A checkpoint holds exactly that, taken between two batches, so a
 * resumed run draws the same batches and ends with the same winner and scores as one that was
 * never interrupted (optimize.test.ts checks it).
 *
 * CMA-ES lanes are restored by replay: the lane's current run is restarted from its seed and
 * re-told the fitness values it was told (candidates.ts CmaLane.restore), which reproduces its
 * state exactly without serialising cma.ts internals; runs are capped at MAX_RUN_EVALS values.
 *
 * The file is JSON, written atomically (temp + fsync + rename) every --checkpoint-every seconds,
 * at the end of each stage and on SIGINT / SIGTERM, and deleted when the run completes. Float
 * arrays are stored as base64 of their little-endian bytes (exact). `fingerprint` covers every
 * input that changes the search: a checkpoint from another configuration is refused.
 */
import { readFileSync, rmSync } from "node:fs";
import { writeFileAtomic } from "../util/atomic";

export const CHECKPOINT_FORMAT = "ferrix-optimize-checkpoint";
export const CHECKPOINT_VERSION = 1;

export interface SavedCandidate {
  vec: Float64Array;
  /** CV metrics row (rounds × METRIC_COUNT). */
  metrics: Float64Array;
  order: number;
  stage: number;
}

export interface StageSummary {
  index: number;
  groups: string[];
  samples: number;
  foldEvals: number;
  seconds: number;
  bestScore: number | null;
  bestSafe: boolean;
}

export interface RunState {
  stageIndex: number;
  batchIndex: number;
  stageSamples: number;
  stageBase: Float64Array;
  elite: SavedCandidate[];
  top: SavedCandidate[];
  lanes: { restart: number; popSize: number; log: Float64Array }[];
  counters: { samples: number; evaluated: number; foldEvals: number; duplicates: number };
  sharpe: { n: number; mean: number; m2: number };
  stages: StageSummary[];
  elapsedSec: number;
}

export interface CheckpointFile {
  format: typeof CHECKPOINT_FORMAT;
  version: typeof CHECKPOINT_VERSION;
  fingerprint: string;
  /** The run's seed (so `--resume` without `--seed` continues with it). */
  seed: number;
  updated_at: string;
  state: unknown;
}

export const f64ToB64 = (a: Float64Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");
export function b64ToF64(s: string): Float64Array {
  const b = Buffer.from(s, "base64");
  if (b.byteLength % 8 !== 0) throw new Error("corrupt float array in checkpoint");
  const out = new Float64Array(b.byteLength / 8);
  new Uint8Array(out.buffer).set(b);
  return out;
}

const encodeCandidate = (c: SavedCandidate) => ({ vec: f64ToB64(c.vec), metrics: f64ToB64(c.metrics), order: c.order, stage: c.stage });
const decodeCandidate = (c: { vec: string; metrics: string; order: number; stage: number }): SavedCandidate => ({
  vec: b64ToF64(c.vec),
  metrics: b64ToF64(c.metrics),
  order: c.order,
  stage: c.stage,
});

export function saveCheckpoint(path: string, fingerprint: string, s: RunState, seed: number): void {
  const nonFinite = (x: number) => (Number.isFinite(x) ? x : null);
  const doc: CheckpointFile = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    fingerprint,
    seed,
    updated_at: new Date().toISOString(),
    state: {
      stageIndex: s.stageIndex,
      batchIndex: s.batchIndex,
      stageSamples: s.stageSamples,
      stageBase: f64ToB64(s.stageBase),
      elite: s.elite.map(encodeCandidate),
      top: s.top.map(encodeCandidate),
      lanes: s.lanes.map((l) => ({ restart: l.restart, popSize: l.popSize, log: f64ToB64(l.log) })),
      counters: s.counters,
      sharpe: { n: s.sharpe.n, mean: f64ToB64(Float64Array.of(s.sharpe.mean)), m2: f64ToB64(Float64Array.of(s.sharpe.m2)) },
      stages: s.stages.map((x) => ({ ...x, bestScore: x.bestScore === null ? null : nonFinite(x.bestScore) })),
      elapsedSec: s.elapsedSec,
    },
  };
  writeFileAtomic(path, JSON.stringify(doc) + "\n");
}

export class CheckpointMismatch extends Error {
  override name = "CheckpointMismatch";
}

/** Read a checkpoint; null when the file does not exist. Throws on a corrupt or foreign file. */
export function loadCheckpoint(path: string, fingerprint: string): RunState | null {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if ((err as { code?: string }).code === "ENOENT") return null;
    throw err;
  }
  let doc: CheckpointFile;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path}: corrupt checkpoint (${(err as Error).message}); delete it to start afresh`);
  }
  if (doc.format !== CHECKPOINT_FORMAT || doc.version !== CHECKPOINT_VERSION) throw new Error(`${path}: not an optimize_params checkpoint (format ${String(doc.format)} v${String(doc.version)})`);
  if (doc.fingerprint !== fingerprint)
    throw new CheckpointMismatch(
      `${path} belongs to a different run (data, champion, seed or search flags changed): resume it with the same flags and data, or delete it / drop --resume`,
    );
  const s = doc.state as Record<string, any>;
  return {
    stageIndex: s.stageIndex,
    batchIndex: s.batchIndex,
    stageSamples: s.stageSamples,
    stageBase: b64ToF64(s.stageBase),
    elite: s.elite.map(decodeCandidate),
    top: s.top.map(decodeCandidate),
    lanes: s.lanes.map((l: { restart: number; popSize: number; log: string }) => ({ restart: l.restart, popSize: l.popSize, log: b64ToF64(l.log) })),
    counters: s.counters,
    sharpe: { n: s.sharpe.n, mean: b64ToF64(s.sharpe.mean)[0], m2: b64ToF64(s.sharpe.m2)[0] },
    stages: s.stages,
    elapsedSec: s.elapsedSec,
  };
}

/** The seed recorded in a checkpoint, or null (no file, unreadable). */
export function checkpointSeed(path: string): number | null {
  try {
    const doc = JSON.parse(readFileSync(path, "utf8")) as Partial<CheckpointFile>;
    return doc.format === CHECKPOINT_FORMAT && Number.isInteger(doc.seed) ? (doc.seed as number) : null;
  } catch {
    return null;
  }
}

export function removeCheckpoint(path: string): void {
  rmSync(path, { force: true });
}
