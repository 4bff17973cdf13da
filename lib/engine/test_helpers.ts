/** Test helpers for lib/engine: a logger that records its lines instead of printing them. */
import pino, { type Logger } from "pino";

export interface CapturedLog {
  logger: Logger;
  lines: Record<string, unknown>[];
  messages(): string[];
}

export function captureLogger(level = "debug"): CapturedLog {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level, base: null, formatters: { level: (label) => ({ level: label }) } }, { write: (s: string) => void lines.push(JSON.parse(s)) });
  return { logger, lines, messages: () => lines.map((l) => String(l.msg)) };
}

/** Polls `cond` until it holds (or throws after `timeoutMs`). */
export async function waitFor(cond: () => boolean, timeoutMs = 5_000, what = "condition"): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(10);
  }
}
