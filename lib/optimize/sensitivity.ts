/**
 * sensitivity_cache.json: the jitter width of every parameter, in the schema's [0, 1] units,
 * learnt across runs from what moved the score (spec §6.7).
 *
 *   {"version":1,"updated_at":"…","runs":12,"widths":{"minBuyers":0.06,…},
 *    "last":{"minBuyers":{"spread":0.02,"move":0.05},…}}
 *
 * Update after each completed run, for every parameter of the groups it searched:
 *   spread = standard deviation of the parameter's unit coordinate over the top-K finalists
 *            (how wide the good region is along it: narrow = sensitive);
 *   move   = |winner − champion| in unit coordinates (how far the improvement went along it);
 *   width ← 0.7·width + 0.3·clamp(max(2·spread, move), 0.01, 0.5).
 * A missing file starts every width at 0.1; an unreadable one is reported and ignored (never
 * fatal: it only steers sampling) and replaced at the end of the run.
 */
import { readFileSync } from "node:fs";
import { PARAM_SCHEMA, toUnit } from "../params/schema";
import { writeFileAtomic } from "../util/atomic";
import { DEFAULT_WIDTH } from "./candidates";

export const MIN_WIDTH = 0.01;
export const MAX_WIDTH = 0.5;

export interface SensitivityCache {
  version: 1;
  updated_at: string;
  runs: number;
  widths: Record<string, number>;
  last?: Record<string, { spread: number; move: number }>;
}

export function defaultWidths(): Record<string, number> {
  return Object.fromEntries(PARAM_SCHEMA.map((s) => [s.name, DEFAULT_WIDTH]));
}

export function loadSensitivity(path: string, warn: (m: string) => void): SensitivityCache {
  const fresh: SensitivityCache = { version: 1, updated_at: "", runs: 0, widths: defaultWidths() };
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return fresh;
  }
  try {
    const doc = JSON.parse(text) as Partial<SensitivityCache>;
    if (doc.version !== 1 || typeof doc.widths !== "object" || doc.widths === null) throw new Error("expected {\"version\":1,\"widths\":{…}}");
    const widths = defaultWidths();
    for (const [name, w] of Object.entries(doc.widths)) {
      if (!(name in widths)) continue; // a parameter since removed: ignore
      if (typeof w === "number" && Number.isFinite(w)) widths[name] = Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, w));
    }
    return { version: 1, updated_at: String(doc.updated_at ?? ""), runs: Number(doc.runs) || 0, widths, last: doc.last };
  } catch (err) {
    warn(`warning: ${path}: unusable sensitivity cache (${(err as Error).message}); starting from width ${DEFAULT_WIDTH} and rewriting it at the end`);
    return fresh;
  }
}

/** The update rule of the module doc. `dims` are the searched parameter indices. */
export function updateSensitivity(
  cache: SensitivityCache,
  dims: Iterable<number>,
  finalists: readonly ArrayLike<number>[],
  winner: ArrayLike<number>,
  champion: ArrayLike<number>,
  now = new Date(),
): SensitivityCache {
  const widths = { ...cache.widths };
  const last: Record<string, { spread: number; move: number }> = {};
  const units = finalists.map((v) => toUnit(v));
  const uw = toUnit(winner);
  const uc = toUnit(champion);
  for (const k of dims) {
    const name = PARAM_SCHEMA[k].name;
    let spread = 0;
    if (units.length >= 3) {
      let mean = 0;
      for (const u of units) mean += u[k];
      mean /= units.length;
      let v = 0;
      for (const u of units) v += (u[k] - mean) ** 2;
      spread = Math.sqrt(v / (units.length - 1));
    }
    const move = Math.abs(uw[k] - uc[k]);
    const target = Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, Math.max(2 * spread, move)));
    widths[name] = Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, 0.7 * (widths[name] ?? DEFAULT_WIDTH) + 0.3 * target));
    last[name] = { spread, move };
  }
  return { version: 1, updated_at: now.toISOString(), runs: cache.runs + 1, widths, last };
}

export function saveSensitivity(path: string, cache: SensitivityCache): void {
  writeFileAtomic(path, JSON.stringify(cache, null, 2) + "\n");
}
