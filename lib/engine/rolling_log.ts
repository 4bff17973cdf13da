/**
 * The engine's logs: JSON lines to stdout (journald) and to a rolling file `logs/ferrix.log`.
 *
 * Both destinations write synchronously in-process. pino's worker-thread transports break inside
 * `bun build --compile` binaries, and a log line that is still in a buffer when the process dies
 * is the one line you needed. Rotation is by size: when the next line would take the file past
 * `maxBytes`, ferrix.log becomes ferrix.log.1 (older ones shift up, the oldest beyond `maxFiles`
 * is deleted) and a fresh ferrix.log is opened. A line is never split across files.
 */
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import pino, { type Logger } from "pino";
import { createLogger } from "../log/index.ts";

export interface RollingFileOptions {
  path: string;
  maxBytes: number;
  /** Rotated files kept next to the live one (ferrix.log.1 … ferrix.log.N). */
  maxFiles: number;
}

export class RollingFileDestination {
  private fd: number;
  private size: number;
  private failed = false;
  readonly path: string;

  constructor(private readonly opts: RollingFileOptions) {
    this.path = opts.path;
    mkdirSync(dirname(opts.path), { recursive: true });
    this.fd = openSync(opts.path, "a", 0o640);
    this.size = fstatSync(this.fd).size;
  }

  /** pino calls this with one serialised line (newline included). */
  write(chunk: string): boolean {
    if (this.fd < 0) return false;
    const bytes = Buffer.from(chunk);
    try {
      if (this.size > 0 && this.size + bytes.length > this.opts.maxBytes) this.rotate();
      let off = 0;
      while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off);
      this.size += bytes.length;
      this.failed = false;
    } catch (err) {
      // A full disk must not take the engine down; say so once on stderr, keep stdout logging.
      if (!this.failed) process.stderr.write(`ferrix: cannot write ${this.path}: ${(err as Error).message}\n`);
      this.failed = true;
    }
    return true;
  }

  private rotate(): void {
    closeSync(this.fd);
    this.fd = -1;
    const { path, maxFiles } = this.opts;
    rmSync(`${path}.${maxFiles}`, { force: true });
    for (let i = maxFiles - 1; i >= 1; i--) {
      if (existsSync(`${path}.${i}`)) renameSync(`${path}.${i}`, `${path}.${i + 1}`);
    }
    renameSync(path, `${path}.1`);
    this.fd = openSync(path, "a", 0o640);
    this.size = 0;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

export interface EngineLogOptions {
  name: string;
  level: string;
  /** Directory of ferrix.log; null for no file. */
  logDir: string | null;
  maxBytes: number;
  maxFiles: number;
  /** 1 for the engine (stdout is its log), 2 for CLI subcommands whose stdout carries data, null for the file only. */
  consoleFd: 1 | 2 | null;
  fileName?: string;
}

export interface EngineLog {
  logger: Logger;
  file: RollingFileDestination | null;
  close(): void;
}

/** A pino logger writing every line to the console fd and the rolling file, both synchronously. */
export function createEngineLogger(opts: EngineLogOptions): EngineLog {
  const consoleDest = opts.consoleFd === null ? null : pino.destination({ dest: opts.consoleFd, sync: true });
  const file = opts.logDir ? new RollingFileDestination({ path: join(opts.logDir, opts.fileName ?? "ferrix.log"), maxBytes: opts.maxBytes, maxFiles: opts.maxFiles }) : null;
  const tee = {
    write(chunk: string): boolean {
      try {
        consoleDest?.write(chunk);
      } catch {
        // stdout gone (closed pipe): the file still gets the line.
      }
      file?.write(chunk);
      return true;
    },
  };
  const logger = createLogger({ name: opts.name, level: opts.level, destination: tee });
  return {
    logger,
    file,
    close() {
      try {
        consoleDest?.flushSync();
      } catch {}
      file?.close();
    },
  };
}
