/**
 * Append-only JSONL files the engine writes (telemetry.jsonl, decisions.jsonl): lines are
 * buffered in memory and appended in one write every `flushIntervalMs` and on `flush()` — the
 * hot path only pushes a string. The file is created on the first line, so a run that records
 * nothing leaves nothing behind. `close()` flushes; shutdown calls it after intake has stopped.
 */
import { appendFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";

export class JsonlAppender {
  private buffer: string[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;
  lines = 0;
  private failing = false;

  constructor(
    readonly path: string,
    private readonly opts: { flushIntervalMs?: number; onError?: (err: Error) => void } = {},
  ) {
    const interval = opts.flushIntervalMs ?? 250;
    if (interval > 0) {
      this.timer = setInterval(() => this.flush(), interval);
      (this.timer as { unref?: () => void }).unref?.();
    }
  }

  write(record: unknown): void {
    this.buffer.push(JSON.stringify(record, (_k, v) => (typeof v === "bigint" ? v.toString() : v)) + "\n");
    this.lines++;
  }

  /** A line already serialised (newline included), as the watcher produces them. */
  writeLine(line: string): void {
    this.buffer.push(line.endsWith("\n") ? line : line + "\n");
    this.lines++;
  }

  flush(): void {
    if (this.buffer.length === 0) return;
    const text = this.buffer.join("");
    try {
      mkdirSync(dirname(this.path) || ".", { recursive: true });
      appendFileSync(this.path, text);
      this.buffer = [];
      this.failing = false;
    } catch (err) {
      // Keep the lines for the next attempt; report once per run of failures.
      if (!this.failing) this.opts.onError?.(err as Error);
      this.failing = true;
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.flush();
  }
}
