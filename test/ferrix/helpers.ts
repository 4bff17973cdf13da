/** Running `ferrix` from source as a child process, reading its JSON log lines as they come. */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";

export const ROOT = resolve(import.meta.dir, "../..");
export const BUN = process.execPath;
export const FERRIX = join(ROOT, "cmd", "ferrix.ts");
/** The compiled executable (scripts/build.ts ferrix). */
export const FERRIX_BIN = join(ROOT, "bin", "ferrix");

export { ensureBuilt } from "../support/build.ts";

/** A scratch directory with a valid params file and an empty env file (no stray .env_PROD). */
export function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "ferrix-e2e-"));
  copyFileSync(join(ROOT, "data", "best_strategy_params.json"), join(dir, "best_strategy_params.json"));
  return dir;
}

/** Flags that keep a run inside `dir` and off fixed ports. */
export function sandboxFlags(dir: string): string[] {
  return ["--status-file", join(dir, "status.json"), "--metrics-addr", "127.0.0.1:0", "--status-interval-ms", "100", "--known-wallets-poll-ms", "100"];
}

export interface RunningFerrix {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  /** Every stdout line parsed as JSON (non-JSON lines kept as { raw }). */
  lines: Record<string, unknown>[];
  stderr: () => string;
  stdout: () => string;
  waitForLog(pred: (l: Record<string, unknown>) => boolean, timeoutMs?: number, what?: string): Promise<Record<string, unknown>>;
  exited: Promise<number>;
}

/** Runs the source through Bun, or with `bin` the compiled executable. */
export function startFerrix(args: string[], opts: { cwd: string; env?: Record<string, string>; bin?: string }): RunningFerrix {
  const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: opts.cwd, ...opts.env };
  const proc = Bun.spawn(opts.bin ? [opts.bin, ...args] : [BUN, FERRIX, ...args], { cwd: opts.cwd, env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const lines: Record<string, unknown>[] = [];
  let out = "";
  let err = "";
  const pump = async (stream: ReadableStream<Uint8Array>, onText: (t: string) => void) => {
    const dec = new TextDecoder();
    for await (const chunk of stream) onText(dec.decode(chunk, { stream: true }));
  };
  let partial = "";
  const outDone = pump(proc.stdout, (t) => {
    out += t;
    partial += t;
    let nl: number;
    while ((nl = partial.indexOf("\n")) >= 0) {
      const line = partial.slice(0, nl);
      partial = partial.slice(nl + 1);
      if (!line) continue;
      try {
        lines.push(JSON.parse(line));
      } catch {
        lines.push({ raw: line });
      }
    }
  });
  const errDone = pump(proc.stderr, (t) => (err += t));
  const exited = Promise.all([proc.exited, outDone, errDone]).then(([code]) => code);
  return {
    proc,
    lines,
    stderr: () => err,
    stdout: () => out,
    exited,
    async waitForLog(pred, timeoutMs = 15_000, what = "log line") {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const hit = lines.find(pred);
        if (hit) return hit;
        if (proc.exitCode !== null || proc.signalCode !== null) {
          await exited; // streams drained: the line may still arrive
          const again = lines.find(pred);
          if (again) return again;
          throw new Error(`ferrix exited (${proc.exitCode}) before ${what}\nstdout:\n${out}\nstderr:\n${err}`);
        }
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}\nstdout:\n${out}\nstderr:\n${err}`);
        await Bun.sleep(20);
      }
    },
  };
}

/** Runs ferrix to completion. */
export async function runFerrix(args: string[], opts: { cwd: string; env?: Record<string, string>; bin?: string }): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = startFerrix(args, opts);
  const code = await r.exited;
  return { code, stdout: r.stdout(), stderr: r.stderr() };
}

/** Strict enough Prometheus text (0.0.4) parser: every line is a comment or a valid sample. */
export function parsePrometheus(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("# HELP ") || /^# TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (counter|gauge|histogram|summary|untyped)$/.test(line)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/.exec(line);
    if (!m) throw new Error(`bad exposition line: ${line}`);
    samples.set(m[1] + (m[2] ?? ""), Number(m[3]));
  }
  return samples;
}
