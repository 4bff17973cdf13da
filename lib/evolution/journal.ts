/**
 * What changed in the champion, for the evolution journal and the demo: each parameter old → new.
 */
export interface ParamChange {
  name: string;
  from: number | boolean | undefined;
  to: number | boolean | undefined;
}

export function diffParams(before: Record<string, unknown>, after: Record<string, unknown>): ParamChange[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const changes: ParamChange[] = [];
  for (const name of names) {
    const a = before[name] as number | boolean | undefined;
    const b = after[name] as number | boolean | undefined;
    if (a !== b) changes.push({ name, from: a, to: b });
  }
  return changes;
}

const fmt = (v: unknown) => (typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toPrecision(6).replace(/\.?0+$/, "")) : String(v));

export function formatChanges(changes: ParamChange[]): string[] {
  const width = Math.max(0, ...changes.map((c) => c.name.length));
  return changes.map((c) => `${c.name.padEnd(width)}  ${fmt(c.from)} → ${fmt(c.to)}`);
}

export interface JournalEntry {
  ts: string;
  generation: number;
  regime: string;
  groups: readonly string[];
  scores: { cv: number | null; holdout: number | null; blended: number | null; championBefore: number | null };
  archive: string;
  changes: ParamChange[];
}

export function formatJournalEntry(e: JournalEntry): string {
  const head = `## ${e.ts} generation ${e.generation} (${e.regime}, sweep ${e.groups.join(",")})`;
  const scores = `scores: CV ${e.scores.cv} · holdout ${e.scores.holdout} · blended ${e.scores.blended} (champion was ${e.scores.championBefore})`;
  const body = e.changes.length ? formatChanges(e.changes).map((l) => `  ${l}`) : ["  (no parameter changed)"];
  return [head, scores, `archive: ${e.archive}`, ...body, ""].join("\n") + "\n";
}
