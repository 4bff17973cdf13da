import { describe, expect, test } from "bun:test";
import { Devchain, matchTransaction } from "./index.ts";

describe("Yellowstone filter semantics", () => {
  const keys = new Set(["A", "B", "C"]);
  test("include is any-of, exclude none-of, required all-of; failed and vote honoured", () => {
    const f = (x: object) => [["f", { vote: false, failed: false, ...x }]] as [string, never][];
    expect(matchTransaction(f({ account_include: ["X", "B"] }), keys, false, false)).toEqual(["f"]);
    expect(matchTransaction(f({ account_include: ["X"] }), keys, false, false)).toEqual([]);
    expect(matchTransaction(f({ account_exclude: ["C"] }), keys, false, false)).toEqual([]);
    expect(matchTransaction(f({ account_required: ["A", "C"] }), keys, false, false)).toEqual(["f"]);
    expect(matchTransaction(f({ account_required: ["A", "X"] }), keys, false, false)).toEqual([]);
    expect(matchTransaction(f({}), keys, true, false)).toEqual([]);
    expect(matchTransaction(f({}), keys, false, true)).toEqual([]);
  });
});

describe("Devchain core", () => {
  test("the same seed gives the same chain; history replays from a slot and says when it is gone", async () => {
    const run = async () => {
      const c = new Devchain({ seed: 3, migrationsPerDay: 5000, trackSeconds: 30, idleStopSeconds: 15, createLookaheadMs: 600_000, historySlots: 200 });
      for (let t = 0; t <= 120_000; t += 1000) await c.advanceTo(c.opts.startTs + t);
      return c;
    };
    const [a, b] = await Promise.all([run(), run()]);
    expect(a.records.length).toBeGreaterThan(10);
    expect(JSON.stringify(a.records)).toBe(JSON.stringify(b.records));
    expect(a.replayFrom(a.oldestReplayableSlot - 1)).toBeNull();
    const replay = a.replayFrom(a.oldestReplayableSlot)!;
    expect(replay.length).toBeGreaterThan(0);
    expect(replay.every((u) => u.slot >= a.oldestReplayableSlot)).toBe(true);
  }, 30_000);
});
