/**
 * Dynamic entry-rate target (spec §5.3 step 4): read only the tail of telemetry.jsonl, take the
 * median interval between recent migrations → migrations per day → the share of migrations the
 * strategy must enter to make TARGET_TRADES_PER_DAY, clamped and smoothed across generations.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";

/** Migration times (Unix ms) found in the last `maxBytes` of a telemetry file, oldest first. */
export function tailMigrationTimes(path: string, opts: { maxBytes?: number; maxMigrations?: number } = {}): number[] {
  const maxBytes = opts.maxBytes ?? 64 << 20;
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    const from = Math.max(0, size - maxBytes);
    const buf = Buffer.allocUnsafe(size - from);
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, from + got);
      if (n === 0) break;
      got += n;
    }
    const text = buf.subarray(0, got).toString("utf8");
    // The first line is partial unless we started at byte 0.
    const start = from === 0 ? 0 : text.indexOf("\n") + 1;
    const times: number[] = [];
    // Jump from one "migration" mention to the next instead of visiting the (mostly tick) lines.
    for (let hit = text.indexOf('"migration"', start); hit !== -1; ) {
      const lineStart = text.lastIndexOf("\n", hit) + 1;
      let lineEnd = text.indexOf("\n", hit);
      if (lineEnd === -1) lineEnd = text.length;
      if (lineStart >= start) {
        try {
          const o = JSON.parse(text.slice(lineStart, lineEnd));
          if (o && o.type === "migration" && Number.isFinite(o.ts)) times.push(o.ts);
        } catch {
          // Malformed lines are telemetry_tool's to count; here they are just not migrations.
        }
      }
      hit = text.indexOf('"migration"', lineEnd);
    }
    times.sort((a, b) => a - b);
    const keep = opts.maxMigrations ?? 200;
    return times.length > keep ? times.slice(times.length - keep) : times;
  } finally {
    closeSync(fd);
  }
}

export interface RateTargetOptions {
  targetTradesPerDay: number;
  minRate: number;
  maxRate: number;
  /** Weight of the new value in the exponential smoothing (1 = no smoothing). */
  smoothing: number;
  /** Fewer migrations than this → keep the previous target. */
  minMigrations: number;
}

export const DEFAULT_RATE_TARGET: RateTargetOptions = { targetTradesPerDay: 45, minRate: 0.05, maxRate: 0.6, smoothing: 0.3, minMigrations: 8 };

export interface RateTarget {
  migrationsPerDay: number | null;
  medianIntervalS: number | null;
  rawRate: number | null;
  /** The --min-entry-rate to pass to the optimizer. */
  entryRate: number;
  basis: "measured" | "previous" | "default";
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function entryRateTarget(migrationTimesMs: number[], previous: number | null, o: RateTargetOptions = DEFAULT_RATE_TARGET): RateTarget {
  const fallback = previous ?? Math.min(o.maxRate, Math.max(o.minRate, o.targetTradesPerDay / 150));
  if (migrationTimesMs.length < Math.max(2, o.minMigrations)) {
    return { migrationsPerDay: null, medianIntervalS: null, rawRate: null, entryRate: fallback, basis: previous === null ? "default" : "previous" };
  }
  const gaps: number[] = [];
  for (let i = 1; i < migrationTimesMs.length; i++) {
    const g = migrationTimesMs[i]! - migrationTimesMs[i - 1]!;
    if (g > 0) gaps.push(g);
  }
  if (gaps.length === 0) return { migrationsPerDay: null, medianIntervalS: null, rawRate: null, entryRate: fallback, basis: previous === null ? "default" : "previous" };
  const medianIntervalS = median(gaps) / 1000;
  const migrationsPerDay = 86_400 / medianIntervalS;
  const rawRate = o.targetTradesPerDay / migrationsPerDay;
  const clamped = Math.min(o.maxRate, Math.max(o.minRate, rawRate));
  const entryRate = previous === null ? clamped : previous + o.smoothing * (clamped - previous);
  return { migrationsPerDay, medianIntervalS, rawRate, entryRate, basis: "measured" };
}
