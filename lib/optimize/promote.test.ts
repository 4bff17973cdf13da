/**
 * Each promotion gate bites in a crafted case; the champion file is written with a backup,
 * never over a file that changed during the run, and a bad champion is refused with its key.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultVector, loadParamsFile, ParamsError, PARAM_INDEX } from "../params/index";
import { ChampionChangedError, decidePromotion, readChampion, writeChampion, type CandidateScores, type PromotionConfig } from "./promote";
import { DEFAULT_GATES, DEFAULT_SCORE, type FoldSetStats } from "./score";

const stats = (o: Partial<FoldSetStats>): FoldSetStats => ({
  score: 1,
  pnl: 5,
  trades: 100,
  lifecycles: 300,
  worstDrawdown: 1,
  worstCvar5: -0.05,
  failed: 0,
  wins: 60,
  sumTrade: 5,
  sumTrade2: 1,
  foldScores: [1, 1, 1],
  ...o,
});

const champVec = defaultVector();
const winVec = defaultVector();
winVec[PARAM_INDEX.minBuyers] = 41;
const cfg: PromotionConfig = { minImprovement: 0.1, maxHoldoutDegradation: 0.5, gates: { ...DEFAULT_GATES }, score: { ...DEFAULT_SCORE, minEntryRate: 0.2 } };
const winner = (o: Partial<CandidateScores> = {}): CandidateScores => {
  const cv = o.cv ?? stats({ score: 2 });
  const holdout = o.holdout ?? stats({ score: 1.8, trades: 20, lifecycles: 60 });
  return { vector: winVec, stake: 0.5, cv, holdout, blended: 0.4 * cv.score + 0.6 * holdout.score, ...o };
};
const champion = { vector: champVec, rescoredBlended: 1.5, recordedBlended: 1.6 };

describe("promotion gates", () => {
  test("a clean winner is promoted", () => {
    const d = decidePromotion(winner(), champion, cfg);
    expect(d.promote).toBe(true);
    expect(d.reason).toBe("NEW CHAMPION CONFIRMED");
    expect(d.gates.every((g) => g.passed)).toBe(true);
  });

  test("same: the champion itself is never re-promoted", () => {
    const d = decidePromotion(winner({ vector: champVec }), champion, cfg);
    expect(d.promote).toBe(false);
    expect(d.gates.find((g) => !g.passed)!.gate).toBe("same");
  });

  test("safety: drawdown, tail, entry rate, trades and CV profit each bite", () => {
    const cases: [string, Partial<CandidateScores>, RegExp][] = [
      ["drawdown", { cv: stats({ score: 2, worstDrawdown: 0.5 * 26 }) }, /drawdown/],
      ["holdout tail", { holdout: stats({ score: 1.8, worstCvar5: -0.5 * 0.8 }) }, /CVaR5/],
      ["entry rate", { cv: stats({ score: 2, trades: 50, lifecycles: 300 }) }, /entry rate/],
      ["trades", { holdout: stats({ score: 1.8, trades: 2 }) }, /holdout trades/],
      ["profit", { cv: stats({ score: 2, pnl: -0.1 }) }, /not positive/],
    ];
    for (const [name, o, re] of cases) {
      const d = decidePromotion(winner(o), champion, cfg);
      expect(d.promote).toBe(false);
      const failed = d.gates.find((g) => !g.passed)!;
      expect(failed.gate).toBe("safety");
      expect(d.reason).toMatch(re);
      expect(d.safety.length).toBeGreaterThan(0);
      void name;
    }
  });

  test("improve: blended must beat the recorded champion score by --min-improvement", () => {
    // blended 1.65 > rescored 1.5 but < recorded 1.6 + 0.1
    const d = decidePromotion(winner({ cv: stats({ score: 1.5 }), holdout: stats({ score: 1.75, trades: 20 }) }), champion, cfg);
    expect(d.promote).toBe(false);
    expect(d.gates.find((g) => !g.passed)!.gate).toBe("improve");
    expect(d.reason).toMatch(/min-improvement 0.1/);
    // without a recorded score the re-scored one is the reference
    const d2 = decidePromotion(winner({ cv: stats({ score: 1.5 }), holdout: stats({ score: 1.75, trades: 20 }) }), { ...champion, recordedBlended: null }, cfg);
    expect(d2.promote).toBe(true);
  });

  test("holdout: a holdout far below CV blocks promotion", () => {
    // CV 10, holdout 4: degradation 60 % > 50 %; blended 6.4 beats everything else
    const d = decidePromotion(winner({ cv: stats({ score: 10 }), holdout: stats({ score: 4, trades: 20 }) }), champion, cfg);
    expect(d.promote).toBe(false);
    expect(d.gates.find((g) => !g.passed)!.gate).toBe("holdout");
    expect(d.reason).toMatch(/degradation 60\.0 %/);
  });

  test("rescore: a stale low recorded score cannot let a set worse than the champion on today's data through", () => {
    const d = decidePromotion(winner(), { vector: champVec, rescoredBlended: 2.5, recordedBlended: 0.1 }, cfg);
    expect(d.promote).toBe(false);
    expect(d.gates.find((g) => !g.passed)!.gate).toBe("rescore");
    expect(d.reason).toMatch(/re-scored on the same data/);
  });
});

describe("champion file", () => {
  let dir: string;
  beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), "ferrix-promote-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("missing → schema defaults; written without backup; then replaced with a backup of the old bytes", () => {
    const path = join(dir, "best_strategy_params.json");
    const c0 = readChampion(path);
    expect(c0.exists).toBe(false);
    expect(Array.from(c0.loaded.vector)).toEqual(Array.from(defaultVector()));
    expect(writeChampion(path, winVec, { scores: { blended: 1 } }, c0.sha256).backup).toBeNull();
    const first = readFileSync(path, "utf8");
    const c1 = readChampion(path);
    expect(c1.recordedBlended).toBe(1);
    const next = Float64Array.from(winVec);
    next[PARAM_INDEX.minBuyers] = 50;
    expect(writeChampion(path, next, { scores: { blended: 2 } }, c1.sha256).backup).toBe(`${path}.bak`);
    expect(readFileSync(`${path}.bak`, "utf8")).toBe(first);
    expect(loadParamsFile(path).vector[PARAM_INDEX.minBuyers]).toBe(50);
  });

  test("a file changed during the run is not overwritten", () => {
    const path = join(dir, "best_strategy_params.json");
    writeChampion(path, winVec, {}, "absent");
    const c = readChampion(path);
    writeFileSync(path, readFileSync(path, "utf8").replace('"minBuyers": 41', '"minBuyers": 42'));
    const changed = readFileSync(path, "utf8");
    expect(() => writeChampion(path, champVec, {}, c.sha256)).toThrow(ChampionChangedError);
    expect(readFileSync(path, "utf8")).toBe(changed);
    expect(existsSync(`${path}.bak`)).toBe(false);
  });

  test("corrupt JSON, an unknown key, an out-of-bounds value: a ParamsError naming file and key", () => {
    const path = join(dir, "best_strategy_params.json");
    writeFileSync(path, '{"version":1,"params":{"minBuyers":');
    expect(() => readChampion(path)).toThrow(/best_strategy_params\.json: not valid JSON/);
    writeFileSync(path, JSON.stringify({ version: 1, params: { minBuyerz: 3 } }));
    try {
      readChampion(path);
      throw new Error("expected a ParamsError");
    } catch (err) {
      expect(err).toBeInstanceOf(ParamsError);
      expect((err as ParamsError).key).toBe("minBuyerz");
      expect((err as Error).message).toContain(path);
      expect((err as Error).message).toContain("did you mean 'minBuyers'");
    }
    writeFileSync(path, JSON.stringify({ version: 1, params: { maxHoldS: 99999 } }));
    expect(() => readChampion(path)).toThrow(/params\.maxHoldS = 99999 is out of bounds/);
  });
});

describe("cvSafe", () => {
  test("agrees with cvSafetyFailures on crafted and random statistics", async () => {
    const { cvSafe, cvSafetyFailures } = await import("./score");
    const { createRng } = await import("../util/rng");
    const rng = createRng(4);
    for (let i = 0; i < 2000; i++) {
      const s = stats({
        score: rng.chance(0.05) ? NaN : rng.normal(),
        pnl: rng.normal(),
        trades: rng.int(200),
        lifecycles: 100 + rng.int(300),
        worstDrawdown: 20 * rng.next(),
        worstCvar5: -rng.next(),
      });
      expect(cvSafe(s, 0.5, cfg.score, cfg.gates)).toBe(cvSafetyFailures(s, 0.5, cfg.score, cfg.gates).length === 0);
    }
  });
});
