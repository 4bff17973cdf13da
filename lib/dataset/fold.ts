/** Operations on whole folds: subsets (walk-forward windows, CSCV blocks) and exact comparison. */
import { allocateFold, columnOf, computeSpanDays, layoutColumns, OUTCOME_KEYS, SERIES_KEYS, STATIC_KEYS } from "./columns";
import type { Fold } from "./types";

/**
 * A new fold holding lifecycles `indices` of `fold`, in that order (pass ascending indices to
 * keep chronology). Columns are copied (one memcpy per lifecycle per series column) into a fresh
 * canonical buffer, shared when asked.
 */
export function subsetFold(fold: Fold, indices: ArrayLike<number>, name: string, opts: { shared?: boolean } = {}): Fold {
  let rows = 0;
  for (let j = 0; j < indices.length; j++) {
    const k = indices[j]!;
    if (!(k >= 0 && k < fold.count && Number.isInteger(k))) throw new RangeError(`subsetFold: index ${k} outside 0..${fold.count - 1}`);
    rows += fold.start[k + 1]! - fold.start[k]!;
  }
  const out = allocateFold(name, indices.length, rows, opts.shared ?? false);
  let row = 0;
  for (let j = 0; j < indices.length; j++) {
    const k = indices[j]!;
    out.mint[j] = fold.mint[k]!;
    out.pool[j] = fold.pool[k]!;
    out.creator[j] = fold.creator[k]!;
    for (const [key] of STATIC_KEYS) out[key][j] = fold[key][k]!;
    for (const [key] of OUTCOME_KEYS) out.outcome[key][j] = fold.outcome[key][k]!;
    const a = fold.start[k]!;
    const b = fold.start[k + 1]!;
    out.start[j] = row;
    for (const [key] of SERIES_KEYS) out.series[key].set(fold.series[key].subarray(a, b), row);
    row += b - a;
  }
  out.start[indices.length] = row;
  out.spanDays = computeSpanDays(out.ts);
  return out;
}

/**
 * The first difference between two folds, compared bit for bit (NaN payloads included, so a twin
 * must reproduce its JSONL exactly), or null when they are identical. Names are not compared.
 */
export function foldDifference(a: Fold, b: Fold): string | null {
  if (a.count !== b.count) return `count ${a.count} ≠ ${b.count}`;
  if (a.rows !== b.rows) return `rows ${a.rows} ≠ ${b.rows}`;
  for (const k of ["mint", "pool", "creator"] as const) {
    for (let i = 0; i < a.count; i++) if (a[k][i] !== b[k][i]) return `${k}[${i}] ${a[k][i]} ≠ ${b[k][i]}`;
  }
  for (const c of layoutColumns(a.count, a.rows).columns) {
    const x = columnOf(a, c.name);
    const y = columnOf(b, c.name);
    if (x.constructor !== y.constructor || x.length !== y.length) return `${c.name}: type or length differs`;
    const bx = new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
    const by = new Uint8Array(y.buffer, y.byteOffset, y.byteLength);
    for (let i = 0; i < bx.length; i++) {
      if (bx[i] !== by[i]) {
        const e = Math.floor(i / x.BYTES_PER_ELEMENT);
        return `${c.name}[${e}] ${x[e]} ≠ ${y[e]}`;
      }
    }
  }
  if (!Object.is(a.spanDays, b.spanDays)) return `spanDays ${a.spanDays} ≠ ${b.spanDays}`;
  return null;
}
