/**
 * Features of a whole fold, computed once and shared by every candidate the optimizer evaluates
 * on it (they depend on the data only). Runs the same `stepFeatures` as the live FeatureEngine,
 * lifecycle by lifecycle, each from a reset state: a test pins that the two agree exactly.
 */
import type { Fold } from "../dataset/types";
import { allocateOutputs, type FeatureColumns } from "./columns";
import { FeatureState, stepFeatures } from "./engine";

/** A fold's feature columns: inputs alias `fold.series`; lifecycle k is rows [start[k], start[k+1]). */
export interface FoldFeatures extends FeatureColumns {
  start: Uint32Array;
  count: number;
  rows: number;
}

export interface FoldFeatureOptions {
  /** Back the derived columns with a SharedArrayBuffer (worker threads read them without copying). */
  shared?: boolean;
}

export function computeFoldFeatures(fold: Fold, opts: FoldFeatureOptions = {}): FoldFeatures {
  const cols: FoldFeatures = {
    ...fold.series,
    ...allocateOutputs(fold.rows, opts.shared ?? false),
    start: fold.start,
    count: fold.count,
    rows: fold.rows,
  };
  const st = new FeatureState();
  for (let k = 0; k < fold.count; k++) {
    const start = fold.start[k];
    const end = fold.start[k + 1];
    st.reset();
    for (let row = start; row < end; row++) stepFeatures(st, cols, start, row);
  }
  return cols;
}
