#!/usr/bin/env bun
/**
 * crash_soak — kill -9 paper trading at random moments, restart, and check trades.db against an
 * uninterrupted run and against the simulator over the devchain's record: nothing lost, nothing
 * duplicated. The test suite runs 20+ rounds (test/trading/crash.test.ts); this runs 100.
 *
 *   bun scripts/crash_soak.ts [--rounds 100] [--seed 11] [--seconds 900] [--keep DIR]
 * The process that gets killed is lib/trading/soak_child.ts.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineTool, main } from "../lib/cli/index.ts";
import { buildFold } from "../lib/dataset/index.ts";
import { Devchain } from "../lib/devchain/index.ts";
import { computeFoldFeatures } from "../lib/features/index.ts";
import { LifecycleBuilder, toLifecycle, type Lifecycle } from "../lib/lifecycle/index.ts";
import { defaultParams, defaultVector, vectorFromParams } from "../lib/params/schema.ts";
import { simulate, SimWorkspace } from "../lib/sim/index.ts";
import { idealExecution } from "../lib/sim/fixtures_params.ts";
import { openTradesDb } from "../lib/store/index.ts";
import { compileParams } from "../lib/strategy/index.ts";
import { IssueLog, TelemetryValidator, type TelemetryEvent } from "../lib/telemetry/index.ts";
import { dbContent, runPaperFeed, soakEpisodes, writeSoakFeed, type SoakFeed } from "../lib/trading/soak.ts";
import { createRng } from "../lib/util/rng.ts";

/** The soak market: a seeded devchain's own record, as telemetry. */
export async function soakFeed(seed = 11, seconds = 900): Promise<SoakFeed> {
  const chain = new Devchain({ seed, migrationsPerDay: 3000, trackSeconds: 300, idleStopSeconds: 120, createLookaheadMs: 3_600_000, startTs: Date.UTC(2026, 0, 1) });
  for (let t = 0; t <= seconds * 1000; t += 5_000) await chain.advanceTo(chain.opts.startTs + t);
  const events: TelemetryEvent[] = [];
  for (const r of chain.records) {
    if (r.type === "create") continue;
    const { source: _s, mint_profile: _m, ...rest } = r as typeof r & { source?: string; mint_profile?: string };
    events.push({ ...rest, v: 1 } as TelemetryEvent);
  }
  const params = { ...defaultParams(), minNetFlowSol: -20, minBuyers: 0, minRvr: 0, maxCreatorSellSol: 50, minPriceChange: -0.9, maxPriceChange: 10, maxPositions: 50 };
  return { params, events };
}

/** The simulator's trades over the same record (mint → exit reason). */
export function simTrades(feed: SoakFeed): Map<string, { exitReason: string; tokens: number }> {
  const log = new IssueLog();
  const check = new TelemetryValidator(log);
  const lifecycles: Lifecycle[] = [];
  const b = new LifecycleBuilder({}, log, (f) => lifecycles.push(toLifecycle(f)));
  feed.events.forEach((e, i) => {
    const ev = check.check(JSON.parse(JSON.stringify(e)), i + 1);
    if (ev) b.push(ev, i + 1);
  });
  b.end();
  const fold = buildFold(lifecycles, "soak");
  const ws = new SimWorkspace();
  simulate(fold, computeFoldFeatures(fold), compileParams(vectorFromParams(feed.params, defaultVector())), idealExecution(), ws, { recordTrades: true });
  return new Map(ws.trades.map((t) => [t.mint, { exitReason: t.exitReason, tokens: t.tokens }]));
}

const tool = defineTool({
  name: "crash_soak",
  description: "kill -9 paper trading at random moments and check trades.db against an uninterrupted run and the simulator",
  examples: ["bun scripts/crash_soak.ts", "bun scripts/crash_soak.ts --rounds 20 --keep out/soak"],
  args: {
    rounds: { type: "number", description: "kill rounds", default: 100, min: 1, integer: true },
    seed: { type: "number", description: "seed of the market and of the kill times", default: 11, integer: true },
    seconds: { type: "number", description: "simulated seconds of devchain market", default: 900, min: 1, integer: true },
    keep: { type: "string", description: "keep the run's files (feed, trades.db of every episode) in a new directory under this one", valueHint: "dir" },
  },
  run: soak,
});

async function soak({ rounds, seed, seconds, keep }: { rounds: number; seed: number; seconds: number; keep?: string }): Promise<number> {
  // A fresh directory either way: an earlier run's trades.db files would be re-hydrated.
  if (keep) mkdirSync(keep, { recursive: true });
  const dir = mkdtempSync(join(keep ?? tmpdir(), "ferrix-soak-"));
  try {
    const feed = await soakFeed(seed, seconds);
    const feedPath = join(dir, "feed.json");
    writeSoakFeed(feedPath, feed);
    const refDb = openTradesDb(join(dir, "reference.db"));
    await runPaperFeed(feed, refDb);
    const ref = dbContent(refDb);
    refDb.close();
    const sim = simTrades(feed);
    process.stderr.write(`feed: ${feed.events.length} events; reference run: ${ref.trades.length} trades; simulator: ${sim.size} trades\n`);
    const t0 = performance.now();
    const killsPerEpisode = 5;
    const { episodes } = await soakEpisodes({ script: join(import.meta.dir, "../lib/trading/soak_child.ts"), feedPath, dir, episodes: Math.ceil(rounds / killsPerEpisode), killsPerEpisode, rng: createRng(seed), reference: ref, log: (s) => process.stderr.write(s + "\n") });
    const all = episodes.flatMap((e) => e.rounds);
    const killed = all.filter((r) => !r.finished).length;
    const mid = all.filter((r) => !r.finished && Object.entries(r.statuses).some(([s, n]) => s !== "closed" && n > 0)).length;
    const same = episodes.every((e) => e.equal);
    const simOk = episodes.every((e) => e.content.trades.length === sim.size && e.content.trades.every((t) => sim.get(t.mint as string)?.exitReason === t.exit_reason));
    process.stderr.write(`${all.length} rounds in ${episodes.length} episodes, ${((performance.now() - t0) / 1000).toFixed(1)} s: ${killed} killed mid-run (${mid} with positions in flight at the kill)\n`);
    process.stderr.write(`trades.db after every episode ${same ? "EQUALS" : "DIFFERS FROM"} the uninterrupted run (${ref.trades.length} trades, realised ${ref.summary.realised_pnl_lamports} lamports); simulator agreement: ${simOk ? "yes" : "NO"}\n`);
    return same && simOk ? 0 : 1;
  } finally {
    if (keep) process.stderr.write(`files kept in ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) await main(tool);
