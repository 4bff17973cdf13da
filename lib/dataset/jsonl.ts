/**
 * Lifecycle JSONL (DESIGN §2.2) → validated records → Fold. One parser for walk_forward_split,
 * loadFold's JSONL path and buildFold, so a record is accepted or refused the same way everywhere.
 *
 * Every problem is an InputError naming file:line and the key (e.g.
 * `train_set.jsonl:12: series.price[37]: must be > 0, got 0`). Checks: `v` is 1; mint, pool and
 * creator non-empty strings; slot a safe integer ≥ 0; ts finite ≥ 0 (Unix ms); token_age_s null
 * or finite; reserves finite > 0; base_decimals an integer ≥ 0; fee bps within 0..10 000; every
 * series column an array of the same length n ≥ 1; t exactly 0..n-1; price finite > 0; every
 * other series value finite ≥ 0; outcome values finite, t_peak an integer in 0..n-1; no mint twice.
 * Unknown extra keys are ignored (forward compatible). Blank lines are skipped and counted.
 */
import { readFileSync } from "node:fs";
import { InputError, isStdio } from "../cli/io";
import { SERIES_COLUMNS, type Lifecycle } from "../lifecycle/types";
import { allocateFold, computeSpanDays, OUTCOME_KEYS, SERIES_KEYS, STATIC_KEYS } from "./columns";
import type { Fold } from "./types";

/**
 * One checked lifecycle in compact form (the parsed object is dropped right away: JS arrays of
 * numbers cost ~3× a Float64Array and keep the garbage collector busy on big inputs).
 * `values` = 9 statics (STATIC_KEYS order; null token age → NaN), 4 outcome values
 * (OUTCOME_KEYS order), then the 9 series columns (SERIES_KEYS order), n each.
 */
export interface LifecycleRecord {
  mint: string;
  pool: string;
  creator: string;
  slot: number;
  /** Seconds in its series. */
  n: number;
  values: Float64Array;
  /** 1-based line in the source (or index + 1 for an in-memory array). */
  line: number;
  /** Byte range of the line in the source, without its newline (and without a trailing \r). */
  start: number;
  end: number;
}

const N_STATIC = 9;
const N_OUTCOME = 4;
const SERIES_AT = N_STATIC + N_OUTCOME;

const show = (v: unknown): string => {
  if (v === undefined) return "nothing";
  const s = typeof v === "number" && !Number.isFinite(v) ? String(v) : JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 40 ? s.slice(0, 37) + "..." : s;
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Check a parsed lifecycle's static fields, outcome and series shape (not the series elements:
 * toRecord checks those while it copies them). Returns the series length.
 */
export function checkLifecycleShape(o: unknown, file: string, line: number): number {
  const fail = (key: string, what: string, v: unknown): never => {
    throw new InputError(file, line, `${key}: ${what}, got ${show(v)}`);
  };
  if (!isObject(o)) throw new InputError(file, line, `a lifecycle must be a JSON object, got ${show(o)}`);
  if (o.v !== 1) fail("v", "must be 1 (lifecycle format version)", o.v);
  for (const k of ["mint", "pool", "creator"]) {
    const v = o[k];
    if (typeof v !== "string" || v.length === 0) fail(k, "must be a non-empty string", v);
  }
  const num = (k: string, ok: (x: number) => boolean, what: string) => {
    const v = o[k];
    if (typeof v !== "number" || !Number.isFinite(v) || !ok(v)) fail(k, what, v);
  };
  num("slot", (x) => Number.isSafeInteger(x) && x >= 0, "must be an integer ≥ 0");
  num("ts", (x) => x >= 0, "must be a finite number ≥ 0 (Unix ms)");
  if (o.token_age_s !== null) num("token_age_s", () => true, "must be a finite number or null");
  num("base_reserve0", (x) => x > 0, "must be a finite number > 0");
  num("quote_reserve0", (x) => x > 0, "must be a finite number > 0");
  num("base_decimals", (x) => Number.isInteger(x) && x >= 0, "must be an integer ≥ 0");
  for (const k of ["lp_fee_bps", "protocol_fee_bps", "creator_fee_bps"]) num(k, (x) => x >= 0 && x <= 10_000, "must be within 0..10000");

  const series = o.series;
  if (!isObject(series)) fail("series", "must be an object of columns", series);
  const s = series as Record<string, unknown>;
  let n = -1;
  for (const col of SERIES_COLUMNS) {
    const a = s[col];
    if (!Array.isArray(a)) fail(`series.${col}`, "must be an array", a);
    const len = (a as unknown[]).length;
    if (n === -1) {
      n = len;
      if (n === 0) fail(`series.${col}`, "must hold at least one second", a);
    } else if (len !== n) {
      throw new InputError(file, line, `series.${col}: has ${len} values but series.${SERIES_COLUMNS[0]} has ${n} (columns must have equal length)`);
    }
  }

  const outcome = o.outcome;
  if (!isObject(outcome)) fail("outcome", "must be an object", outcome);
  const oc = outcome as Record<string, unknown>;
  for (const [, k] of OUTCOME_KEYS) {
    const v = oc[k];
    if (typeof v !== "number" || !Number.isFinite(v)) fail(`outcome.${k}`, "must be a finite number", v);
  }
  const tp = oc.t_peak as number;
  if (!Number.isInteger(tp) || tp < 0 || tp >= n) fail("outcome.t_peak", `must be an integer second within 0..${n - 1}`, tp);
  return n;
}

/** All bytes of a lifecycle file, or of stdin for "-"; an unreadable file is an InputError naming it. */
export async function readJsonlBytes(path: string): Promise<Uint8Array> {
  if (isStdio(path)) return await Bun.stdin.bytes();
  return readJsonlFileSync(path);
}

/** All bytes of a lifecycle file; an unreadable file is an InputError naming it. */
export function readJsonlFileSync(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new InputError(path, null, `cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

const decoder = new TextDecoder("utf-8", { fatal: false });

/** Is bytes[s, e) only JSON whitespace? */
function isBlank(bytes: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) {
    const b = bytes[i]!;
    if (b !== 32 && b !== 9 && b !== 13 && b !== 10) return false;
  }
  return true;
}

/**
 * Split JSONL bytes into lines, parse and shape-check each. `file` names the source in errors.
 * A line that is not one JSON object, or breaks the format, is an InputError.
 */
export function parseLifecycleLines(bytes: Uint8Array, file: string): { records: LifecycleRecord[]; blank: number } {
  const records: LifecycleRecord[] = [];
  let blank = 0;
  let line = 0;
  let from = 0;
  const len = bytes.length;
  while (from < len) {
    let nl = bytes.indexOf(10, from);
    if (nl === -1) nl = len;
    line++;
    let end = nl;
    if (end > from && bytes[end - 1] === 13) end--;
    if (isBlank(bytes, from, end)) {
      blank++;
    } else {
      let obj: unknown;
      try {
        obj = JSON.parse(decoder.decode(bytes.subarray(from, end)));
      } catch (err) {
        throw new InputError(file, line, `not valid JSON (${(err as Error).message})`);
      }
      records.push(toRecord(obj, file, line, from, end));
    }
    from = nl + 1;
  }
  return { records, blank };
}

const byChronology = (a: LifecycleRecord, b: LifecycleRecord): number =>
  a.slot - b.slot || (a.mint < b.mint ? -1 : a.mint > b.mint ? 1 : 0);

/**
 * Sort records chronologically (slot, then mint) in place — input already in that order keeps
 * it — and refuse a mint seen twice (it would leak between train and test).
 */
export function sortRecords(records: LifecycleRecord[], file: string): void {
  let sorted = true;
  for (let i = 1; i < records.length && sorted; i++) if (byChronology(records[i - 1]!, records[i]!) > 0) sorted = false;
  if (!sorted) records.sort(byChronology);
  const seen = new Map<string, number>();
  for (const r of records) {
    const prev = seen.get(r.mint);
    if (prev !== undefined) throw new InputError(file, r.line, `mint: ${r.mint} already appears on line ${prev} (one lifecycle per token)`);
    seen.set(r.mint, r.line);
  }
}

/** Copy one series column into a record, checking every element. kind: 0 ≥ 0, 1 > 0, 2 t (= index). */
function fillColumn(out: Float64Array, off: number, a: unknown[], n: number, col: string, kind: 0 | 1 | 2, file: string, line: number): void {
  for (let i = 0; i < n; i++) {
    const v = a[i];
    if (typeof v !== "number" || !(kind === 0 ? v >= 0 : kind === 1 ? v > 0 : v === i) || v === Infinity) {
      const what = kind === 2 ? `must be ${i} (t counts seconds 0..n-1)` : kind === 1 ? "must be a finite number > 0" : "must be a finite number ≥ 0";
      throw new InputError(file, line, `series.${col}[${i}]: ${what}, got ${show(v)}`);
    }
    if (kind !== 2) out[off + i] = v;
  }
}

/** A parsed object → a checked compact record (every value checked; errors name file:line:key). */
export function toRecord(obj: unknown, file: string, line: number, start = 0, end = 0): LifecycleRecord {
  const n = checkLifecycleShape(obj, file, line);
  const o = obj as Lifecycle;
  const values = new Float64Array(SERIES_AT + SERIES_KEYS.length * n);
  STATIC_KEYS.forEach(([, jk], i) => {
    const v = (o as unknown as Record<string, number | null>)[jk];
    values[i] = v === null ? Number.NaN : v!;
  });
  OUTCOME_KEYS.forEach(([, jk], i) => (values[N_STATIC + i] = (o.outcome as unknown as Record<string, number>)[jk]!));
  fillColumn(values, 0, o.series.t, n, "t", 2, file, line);
  SERIES_KEYS.forEach(([, jk], c) => fillColumn(values, SERIES_AT + c * n, o.series[jk], n, jk, jk === "price" ? 1 : 0, file, line));
  return { mint: o.mint, pool: o.pool, creator: o.creator, slot: o.slot, n, values, line, start, end };
}

/** Sorted records → a Fold in the canonical layout (one memcpy per series column per record). */
export function foldFromRecords(records: readonly LifecycleRecord[], name: string, shared = false): Fold {
  let rows = 0;
  for (const r of records) rows += r.n;
  const fold = allocateFold(name, records.length, rows, shared);
  let row = 0;
  for (let k = 0; k < records.length; k++) {
    const { values, n } = records[k]!;
    fold.mint[k] = records[k]!.mint;
    fold.pool[k] = records[k]!.pool;
    fold.creator[k] = records[k]!.creator;
    STATIC_KEYS.forEach(([fk], i) => (fold[fk][k] = values[i]!));
    OUTCOME_KEYS.forEach(([fk], i) => (fold.outcome[fk][k] = values[N_STATIC + i]!));
    fold.start[k] = row;
    SERIES_KEYS.forEach(([fk], c) => fold.series[fk].set(values.subarray(SERIES_AT + c * n, SERIES_AT + (c + 1) * n), row));
    row += n;
  }
  fold.start[records.length] = row;
  fold.spanDays = computeSpanDays(fold.ts);
  return fold;
}

/** Where each lifecycle of a parsed fold came from, in fold order. */
export interface SourceLines {
  /** Byte ranges of the lines (without newline) and their 1-based line numbers. */
  start: Float64Array;
  end: Float64Array;
  line: Uint32Array;
}

/** Parse, check and sort JSONL bytes into a Fold; also says where each lifecycle's line is. */
export function foldFromJsonlBytes(
  bytes: Uint8Array,
  file: string,
  name: string,
  shared = false,
): { fold: Fold; lines: SourceLines; blank: number } {
  const { records, blank } = parseLifecycleLines(bytes, file);
  sortRecords(records, file);
  const fold = foldFromRecords(records, name, shared);
  const lines: SourceLines = { start: new Float64Array(records.length), end: new Float64Array(records.length), line: new Uint32Array(records.length) };
  records.forEach((r, k) => {
    lines.start[k] = r.start;
    lines.end[k] = r.end;
    lines.line[k] = r.line;
  });
  return { fold, lines, blank };
}

/**
 * A Fold from lifecycle objects, for tests and tools that build folds in memory. The objects are
 * checked like file lines (errors name `name:<index + 1>`) and sorted by slot, then mint, as files
 * are: an array already in that order keeps its order.
 */
export function buildFold(lifecycles: readonly Lifecycle[], name: string, opts: { shared?: boolean } = {}): Fold {
  const records = lifecycles.map((obj, i) => toRecord(obj, name, i + 1));
  sortRecords(records, name);
  return foldFromRecords(records, name, opts.shared ?? false);
}
