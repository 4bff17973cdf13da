/**
 * Append-only telemetry.jsonl writer for the hot path: `write` hands a line to Bun's FileSink,
 * which buffers in memory and flushes in the background, so the watcher never awaits the disk.
 * A periodic flush bounds how stale the file can be; `close` flushes and ends it.
 */
import { closeSync, openSync } from "node:fs";
import type { TelemetryEvent } from "../telemetry/types.ts";

export interface LineSink {
  write(line: string): void;
  /**
   * Optional: the same record as an object, for an in-process consumer (the position actor), so
   * it need not parse the line it was just formatted into. Only built when the sink has it.
   */
  event?(event: TelemetryEvent): void;
  close(): Promise<void>;
}

export interface FileLineSinkOptions {
  /** Flush at least this often (default 200 ms). */
  flushEveryMs?: number;
  highWaterMarkBytes?: number;
}

export function fileLineSink(path: string, opts: FileLineSinkOptions = {}): LineSink {
  // Append: a FileSink on a path writes from offset 0 over what is there, so open the
  // descriptor ourselves in append mode.
  const fd = openSync(path, "a");
  const sink = Bun.file(fd).writer({ highWaterMark: opts.highWaterMarkBytes ?? 1 << 16 });
  const timer = setInterval(() => void sink.flush(), opts.flushEveryMs ?? 200);
  return {
    write(line: string) {
      sink.write(line);
    },
    async close() {
      clearInterval(timer);
      await sink.flush();
      await sink.end();
      try {
        closeSync(fd);
      } catch {
        /* already closed by end() */
      }
    },
  };
}

/** Collects lines in memory (tests, benchmarks). */
export class MemoryLineSink implements LineSink {
  readonly lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
  }
  async close(): Promise<void> {}
}
