/**
 * Reconnect delays: exponential backoff with full jitter (AWS architecture blog, "Exponential
 * Backoff and Jitter"): delay = random · min(max, base · 2^attempt). Full jitter spreads many
 * clients that lost the same server so they do not reconnect in lockstep.
 */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 250, maxMs: 30_000 };

/** `attempt` counts from 0 (the first retry); `random` is uniform in [0, 1). */
export function fullJitterDelayMs(attempt: number, opts: BackoffOptions, random: () => number): number {
  const cap = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * cap);
}
