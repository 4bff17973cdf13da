import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Devchain, matchTransaction, PortInUseError, startDevchain } from "./index.ts";

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

describe("startDevchain", () => {
  test("a port in use is a PortInUseError naming the service and port", async () => {
    const taken = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("") });
    try {
      for (const service of ["gRPC", "JSON-RPC"] as const) {
        const ports = service === "gRPC" ? { grpcPort: taken.port, rpcPort: 0 } : { grpcPort: 0, rpcPort: taken.port };
        const err = await startDevchain({ seed: 1, market: false, paused: true, ...ports }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(PortInUseError);
        expect((err as PortInUseError).service).toBe(service);
        expect((err as Error).message).toBe(`${service} port ${taken.port} on 127.0.0.1 is already in use`);
      }
    } finally {
      taken.stop(true);
    }
  });

  test("--record appends JSONL to the file, keeping what was there", async () => {
    const dir = mkdtempSync(join(tmpdir(), "devchain-record-"));
    try {
      const path = join(dir, "record.jsonl");
      writeFileSync(path, '{"earlier":"run, a longer line than any record the chain writes below, so overwriting would show"}\n');
      const dev = await startDevchain({ seed: 1, market: false, paused: true, recordPath: path });
      const t = await dev.chain.launchToken();
      await dev.stop();
      const lines = readFileSync(path, "utf8").trimEnd().split("\n");
      expect(lines.length).toBe(2);
      expect(JSON.parse(lines[0]).earlier).toBe("run, a longer line than any record the chain writes below, so overwriting would show");
      expect(JSON.parse(lines[1])).toMatchObject({ type: "migration", mint: t.mint, source: "api" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
