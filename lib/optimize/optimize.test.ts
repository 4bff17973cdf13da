/**
 * runOptimization end to end on a small fabricated tel_out: a seed reproduces the run (and the
 * thread count does not change it), an interrupted run resumed from its checkpoint ends exactly
 * where the uninterrupted one does, promotion writes the champion with meta and a backup, and the
 * sensitivity cache is updated.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadParamsFile } from "../params/index";
import { runOptimization, type OptimizeOptions, type OptimizeResult } from "./run";
import { makeTelOut, testOptions, writeTestChampion } from "./testing";

let root: string;
let n = 0;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "ferrix-opt-"));
  await makeTelOut(join(root, "tel_out"), { rounds: 3, perFold: 60, holdout: 40, seed: 3 });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A fresh run directory sharing the data; the champion is written there. */
function runDir(champion = true): string {
  const dir = join(root, `run${n++}`);
  mkdirSync(dir, { recursive: true });
  if (champion) writeTestChampion(join(dir, "best_strategy_params.json"));
  return dir;
}
const opts = (dir: string, o: Partial<OptimizeOptions> = {}): OptimizeOptions => testOptions(dir, { dataDir: join(root, "tel_out"), ...o });
const fingerprint = (r: OptimizeResult) => ({
  winner: Array.from(r.winnerVector),
  cv: r.winner.cv,
  holdout: r.winner.holdout,
  blended: r.winner.blended,
  champion: r.champion.blended,
  finalists: r.finalists,
  status: r.status,
  dsr: r.overfitting.sharpe.dsr,
  pbo: r.overfitting.pbo.pbo,
  samples: r.run.samples,
});

describe("reproducibility", () => {
  test("same seed → same winner and scores; 1 thread and a 2-worker pool agree; another seed differs", async () => {
    const base = { sweep: ["entry", "trail", "dd"] as const, useCma: true, samples: 400, write: false };
    const a = await runOptimization(opts(runDir(), { ...base, sweep: [...base.sweep] }));
    const b = await runOptimization(opts(runDir(), { ...base, sweep: [...base.sweep] }));
    const c = await runOptimization(opts(runDir(), { ...base, sweep: [...base.sweep], threads: 2 }));
    expect(fingerprint(b)).toEqual(fingerprint(a));
    expect(fingerprint(c)).toEqual(fingerprint(a));
    expect(c.run.evaluator).toBe("worker-pool");
    const d = await runOptimization(opts(runDir(), { ...base, sweep: [...base.sweep], seed: 2 }));
    expect(d.winner.cv === a.winner.cv && d.finalists[1]?.cv === a.finalists[1]?.cv).toBe(false);
    expect(a.run.samples).toBe(1200);
    expect(a.run.reuse.memo + a.run.reuse.split).toBeGreaterThan(a.run.reuse.full);
  }, 60_000);
});

describe("resume", () => {
  test("interrupted after a few batches and resumed = uninterrupted", async () => {
    const o = { sweep: ["entry", "trail"] as ("entry" | "trail")[], useCma: true, samples: 700, mode: "chaos" as const, batchSize: 100 };
    const full = await runOptimization(opts(runDir(), o));
    const dir = runDir();
    // stop after 5 batches (inside stage 1), then again inside stage 2
    const first = await runOptimization(opts(dir, { ...o, stopAfterBatches: 5 }));
    expect(first.interrupted).toBe(true);
    expect(first.promoted).toBe(false);
    expect(first.status).toMatch(/^NO PROMOTION: interrupted/);
    expect(existsSync(join(dir, "optimize_checkpoint.json"))).toBe(true);
    const second = await runOptimization(opts(dir, { ...o, resume: true, stopAfterBatches: 4 }));
    expect(second.interrupted).toBe(true);
    expect(second.run.resumedFrom).toEqual({ stage: 0, batch: 5 });
    const third = await runOptimization(opts(dir, { ...o, resume: true, threads: 2 }));
    expect(third.interrupted).toBe(false);
    expect(third.run.resumedFrom?.stage).toBe(1);
    expect(fingerprint(third)).toEqual(fingerprint(full));
    expect(existsSync(join(dir, "optimize_checkpoint.json"))).toBe(false);
    // the promoted champion is the same file content (apart from created_at)
    const a = loadParamsFile(join(dir, "best_strategy_params.json"));
    expect(Array.from(a.vector)).toEqual(Array.from(full.promoted ? full.winnerVector : a.vector));
  }, 60_000);

  test("a checkpoint from other flags is refused", async () => {
    const dir = runDir();
    await runOptimization(opts(dir, { stopAfterBatches: 1, samples: 500 }));
    await expect(runOptimization(opts(dir, { resume: true, samples: 501 }))).rejects.toThrow(/different run/);
  }, 30_000);
});

describe("promotion end to end", () => {
  test("a weak champion is replaced: meta, backup, sensitivity cache", async () => {
    const dir = runDir(false);
    const path = join(dir, "best_strategy_params.json");
    writeTestChampion(path, { maxPositions: 1, minBuyers: 200 }, { note: "weak" });
    const before = readFileSync(path, "utf8");
    const r = await runOptimization(opts(dir, { samples: 600 }));
    expect(r.decision.gates.map((g) => g.gate)).toEqual(["same", "safety", "improve", "holdout", "rescore"]);
    expect(r.promoted).toBe(true);
    expect(r.status).toBe("NEW CHAMPION CONFIRMED");
    expect(readFileSync(`${path}.bak`, "utf8")).toBe(before);
    const now = loadParamsFile(path);
    expect(Array.from(now.vector)).toEqual(Array.from(r.winnerVector));
    expect(now.meta.scores?.blended).toBe(r.winner.blended);
    expect(now.meta.scores?.cv).toBe(r.winner.cv);
    expect(now.meta.scores?.holdout).toBe(r.winner.holdout);
    expect(typeof now.meta.data_fingerprint).toBe("string");
    expect(now.meta.parent).toMatch(/^[0-9a-f]{64}$/);
    expect(now.meta.seed).toBe(1);
    const cache = JSON.parse(readFileSync(join(dir, "sensitivity_cache.json"), "utf8"));
    expect(cache.runs).toBe(1);
    expect(Object.keys(cache.widths).length).toBeGreaterThan(40);
    // Run again: the new champion's recorded score is now the bar.
    const again = await runOptimization(opts(dir, { samples: 600 }));
    expect(again.champion.recordedBlended).toBe(r.winner.blended);
    expect(again.champion.blended).toBe(r.winner.blended); // re-scored on the same data: identical
    if (again.promoted) expect(again.winner.blended).toBeGreaterThanOrEqual(r.winner.blended);
  }, 60_000);

  test("an impossible --min-improvement blocks promotion and leaves the file alone", async () => {
    const dir = runDir();
    const path = join(dir, "best_strategy_params.json");
    const before = readFileSync(path, "utf8");
    const r = await runOptimization(opts(dir, { samples: 300, minImprovement: 1e9 }));
    expect(r.promoted).toBe(false);
    expect(r.status).toMatch(/^NO PROMOTION: blended .* --min-improvement 1000000000/);
    expect(readFileSync(path, "utf8")).toBe(before);
  }, 30_000);
});
