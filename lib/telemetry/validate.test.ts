import { describe, expect, test } from "bun:test";
import { IssueLog, SKIP_REASONS } from "./issues";
import { migrationAgeSeconds, TelemetryValidator } from "./validate";
import { SLOT_MS, type MigrationEvent } from "./types";

const mig = (o: Record<string, unknown> = {}) => ({
  type: "migration", v: 1, ts: 1_000_000, slot: 5000, sig: "S1", mint: "M1", pool: "P1", creator: "C1",
  base_reserve: 1_000_000_000_000_000, quote_reserve: 100_000_000_000, base_decimals: 6,
  lp_fee_bps: 20, protocol_fee_bps: 5, creator_fee_bps: 5, token_created_ts: 400_000, ...o,
});
const flow = (o: Record<string, unknown> = {}) => ({
  type: "flow", v: 1, ts: 1_001_000, slot: 5002, sig: "F1", mint: "M1", pool: "P1", side: "buy", user: "U1",
  base: 1000, quote: 2000, base_reserve: 999, quote_reserve: 2001, ...o,
});
const tick = (o: Record<string, unknown> = {}) => ({
  type: "tick", v: 1, ts: 1_002_000, slot: 5005, mint: "M1", pool: "P1", base_reserve: 999, quote_reserve: 2001, ...o,
});
const without = (o: Record<string, unknown>, ...keys: string[]) => {
  const c = { ...o };
  for (const k of keys) delete c[k];
  return c;
};

function run(values: unknown[]) {
  const log = new IssueLog(3);
  const v = new TelemetryValidator(log);
  const out = values.map((x, i) => v.check(structuredClone(x), i + 1));
  return { log, out };
}

describe("TelemetryValidator: well-formed records", () => {
  test("v1 records pass unchanged with no repairs", () => {
    const { log, out } = run([mig(), flow(), tick()]);
    expect(out).toEqual([mig(), flow(), tick()] as never);
    expect(log.skippedTotal).toBe(0);
    expect(log.repairedTotal).toBe(0);
  });
  test("unknown extra keys are ignored", () => {
    const { out } = run([tick({ extra: [1, 2], note: "x" })]);
    expect(out[0]).not.toBeNull();
  });
});

describe("TelemetryValidator: repairs", () => {
  test("no v → v1 (v_missing)", () => {
    const { log, out } = run([without(tick(), "v"), tick({ v: null })]);
    expect(out.map((e) => e?.v)).toEqual([1, 1]);
    expect(log.repairs).toEqual({ v_missing: 2, ts_from_slot: 0, age_from_slot: 0, age_unknown: 0 });
  });

  test("no ts → anchored on the most recent line with both ts and slot (ts_from_slot)", () => {
    const { log, out } = run([
      tick({ ts: 10_000, slot: 100 }),
      without(tick({ slot: 103 }), "ts"), // 10_000 + 3 · 400
      tick({ ts: 50_000, slot: 200 }), // new anchor
      without(flow({ slot: 198 }), "ts"), // 50_000 − 2 · 400
      without(tick({ slot: 210 }), "ts"), // anchor is still the last line that HAD both
    ]);
    expect(out.map((e) => e?.ts)).toEqual([10_000, 10_000 + 3 * SLOT_MS, 50_000, 50_000 - 2 * SLOT_MS, 50_000 + 10 * SLOT_MS]);
    expect(log.repairs.ts_from_slot).toBe(3);
    expect(log.skippedTotal).toBe(0);
  });

  test("no ts and no anchor yet → missing_field, not a guess", () => {
    const { log, out } = run([without(tick(), "ts")]);
    expect(out[0]).toBeNull();
    expect(log.skipped.missing_field).toBe(1);
    expect(log.examples[0]).toMatchObject({ line: 1, reason: "missing_field" });
    expect(log.examples[0]!.detail).toStartWith("ts");
  });

  test("migration age: token_created_ts, else token_created_slot (age_from_slot), else unknown (age_unknown)", () => {
    const { log, out } = run([
      mig(),
      { ...without(mig({ mint: "M2" }), "token_created_ts"), token_created_slot: 4000 },
      without(mig({ mint: "M3" }), "token_created_ts"),
      mig({ mint: "M4", token_created_ts: null }),
    ]);
    expect(out.every((e) => e !== null)).toBe(true);
    const ages = out.map((e) => migrationAgeSeconds(e as MigrationEvent));
    expect(ages).toEqual([600, (1000 * SLOT_MS) / 1000, null, null]);
    expect(log.repairs).toEqual({ v_missing: 0, ts_from_slot: 0, age_from_slot: 1, age_unknown: 2 });
  });

  test("a legacy line with every repair at once", () => {
    const { log, out } = run([tick({ ts: 1_000_000, slot: 4990 }), without(mig(), "v", "ts", "token_created_ts")]);
    expect(out[1]).toMatchObject({ v: 1, ts: 1_000_000 + 10 * SLOT_MS });
    expect(log.repairs).toEqual({ v_missing: 1, ts_from_slot: 1, age_from_slot: 0, age_unknown: 1 });
  });
});

describe("TelemetryValidator: skip reasons (exact counts)", () => {
  test("every line-level reason", () => {
    const cases: [unknown, string, string][] = [
      [42, "not_object", "number"],
      [null, "not_object", "null"],
      [[1, 2], "not_object", "array"],
      ["tick", "not_object", "string"],
      [{ type: "swap", ts: 1 }, "unknown_type", 'type="swap"'],
      [{ type: 7 }, "unknown_type", "type=7"],
      [{ ts: 1, mint: "M" }, "missing_field", "type"],
      [without(flow(), "sig"), "missing_field", "sig"],
      [without(tick(), "slot"), "missing_field", "slot"],
      [without(mig(), "creator"), "missing_field", "creator"],
      [without(tick(), "quote_reserve"), "missing_field", "quote_reserve"],
      [flow({ side: "hold" }), "bad_value", 'side="hold"'],
      [tick({ slot: 12.5 }), "bad_value", "slot=12.5"],
      [tick({ slot: "12" }), "bad_value", 'slot="12"'],
      [tick({ ts: -5 }), "bad_value", "ts=-5"],
      [tick({ base_reserve: -1 }), "bad_value", "base_reserve=-1"],
      [tick({ base_reserve: 0 }), "bad_value", "base_reserve must be > 0"],
      [tick({ quote_reserve: 1e300 }), "bad_value", "quote_reserve=1e+300"],
      [tick({ v: 2 }), "bad_value", "v=2"],
      [tick({ mint: "" }), "bad_value", 'mint=""'],
      [flow({ quote: "5" }), "bad_value", 'quote="5"'],
      [mig({ base_decimals: 19 }), "bad_value", "base_decimals=19"],
      [mig({ lp_fee_bps: 10_001 }), "bad_value", "lp_fee_bps=10001"],
      [mig({ quote_reserve: 0 }), "bad_value", "quote_reserve must be > 0 at migration"],
      [mig({ token_created_ts: 2_000_000 }), "bad_value", "token_created_ts after the migration ts=2000000"],
    ];
    const log = new IssueLog(100);
    const v = new TelemetryValidator(log);
    cases.forEach(([value, reason, detail], i) => {
      expect(v.check(value, i + 1)).toBeNull();
      expect(log.examples[i]).toEqual({ line: i + 1, reason: reason as never, detail });
    });
    expect(log.skipped).toEqual({
      blank: 0, invalid_json: 0, not_object: 4, unknown_type: 2, missing_field: 5, bad_value: 14,
      unknown_mint: 0, duplicate: 0, out_of_order: 0, after_end: 0,
    });
    expect(log.skippedTotal).toBe(cases.length);
    expect(log.repairedTotal).toBe(0);
  });

  test("examples are capped per reason, counts are not", () => {
    const log = new IssueLog(3);
    const v = new TelemetryValidator(log);
    for (let i = 1; i <= 10; i++) v.check(5, i);
    expect(log.skipped.not_object).toBe(10);
    expect(log.examples.map((e) => e.line)).toEqual([1, 2, 3]);
  });

  test("the reason list is the fixed public set", () => {
    expect([...SKIP_REASONS]).toEqual([
      "blank", "invalid_json", "not_object", "unknown_type", "missing_field", "bad_value",
      "unknown_mint", "duplicate", "out_of_order", "after_end",
    ]);
  });
});
