/**
 * Crash safety, exercised: paper trading in a child process over a recorded devchain market, killed
 * with SIGKILL at random moments and restarted, must leave trades.db exactly as one uninterrupted
 * run leaves it — no trade lost, none duplicated, the portfolio totals equal.
 *
 * The child replays the whole feed from its first event on every start (the market is recorded;
 * live, the same happens with a from_slot resume over the stream's history): the strategy re-decides
 * deterministically, and the actor's recovery adopts what trades.db already records (open and
 * closed positions keep their fills; an `opening` or `closing` step re-runs). Used by
 * test/trading/crash.test.ts (≥ 20 rounds) and scripts/crash_soak.ts (100 rounds).
 */
import type { Database } from "bun:sqlite";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { defaultVector, vectorFromParams, type ParamValues } from "../params/schema.ts";
import { idealExecution } from "../sim/fixtures_params.ts";
import { openTradesDb } from "../store/index.ts";
import { compileParams } from "../strategy/index.ts";
import type { TelemetryEvent } from "../telemetry/types.ts";
import type { Rng } from "../util/rng.ts";
import { JsonlAppender } from "../engine/jsonl_sink.ts";
import { createTradingStages, paramsHashOf, type TradeRow } from "./index.ts";

export interface SoakFeed {
  params: Partial<ParamValues>;
  events: TelemetryEvent[];
}

export function writeSoakFeed(path: string, feed: SoakFeed): void {
  writeFileSync(path, JSON.stringify(feed));
}

/** Drives paper trading over the feed into `db`; resolves when every position is closed. */
export async function runPaperFeed(feed: SoakFeed, db: Database, opts: { decisionsPath?: string; yieldEvery?: number; onProgress?: (i: number) => void } = {}): Promise<void> {
  const vec = vectorFromParams(feed.params, defaultVector());
  const decisions = opts.decisionsPath ? new JsonlAppender(opts.decisionsPath, { flushIntervalMs: 50 }) : { write() {}, close() {} };
  const stages = await createTradingStages({
    mode: "paper",
    entryMode: "observer",
    params: compileParams(vec),
    paramsHash: paramsHashOf(vec),
    execution: idealExecution(),
    db,
    decisions,
    circuitBreaker: { drawdownSol: [1e6, 2e6, 4e6], dailyLossCapSol: 1e6 },
    restoreGraceMs: 3_600_000,
    quietFeedMs: null,
  });
  await stages.start();
  const every = opts.yieldEvery ?? 100;
  let i = 0;
  for (const ev of feed.events) {
    stages.onMarket(ev);
    if (ev.type === "migration") stages.onSignal({ event: { ...ev }, checksSkipped: true });
    if (++i % every === 0) {
      opts.onProgress?.(i);
      await new Promise((r) => setTimeout(r, 0));
    }
  }
  stages.advanceTime(feed.events.at(-1)!.ts + 86_400_000);
  const end = performance.now() + 30_000;
  while ((stages.status().open_positions > 0 || stages.tradeProcessor.busy + stages.sellProcessor.busy > 0) && performance.now() < end) await new Promise((r) => setTimeout(r, 1));
  await stages.stop();
  decisions.close();
  if (stages.status().open_positions > 0) throw new Error(`${stages.status().open_positions} positions still open at the end of the feed`);
}

/** The child (lib/trading/soak_child.ts <feed.json> <trades.db> [decisions.jsonl]). */
export async function soakChild(feedPath: string, dbPath: string, decisionsPath?: string): Promise<void> {
  const feed = JSON.parse(readFileSync(feedPath, "utf8")) as SoakFeed;
  const db = openTradesDb(dbPath);
  process.stdout.write("SOAK-START\n");
  await runPaperFeed(feed, db, { decisionsPath, yieldEvery: 25 });
  db.close();
  process.stdout.write("SOAK-DONE\n");
}

const FIELDS = ["position_id", "mint", "pool", "status", "entry_ts", "entry_price_sol", "amount_in_lamports", "tokens_raw", "exit_ts", "exit_price_sol", "amount_out_lamports", "fees_lamports", "pnl_lamports", "exit_reason", "phase_at_exit", "params_hash"] as const;

/** The comparable content of trades.db: trades by position id, and the portfolio totals. */
export function dbContent(db: Database): { trades: Record<string, unknown>[]; summary: Record<string, unknown>; daily: Record<string, unknown>[]; ids: string[] } {
  const rows = db.query("SELECT * FROM trades ORDER BY position_id").all() as TradeRow[];
  const trades = rows.map((r) => Object.fromEntries(FIELDS.map((f) => [f, r[f]])));
  const summary = db.query("SELECT realised_pnl_lamports, peak_pnl_lamports, trades_closed, wins, losses, volume_in_lamports, fees_lamports FROM portfolio_summary WHERE id = 1").get() as Record<string, unknown>;
  const daily = db.query("SELECT * FROM portfolio_daily ORDER BY day").all() as Record<string, unknown>[];
  const ids = (db.query("SELECT position_id FROM trades ORDER BY id").all() as { position_id: string }[]).map((r) => r.position_id);
  return { trades, summary, daily, ids };
}

export interface SoakRound {
  episode: number;
  round: number;
  killAfterMs: number;
  /** The child finished before the kill landed. */
  finished: boolean;
  /** Trade rows present after the kill, by status. */
  statuses: Record<string, number>;
}

export interface SoakEpisode {
  episode: number;
  rounds: SoakRound[];
  /** trades.db after the final run equals the uninterrupted run's. */
  equal: boolean;
  content: ReturnType<typeof dbContent>;
}

/**
 * Runs the child; with a finite `killAfterMs` it is killed that long after it reported the start
 * of its run (module loading is not what a kill should land in). Returns whether it finished and
 * how long its run took.
 */
async function runChild(script: string, feedPath: string, dbPath: string, killAfterMs: number): Promise<{ finished: boolean; startMs: number; runMs: number }> {
  const t0 = performance.now();
  const child = Bun.spawn([process.execPath, script, feedPath, dbPath], { stdout: "pipe", stderr: "pipe", env: { ...process.env, LOG_LEVEL: "silent" } });
  let startedAt = -1;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stdout = "";
  const readOut = (async () => {
    const dec = new TextDecoder();
    for await (const chunk of child.stdout) {
      stdout += dec.decode(chunk, { stream: true });
      if (startedAt < 0 && stdout.includes("SOAK-START")) {
        startedAt = performance.now();
        if (Number.isFinite(killAfterMs)) timer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
      }
    }
  })();
  const [code, , stderr] = await Promise.all([child.exited, readOut, new Response(child.stderr).text()]);
  if (timer) clearTimeout(timer);
  const finished = stdout.includes("SOAK-DONE");
  if (!finished && child.signalCode !== "SIGKILL") throw new Error(`soak child failed (exit ${code}, signal ${child.signalCode}):\n${stderr}`);
  const end = performance.now();
  return { finished, startMs: (startedAt < 0 ? end : startedAt) - t0, runMs: startedAt < 0 ? 0 : end - startedAt };
}

function statusesOf(dbPath: string): Record<string, number> {
  const statuses: Record<string, number> = {};
  if (!existsSync(dbPath)) return statuses;
  const db = openTradesDb(dbPath);
  for (const r of db.query("SELECT status, COUNT(*) AS n FROM trades GROUP BY status").all() as { status: string; n: number }[]) statuses[r.status] = r.n;
  db.close();
  return statuses;
}

/**
 * Episodes of kill -9 rounds: each episode starts from an empty trades.db, kills the child
 * `killsPerEpisode` times at random moments of its run (every restart replays the feed from the
 * start and recovers from trades.db), lets the last run finish, and compares trades.db with the
 * uninterrupted run's `reference`. Kill moments are uniform over the child's measured run time.
 */
export async function soakEpisodes(o: {
  script: string;
  feedPath: string;
  dir: string;
  episodes: number;
  killsPerEpisode: number;
  rng: Rng;
  reference: ReturnType<typeof dbContent>;
  log?: (s: string) => void;
}): Promise<{ episodes: SoakEpisode[]; childRunMs: number }> {
  // One undisturbed child run sets the time scale of the kills (`script`: lib/trading/soak_child.ts).
  const probeDb = `${o.dir}/probe.db`;
  const probe = await runChild(o.script, o.feedPath, probeDb, Infinity);
  const childRunMs = probe.runMs;
  o.log?.(`child: start-up ${Math.round(probe.startMs)} ms, run ${Math.round(childRunMs)} ms`);
  const episodes: SoakEpisode[] = [];
  for (let e = 1; e <= o.episodes; e++) {
    const dbPath = `${o.dir}/episode_${e}.db`;
    const rounds: SoakRound[] = [];
    // The run gets shorter as trades.db holds more (recovery adopts instead of re-trading): kill
    // moments follow the latest finished run's length, and rounds go on until enough kills landed.
    let estimate = childRunMs;
    let kills = 0;
    for (let k = 1; kills < o.killsPerEpisode && k <= 4 * o.killsPerEpisode; k++) {
      const killAfterMs = Math.max(1, Math.round(estimate * (0.02 + 0.93 * o.rng.next())));
      const r = await runChild(o.script, o.feedPath, dbPath, killAfterMs);
      if (r.finished) estimate = Math.max(20, r.runMs);
      else kills++;
      const round: SoakRound = { episode: e, round: k, killAfterMs, finished: r.finished, statuses: statusesOf(dbPath) };
      rounds.push(round);
      o.log?.(`episode ${e} round ${k}: ${r.finished ? `finished in ${Math.round(r.runMs)} ms (kill was due at ${killAfterMs})` : `killed after ${killAfterMs} ms`}, trades ${JSON.stringify(round.statuses)}`);
    }
    const last = await runChild(o.script, o.feedPath, dbPath, Infinity);
    if (!last.finished) throw new Error(`episode ${e}: the final run did not finish`);
    const db = openTradesDb(dbPath);
    const content = dbContent(db);
    db.close();
    const equal = JSON.stringify(content) === JSON.stringify(o.reference);
    episodes.push({ episode: e, rounds, equal, content });
    o.log?.(`episode ${e}: final run finished; trades.db ${equal ? "equals" : "DIFFERS FROM"} the uninterrupted run`);
  }
  return { episodes, childRunMs };
}
