/**
 * JSONL plumbing shared by the executables: `-` means stdin/stdout, output files appear
 * atomically (temp file, fsync, rename) so a crash never leaves half a file for the next stage,
 * and a closed pipe (`| head`) ends the program quietly with success.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** Thrown when the reader of our stdout went away; runTool maps it to exit 0. */
export class BrokenPipe extends Error {
  override name = "BrokenPipe";
}

/** A problem in an input file, named by file and line. */
export class InputError extends Error {
  override name = "InputError";
  constructor(readonly file: string, readonly line: number | null, message: string) {
    super(`${file}${line !== null ? `:${line}` : ""}: ${message}`);
  }
}

export const isStdio = (path: string): boolean => path === "-";

/** Byte chunks of a file or of stdin ("-"), streamed. */
export function readByteChunks(path: string): AsyncIterable<Uint8Array> {
  if (isStdio(path)) return Bun.stdin.stream() as unknown as AsyncIterable<Uint8Array>;
  const file = Bun.file(path);
  return file.stream() as unknown as AsyncIterable<Uint8Array>;
}

/** Lines of a file or stdin, without their newline; for modest inputs (hot paths split bytes themselves). */
export async function* readLines(path: string): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let rest = "";
  for await (const chunk of readByteChunks(path)) {
    const text = rest + decoder.decode(chunk, { stream: true });
    let from = 0;
    for (let nl = text.indexOf("\n", from); nl !== -1; nl = text.indexOf("\n", from)) {
      yield text.charCodeAt(nl - 1) === 13 ? text.slice(from, nl - 1) : text.slice(from, nl);
      from = nl + 1;
    }
    rest = text.slice(from);
  }
  rest += decoder.decode();
  if (rest.length > 0) yield rest;
}

export interface Output {
  /** Where it goes ("-" for stdout). */
  readonly path: string;
  write(data: string | Uint8Array): void;
  /** Let buffered data go out (await between large batches to bound memory). */
  flush(): Promise<void>;
  /** Finish: flush, fsync and rename into place for files. */
  end(): Promise<void>;
  /** Give up: remove the temp file, leave any previous file untouched. */
  abort(): void;
}

/** Open a JSONL output: stdout for "-", else an atomically replaced file (parents created). */
export function openOutput(path: string): Output {
  if (isStdio(path)) {
    const sink = Bun.stdout.writer({ highWaterMark: 1 << 20 });
    const guard = async <T>(p: T | Promise<T>) => {
      try {
        return await p;
      } catch (err) {
        if ((err as { code?: string }).code === "EPIPE") throw new BrokenPipe("stdout closed");
        throw err;
      }
    };
    return {
      path,
      write(data) {
        try {
          sink.write(data);
        } catch (err) {
          if ((err as { code?: string }).code === "EPIPE") throw new BrokenPipe("stdout closed");
          throw err;
        }
      },
      flush: async () => void (await guard(sink.flush())),
      end: async () => void (await guard(sink.end())),
      abort() {},
    };
  }
  mkdirSync(dirname(path) || ".", { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const sink = Bun.file(tmp).writer({ highWaterMark: 1 << 20 });
  let closed = false;
  return {
    path,
    write: (data) => void sink.write(data),
    flush: async () => void (await sink.flush()),
    async end() {
      await sink.end();
      closed = true;
      const fd = openSync(tmp, "r");
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, path);
      fsyncDir(dirname(path) || ".");
    },
    abort() {
      if (!closed) {
        closed = true;
        try {
          void sink.end();
        } catch {}
      }
      rmSync(tmp, { force: true });
    },
  };
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some filesystems refuse fsync on directories; the rename itself is still atomic.
  }
}
