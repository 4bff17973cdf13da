/**
 * JSON logging for the long-running processes (pino, synchronous destination: worker transports
 * break inside `bun build --compile` binaries). CLI tools that write data to stdout log to stderr.
 */
import pino, { type DestinationStream, type Logger } from "pino";

export type { Logger };

export interface LogOptions {
  name: string;
  level?: string;
  /** File descriptor (1 stdout, 2 stderr), a file path to append to, or a stream that takes each serialised line synchronously. */
  destination?: number | string | DestinationStream;
}

export function createLogger(opts: LogOptions): Logger {
  const d = opts.destination ?? 1;
  const dest = typeof d === "object" ? d : pino.destination({ dest: d, sync: true, mkdir: typeof d === "string" });
  return pino(
    {
      name: opts.name,
      level: opts.level ?? process.env.LOG_LEVEL ?? "info",
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    dest,
  );
}
