/**
 * Schema check and legacy repair of telemetry.jsonl records (DESIGN §2.1), once, at the edge.
 * A record that passes is the parsed object itself, repaired in place (`v` and `ts` filled in)
 * and typed as a TelemetryEvent; one that fails is counted in the IssueLog with its reason and
 * the offending key, and null is returned. No allocation on the success path of a tick.
 *
 * Rules (beyond "right JSON types"):
 * - `v`: absent or null → version 1 (repair `v_missing`); any other value than 1 is `bad_value`.
 * - `ts`, `slot`, reserves, `base`, `quote`, `token_created_ts`, `token_created_slot`: safe
 *   non-negative integers. `base_reserve` must be > 0 (a price needs it); a migration's
 *   `quote_reserve` must be > 0 (the outcome is measured against its price).
 * - `ts` absent or null → repaired from `slot` against the most recent earlier line that had both
 *   a valid `ts` and `slot` (SLOT_MS per slot; repair `ts_from_slot`); with no such line yet the
 *   record is `missing_field` (ts).
 * - `sig`, `mint`, `pool`, `creator`, `user`: non-empty strings; `side`: "buy" or "sell".
 * - `base_decimals`: integer 0..18; fee bps: integers 0..10 000.
 * - migration age: `token_created_ts` (≤ ts), else legacy `token_created_slot` (≤ slot; repair
 *   `age_from_slot`), else unknown (repair `age_unknown`). See `migrationAgeSeconds`.
 * Unknown extra keys are ignored (forward compatible).
 */
import type { FlowEvent, MigrationEvent, TelemetryEvent, TickEvent } from "./types";
import { LEGACY_CREATED_SLOT_KEY, SLOT_MS } from "./types";
import type { IssueLog } from "./issues";

const MAX_SAFE = 9007199254740991;

/** A safe non-negative integer (the format's lamport, base-unit, slot and ms values). */
export const isUInt = (x: unknown): x is number => typeof x === "number" && x >= 0 && x <= MAX_SAFE && Math.floor(x) === x;

const isName = (x: unknown): x is string => typeof x === "string" && x.length > 0;

const FEE_KEYS = ["lp_fee_bps", "protocol_fee_bps", "creator_fee_bps"] as const;

type Rec = Record<string, unknown>;

/**
 * Seconds from token creation to migration, from a validated migration record: from
 * `token_created_ts` when present, else from the legacy `token_created_slot` (SLOT_MS per slot),
 * else null (unknown).
 */
export function migrationAgeSeconds(m: MigrationEvent): number | null {
  const created = (m as unknown as Rec).token_created_ts;
  if (typeof created === "number") return (m.ts - created) / 1000;
  const createdSlot = (m as unknown as Rec)[LEGACY_CREATED_SLOT_KEY];
  if (typeof createdSlot === "number") return ((m.slot - createdSlot) * SLOT_MS) / 1000;
  return null;
}

export class TelemetryValidator {
  /** The most recent line with both a valid ts and slot: the anchor for repairing a missing ts. */
  private anchorTs = -1;
  private anchorSlot = -1;

  constructor(readonly log: IssueLog) {}

  /** Validate and repair one parsed JSON value from input line `line` (1-based). */
  check(value: unknown, line: number): TelemetryEvent | null {
    if (typeof value !== "object" || value === null) return this.log.skip("not_object", line, value === null ? "null" : typeof value);
    const e = value as Rec;
    const type = e.type;
    if (type === "tick") return this.tick(e, line);
    if (type === "flow") return this.flow(e, line);
    if (type === "migration") return this.migration(e, line);
    if (Array.isArray(value)) return this.log.skip("not_object", line, "array");
    if (type === undefined) return this.log.skip("missing_field", line, "type");
    return this.log.skip("unknown_type", line, "type", type);
  }

  /** Missing vs bad for a required key. */
  private fail(e: Rec, key: string, line: number): null {
    const v = e[key];
    return v === undefined ? this.log.skip("missing_field", line, key) : this.log.skip("bad_value", line, key, v);
  }

  /**
   * Checks shared by all types: v, slot, ts (repaired when missing), mint, pool. Returns the
   * repairs to count if the rest passes (bit 1: v, bit 2: ts), or -1 after a skip.
   */
  private common(e: Rec, line: number): number {
    const log = this.log;
    let repairs = 0;
    const v = e.v;
    if (v !== 1) {
      if (v !== undefined && v !== null) return (log.skip("bad_value", line, "v", v), -1);
      repairs |= 1;
    }
    const slot = e.slot;
    if (!isUInt(slot)) return (this.fail(e, "slot", line), -1);
    const ts = e.ts;
    if (isUInt(ts)) {
      this.anchorTs = ts;
      this.anchorSlot = slot;
    } else {
      if (ts !== undefined && ts !== null) return (log.skip("bad_value", line, "ts", ts), -1);
      if (this.anchorTs < 0) return (log.skip("missing_field", line, "ts (no earlier line with ts and slot to repair from)"), -1);
      const repaired = this.anchorTs + (slot - this.anchorSlot) * SLOT_MS;
      if (!(repaired >= 0)) return (log.skip("missing_field", line, "ts (slot too far before the repair anchor)"), -1);
      repairs |= 2;
      e.ts = repaired;
    }
    if (!isName(e.mint)) return (this.fail(e, "mint", line), -1);
    if (!isName(e.pool)) return (this.fail(e, "pool", line), -1);
    return repairs;
  }

  /** Count the repairs of an accepted record and finish it. */
  private accept<T extends TelemetryEvent>(e: Rec, repairs: number): T {
    if (repairs !== 0) {
      if (repairs & 1) {
        e.v = 1;
        this.log.repair("v_missing");
      }
      if (repairs & 2) this.log.repair("ts_from_slot");
    }
    return e as unknown as T;
  }

  private reserves(e: Rec, line: number): boolean {
    const b = e.base_reserve;
    if (!isUInt(b) || b === 0) {
      if (b === 0) this.log.skip("bad_value", line, "base_reserve must be > 0");
      else this.fail(e, "base_reserve", line);
      return false;
    }
    if (!isUInt(e.quote_reserve)) {
      this.fail(e, "quote_reserve", line);
      return false;
    }
    return true;
  }

  private tick(e: Rec, line: number): TickEvent | null {
    const repairs = this.common(e, line);
    if (repairs < 0 || !this.reserves(e, line)) return null;
    return this.accept<TickEvent>(e, repairs);
  }

  private flow(e: Rec, line: number): FlowEvent | null {
    const repairs = this.common(e, line);
    if (repairs < 0) return null;
    if (!isName(e.sig)) return this.fail(e, "sig", line);
    const side = e.side;
    if (side !== "buy" && side !== "sell") return this.fail(e, "side", line);
    if (!isName(e.user)) return this.fail(e, "user", line);
    if (!isUInt(e.base)) return this.fail(e, "base", line);
    if (!isUInt(e.quote)) return this.fail(e, "quote", line);
    if (!this.reserves(e, line)) return null;
    return this.accept<FlowEvent>(e, repairs);
  }

  private migration(e: Rec, line: number): MigrationEvent | null {
    const repairs = this.common(e, line);
    if (repairs < 0) return null;
    if (!isName(e.sig)) return this.fail(e, "sig", line);
    if (!isName(e.creator)) return this.fail(e, "creator", line);
    if (!this.reserves(e, line)) return null;
    if (e.quote_reserve === 0) return this.log.skip("bad_value", line, "quote_reserve must be > 0 at migration");
    const dec = e.base_decimals;
    if (!isUInt(dec) || dec > 18) return this.fail(e, "base_decimals", line);
    for (const key of FEE_KEYS) {
      const bps = e[key];
      if (!isUInt(bps) || bps > 10_000) return this.fail(e, key, line);
    }
    let age: "ts" | "slot" | "unknown" = "unknown";
    const created = e.token_created_ts;
    if (created !== undefined && created !== null) {
      if (!isUInt(created)) return this.log.skip("bad_value", line, "token_created_ts", created);
      if (created > (e.ts as number)) return this.log.skip("bad_value", line, "token_created_ts after the migration ts", created);
      age = "ts";
    } else {
      if (created === null) delete e.token_created_ts;
      const createdSlot = e[LEGACY_CREATED_SLOT_KEY];
      if (createdSlot !== undefined && createdSlot !== null) {
        if (!isUInt(createdSlot)) return this.log.skip("bad_value", line, LEGACY_CREATED_SLOT_KEY, createdSlot);
        if (createdSlot > (e.slot as number)) return this.log.skip("bad_value", line, `${LEGACY_CREATED_SLOT_KEY} after the migration slot`, createdSlot);
        age = "slot";
      } else if (createdSlot === null) delete e[LEGACY_CREATED_SLOT_KEY];
    }
    if (age === "slot") this.log.repair("age_from_slot");
    else if (age === "unknown") this.log.repair("age_unknown");
    return this.accept<MigrationEvent>(e, repairs);
  }
}
