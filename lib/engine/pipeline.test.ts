import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createChecker, SqliteCheckerStore } from "../checker";
import { FakeChain, safeMint, type FakeToken } from "../checker/testing.ts";
import { systemClock } from "../ingest/clock.ts";
import { openTradesDb } from "../store";
import { JsonlAppender } from "./jsonl_sink.ts";
import { MigrationPipeline } from "./pipeline.ts";
import { syntheticMigration, type DetectedMigration } from "./stages.ts";
import { captureLogger, waitFor } from "./test_helpers.ts";

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "ferrix-pipe-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function migrationOf(t: FakeToken, slot: number): DetectedMigration {
  return { ...syntheticMigration(1_767_225_600_000), mint: t.mint, pool: t.pool, creator: t.creator, coinCreator: t.creator, slot, synthetic: undefined };
}

test("checked: clean tokens reach the verified channel; unsafe ones are rejected with every reason; all are recorded", async () => {
  const chain = new FakeChain();
  const clean = await chain.addToken({ label: "p clean" });
  const trap = await chain.addToken({ label: "p trap", honeypot: true, mint: safeMint({ mintAuthority: clean.creator }) });
  const db = openTradesDb(":memory:");
  const store = new SqliteCheckerStore(db, { flushIntervalMs: 0 });
  const log = captureLogger();
  const decisions = new JsonlAppender(join(dir, "decisions.jsonl"), { flushIntervalMs: 0 });
  const p = new MigrationPipeline({ checker: createChecker({ rpc: chain.rpc(), store }), maxInFlight: 1, clock: systemClock, logger: log.logger, decisions, trading: "paper" });
  p.submit(migrationOf(clean, 10));
  p.submit(migrationOf(trap, 11));
  expect(p.stats).toMatchObject({ received: 2, inFlight: 1, queued: 1 }); // maxInFlight 1: the second waits
  const first = await p.verified.next();
  expect(first.value).toMatchObject({ kind: "verified", mint: clean.mint, checksSkipped: false });
  await waitFor(() => p.stats.rejected === 1, 5_000, "the queued migration's analysis");
  expect(await p.drain(5_000)).toEqual({ abandoned: 0, unfinished: 0 });
  expect((await p.verified.next()).done).toBe(true);
  expect(p.stats).toMatchObject({ received: 2, verified: 1, rejected: 1, inFlight: 0, queued: 0 });
  decisions.close();
  const records = readFileSync(join(dir, "decisions.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
  expect(records.map((r) => [r.decision, r.mint])).toEqual([
    ["verified", clean.mint],
    ["rejected", trap.mint],
  ]);
  expect(records[1].reasons.map((r: { code: string }) => r.code).sort()).toEqual(["honeypot", "mint_authority_present"]);
  expect(records[1].slot).toBe(11);
  store.close();
  db.close();
});

test("checks off: every migration passes at once, marked unverified", async () => {
  const log = captureLogger();
  const p = new MigrationPipeline({ checker: null, maxInFlight: 4, clock: systemClock, logger: log.logger, trading: "paper" });
  const m = syntheticMigration(Date.now());
  p.submit(m);
  const s = await p.verified.next();
  expect(s.value).toMatchObject({ kind: "verified", checksSkipped: true, analysis: null, mint: m.mint, event: { synthetic: true } });
  expect(log.messages()).toContain("verified trade signal (checks off)");
});

test("drain: queued migrations are dropped at shutdown, in-flight ones get the timeout", async () => {
  const chain = new FakeChain();
  const t = await chain.addToken({ label: "p slow" });
  const u = await chain.addToken({ label: "p slow 2" });
  chain.delayMs.simulateTransaction = 300;
  const db = openTradesDb(":memory:");
  const store = new SqliteCheckerStore(db, { flushIntervalMs: 0 });
  const p = new MigrationPipeline({ checker: createChecker({ rpc: chain.rpc(), store }), maxInFlight: 1, clock: systemClock, logger: captureLogger().logger, trading: "paper" });
  p.submit(migrationOf(t, 1));
  p.submit(migrationOf(u, 2));
  expect(await p.drain(20)).toEqual({ abandoned: 1, unfinished: 1 });
  p.submit(migrationOf(u, 3)); // after close: ignored
  expect(p.stats.received).toBe(2);
  store.close();
  db.close();
});
