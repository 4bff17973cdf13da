/**
 * What went wrong with telemetry lines, and what was repaired: one small fixed set of skip
 * reasons and repair kinds, counted, with the first few examples of each kept (line number,
 * reason, detail) for the tool's summary. Counting never throws; bad input is never fatal.
 */

/**
 * Why a line was not used. Line-level (decided by the line alone):
 * - `blank`: empty or whitespace-only line;
 * - `invalid_json`: not a JSON value;
 * - `not_object`: valid JSON but not an object (number, string, array, null);
 * - `unknown_type`: `type` is not one of migration / flow / tick;
 * - `missing_field`: a required key is absent (and cannot be repaired);
 * - `bad_value`: a key has the wrong type or an impossible value (negative reserve, fractional
 *   slot, side not buy/sell, unsupported `v`, …).
 * Stream-level (decided against what came before, for that mint):
 * - `unknown_mint`: a flow or tick for a mint with no migration seen;
 * - `duplicate`: a flow whose `sig` was already seen for that mint, or a second migration of a mint;
 * - `out_of_order`: a time more than the tolerance behind the latest time seen for that mint;
 * - `after_end`: a well-formed line for a token whose lifecycle has ended (finalised, or beyond
 *   its tracking window).
 */
export const SKIP_REASONS = [
  "blank",
  "invalid_json",
  "not_object",
  "unknown_type",
  "missing_field",
  "bad_value",
  "unknown_mint",
  "duplicate",
  "out_of_order",
  "after_end",
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/**
 * Legacy repairs (lib/telemetry/types.ts):
 * - `v_missing`: no `v`, read as version 1;
 * - `ts_from_slot`: no `ts`, time = anchor ts + (slot − anchor slot) · SLOT_MS, anchored on the
 *   most recent earlier line that had both `ts` and `slot`;
 * - `age_from_slot`: migration without `token_created_ts`, age from `token_created_slot`;
 * - `age_unknown`: migration with neither; `token_age_s` is null.
 */
export const REPAIR_KINDS = ["v_missing", "ts_from_slot", "age_from_slot", "age_unknown"] as const;
export type RepairKind = (typeof REPAIR_KINDS)[number];

export interface SkipExample {
  /** 1-based line number in the input. */
  line: number;
  reason: SkipReason;
  /** The offending key, value or relation, e.g. `slot="12"` or `sig 5Kx… already seen`. */
  detail: string;
}

const zeroes = <K extends string>(keys: readonly K[]): Record<K, number> =>
  Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

/** A short, single-line rendering of a JSON value for a skip detail. */
export function preview(value: unknown, max = 40): string {
  let s: string;
  try {
    s = value === undefined ? "undefined" : JSON.stringify(value) ?? String(value);
  } catch {
    s = String(value);
  }
  return s.length > max ? s.slice(0, max - 1) + "…" : s;
}

export class IssueLog {
  readonly skipped: Record<SkipReason, number> = zeroes(SKIP_REASONS);
  readonly repairs: Record<RepairKind, number> = zeroes(REPAIR_KINDS);
  /** First `examplesPerReason` skips of each reason, in input order. */
  readonly examples: SkipExample[] = [];
  private readonly kept: Record<SkipReason, number> = zeroes(SKIP_REASONS);

  constructor(readonly examplesPerReason = 3) {}

  /**
   * Count a skipped line. The detail is `key`, or `key=value` when a value is given, built only
   * when the example is kept. Returns null so validators can `return log.skip(…)`.
   */
  skip(reason: SkipReason, line: number, key?: string, value?: unknown): null {
    this.skipped[reason]++;
    if (this.keeps(reason)) {
      this.kept[reason]++;
      const detail = key === undefined ? "" : value === undefined ? key : `${key}=${preview(value)}`;
      this.examples.push({ line, reason, detail });
    }
    return null;
  }

  /** Whether a skip of this reason would still be kept as an example (build costly details only then). */
  keeps(reason: SkipReason): boolean {
    return this.kept[reason] < this.examplesPerReason;
  }

  repair(kind: RepairKind, n = 1): void {
    this.repairs[kind] += n;
  }

  get skippedTotal(): number {
    let n = 0;
    for (const r of SKIP_REASONS) n += this.skipped[r];
    return n;
  }

  get repairedTotal(): number {
    let n = 0;
    for (const r of REPAIR_KINDS) n += this.repairs[r];
    return n;
  }
}
