/**
 * Append-only JSONL files (telemetry.jsonl, decisions.jsonl): one JSON value per line, appended,
 * never rewritten. `write` only serialises into an in-memory buffer; the buffer is appended to
 * the file in one write every `flushIntervalMs`, on the next turn of the event loop once it holds
 * `maxBufferedLines`, and on `flush()` / `close()` — the caller never waits on the disk. The file
 * (and its directory) is created on the first append, so a run that records nothing leaves
 * nothing behind. A failed append keeps the lines for the next attempt and is reported once per
 * run of failures. `close()` flushes; shutdown calls it after everything that writes has stopped.
 */
import { appendFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";

export interface JsonlAppenderOptions {
  /** Timer flush period, ms (default 250; 0: no timer, only size-triggered and explicit flushes). */
  flushIntervalMs?: number;
  /** Buffered lines that trigger a flush on the next event-loop turn (default 1000). */
  maxBufferedLines?: number;
  onError?: (err: Error) => void;
}

const jsonWithBigints = (_k: string, v: unknown) => (typeof v === "bigint" ? v.toString() : v);

export class JsonlAppender {
  private buffer: string[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;
  private soon: ReturnType<typeof setImmediate> | null = null;
  private dirMade = false;
  private failing = false;
  private readonly maxBuffered: number;
  /** Lines accepted so far (written or still buffered). */
  lines = 0;

  constructor(
    readonly path: string,
    private readonly opts: JsonlAppenderOptions = {},
  ) {
    this.maxBuffered = opts.maxBufferedLines ?? 1000;
    const interval = opts.flushIntervalMs ?? 250;
    if (interval > 0) {
      this.timer = setInterval(() => this.flush(), interval);
      (this.timer as { unref?: () => void }).unref?.();
    }
  }

  /** One record as a line (bigints as decimal strings). */
  write(record: unknown): void {
    this.push(JSON.stringify(record, jsonWithBigints) + "\n");
  }

  /** A line already serialised (newline included), as the watcher produces them. */
  writeLine(line: string): void {
    this.push(line.endsWith("\n") ? line : line + "\n");
  }

  private push(line: string): void {
    this.buffer.push(line);
    this.lines++;
    if (this.buffer.length >= this.maxBuffered && this.soon === null) {
      this.soon = setImmediate(() => {
        this.soon = null;
        this.flush();
      });
    }
  }

  flush(): void {
    if (this.buffer.length === 0) return;
    const text = this.buffer.join("");
    try {
      if (!this.dirMade) {
        mkdirSync(dirname(this.path) || ".", { recursive: true });
        this.dirMade = true;
      }
      appendFileSync(this.path, text);
      this.buffer = [];
      this.failing = false;
    } catch (err) {
      // Keep the lines for the next attempt (which re-creates the directory, should it have
      // gone); report once per run of failures.
      this.dirMade = false;
      if (!this.failing) this.opts.onError?.(err as Error);
      this.failing = true;
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.soon) clearImmediate(this.soon);
    this.timer = null;
    this.soon = null;
    this.flush();
  }
}
