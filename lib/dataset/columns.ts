/**
 * The one in-memory layout of a Fold's numeric columns, shared by the JSONL parser, the binary
 * twin writer and the twin reader: every numeric column is a view into ONE buffer (an ArrayBuffer,
 * or a SharedArrayBuffer for worker threads), in this order, each column starting on a 64-byte
 * boundary (a cache line; also keeps every Float64Array 8-byte aligned):
 *
 *   series.price … series.maxSellSol   9 × Float64Array(rows)
 *   slot … creatorFeeBps               9 × Float64Array(count)
 *   outcome.peakMult … finalMult       4 × Float64Array(count)
 *   start                              Uint32Array(count + 1)
 *
 * The twin's data section is this buffer byte for byte, so a twin loads with one read and no
 * per-column copy, and a fold built here is written without re-packing.
 */
import type { Fold, FoldOutcome, FoldSeries } from "./types";
import type { SeriesColumn } from "../lifecycle/types";

/** Fold series key ↔ lifecycle JSON series key (t is implicit: it is the row index). */
export const SERIES_KEYS: readonly (readonly [keyof FoldSeries, SeriesColumn])[] = [
  ["price", "price"],
  ["quoteReserve", "quote_reserve"],
  ["buySol", "buy_sol"],
  ["sellSol", "sell_sol"],
  ["nBuys", "n_buys"],
  ["nSells", "n_sells"],
  ["newBuyers", "new_buyers"],
  ["creatorSellSol", "creator_sell_sol"],
  ["maxSellSol", "max_sell_sol"],
];

export type StaticKey =
  | "slot"
  | "ts"
  | "tokenAgeS"
  | "baseReserve0"
  | "quoteReserve0"
  | "baseDecimals"
  | "lpFeeBps"
  | "protocolFeeBps"
  | "creatorFeeBps";

/** Fold static key ↔ lifecycle JSON key. */
export const STATIC_KEYS: readonly (readonly [StaticKey, string])[] = [
  ["slot", "slot"],
  ["ts", "ts"],
  ["tokenAgeS", "token_age_s"],
  ["baseReserve0", "base_reserve0"],
  ["quoteReserve0", "quote_reserve0"],
  ["baseDecimals", "base_decimals"],
  ["lpFeeBps", "lp_fee_bps"],
  ["protocolFeeBps", "protocol_fee_bps"],
  ["creatorFeeBps", "creator_fee_bps"],
];

/** Fold outcome key ↔ lifecycle JSON outcome key. */
export const OUTCOME_KEYS: readonly (readonly [keyof FoldOutcome, string])[] = [
  ["peakMult", "peak_mult"],
  ["tPeak", "t_peak"],
  ["minMult", "min_mult"],
  ["finalMult", "final_mult"],
];

export type ColumnDtype = "f64" | "u32";

/** One numeric column in the data buffer (offset in bytes from the buffer start, length in elements). */
export interface ColumnEntry {
  name: string;
  dtype: ColumnDtype;
  offset: number;
  length: number;
}

const ALIGN = 64;
const alignUp = (n: number, a = ALIGN): number => Math.ceil(n / a) * a;

/** Column directory and total byte size for a fold of `count` lifecycles and `rows` seconds. */
export function layoutColumns(count: number, rows: number): { columns: ColumnEntry[]; bytes: number } {
  const columns: ColumnEntry[] = [];
  let offset = 0;
  const add = (name: string, dtype: ColumnDtype, length: number) => {
    columns.push({ name, dtype, offset, length });
    offset = alignUp(offset + length * (dtype === "f64" ? 8 : 4));
  };
  for (const [k] of SERIES_KEYS) add(`series.${k}`, "f64", rows);
  for (const [k] of STATIC_KEYS) add(k, "f64", count);
  for (const [k] of OUTCOME_KEYS) add(`outcome.${k}`, "f64", count);
  add("start", "u32", count + 1);
  return { columns, bytes: offset };
}

/** Column names in layout order (what a twin header must list). */
export const COLUMN_NAMES: readonly string[] = layoutColumns(0, 0).columns.map((c) => c.name);

/** Views over `buffer` per the layout; the caller fills them. Strings arrays are empty slots. */
export function foldOverBuffer(name: string, count: number, rows: number, buffer: ArrayBufferLike, columns: ColumnEntry[]): Fold {
  const view = (c: ColumnEntry) =>
    c.dtype === "f64" ? new Float64Array(buffer, c.offset, c.length) : new Uint32Array(buffer, c.offset, c.length);
  const byName = new Map(columns.map((c) => [c.name, view(c)]));
  const f64 = (n: string) => byName.get(n) as Float64Array;
  const series = {} as FoldSeries;
  for (const [k] of SERIES_KEYS) series[k] = f64(`series.${k}`);
  const outcome = {} as FoldOutcome;
  for (const [k] of OUTCOME_KEYS) outcome[k] = f64(`outcome.${k}`);
  return {
    name,
    count,
    rows,
    mint: new Array<string>(count),
    pool: new Array<string>(count),
    creator: new Array<string>(count),
    slot: f64("slot"),
    ts: f64("ts"),
    tokenAgeS: f64("tokenAgeS"),
    baseReserve0: f64("baseReserve0"),
    quoteReserve0: f64("quoteReserve0"),
    baseDecimals: f64("baseDecimals"),
    lpFeeBps: f64("lpFeeBps"),
    protocolFeeBps: f64("protocolFeeBps"),
    creatorFeeBps: f64("creatorFeeBps"),
    start: byName.get("start") as Uint32Array,
    series,
    outcome,
    spanDays: 0,
  };
}

/** A fresh zeroed fold in the canonical layout, in shared memory when asked. */
export function allocateFold(name: string, count: number, rows: number, shared = false): Fold {
  if (rows > 0xffffffff) throw new RangeError(`a fold holds at most ${0xffffffff} rows (start offsets are Uint32), got ${rows}`);
  const { columns, bytes } = layoutColumns(count, rows);
  const buffer = shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  return foldOverBuffer(name, count, rows, buffer, columns);
}

/** The numeric column of a fold by its layout name. */
export function columnOf(fold: Fold, name: string): Float64Array | Uint32Array {
  if (name === "start") return fold.start;
  if (name.startsWith("series.")) return fold.series[name.slice(7) as keyof FoldSeries];
  if (name.startsWith("outcome.")) return fold.outcome[name.slice(8) as keyof FoldOutcome];
  return fold[name as StaticKey];
}

/**
 * The buffer holding every numeric column of `fold` in the canonical layout, or null when the
 * columns live elsewhere (a fold assembled by hand): then a writer must pack them first.
 */
export function canonicalBuffer(fold: Fold): ArrayBufferLike | null {
  const { columns, bytes } = layoutColumns(fold.count, fold.rows);
  const buffer = fold.series.price.buffer;
  if (buffer.byteLength !== bytes) return null;
  for (const c of columns) {
    const a = columnOf(fold, c.name);
    if (a.buffer !== buffer || a.byteOffset !== c.offset || a.length !== c.length) return null;
  }
  return buffer;
}

const DAY_MS = 86_400_000;

/**
 * Days a fold covers (see types.ts): (last − first migration) · count / (count − 1), i.e. the
 * spread plus one mean gap. A fold whose migrations span no time — one lifecycle, or all at the
 * same millisecond — has no cadence to measure; it counts as 1 day, so a rate computed from it
 * reads "per lifecycle" and is never inflated. 0 for an empty fold.
 */
export function computeSpanDays(ts: Float64Array): number {
  const n = ts.length;
  if (n === 0) return 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = ts[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (n < 2 || !(hi > lo)) return 1;
  return ((hi - lo) * n) / (n - 1) / DAY_MS;
}
