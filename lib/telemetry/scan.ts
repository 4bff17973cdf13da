/**
 * Fast JSONL scanning: byte chunks in, one parsed value per line out, with exact 1-based line
 * numbers, blank and non-JSON lines reported instead of thrown.
 *
 * Bytes are gathered into one reusable buffer and parsed a few MB at a time with
 * `Bun.JSONL.parseChunk` straight from the bytes (no string decoding). parseChunk's view of the
 * input is not quite line-by-line: it skips blank lines, accepts a value spread over several
 * lines, and stops at the first bad value. So each batch it returns is verified against the
 * newlines: n values with exactly n − 1 newlines before the end of the last one, and nothing but
 * whitespace after it on its line, are exactly the next n lines. Any other case (a blank line, a
 * multi-line value, a bad line) falls back to `JSON.parse` per line for just the lines involved,
 * then the fast path resumes. A clean file never leaves the fast path.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { readByteChunks } from "../cli/io";

export interface ScanSink {
  /** One JSON value, the whole of line `line`. */
  value(v: unknown, line: number): void;
  /** A line that is blank (whitespace only) or not a single JSON value. */
  badLine(reason: "blank" | "invalid_json", line: number, detail: string): void;
}

export interface ScanOptions {
  /** Parse once this many bytes are buffered (default 2 MiB). */
  batchBytes?: number;
  /** Called after each batch with the bytes consumed so far. */
  onBatch?: (bytesDone: number, linesDone: number) => void | Promise<void>;
}

export interface ScanResult {
  bytes: number;
  lines: number;
  /** Lines that needed the per-line JSON.parse fallback. */
  slowLines: number;
}

const NL = 10;

/** Whitespace JSON allows around a value: space, tab, CR (LF ends the line). */
const isWs = (b: number): boolean => b === 32 || b === 9 || b === 13;

const decoder = new TextDecoder();

/**
 * Parses complete lines in buf[from, to) and reports them to a sink. `to` is just past a newline,
 * or the end of the input for a last line without one.
 */
export class LineParser {
  /** Lines fully handled so far. */
  lines = 0;
  /** Lines that took the per-line fallback (diagnostics and tests). */
  slowLines = 0;

  constructor(private readonly sink: ScanSink) {}

  parse(buf: Uint8Array, from: number, to: number): void {
    const sink = this.sink;
    let pos = from;
    while (pos < to) {
      const r = Bun.JSONL.parseChunk(buf, pos, to);
      const vals = r.values;
      const n = vals.length;
      const read = r.read;
      if (n === 0) {
        // The next line is blank, bad, or starts a multi-line value: settle that one line.
        const nl = lineEnd(buf, pos, to);
        this.slowLine(buf, pos, nl);
        pos = nl + 1;
        continue;
      }
      // Find the start of the n-th line: n − 1 newlines, all before `read`.
      let p = pos;
      let k = 0;
      for (; k < n - 1; k++) {
        const q = buf.indexOf(NL, p);
        if (q < 0 || q >= read) break;
        p = q + 1;
      }
      const end = lineEnd(buf, p, to);
      if (k === n - 1 && end >= read) {
        // Aligned: value i is line i. The n-th line must hold nothing after its value.
        let tail = read;
        while (tail < end && isWs(buf[tail]!)) tail++;
        const good = tail === end ? n : n - 1;
        const base = this.lines + 1;
        for (let i = 0; i < good; i++) sink.value(vals[i], base + i);
        this.lines += good;
        if (good < n) this.slowLine(buf, p, end);
        pos = end + 1;
      } else {
        // Blank lines or a value spanning lines among them: redo these lines one by one.
        const stop = lineEnd(buf, read, to);
        while (pos <= stop && pos < to) {
          const nl = lineEnd(buf, pos, to);
          this.slowLine(buf, pos, nl);
          pos = nl + 1;
        }
      }
    }
  }

  /** One line, [a, b) without its newline, by JSON.parse. */
  private slowLine(buf: Uint8Array, a: number, b: number): void {
    const line = ++this.lines;
    this.slowLines++;
    let i = a;
    while (i < b && isWs(buf[i]!)) i++;
    if (i === b) return this.sink.badLine("blank", line, "");
    const text = decoder.decode(buf.subarray(a, b));
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (err) {
      return this.sink.badLine("invalid_json", line, (err as Error).message.slice(0, 80));
    }
    this.sink.value(v, line);
  }
}

/** Index of the newline ending the line that contains `at`, or `to` if there is none. */
function lineEnd(buf: Uint8Array, at: number, to: number): number {
  const q = buf.indexOf(NL, at);
  return q < 0 || q >= to ? to : q;
}

/**
 * Scan JSONL from a file path (read with large synchronous reads straight into the parse
 * buffer), `-` for stdin, or any stream of byte chunks. Memory stays at a few batches whatever
 * the input size; a UTF-8 byte-order mark at the very start is skipped.
 */
export async function scanJsonl(source: string | AsyncIterable<Uint8Array>, sink: ScanSink, opts: ScanOptions = {}): Promise<ScanResult> {
  const batch = Math.max(1024, opts.batchBytes ?? 2 << 20);
  const parser = new LineParser(sink);
  let buf = new Uint8Array(batch * 2);
  let len = 0;
  let consumed = 0;
  let first = true;
  const room = (extra: number) => {
    if (len + extra > buf.length) {
      const grown = new Uint8Array(Math.max(buf.length * 2, len + extra));
      grown.set(buf.subarray(0, len));
      buf = grown;
    }
  };
  const drain = async (final: boolean) => {
    const cut = final ? len : buf.lastIndexOf(NL, len - 1) + 1;
    // (A line longer than the buffer has no newline yet: nothing to do, the buffer grows.)
    if (cut <= 0) return;
    let from = 0;
    if (first) {
      first = false;
      if (len >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) from = 3;
    }
    parser.parse(buf, from, cut);
    buf.copyWithin(0, cut, len);
    len -= cut;
    consumed += cut;
    if (opts.onBatch) await opts.onBatch(consumed, parser.lines);
  };
  if (typeof source === "string" && source !== "-") {
    const fd = openSync(source, "r");
    try {
      for (;;) {
        room(batch);
        const got = readSync(fd, buf, len, buf.length - len, null);
        if (got === 0) break;
        len += got;
        if (len >= batch) await drain(false);
      }
    } finally {
      closeSync(fd);
    }
  } else {
    const chunks = typeof source === "string" ? readByteChunks(source) : source;
    for await (const chunk of chunks) {
      room(chunk.length);
      buf.set(chunk, len);
      len += chunk.length;
      if (len >= batch) await drain(false);
    }
  }
  if (len > 0) await drain(true);
  return { bytes: consumed, lines: parser.lines, slowLines: parser.slowLines };
}
