/**
 * The binary twin of a lifecycle JSONL file: `<stem>.msgpack`, columnar, loaded without parsing
 * a single number: mapped (Bun.mmap, MAP_PRIVATE; ~2–5 ms for 50 MB, the columns are views of
 * the mapping) or, for `shared`, read straight into one SharedArrayBuffer.
 *
 * Why not msgpackr's typed-array extension for the columns: msgpackr 2.1.3 packs a typed array as
 * ext type 0x74 with no alignment padding, and its unpacker always `slice`s the bytes into a new
 * ArrayBuffer (unpack.js: "we always have to slice to get a new ArrayBuffer that is aligned") — a
 * full copy of every column on every load (measured: ~30–130 ms for a 50 MB twin on top of the
 * read). So the numeric columns are laid out here in one aligned buffer after a small msgpack
 * header; msgpackr encodes only the header.
 *
 * File layout (all integers little-endian):
 *
 *   offset  size  content
 *   0       8     magic "FERRIXFD"
 *   8       4     u32 H: byte length of the msgpack header
 *   12      4     u32 D: byte offset of the data section (a multiple of 64, ≥ 16 + H)
 *   16      H     header: one standard msgpack map (no msgpackr records or extensions), below
 *   16+H    …     zero padding up to D
 *   D       B     data section = the canonical column buffer of ./columns.ts (B = data.bytes);
 *                 the file ends exactly at D + B
 *
 * Header map:
 *   format   "ferrix-fold"          version  1            name   file stem when written
 *   count    lifecycles             rows     seconds (start[count])
 *   endian   "little"
 *   source   { bytes, sha256 } of the JSONL this twin mirrors (sha256 hex of its exact bytes, so
 *            `sha256sum x.jsonl` matches), or null for a twin written from memory
 *   data     { bytes: B, xxh3: 16 hex digits of Bun.hash.xxHash3 over the data section }
 *   columns  [{ name, dtype: "f64" | "u32", offset (bytes into the data section), length }]
 *            in layout order: series.price … series.maxSellSol (rows each); slot, ts, tokenAgeS,
 *            baseReserve0, quoteReserve0, baseDecimals, lpFeeBps, protocolFeeBps, creatorFeeBps,
 *            outcome.peakMult, outcome.tPeak, outcome.minMult, outcome.finalMult (count each);
 *            start (u32, count + 1). Every offset is a multiple of 64.
 *   mint, pool, creator   arrays of count strings
 *
 * Unknown token age is NaN in tokenAgeS. A writer checks every value first (finite; price > 0;
 * other series ≥ 0; start from 0, strictly increasing, ending at rows); a reader checks the
 * structure, the start offsets and the xxh3 of the data (≈ 2 ms per 50 MB), so a torn or
 * bit-flipped twin is refused (TwinError) instead of feeding the simulator garbage.
 *
 * Twins are replaced only by rename (writeTwin: temp file, fsync, rename), never rewritten in
 * place, so a mapping held by a running reader stays valid when walk_forward_split runs again.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from "node:fs";
import { Packr, Unpackr } from "msgpackr";
import { openOutput } from "../cli/io";
import { canonicalBuffer, COLUMN_NAMES, columnOf, computeSpanDays, foldOverBuffer, layoutColumns, type ColumnEntry } from "./columns";
import type { Fold } from "./types";

export const TWIN_MAGIC = "FERRIXFD";
export const TWIN_FORMAT = "ferrix-fold";
export const TWIN_VERSION = 1;
const PREAMBLE = 16;

/** Identity of the JSONL a twin mirrors. */
export interface TwinSource {
  bytes: number;
  sha256: string;
}

export interface TwinHeader {
  format: typeof TWIN_FORMAT;
  version: typeof TWIN_VERSION;
  name: string;
  count: number;
  rows: number;
  endian: "little";
  source: TwinSource | null;
  data: { bytes: number; xxh3: string };
  columns: ColumnEntry[];
  mint: string[];
  pool: string[];
  creator: string[];
}

/** A twin that cannot be used (missing pieces, wrong format, checksum mismatch, …). */
export class TwinError extends Error {
  override name = "TwinError";
  constructor(readonly file: string, message: string) {
    super(`${file}: ${message}`);
  }
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const packr = new Packr({ useRecords: false, moreTypes: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });

const xxh3Hex = (bytes: Uint8Array): string => BigInt.asUintN(64, BigInt(Bun.hash.xxHash3(bytes))).toString(16).padStart(16, "0");

/** SHA-256 (hex) of bytes: the `source.sha256` a twin records for its JSONL. */
export function sha256Hex(bytes: Uint8Array): string {
  return new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
}

/**
 * First value problem in a fold (the rules a twin writer enforces), or null. O(rows): the writer
 * runs it; loadFold runs it on a twin only with `verify: true` (the checksum covers corruption).
 */
export function checkFoldValues(fold: Fold): string | null {
  const { count, rows, start } = fold;
  if (start.length !== count + 1) return `start has ${start.length} entries, expected count + 1 = ${count + 1}`;
  if (start[0] !== 0) return `start[0] is ${start[0]}, expected 0`;
  for (let k = 0; k < count; k++) if (!(start[k + 1]! > start[k]!)) return `start[${k + 1}] = ${start[k + 1]} does not exceed start[${k}] = ${start[k]} (every lifecycle has ≥ 1 second)`;
  if (start[count] !== rows) return `start[count] = ${start[count]} but rows = ${rows}`;
  for (const name of COLUMN_NAMES) {
    const a = columnOf(fold, name);
    const expect = name === "start" ? count + 1 : name.startsWith("series.") ? rows : count;
    if (a.length !== expect) return `${name} has ${a.length} values, expected ${expect}`;
    if (name === "start") continue;
    const positive = name === "series.price" || name === "baseReserve0" || name === "quoteReserve0";
    const signed = name === "tokenAgeS" || name.startsWith("outcome.");
    for (let i = 0; i < a.length; i++) {
      const v = a[i]!;
      if (name === "tokenAgeS" && Number.isNaN(v)) continue;
      if (!Number.isFinite(v) || (positive ? !(v > 0) : !signed && v < 0)) {
        return `${name}[${i}] = ${v} (must be finite${positive ? " and > 0" : signed ? "" : " and ≥ 0"})`;
      }
    }
  }
  for (const k of ["mint", "pool", "creator"] as const) {
    if (fold[k].length !== count) return `${k} has ${fold[k].length} entries, expected ${count}`;
    for (let i = 0; i < count; i++) if (typeof fold[k][i] !== "string") return `${k}[${i}] is not a string`;
  }
  return null;
}

/** The canonical data buffer of a fold: its own when already canonical, else a packed copy. */
function dataBytesOf(fold: Fold): Uint8Array {
  const own = canonicalBuffer(fold);
  if (own) return new Uint8Array(own);
  const { columns, bytes } = layoutColumns(fold.count, fold.rows);
  const out = new Uint8Array(bytes);
  for (const c of columns) {
    const a = columnOf(fold, c.name);
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), c.offset);
  }
  return out;
}

/** Encode a fold as twin bytes: [preamble + header + padding, data section]. */
export function encodeTwin(fold: Fold, source: TwinSource | null = null): [Uint8Array, Uint8Array] {
  if (!littleEndian) throw new Error("binary twins are little-endian; this platform is not");
  const problem = checkFoldValues(fold);
  if (problem) throw new Error(`fold ${fold.name}: ${problem}`);
  const data = dataBytesOf(fold);
  const header: TwinHeader = {
    format: TWIN_FORMAT,
    version: TWIN_VERSION,
    name: fold.name,
    count: fold.count,
    rows: fold.rows,
    endian: "little",
    source,
    data: { bytes: data.byteLength, xxh3: xxh3Hex(data) },
    columns: layoutColumns(fold.count, fold.rows).columns,
    mint: fold.mint,
    pool: fold.pool,
    creator: fold.creator,
  };
  const body = packr.pack(header);
  const dataOffset = Math.ceil((PREAMBLE + body.length) / 64) * 64;
  const head = new Uint8Array(dataOffset);
  head.set(new TextEncoder().encode(TWIN_MAGIC), 0);
  const dv = new DataView(head.buffer);
  dv.setUint32(8, body.length, true);
  dv.setUint32(12, dataOffset, true);
  head.set(body, PREAMBLE);
  return [head, data];
}

/** Write a fold's twin atomically (temp file, fsync, rename). */
export async function writeTwin(path: string, fold: Fold, source: TwinSource | null = null): Promise<void> {
  const [head, data] = encodeTwin(fold, source);
  const out = openOutput(path);
  try {
    out.write(head);
    out.write(data);
    await out.end();
  } catch (err) {
    out.abort();
    throw err;
  }
}

function readFully(fd: number, target: Uint8Array, position: number, file: string): void {
  let done = 0;
  while (done < target.length) {
    const n = readSync(fd, target, done, Math.min(target.length - done, 1 << 30), position + done);
    if (n <= 0) throw new TwinError(file, `truncated: expected ${target.length} bytes at offset ${position}, got ${done}`);
    done += n;
  }
}

/** Preamble fields from the first 16 bytes. */
function decodePreamble(path: string, pre: Uint8Array, size: number): { headerLen: number; dataOffset: number } {
  if (size < PREAMBLE) throw new TwinError(path, `too short to be a twin (${size} bytes)`);
  if (new TextDecoder().decode(pre.subarray(0, 8)) !== TWIN_MAGIC) throw new TwinError(path, `not a Ferrix fold twin (magic is not ${TWIN_MAGIC})`);
  const dv = new DataView(pre.buffer, pre.byteOffset, PREAMBLE);
  const headerLen = dv.getUint32(8, true);
  const dataOffset = dv.getUint32(12, true);
  if (dataOffset < PREAMBLE + headerLen || dataOffset % 64 !== 0 || dataOffset > size) {
    throw new TwinError(path, `bad preamble (header ${headerLen} bytes, data at ${dataOffset}, file ${size} bytes)`);
  }
  return { headerLen, dataOffset };
}

function decodeHeader(path: string, raw: Uint8Array, dataBytes: number): TwinHeader {
  let header: TwinHeader;
  try {
    header = unpackr.unpack(raw) as TwinHeader;
  } catch (err) {
    throw new TwinError(path, `header does not decode (${(err as Error).message})`);
  }
  checkHeader(header, path, dataBytes);
  return header;
}

interface OpenTwin {
  fd: number;
  header: TwinHeader;
  dataOffset: number;
}

function openTwin(path: string): OpenTwin {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    const pre = new Uint8Array(PREAMBLE);
    if (size >= PREAMBLE) readFully(fd, pre, 0, path);
    const { headerLen, dataOffset } = decodePreamble(path, pre, size);
    const raw = new Uint8Array(headerLen);
    readFully(fd, raw, PREAMBLE, path);
    return { fd, header: decodeHeader(path, raw, size - dataOffset), dataOffset };
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

function checkHeader(h: TwinHeader, path: string, dataBytes: number): void {
  const bad = (what: string): never => {
    throw new TwinError(path, `header: ${what}`);
  };
  if (typeof h !== "object" || h === null) bad("not a map");
  if (h.format !== TWIN_FORMAT) bad(`format is ${JSON.stringify(h.format)}, expected "${TWIN_FORMAT}"`);
  if (h.version !== TWIN_VERSION) bad(`version ${h.version} is not supported (this reader knows ${TWIN_VERSION})`);
  if (h.endian !== "little" || !littleEndian) bad(`endian ${h.endian} does not match this platform`);
  if (!Number.isSafeInteger(h.count) || h.count < 0 || !Number.isSafeInteger(h.rows) || h.rows < 0) bad("count/rows missing");
  if (h.source !== null && (typeof h.source !== "object" || !Number.isSafeInteger(h.source.bytes) || typeof h.source.sha256 !== "string")) bad("source malformed");
  if (typeof h.data !== "object" || h.data === null || typeof h.data.xxh3 !== "string") bad("data malformed");
  if (h.data.bytes !== dataBytes) bad(`data section is ${dataBytes} bytes on disk but the header says ${h.data.bytes} (truncated or appended to)`);
  const expect = layoutColumns(h.count, h.rows);
  if (expect.bytes !== h.data.bytes) bad(`data is ${h.data.bytes} bytes, expected ${expect.bytes} for ${h.count} lifecycles × ${h.rows} rows`);
  if (!Array.isArray(h.columns) || h.columns.length !== expect.columns.length) bad("column directory has the wrong number of columns");
  expect.columns.forEach((c, i) => {
    const got = h.columns[i]!;
    if (got.name !== c.name || got.dtype !== c.dtype || got.offset !== c.offset || got.length !== c.length) {
      bad(`column ${i} is ${JSON.stringify(got)}, expected ${JSON.stringify(c)}`);
    }
  });
  for (const k of ["mint", "pool", "creator"] as const) {
    const a = h[k];
    if (!Array.isArray(a) || a.length !== h.count || a.some((s) => typeof s !== "string")) bad(`${k} must be ${h.count} strings`);
  }
}

/** Read only a twin's header (cheap: preamble + msgpack header). Throws TwinError. */
export function readTwinHeader(path: string): TwinHeader {
  const t = openTwin(path);
  closeSync(t.fd);
  return t.header;
}

export interface ReadTwinOptions {
  /** Put the numeric columns in a SharedArrayBuffer (read straight into it, no extra copy). */
  shared?: boolean;
  /**
   * Map the file (Bun.mmap, MAP_PRIVATE) instead of reading it, when not shared. Default true: a
   * 50 MB twin loads in ~2 ms instead of ~30 ms (the read's cost is faulting in fresh memory).
   * Safe because twins are only ever replaced by rename, never rewritten in place (truncating a
   * mapped file under a running reader would SIGBUS it).
   */
  mmap?: boolean;
  /** Fold name; default: the header's. */
  name?: string;
  /** Also check every value (O(rows)); the checksum already catches corruption. */
  verify?: boolean;
  /** Refuse the twin unless the header satisfies this (throw TwinError with the returned reason). */
  accept?: (header: TwinHeader) => string | null;
}

/** Checksum, start offsets and (optionally) values of a twin's data; builds the fold. */
function foldFromData(path: string, header: TwinHeader, buffer: ArrayBufferLike, base: number, opts: ReadTwinOptions): Fold {
  const sum = xxh3Hex(new Uint8Array(buffer, base, header.data.bytes));
  if (sum !== header.data.xxh3) throw new TwinError(path, `data checksum mismatch (xxh3 ${sum}, header says ${header.data.xxh3}): the file is corrupt`);
  const columns = base === 0 ? header.columns : header.columns.map((c) => ({ ...c, offset: c.offset + base }));
  const fold = foldOverBuffer(opts.name ?? header.name, header.count, header.rows, buffer, columns);
  fold.mint = header.mint;
  fold.pool = header.pool;
  fold.creator = header.creator;
  const { start, count, rows } = fold;
  if (start[0] !== 0 || start[count] !== rows) throw new TwinError(path, `start offsets do not run from 0 to rows (${start[0]}…${start[count]}, rows ${rows})`);
  for (let k = 0; k < count; k++) if (!(start[k + 1]! > start[k]!)) throw new TwinError(path, `start offsets not strictly increasing at lifecycle ${k}`);
  if (opts.verify) {
    const problem = checkFoldValues(fold);
    if (problem) throw new TwinError(path, problem);
  }
  fold.spanDays = computeSpanDays(fold.ts);
  return fold;
}

function mapTwin(path: string, opts: ReadTwinOptions): { fold: Fold; header: TwinHeader } | null {
  const size = statSync(path).size;
  if (size < PREAMBLE) decodePreamble(path, new Uint8Array(PREAMBLE), size); // throws "too short"
  let m: Uint8Array;
  try {
    m = Bun.mmap(path, { shared: false });
  } catch {
    return null; // a filesystem that cannot map: read instead
  }
  if (m.byteLength !== size) return null; // changed under us: take the careful path
  const { headerLen, dataOffset } = decodePreamble(path, m.subarray(0, PREAMBLE), size);
  const base = m.byteOffset + dataOffset;
  if (base % 8 !== 0) return null;
  const header = decodeHeader(path, m.subarray(PREAMBLE, PREAMBLE + headerLen), size - dataOffset);
  const reason = opts.accept?.(header);
  if (reason) throw new TwinError(path, reason);
  return { fold: foldFromData(path, header, m.buffer, base, opts), header };
}

/** Load a twin into a Fold. Throws TwinError when it is unusable. */
export function readTwinSync(path: string, opts: ReadTwinOptions = {}): { fold: Fold; header: TwinHeader } {
  if (!opts.shared && opts.mmap !== false) {
    const mapped = mapTwin(path, opts);
    if (mapped) return mapped;
  }
  const { fd, header, dataOffset } = openTwin(path);
  try {
    const reason = opts.accept?.(header);
    if (reason) throw new TwinError(path, reason);
    const buffer = opts.shared ? new SharedArrayBuffer(header.data.bytes) : new ArrayBuffer(header.data.bytes);
    readFully(fd, new Uint8Array(buffer), dataOffset, path);
    return { fold: foldFromData(path, header, buffer, 0, opts), header };
  } finally {
    closeSync(fd);
  }
}
