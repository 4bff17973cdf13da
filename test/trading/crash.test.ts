/**
 * Crash safety: a child process paper-trades a recorded devchain market and is killed with SIGKILL
 * at random moments (seeded), restarted on the same trades.db each time, and finally left to
 * finish. trades.db must then equal an uninterrupted run's — no trade lost, none duplicated,
 * identical amounts and portfolio totals — and agree with the simulator over the devchain's
 * record. 20+ rounds here; scripts/crash_soak.ts runs 100.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { openTradesDb } from "../../lib/store/index.ts";
import { dbContent, runPaperFeed, soakEpisodes, writeSoakFeed } from "../../lib/trading/soak.ts";
import { createRng } from "../../lib/util/rng.ts";
import { simTrades, soakFeed } from "../../scripts/crash_soak.ts";

const dir = mkdtempSync(join(tmpdir(), "ferrix-crash-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SCRIPT = resolve(import.meta.dir, "../../lib/trading/soak_child.ts");

test("kill -9 at random moments of paper trading, 20 rounds in 5 episodes: nothing lost, nothing duplicated", async () => {
  const feed = await soakFeed(11, 600);
  const feedPath = join(dir, "feed.json");
  writeSoakFeed(feedPath, feed);
  const refDb = openTradesDb(join(dir, "reference.db"));
  await runPaperFeed(feed, refDb);
  const ref = dbContent(refDb);
  refDb.close();
  expect(ref.trades.length).toBeGreaterThanOrEqual(5);

  const { episodes, childRunMs } = await soakEpisodes({ script: SCRIPT, feedPath, dir, episodes: 5, killsPerEpisode: 4, rng: createRng(2026), reference: ref });
  const rounds = episodes.flatMap((e) => e.rounds);
  const killed = rounds.filter((r) => !r.finished);
  console.log(`crash soak: child run ${Math.round(childRunMs)} ms, ${rounds.length} rounds, ${killed.length} killed mid-run`);
  expect(killed.length).toBeGreaterThanOrEqual(20);
  // Kills landed with positions in flight (opening, open or closing rows at the kill).
  expect(killed.filter((r) => Object.entries(r.statuses).some(([s, n]) => s !== "closed" && n > 0)).length).toBeGreaterThanOrEqual(5);
  const sim = simTrades(feed);
  for (const e of episodes) {
    expect(e.content.ids.length).toBe(new Set(e.content.ids).size);
    expect(e.content.trades).toEqual(ref.trades);
    expect(e.content.summary).toEqual(ref.summary);
    expect(e.content.daily).toEqual(ref.daily);
    expect(e.equal).toBe(true);
    // …and the trades are the simulator's over the devchain's record.
    expect(e.content.trades.map((t) => t.mint).sort()).toEqual([...sim.keys()].sort());
    for (const t of e.content.trades) expect(t.exit_reason).toBe(sim.get(t.mint as string)!.exitReason);
  }
}, 90_000);
