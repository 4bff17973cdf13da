/**
 * Datasets for the research loop: lifecycle JSONL (DESIGN §2.2) in, folds out.
 *
 * - `loadFold` / `loadFoldSync` — the one loader (JSONL or binary twin; see ./load.ts).
 * - `buildFold` — a fold from lifecycle objects (tests of other modules build small folds here).
 * - `subsetFold`, `foldDifference` — fold slices and bit-exact comparison.
 * - `planSplit` / `runSplit` — walk_forward_split (window formulas in ./split.ts).
 * - `writeTwin` / `readTwinSync` / `readTwinHeader` — the `.msgpack` binary twin (layout in ./twin.ts).
 * - `fabricateLifecycles` / `toJsonl` — seeded fake lifecycles for tests and benchmarks.
 *
 * The Fold type itself is in ./types.ts.
 */
export type { Fold, FoldSeries, FoldOutcome } from "./types";
export { loadFold, loadFoldSync, foldPaths, type LoadFoldOptions } from "./load";
export { buildFold, checkLifecycleShape, foldFromJsonlBytes, toRecord, foldFromRecords, type LifecycleRecord, type SourceLines } from "./jsonl";
export { subsetFold, foldDifference } from "./fold";
export { allocateFold, computeSpanDays, layoutColumns, COLUMN_NAMES, type ColumnEntry } from "./columns";
export {
  writeTwin,
  encodeTwin,
  readTwinSync,
  readTwinHeader,
  checkFoldValues,
  sha256Hex,
  TwinError,
  TWIN_MAGIC,
  TWIN_FORMAT,
  TWIN_VERSION,
  type TwinHeader,
  type TwinSource,
  type ReadTwinOptions,
} from "./twin";
export {
  planSplit,
  runSplit,
  formatSplitTable,
  requiredTrainRecords,
  requiredTotalRecords,
  holdoutSize,
  InsufficientDataError,
  DEFAULT_SPLIT,
  type SplitOptions,
  type SplitPlan,
  type RoundPlan,
  type IndexRange,
  type SplitSummary,
  type FileSummary,
  type RunSplitOptions,
} from "./split";
export { fabricateLifecycles, toJsonl, type FabricateOptions } from "./fixtures";
