/**
 * Append-only telemetry.jsonl writer for the hot path: `write` hands a line to Bun's FileSink,
 * which buffers in memory and flushes in the background, so the watcher never awaits the disk.
 * A periodic flush bounds how stale the file can be; `close` flushes and ends it.
 */
export interface LineSink {
  write(line: string): void;
  close(): Promise<void>;
}

export interface FileLineSinkOptions {
  /** Flush at least this often (default 200 ms). */
  flushEveryMs?: number;
  highWaterMarkBytes?: number;
}

export function fileLineSink(path: string, opts: FileLineSinkOptions = {}): LineSink & { readonly bytes: number } {
  // Append: Bun's FileSink truncates, so open the descriptor ourselves in append mode.
  const fs = require("node:fs") as typeof import("node:fs");
  const fd = fs.openSync(path, "a");
  const sink = Bun.file(fd).writer({ highWaterMark: opts.highWaterMarkBytes ?? 1 << 16 });
  let bytes = 0;
  const timer = setInterval(() => void sink.flush(), opts.flushEveryMs ?? 200);
  return {
    get bytes() {
      return bytes;
    },
    write(line: string) {
      bytes += line.length;
      sink.write(line);
    },
    async close() {
      clearInterval(timer);
      await sink.flush();
      await sink.end();
      try {
        fs.closeSync(fd);
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
