import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_RATE_TARGET, entryRateTarget, tailMigrationTimes } from "./cadence";
import { acquireLock, LockHeld } from "./lock";
import { chooseRegime, sweepGroups } from "./regime";

let dir: string;
beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), "ferrix-evo-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("dynamic entry rate from the telemetry tail", () => {
  /** A crafted telemetry file: old migrations every 20 min, then recent ones every 6 min, ticks between. */
  function craft(path: string) {
    const lines: string[] = [];
    let ts = 1_700_000_000_000;
    for (let i = 0; i < 50; i++, ts += 20 * 60_000) lines.push(JSON.stringify({ type: "migration", v: 1, ts, mint: `old${i}` }));
    for (let i = 0; i < 40; i++, ts += 6 * 60_000) {
      lines.push(JSON.stringify({ type: "migration", v: 1, ts, mint: `new${i}` }));
      for (let k = 0; k < 20; k++) lines.push(JSON.stringify({ type: "tick", v: 1, ts: ts + k * 1000, mint: `new${i}`, base_reserve: 1, quote_reserve: 1 }));
    }
    lines.push("{garbage");
    writeFileSync(path, lines.join("\n") + "\n");
  }

  test("reads only the tail and finds the recent cadence", () => {
    const p = join(dir, "telemetry.jsonl");
    craft(p);
    const recent = tailMigrationTimes(p, { maxBytes: 40_000 });
    expect(recent.length).toBeGreaterThan(8);
    expect(recent.length).toBeLessThan(40); // the old part of the file was never read
    const t = entryRateTarget(recent, null);
    expect(t.basis).toBe("measured");
    expect(t.medianIntervalS).toBe(360);
    expect(t.migrationsPerDay).toBe(240);
    expect(t.rawRate).toBeCloseTo(45 / 240, 12);
    expect(t.entryRate).toBeCloseTo(45 / 240, 12);
  });

  test("clamped and smoothed against the previous target", () => {
    const times = Array.from({ length: 20 }, (_, i) => i * 60_000); // 1440/day → raw 0.03125 → clamp 0.05
    expect(entryRateTarget(times, null).entryRate).toBe(DEFAULT_RATE_TARGET.minRate);
    const t = entryRateTarget(times, 0.25);
    expect(t.entryRate).toBeCloseTo(0.25 + 0.3 * (0.05 - 0.25), 12);
  });

  test("too few migrations keeps the previous target", () => {
    expect(entryRateTarget([1, 2, 3], 0.2)).toMatchObject({ entryRate: 0.2, basis: "previous" });
    expect(entryRateTarget([], null).basis).toBe("default");
  });
});

describe("lock", () => {
  test("a second loop is refused while the first lives; released lock can be taken", () => {
    const p = join(dir, "evo.lock");
    const a = acquireLock(p);
    expect(() => acquireLock(p)).toThrow(LockHeld);
    a.release();
    expect(existsSync(p)).toBe(false);
    acquireLock(p).release();
  });
  test("a lock left by a dead process is taken over", () => {
    const p = join(dir, "evo.lock");
    writeFileSync(p, "999999999\n");
    const l = acquireLock(p);
    l.release();
  });
});

describe("regime", () => {
  const o = { forcedChaosGens: 2, exploreAfter: 3, chaosAfter: 6, hailMaryAfter: 8 };
  test("forced chaos first, then by stagnation", () => {
    expect(chooseRegime(1, 0, o).regime).toBe("CHAOS");
    expect(chooseRegime(3, 0, o).regime).toBe("NORMAL");
    expect(chooseRegime(3, 3, o).regime).toBe("EXPLORE");
    expect(chooseRegime(3, 6, o).regime).toBe("CHAOS");
    expect(chooseRegime(9, 8, o).hailMary).toBe(true);
    expect(chooseRegime(9, 9, o).hailMary).toBe(false);
  });
  test("sweep groups rotate", () => {
    expect(sweepGroups(1)).not.toEqual(sweepGroups(2));
    expect(sweepGroups(1)).toEqual(sweepGroups(6));
  });
});
