/**
 * The optimizer's data, loaded once (spec §6.1–6.3): the walk-forward TEST fold of each round
 * (wf_round_<n>_test) and permanent_holdout from a tel_out directory, binary twin preferred,
 * JSONL fallback (lib/dataset loadFoldSync), columns and features in SharedArrayBuffers for the
 * worker threads. The train windows are not loaded: the search objective is the test folds
 * (run.ts explains why), and the holdout is only read by the final check.
 *
 * Data fingerprint: sha256 over "<file stem> <sha256 of its JSONL>" lines in load order. A fold's
 * JSONL hash comes from its twin header (`source.sha256`) when the twin is the one the loader
 * uses (fresh, and mirroring the JSONL's current size), otherwise from hashing the JSONL itself.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { loadFoldSync, readTwinHeader, sha256Hex } from "../dataset/index";
import { computeFoldFeatures } from "../features/index";
import type { EvalFold } from "./evaluator";

export interface FoldSource {
  name: string;
  path: string;
  /** Which file the loader read. */
  via: "twin" | "jsonl";
  sha256: string;
  lifecycles: number;
  rows: number;
  spanDays: number;
}

export interface OptimizeData {
  dir: string;
  rounds: number;
  /** WF test folds, round 1..rounds (context indices 0..rounds−1). */
  cv: EvalFold[];
  /** permanent_holdout (context index `rounds`). */
  holdout: EvalFold;
  sources: FoldSource[];
  fingerprint: string;
  loadMs: number;
  featureMs: number;
}

/** Rounds present in a tel_out directory (wf_round_<n>_test with n = 1, 2, … contiguous). */
export function roundsIn(dir: string): number {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  const have = new Set(names);
  let n = 0;
  while (have.has(`wf_round_${n + 1}_test.jsonl`) || have.has(`wf_round_${n + 1}_test.msgpack`)) n++;
  return n;
}

const mtime = (p: string): number | null => {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return null;
  }
};

function foldSha(stem: string): { sha: string; via: "twin" | "jsonl" } {
  const jsonl = `${stem}.jsonl`;
  const twin = `${stem}.msgpack`;
  const jm = mtime(jsonl);
  const tm = mtime(twin);
  if (tm !== null) {
    try {
      const h = readTwinHeader(twin);
      if (jm === null) return { sha: h.source?.sha256 ?? `twin-xxh3:${h.data.xxh3}`, via: "twin" };
      if (h.source && tm >= jm && h.source.bytes === statSync(jsonl).size) return { sha: h.source.sha256, via: "twin" };
    } catch {
      // unusable twin: the loader falls back to the JSONL too
    }
  }
  return { sha: sha256Hex(readFileSync(jsonl)), via: "jsonl" };
}

export function loadOptimizeData(dir: string, rounds: number | undefined, warn: (m: string) => void = (m) => process.stderr.write(m + "\n")): OptimizeData {
  if (!existsSync(dir)) throw new Error(`data directory not found: ${dir} (walk_forward_split writes tel_out/)`);
  const available = roundsIn(dir);
  const want = rounds ?? available;
  if (want < 1) throw new Error(`${dir}: no walk-forward rounds (wf_round_1_test.jsonl missing; run walk_forward_split first)`);
  if (want > available) throw new Error(`${dir}: --wf-rounds ${want} but only ${available} round(s) found (wf_round_1..${available}_test)`);
  const stems = [...Array.from({ length: want }, (_, i) => `wf_round_${i + 1}_test`), "permanent_holdout"];
  const t0 = performance.now();
  const sources: FoldSource[] = [];
  const folds = stems.map((stem) => {
    const base = join(dir, stem);
    if (!existsSync(`${base}.jsonl`) && !existsSync(`${base}.msgpack`)) throw new Error(`${base}.jsonl not found (walk_forward_split writes it)`);
    const fold = loadFoldSync(`${base}.jsonl`, { shared: true, warn });
    if (fold.count === 0) throw new Error(`${base}.jsonl has no lifecycles`);
    const { sha, via } = foldSha(base);
    sources.push({ name: stem, path: `${base}.${via === "twin" ? "msgpack" : "jsonl"}`, via, sha256: sha, lifecycles: fold.count, rows: fold.rows, spanDays: fold.spanDays });
    return fold;
  });
  const loadMs = performance.now() - t0;
  const t1 = performance.now();
  const withFeatures: EvalFold[] = folds.map((fold) => ({ fold, feats: computeFoldFeatures(fold, { shared: true }) }));
  const featureMs = performance.now() - t1;
  const fingerprint = sha256Hex(new TextEncoder().encode(sources.map((s) => `${s.name} ${s.sha256}\n`).join("")));
  return { dir, rounds: want, cv: withFeatures.slice(0, want), holdout: withFeatures[want], sources, fingerprint, loadMs, featureMs };
}
