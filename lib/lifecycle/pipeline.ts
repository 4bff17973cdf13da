/**
 * telemetry.jsonl → ground-truth lifecycles, streamed: scan (lib/telemetry/scan) → validate and
 * repair (lib/telemetry/validate) → build (./builder) → canonical lines (./cells, ./format).
 * Memory is the scan buffer plus the tokens in flight, the reorder buffer and a bounded queue to
 * the formatter, whatever the input size.
 *
 * Formatting (cells → text) runs on a worker thread for large inputs, beside the parser; the
 * worker uses the same functions, so the output bytes do not depend on where it ran.
 */
import { statSync } from "node:fs";
import { IssueLog, REPAIR_KINDS, SKIP_REASONS, type RepairKind, type SkipExample, type SkipReason } from "../telemetry/issues";
import { scanJsonl, type ScanSink } from "../telemetry/scan";
import { TelemetryValidator } from "../telemetry/validate";
import { LifecycleBuilder, type LifecycleOptions } from "./builder";
import { toLifecycle, type FinishedLifecycle } from "./cells";
import { formatLifecycle } from "./format";

export interface GroundTruthOptions extends Partial<LifecycleOptions> {
  /** Examples kept per skip reason (default 3). */
  examplesPerReason?: number;
  /** Bytes parsed per batch (default 2 MiB). */
  batchBytes?: number;
  /** After each batch: bytes and lines done so far. */
  onProgress?: (bytesDone: number, linesDone: number) => void;
  /**
   * Where lifecycles are turned into text: "main" (this thread), "worker" (a worker thread; falls
   * back to this thread, with a note, if the worker cannot start), "auto" (default: the worker
   * for stdin and files of 16 MiB or more).
   */
  formatThread?: "auto" | "main" | "worker";
  /** Rows handed to the format worker and not yet written before the reader waits (default 2^19). */
  maxPendingRows?: number;
}

/** Where lifecycle lines go: an `Output` from lib/cli, or anything with `write`. */
export interface LineSink {
  write(text: string): void;
  /** Awaited now and then so buffered output does not pile up in memory. */
  flush?(): Promise<void>;
}

/** Machine summary of one run (printed by `telemetry_tool --json`). */
export interface GroundTruthSummary {
  /** Input bytes and lines read. */
  bytes: number;
  lines: number;
  /** Lines used: migrations and the flows and ticks that went into a lifecycle. */
  used: number;
  migrations: number;
  lifecycles: number;
  repairs: Record<RepairKind, number>;
  repaired_total: number;
  skipped: Record<SkipReason, number>;
  skipped_total: number;
  /** First few skipped lines per reason, in input order. */
  examples: SkipExample[];
  /** True when every lifecycle was written in (slot, mint) order. */
  ordered: boolean;
  order_violations: number;
  late_migrations: number;
  peak_in_flight: number;
  peak_buffered: number;
  peak_rows: number;
  /** Lines that needed the per-line JSON.parse fallback. */
  slow_path_lines: number;
  /** Where lifecycles were formatted, and why not on a worker when one was asked for. */
  format_thread: "main" | "worker";
  format_thread_note?: string;
  /** Most rows queued to the format worker at once (0 on the main thread). */
  peak_format_queue_rows: number;
  seconds: number;
  mb_per_s: number;
  options: LifecycleOptions;
}

/**
 * Read telemetry from `source` (a file path, `-` for stdin, or byte chunks), write one canonical lifecycle line per migrated token to `sink`,
 * sorted by (slot, mint), and return the summary. Bad lines are counted, never thrown.
 *
 * @example
 * const out = openOutput("tel_out/ground_truth_analysis.jsonl");
 * const summary = await buildGroundTruth("telemetry.jsonl", out);
 * await out.end();
 */
export async function buildGroundTruth(
  source: string | AsyncIterable<Uint8Array>,
  sink: LineSink,
  options: GroundTruthOptions = {},
): Promise<GroundTruthSummary> {
  const started = performance.now();
  const log = new IssueLog(options.examplesPerReason ?? 3);
  const validator = new TelemetryValidator(log);
  // The builder emits only while input is pushed, after `fmt` exists; `fmt` hands cells back.
  const builder = new LifecycleBuilder(options, log, (f) => fmt.add(f));
  const recycle: Recycle = (cells, rows, clean) => builder.recycle(cells, rows, clean);
  const fmt = await openFormatter(sink, wantWorker(source, options.formatThread ?? "auto"), options.maxPendingRows ?? MAX_PENDING_ROWS, recycle);
  try {
    const scanSink: ScanSink = {
      value(v, line) {
        const ev = validator.check(v, line);
        if (ev !== null) builder.push(ev, line);
      },
      badLine(reason, line, detail) {
        log.skip(reason, line, detail === "" ? undefined : detail);
      },
    };
    const scan = await scanJsonl(source, scanSink, {
      batchBytes: options.batchBytes,
      onBatch: async (bytes, lines) => {
        await fmt.pump();
        options.onProgress?.(bytes, lines);
      },
    });
    builder.end();
    await fmt.finish();
    const seconds = (performance.now() - started) / 1000;
    const s = builder.stats;
    return {
      bytes: scan.bytes,
      lines: scan.lines,
      used: s.events + s.migrations,
      migrations: s.migrations,
      lifecycles: s.lifecycles,
      repairs: { ...log.repairs },
      repaired_total: log.repairedTotal,
      skipped: { ...log.skipped },
      skipped_total: log.skippedTotal,
      examples: [...log.examples],
      ordered: s.orderViolations === 0,
      order_violations: s.orderViolations,
      late_migrations: s.lateMigrations,
      peak_in_flight: s.peakInFlight,
      peak_buffered: s.peakBuffered,
      peak_rows: s.peakRows,
      slow_path_lines: scan.slowLines,
      format_thread: fmt.where,
      peak_format_queue_rows: fmt instanceof WorkerFormatter ? fmt.peakPendingRows : 0,
      ...(fmt.note ? { format_thread_note: fmt.note } : {}),
      seconds,
      mb_per_s: seconds > 0 ? scan.bytes / 1e6 / seconds : 0,
      options: builder.opts,
    };
  } finally {
    fmt.close();
  }
}

function wantWorker(source: string | AsyncIterable<Uint8Array>, mode: "auto" | "main" | "worker"): boolean {
  if (mode !== "auto") return mode === "worker";
  if (source === "-") return true;
  if (typeof source !== "string") return false;
  try {
    return statSync(source).size >= 16 << 20;
  } catch {
    return false;
  }
}

/** Turns finished tokens into lines on `sink`, in the order added. */
interface Formatter {
  readonly where: "main" | "worker";
  readonly note?: string;
  add(f: FinishedLifecycle): void;
  /** Between input batches: hand over queued work, write what is done, bound what is pending. */
  pump(): Promise<void>;
  /** Everything added is written (and flushed). */
  finish(): Promise<void>;
  close(): void;
}

const FLUSH_BYTES = 1 << 20;

type Recycle = (cells: Float64Array, rows: number, clean: boolean) => void;

class MainFormatter implements Formatter {
  readonly where = "main" as const;
  private unflushed = 0;
  constructor(
    private readonly sink: LineSink,
    private readonly recycle: Recycle,
    readonly note?: string,
  ) {}
  add(f: FinishedLifecycle): void {
    const text = formatLifecycle(toLifecycle(f)) + "\n";
    this.recycle(f.cells, f.rows, false);
    this.sink.write(text);
    this.unflushed += text.length;
  }
  async pump(): Promise<void> {
    if (this.unflushed >= FLUSH_BYTES && this.sink.flush) {
      this.unflushed = 0;
      await this.sink.flush();
    }
  }
  async finish(): Promise<void> {
    if (this.sink.flush) await this.sink.flush();
  }
  close(): void {}
}

/** At most this many rows handed to the worker and not yet written (≈ 80 bytes each). */
const MAX_PENDING_ROWS = 1 << 19;

class WorkerFormatter implements Formatter {
  readonly where = "worker" as const;
  readonly note = undefined;
  private queue: FinishedLifecycle[] = [];
  private nextId = 0;
  private readonly rowsById = new Map<number, number>();
  private pendingRows = 0;
  private unflushed = 0;
  private failure: Error | null = null;
  private wake: (() => void) | null = null;

  /** Most rows pending at once (tests check the bound holds). */
  peakPendingRows = 0;

  constructor(
    private readonly worker: Worker,
    private readonly sink: LineSink,
    private readonly maxPendingRows: number,
    recycle: Recycle,
  ) {
    type Reply = { id: number; text?: string; error?: string; cells?: { cells: Float64Array; rows: number }[] };
    worker.onmessage = (e: MessageEvent<Reply>) => {
      const { id, text, error, cells } = e.data;
      if (cells) for (const c of cells) recycle(c.cells, c.rows, true);
      if (error !== undefined) this.fail(new Error(`format worker: ${error}`));
      else if (text !== undefined) {
        try {
          this.sink.write(text);
        } catch (err) {
          this.fail(err as Error);
        }
        this.unflushed += text.length;
        this.pendingRows -= this.rowsById.get(id) ?? 0;
        this.rowsById.delete(id);
      }
      this.wake?.();
    };
    worker.onerror = (e) => {
      this.fail(new Error(`format worker failed: ${e.message}`));
      this.wake?.();
    };
  }

  private fail(err: Error): void {
    this.failure ??= err;
  }

  add(f: FinishedLifecycle): void {
    this.queue.push(f);
  }

  private send(): void {
    if (this.queue.length === 0) return;
    const items = this.queue;
    this.queue = [];
    const id = this.nextId++;
    let rows = 0;
    const transfer: ArrayBuffer[] = [];
    for (const f of items) {
      rows += f.rows;
      transfer.push(f.cells.buffer as ArrayBuffer);
    }
    this.rowsById.set(id, rows);
    this.pendingRows += rows;
    if (this.pendingRows > this.peakPendingRows) this.peakPendingRows = this.pendingRows;
    this.worker.postMessage({ id, items }, transfer);
  }

  /** Wait for worker messages until `done()` holds (or the worker failed). */
  private async until(done: () => boolean): Promise<void> {
    while (!done()) {
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
    if (this.failure) throw this.failure;
  }

  async pump(): Promise<void> {
    this.send();
    if (this.pendingRows > this.maxPendingRows) await this.until(() => this.pendingRows <= this.maxPendingRows / 2);
    if (this.failure) throw this.failure;
    if (this.unflushed >= FLUSH_BYTES && this.sink.flush) {
      this.unflushed = 0;
      await this.sink.flush();
    }
  }

  async finish(): Promise<void> {
    this.send();
    await this.until(() => this.rowsById.size === 0);
    if (this.sink.flush) await this.sink.flush();
  }

  close(): void {
    this.worker.terminate();
  }
}

/** The formatter: a worker if asked for and it starts, else this thread (with the reason). */
async function openFormatter(sink: LineSink, worker: boolean, maxPendingRows: number, recycle: Recycle): Promise<Formatter> {
  if (!worker) return new MainFormatter(sink, recycle);
  const started = await startWorker(5000);
  if (typeof started === "string") return new MainFormatter(sink, recycle, started);
  return new WorkerFormatter(started, sink, maxPendingRows, recycle);
}

/**
 * Where the worker module is. From source: beside this file. In a `bun build --compile` binary
 * the worker must be an extra entrypoint (scripts/build.ts EXTRA_ENTRYPOINTS:
 * `telemetry_tool: ["lib/lifecycle/format_worker.ts"]`); it is then embedded under its path
 * relative to the entrypoints' common root, and import.meta.url names the binary, not this file.
 */
function workerCandidates(): string[] {
  if (!import.meta.url.includes("$bunfs")) return [new URL("./format_worker.ts", import.meta.url).href];
  // Only the embedded copy: a worker loaded from the disk could be another version of the code.
  return ["/$bunfs/root/lib/lifecycle/format_worker.js"];
}

/** Start the format worker and wait for its "ready"; a string says why it could not. */
async function startWorker(timeoutMs: number): Promise<Worker | string> {
  let why = "";
  for (const spec of workerCandidates()) {
    const got = await tryWorker(spec, timeoutMs);
    if (typeof got !== "string") return got;
    why = got;
  }
  return `format worker unavailable (${why}); formatted on the main thread`;
}

async function tryWorker(spec: string, timeoutMs: number): Promise<Worker | string> {
  let w: Worker;
  try {
    w = new Worker(spec);
  } catch (err) {
    return (err as Error).message;
  }
  return await new Promise<Worker | string>((resolve) => {
    const timer = setTimeout(() => {
      w.terminate();
      resolve(`no answer within ${timeoutMs} ms`);
    }, timeoutMs);
    w.onmessage = (e: MessageEvent<{ ready?: boolean }>) => {
      if (e.data?.ready) {
        clearTimeout(timer);
        resolve(w);
      }
    };
    w.onerror = (e) => {
      clearTimeout(timer);
      w.terminate();
      resolve(e.message);
    };
  });
}

const n = (x: number): string => x.toLocaleString("en-US");

/** The human summary for stderr. */
export function formatSummary(s: GroundTruthSummary, io: { input: string; output: string }): string {
  const lines: string[] = [];
  const input = io.input === "-" ? "stdin" : io.input;
  const output = io.output === "-" ? "stdout" : io.output;
  lines.push(`telemetry_tool: ${input} → ${output}`);
  lines.push(`  read ${(s.bytes / 1e6).toFixed(1)} MB, ${n(s.lines)} lines in ${s.seconds.toFixed(2)} s (${s.mb_per_s.toFixed(0)} MB/s)`);
  lines.push(`  used ${n(s.used)} records (${n(s.migrations)} migrations); wrote ${n(s.lifecycles)} lifecycles`);
  lines.push(`  in flight at most ${n(s.peak_in_flight)} tokens, ${n(s.peak_rows)} per-second rows; reorder buffer at most ${n(s.peak_buffered)}`);
  const rep = REPAIR_KINDS.filter((k) => s.repairs[k] > 0).map((k) => `${k} ${n(s.repairs[k])}`);
  lines.push(`  repaired ${n(s.repaired_total)}${rep.length ? ": " + rep.join(", ") : ""}`);
  const sk = SKIP_REASONS.filter((k) => s.skipped[k] > 0).map((k) => `${k} ${n(s.skipped[k])}`);
  lines.push(`  skipped ${n(s.skipped_total)} lines${sk.length ? ": " + sk.join(", ") : ""}`);
  for (const e of s.examples) lines.push(`    line ${e.line}: ${e.reason}${e.detail ? ` (${e.detail})` : ""}`);
  if (s.format_thread_note) lines.push(`  note: ${s.format_thread_note}`);
  if (s.ordered) lines.push(`  order: sorted by (slot, mint)`);
  else
    lines.push(
      `  order: NOT fully sorted: ${n(s.order_violations)} lifecycles written after a larger (slot, mint); ` +
        `${n(s.late_migrations)} migrations arrived more than ${s.options.reorderSlots} slots late (raise --reorder-slots)`,
    );
  return lines.join("\n") + "\n";
}
