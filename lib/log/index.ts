/**
 * JSON logging for the long-running processes (pino, synchronous destination: worker transports
 * break inside `bun build --compile` binaries). CLI tools that write data to stdout log to stderr.
 */
import pino, { type Logger } from "pino";

export type { Logger };

export interface LogOptions {
  name: string;
  level?: string;
  /** File descriptor (1 stdout, 2 stderr) or a file path to append to. */
  destination?: number | string;
}

export function createLogger(opts: LogOptions): Logger {
  const dest = pino.destination({ dest: opts.destination ?? 1, sync: true, mkdir: typeof opts.destination === "string" });
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
