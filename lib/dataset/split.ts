/**
 * walk_forward_split's logic (spec §4.2): chronological holdout, then purged walk-forward rounds
 * with an embargo, written as JSONL (the input's own lines, byte for byte) plus binary twins.
 *
 * Let the input hold N lifecycles sorted by (slot, mint), indices 0..N-1.
 *
 *   holdout   H = max(1, ⌊N · holdout_share⌋), widened while the record just before it has the
 *             same slot as its first one, so the holdout is strictly newer (by slot) than
 *             everything else. permanent_holdout = [N−H, N); train_set = [0, T), T = N − H.
 *
 *   rounds    r = 1..R oldest first (R = n_rounds, W = test_window_trades, E = embargo_trades,
 *             M = min_train_trades), indices into the train set (= the input's):
 *               test_r     = [T − (R−r+1)·W,  T − (R−r)·W)        consecutive, the last ends at T
 *               embargo_r  = [test_r.from − E, test_r.from)        in neither train nor test
 *               window_r   = [0, test_r.from − E)                  expanding (default)
 *                          = [test_r.from − E − L, test_r.from − E) sliding, L = T − R·W − E
 *             (L is the longest window every round can have: round 1's starts at record 0.)
 *   purge     a lifecycle spans [ts, ts + n·1000) ms (migration to its last second). Any record
 *             of window_r whose span reaches past the test window's first migration
 *             (ts + n·1000 > min ts over test_r) is dropped from train_r and counted as purged.
 *   enough    T ≥ R·W + E + M (so round 1's window holds M), and every train_r after purging
 *             still holds ≥ M; otherwise InsufficientDataError (exit 1).
 */
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { isStdio, openOutput } from "../cli/io";
import { foldFromJsonlBytes, readJsonlBytes, type SourceLines } from "./jsonl";
import { subsetFold } from "./fold";
import { writeTwin } from "./twin";
import type { Fold } from "./types";

export interface SplitOptions {
  minTrainTrades: number;
  testWindowTrades: number;
  embargoTrades: number;
  nRounds: number;
  sliding: boolean;
  holdoutShare: number;
}

export const DEFAULT_SPLIT: SplitOptions = {
  minTrainTrades: 10,
  testWindowTrades: 450,
  embargoTrades: 40,
  nRounds: 5,
  sliding: false,
  holdoutShare: 0.05,
};

/** Half-open index range [from, to). */
export interface IndexRange {
  from: number;
  to: number;
}

export interface RoundPlan {
  round: number;
  /** Train window before purging. */
  window: IndexRange;
  /** Train indices after purging (ascending). */
  train: number[];
  /** Indices purged from the window (their lifecycle reaches into the test window). */
  purged: number[];
  embargo: IndexRange;
  test: IndexRange;
}

export interface SplitPlan {
  total: number;
  trainSet: IndexRange;
  holdout: IndexRange;
  /** Records added to the holdout beyond ⌊N·share⌋ because they share its first slot. */
  holdoutTies: number;
  /** Train-set lifecycles still running at the holdout's first migration (reported, not removed). */
  holdoutOverlap: number;
  /** Sliding train-window length L, or null when expanding. */
  trainWindow: number | null;
  /** Train-set records the options need: R·W + E + M. */
  needTrain: number;
  rounds: RoundPlan[];
}

export class InsufficientDataError extends Error {
  override name = "InsufficientDataError";
}

/** The train-set size the options need: n_rounds·test_window + embargo + min_train. */
export const requiredTrainRecords = (o: SplitOptions): number => o.nRounds * o.testWindowTrades + o.embargoTrades + o.minTrainTrades;

/** Holdout size before slot-tie widening: max(1, ⌊n·share⌋). */
export const holdoutSize = (n: number, share: number): number => Math.max(1, Math.floor(n * share + 1e-9));

/** Smallest input size whose train set meets `requiredTrainRecords` (no slot ties assumed). */
export function requiredTotalRecords(o: SplitOptions): number {
  const need = requiredTrainRecords(o);
  let n = need + 1;
  while (n - holdoutSize(n, o.holdoutShare) < need) n++;
  return n;
}

function checkOptions(o: SplitOptions): void {
  const int = (k: keyof SplitOptions, min: number) => {
    const v = o[k] as number;
    if (!Number.isInteger(v) || v < min) throw new RangeError(`${k} must be an integer ≥ ${min}, got ${v}`);
  };
  int("minTrainTrades", 1);
  int("testWindowTrades", 1);
  int("embargoTrades", 0);
  int("nRounds", 1);
  if (!(o.holdoutShare >= 0 && o.holdoutShare < 1)) throw new RangeError(`holdoutShare must be within [0, 1), got ${o.holdoutShare}`);
}

const flagsText = (o: SplitOptions): string =>
  `--n-rounds ${o.nRounds} · --test-window-trades ${o.testWindowTrades} + --embargo-trades ${o.embargoTrades} + --min-train-trades ${o.minTrainTrades}` +
  ` = ${o.nRounds}·${o.testWindowTrades} + ${o.embargoTrades} + ${o.minTrainTrades} = ${requiredTrainRecords(o)}`;

/** Plan the split of a chronologically sorted fold (slot, ts and series lengths are all it reads). */
export function planSplit(fold: Pick<Fold, "count" | "slot" | "ts" | "start">, o: SplitOptions): SplitPlan {
  checkOptions(o);
  const N = fold.count;
  const need = requiredTrainRecords(o);
  const tooFew = (found: string): never => {
    throw new InsufficientDataError(
      `not enough lifecycle records: ${found}; the flags need a train set of ${flagsText(o)} records, ` +
        `i.e. at least ${requiredTotalRecords(o)} records in all with --holdout-share ${o.holdoutShare} ` +
        `(holdout = max(1, ⌊N·share⌋) newest records)`,
    );
  };
  if (N === 0) tooFew("found 0");
  let b = N - holdoutSize(N, o.holdoutShare);
  const b0 = b;
  while (b > 0 && fold.slot[b - 1] === fold.slot[b]) b--;
  if (b <= 0) tooFew(`found ${N}, and none is older than the newest ${N - b0} (the holdout must be strictly newer than the train set)`);
  const T = b;
  const H = N - T;
  if (T < need) tooFew(`found ${N}, of which ${T} form the train set after holding out the newest ${H}`);

  const end = (k: number) => fold.ts[k]! + (fold.start[k + 1]! - fold.start[k]!) * 1000;
  /** Earliest migration in [from, to): the start of a window in time (ts may wobble against slot). */
  const firstTs = (from: number, to: number) => {
    let m = Infinity;
    for (let k = from; k < to; k++) if (fold.ts[k]! < m) m = fold.ts[k]!;
    return m;
  };
  const holdoutStart = firstTs(T, N);
  let holdoutOverlap = 0;
  for (let k = 0; k < T; k++) if (end(k) > holdoutStart) holdoutOverlap++;

  const { nRounds: R, testWindowTrades: W, embargoTrades: E, minTrainTrades: M } = o;
  const L = T - R * W - E;
  const rounds: RoundPlan[] = [];
  for (let r = 1; r <= R; r++) {
    const test = { from: T - (R - r + 1) * W, to: T - (R - r) * W };
    const embargo = { from: test.from - E, to: test.from };
    const window = { from: o.sliding ? embargo.from - L : 0, to: embargo.from };
    const testStart = firstTs(test.from, test.to);
    const train: number[] = [];
    const purged: number[] = [];
    for (let k = window.from; k < window.to; k++) (end(k) > testStart ? purged : train).push(k);
    if (train.length < M) {
      throw new InsufficientDataError(
        `not enough lifecycle records: round ${r}'s train window holds ${window.to - window.from} records, ` +
          `${purged.length} of them purged because their lifecycle runs into the test window, leaving ${train.length} < --min-train-trades ${M}; ` +
          `more data (or a larger --embargo-trades) is needed`,
      );
    }
    rounds.push({ round: r, window, train, purged, embargo, test });
  }
  return {
    total: N,
    trainSet: { from: 0, to: T },
    holdout: { from: T, to: N },
    holdoutTies: b0 - T,
    holdoutOverlap,
    trainWindow: o.sliding ? L : null,
    needTrain: need,
    rounds,
  };
}

// ───────────────────────────── running it on files ─────────────────────────────

export interface FileSummary {
  file: string;
  count: number;
  bytes: number;
  sha256: string;
  first_slot: number;
  last_slot: number;
  first_ts: number;
  last_ts: number;
  span_days: number;
}

export interface SplitSummary {
  input: string;
  out_dir: string;
  records: number;
  blank_lines: number;
  mode: "sliding" | "expanding";
  options: {
    min_train_trades: number;
    test_window_trades: number;
    embargo_trades: number;
    n_rounds: number;
    sliding: boolean;
    holdout_share: number;
  };
  need_train_records: number;
  train_window: number | null;
  train_set: FileSummary & IndexRange;
  permanent_holdout: FileSummary & IndexRange & { slot_ties_added: number; train_set_overlapping: number };
  rounds: {
    round: number;
    train: FileSummary & { window: IndexRange; purged: number };
    embargo: IndexRange & { count: number };
    test: FileSummary & IndexRange;
  }[];
  removed_stale: string[];
  elapsed_ms: number;
}

export interface RunSplitOptions extends SplitOptions {
  /** Lifecycle JSONL path, or "-" for stdin. */
  input: string;
  outDir: string;
}

const NL = new Uint8Array([10]);

/** Write one output: the records' own lines as JSONL, then its twin; both atomically. */
async function writePart(outDir: string, stem: string, all: Fold, lines: SourceLines, bytes: Uint8Array, indices: number[]): Promise<FileSummary> {
  const path = join(outDir, `${stem}.jsonl`);
  const out = openOutput(path);
  const hasher = new Bun.CryptoHasher("sha256");
  let size = 0;
  try {
    for (let j = 0; j < indices.length; j++) {
      const k = indices[j]!;
      const line = bytes.subarray(lines.start[k]!, lines.end[k]!);
      out.write(line);
      out.write(NL);
      hasher.update(line);
      hasher.update(NL);
      size += line.length + 1;
      if ((j & 63) === 63) await out.flush();
    }
    await out.end();
  } catch (err) {
    out.abort();
    throw err;
  }
  const sha256 = hasher.digest("hex");
  const fold = subsetFold(all, indices, stem);
  await writeTwin(join(outDir, `${stem}.msgpack`), fold, { bytes: size, sha256 });
  const first = indices[0]!;
  const last = indices[indices.length - 1]!;
  return {
    file: path,
    count: indices.length,
    bytes: size,
    sha256,
    first_slot: all.slot[first]!,
    last_slot: all.slot[last]!,
    first_ts: all.ts[first]!,
    last_ts: all.ts[last]!,
    span_days: fold.spanDays,
  };
}

const range = (r: IndexRange): number[] => Array.from({ length: r.to - r.from }, (_, i) => r.from + i);

/** Remove wf_round_<n>_{train,test}.{jsonl,msgpack} with n > rounds (left by an earlier, longer run). */
function removeStale(outDir: string, rounds: number): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(outDir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = /^wf_round_(\d+)_(train|test)\.(jsonl|msgpack)$/.exec(name);
    if (m && Number(m[1]) > rounds) {
      rmSync(join(outDir, name), { force: true });
      removed.push(name);
    }
  }
  return removed.sort();
}

/** Read, validate, plan and write everything; returns the machine summary. */
export async function runSplit(o: RunSplitOptions): Promise<SplitSummary> {
  const t0 = performance.now();
  const bytes = await readJsonlBytes(o.input);
  const file = isStdio(o.input) ? "<stdin>" : o.input;
  const { fold: all, lines, blank } = foldFromJsonlBytes(bytes, file, "all");
  const plan = planSplit(all, o);

  const trainSet = await writePart(o.outDir, "train_set", all, lines, bytes, range(plan.trainSet));
  const holdout = await writePart(o.outDir, "permanent_holdout", all, lines, bytes, range(plan.holdout));
  const rounds: SplitSummary["rounds"] = [];
  for (const r of plan.rounds) {
    const train = await writePart(o.outDir, `wf_round_${r.round}_train`, all, lines, bytes, r.train);
    const test = await writePart(o.outDir, `wf_round_${r.round}_test`, all, lines, bytes, range(r.test));
    rounds.push({
      round: r.round,
      train: { ...train, window: r.window, purged: r.purged.length },
      embargo: { ...r.embargo, count: r.embargo.to - r.embargo.from },
      test: { ...test, ...r.test },
    });
  }
  const removed = removeStale(o.outDir, o.nRounds);
  return {
    input: o.input,
    out_dir: o.outDir,
    records: plan.total,
    blank_lines: blank,
    mode: o.sliding ? "sliding" : "expanding",
    options: {
      min_train_trades: o.minTrainTrades,
      test_window_trades: o.testWindowTrades,
      embargo_trades: o.embargoTrades,
      n_rounds: o.nRounds,
      sliding: o.sliding,
      holdout_share: o.holdoutShare,
    },
    need_train_records: plan.needTrain,
    train_window: plan.trainWindow,
    train_set: { ...trainSet, ...plan.trainSet },
    permanent_holdout: { ...holdout, ...plan.holdout, slot_ties_added: plan.holdoutTies, train_set_overlapping: plan.holdoutOverlap },
    rounds,
    removed_stale: removed,
    elapsed_ms: Math.round(performance.now() - t0),
  };
}

const when = (ts: number): string => new Date(ts).toISOString().slice(0, 16).replace("T", " ");
const span = (f: FileSummary): string => `${when(f.first_ts)} → ${when(f.last_ts)}`;
const idx = (r: IndexRange): string => (r.to > r.from ? `${r.from}–${r.to - 1}` : "—");

/** The human table walk_forward_split prints on stderr. */
export function formatSplitTable(s: SplitSummary): string {
  const lines: string[] = [];
  lines.push(
    `walk_forward_split: ${s.records} lifecycles from ${s.input} → ${s.out_dir}/ ` +
      `(${s.mode}${s.train_window !== null ? `, train window ${s.train_window}` : ""}, embargo ${s.options.embargo_trades}, ${s.elapsed_ms} ms)`,
  );
  const ho = s.permanent_holdout;
  lines.push(`  train_set          ${String(s.train_set.count).padStart(7)}  #${idx(s.train_set).padEnd(13)} ${span(s.train_set)}`);
  lines.push(
    `  permanent_holdout  ${String(ho.count).padStart(7)}  #${idx(ho).padEnd(13)} ${span(ho)}` +
      (ho.slot_ties_added ? `  (+${ho.slot_ties_added} sharing its first slot)` : "") +
      (ho.train_set_overlapping ? `  (${ho.train_set_overlapping} train_set lifecycles still running at its start)` : ""),
  );
  const head = ["round", "train #", "n", "purged", "embargo #", "test #", "train dates (UTC)", "test dates (UTC)"];
  const rows = s.rounds.map((r) => [
    String(r.round),
    idx(r.train.window),
    String(r.train.count),
    String(r.train.purged),
    idx(r.embargo),
    idx(r.test),
    span(r.train),
    span(r.test),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (cells: string[]) => "  " + cells.map((c, i) => (i < 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd();
  lines.push(fmt(head));
  for (const r of rows) lines.push(fmt(r));
  if (s.removed_stale.length) lines.push(`  removed stale: ${s.removed_stale.join(", ")}`);
  return lines.join("\n") + "\n";
}
