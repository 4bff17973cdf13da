/**
 * One generation of the always-on evolution loop (spec §5.3):
 *   regime → sweep groups → refresh data (telemetry_tool, walk_forward_split) → dynamic entry-rate
 *   target → optimize_params (→ hail-mary pass when long stagnant) → on a new champion, sanity
 *   validation with backtest_logic → accept (journal, archive, pending-update flag) or restore the
 *   backup → best-ever tracking and the CV degradation flag.
 * Tools run as child processes (the compiled binaries when present); the champion file is only
 * ever replaced atomically (by the optimizer, or by the restore here).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { writeFileAtomic } from "../util/atomic";
import { defaultCvDegradedFlag, defaultPendingUpdateFlag } from "../util/paths";
import { toolCommand } from "../util/tools";
import { entryRateTarget, tailMigrationTimes, type RateTarget } from "./cadence";
import { numberKnob, type EvolutionConfig } from "./config";
import { diffParams, formatJournalEntry, type ParamChange } from "./journal";
import { parseOptimizerOutput, type OptimizerOutcome } from "./optimizer_output";
import { chooseRegime, modeForRegime, sampleBudget, sweepGroups, type Regime } from "./regime";

export interface ToolRun {
  code: number;
  stdout: string;
  stderr: string;
  signal: string | null;
}

export interface LoopDeps {
  cwd: string;
  /** Progress lines for people (stderr). */
  log: (line: string) => void;
  /** Set on SIGTERM/SIGINT: the current child is asked to stop, the loop ends after the step. */
  stopSignal: { stopped: boolean };
  now?: () => Date;
}

export interface EvolutionState {
  generation: number;
  stagnation: number;
}

export interface GenerationResult {
  generation: number;
  regime: Regime;
  hailMary: boolean;
  groups: readonly string[];
  rate: RateTarget;
  outcome: OptimizerOutcome | null;
  hailMaryOutcome: OptimizerOutcome | null;
  promoted: boolean;
  accepted: boolean;
  validation: { ok: boolean; reason: string; trades?: number; pnlSol?: number; maxDrawdownSol?: number } | null;
  archive: string | null;
  changes: ParamChange[];
  bestBlended: number | null;
  degraded: boolean;
  seconds: number;
  stopped: boolean;
}

const stateFile = (cfg: EvolutionConfig, name: string) => join(cfg.stateDir, `ferrix_${name}.json`);

function readJson<T>(path: string): T | null {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch {
    return null;
  }
}

export function loadState(cfg: EvolutionConfig): EvolutionState {
  return readJson<EvolutionState>(stateFile(cfg, "evo_state")) ?? { generation: 0, stagnation: 0 };
}

export class EvolutionLoop {
  private child: ReturnType<typeof Bun.spawn> | null = null;

  constructor(readonly cfg: EvolutionConfig, readonly deps: LoopDeps) {}

  private path(p: string): string {
    return resolve(this.deps.cwd, p);
  }

  /** Ask the running child to stop cleanly (the optimizer reports its best without promoting). */
  interruptChild(): void {
    this.child?.kill("SIGINT");
  }

  private async run(tool: string, args: string[]): Promise<ToolRun> {
    const { argv } = toolCommand(tool, { root: existsSync(join(this.deps.cwd, tool)) ? this.deps.cwd : undefined });
    this.deps.log(`  $ ${[basename(argv[argv.length - 1]!), ...args].join(" ")}`);
    const proc = Bun.spawn([...argv, ...args], { cwd: this.deps.cwd, stdout: "pipe", stderr: "pipe", env: process.env });
    this.child = proc;
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    this.child = null;
    return { code, stdout, stderr, signal: proc.signalCode ? String(proc.signalCode) : null };
  }

  private fail(what: string, r: ToolRun): Error {
    const tail = (r.stderr || r.stdout).trim().split("\n").slice(-5).join("\n    ");
    return new Error(`${what} failed (exit ${r.code}${r.signal ? `, ${r.signal}` : ""}):\n    ${tail}`);
  }

  async runGeneration(state: EvolutionState): Promise<GenerationResult> {
    const started = performance.now();
    const cfg = this.cfg;
    const generation = state.generation + 1;
    const { regime, hailMary } = chooseRegime(generation, state.stagnation, {
      forcedChaosGens: numberKnob(cfg, "forcedChaosGens"),
      exploreAfter: numberKnob(cfg, "exploreAfter"),
      chaosAfter: numberKnob(cfg, "chaosAfter"),
      hailMaryAfter: numberKnob(cfg, "hailMaryAfter"),
    });
    const groups = sweepGroups(generation);
    this.deps.log(`generation ${generation}: ${regime}${hailMary ? " + hail mary" : ""}, sweep ${groups.join(",")}, stagnation ${state.stagnation}`);

    // 1. Refresh the datasets from the live telemetry.
    const telemetry = this.path(cfg.telemetry);
    if (!existsSync(telemetry)) throw new Error(`${telemetry} not found: ferrix records it (or generate one: bun scripts/gen_telemetry.ts --out ${cfg.telemetry})`);
    const telOut = this.path(cfg.telOut);
    const gt = join(telOut, "ground_truth_analysis.jsonl");
    let r = await this.run("telemetry_tool", [telemetry, "--out", gt]);
    if (r.code !== 0) throw this.fail("telemetry_tool", r);
    r = await this.run("walk_forward_split", [
      gt, "--out-dir", telOut, "--min-train-trades", cfg.minTrainTrades, "--test-window-trades", cfg.testWindowTrades,
      "--embargo-trades", cfg.embargoTrades, "--n-rounds", cfg.wfRounds, "--sliding",
    ]);
    if (r.code !== 0) throw this.fail("walk_forward_split", r);

    // 2. Dynamic entry-rate target from the telemetry tail.
    const rateState = readJson<{ entryRate: number }>(stateFile(cfg, "dynamic_rate"));
    const rate = entryRateTarget(tailMigrationTimes(telemetry, { maxBytes: numberKnob(cfg, "tailBytes") }), rateState?.entryRate ?? null, {
      targetTradesPerDay: numberKnob(cfg, "targetTradesPerDay"),
      minRate: numberKnob(cfg, "minEntryRate"),
      maxRate: numberKnob(cfg, "maxEntryRate"),
      smoothing: numberKnob(cfg, "rateSmoothing"),
      minMigrations: 8,
    });
    writeFileAtomic(stateFile(cfg, "dynamic_rate"), JSON.stringify({ ...rate, updated_at: Date.now() }) + "\n");
    this.deps.log(`  entry-rate target ${rate.entryRate.toFixed(4)} (${rate.basis}${rate.migrationsPerDay ? `, ${rate.migrationsPerDay.toFixed(0)} migrations/day` : ""})`);

    // 3. The optimizer (and a hail-mary pass after prolonged stagnation).
    const champion = this.path(cfg.champion);
    const before = existsSync(champion) ? readJson<{ params: Record<string, unknown> }>(champion) : null;
    const seedBase = cfg.seed === "" ? Math.floor(Date.now() / 1000) : numberKnob(cfg, "seed");
    const optimizerArgs = (samples: number, mode: string, extra: string[]) => [
      "--samples", String(samples), "--use-cma", "--mode", mode, "--multi-sweep", groups.join(","),
      "--wf-rounds", cfg.wfRounds, "--holdout-weight", cfg.holdoutWeight, "--min-entry-rate", rate.entryRate.toFixed(6),
      "--min-improvement", cfg.minImprovement, "--max-holdout-degradation", cfg.maxHoldoutDegradation,
      "--data-dir", telOut, "--params", champion, "--seed", String(seedBase + generation),
      ...(cfg.threads !== "" ? ["--threads", cfg.threads] : []), ...extra,
    ];
    const budget = { normal: numberKnob(cfg, "samplesNormal"), explore: numberKnob(cfg, "samplesExplore"), chaos: numberKnob(cfg, "samplesChaos") };
    r = await this.run("optimize_params", optimizerArgs(sampleBudget(regime, budget), modeForRegime(regime), []));
    const stoppedDuring = this.deps.stopSignal.stopped;
    if (r.code !== 0 && !stoppedDuring) throw this.fail("optimize_params", r);
    const outcome = parseOptimizerOutput(r.stdout);
    this.deps.log(`  CV ${outcome.cvScore} · holdout ${outcome.holdoutScore} · blended ${outcome.blendedScore} · champion ${outcome.championBlendedScore} → ${outcome.promoted ? "NEW CHAMPION" : `no promotion (${outcome.noPromotionReason ?? "?"})`}`);
    let promoted = outcome.promoted && !stoppedDuring;
    let hailMaryOutcome: OptimizerOutcome | null = null;
    let winning = outcome;
    if (!promoted && hailMary && !this.deps.stopSignal.stopped) {
      r = await this.run("optimize_params", optimizerArgs(numberKnob(cfg, "samplesHailMary"), "chaos", ["--hail-mary"]));
      if (r.code !== 0 && !this.deps.stopSignal.stopped) throw this.fail("optimize_params (hail mary)", r);
      hailMaryOutcome = parseOptimizerOutput(r.stdout);
      this.deps.log(`  hail mary: blended ${hailMaryOutcome.blendedScore} → ${hailMaryOutcome.promoted ? "NEW CHAMPION" : "no promotion"}`);
      if (hailMaryOutcome.promoted && !this.deps.stopSignal.stopped) {
        promoted = true;
        winning = hailMaryOutcome;
      }
    }

    // 4. Validate a new champion; accept or restore the backup.
    let accepted = false;
    let validation: GenerationResult["validation"] = null;
    let archive: string | null = null;
    let changes: ParamChange[] = [];
    if (promoted) {
      validation = await this.validate(champion, join(telOut, "permanent_holdout.jsonl"));
      if (validation.ok) {
        accepted = true;
        const after = readJson<{ params: Record<string, unknown> }>(champion);
        changes = diffParams(before?.params ?? {}, after?.params ?? {});
        archive = this.archive(champion, generation, regime, groups, winning, validation, changes, r.stdout);
        this.appendJournal(generation, regime, groups, winning, archive, changes);
        writeFileAtomic(this.flagPath(cfg.pendingFlag, defaultPendingUpdateFlag), `${new Date().toISOString()}\n`);
        this.deps.log(`  accepted: ${changes.length} params changed, archived to ${archive}, pending-update flag set`);
      } else {
        this.restoreBackup(champion);
        this.deps.log(`  validation failed (${validation.reason}): champion restored from backup`);
      }
    }

    // 5. Best-ever tracking and the degradation flag.
    const best = readJson<{ blended: number }>(stateFile(cfg, "best_blended"));
    const current = accepted ? winning.blendedScore : outcome.championBlendedScore ?? outcome.blendedScore;
    let bestBlended = best?.blended ?? null;
    if (current !== null && Number.isFinite(current) && (bestBlended === null || current > bestBlended)) {
      bestBlended = current;
      writeFileAtomic(stateFile(cfg, "best_blended"), JSON.stringify({ blended: current, generation, updated_at: Date.now() }) + "\n");
    }
    writeFileAtomic(stateFile(cfg, "cv_state"), JSON.stringify({ cv: outcome.cvScore, holdout: outcome.holdoutScore, blended: outcome.blendedScore, champion: outcome.championBlendedScore, generation, updated_at: Date.now() }) + "\n");
    const threshold = numberKnob(cfg, "cvDegradation");
    const degraded = current !== null && bestBlended !== null && bestBlended > 0 && current < bestBlended * (1 - threshold);
    const degradedFlag = this.flagPath(cfg.degradedFlag, defaultCvDegradedFlag);
    if (degraded) writeFileAtomic(degradedFlag, JSON.stringify({ current, best: bestBlended, threshold, generation, at: new Date().toISOString() }) + "\n");
    else rmSync(degradedFlag, { force: true });

    const next: EvolutionState = { generation, stagnation: accepted ? 0 : state.stagnation + 1 };
    if (!this.deps.stopSignal.stopped || accepted) writeFileAtomic(stateFile(cfg, "evo_state"), JSON.stringify(next) + "\n");
    return {
      generation, regime, hailMary, groups, rate, outcome, hailMaryOutcome, promoted, accepted, validation, archive, changes,
      bestBlended, degraded, seconds: (performance.now() - started) / 1000, stopped: this.deps.stopSignal.stopped,
    };
  }

  /** Minimal sanity validation: the champion loads, and backtests on the holdout to sane figures. */
  private async validate(champion: string, holdout: string): Promise<NonNullable<GenerationResult["validation"]>> {
    const r = await this.run("backtest_logic", ["--params", champion, "--data", holdout, "--json"]);
    if (r.code !== 0) return { ok: false, reason: `backtest_logic exit ${r.code}: ${r.stderr.trim().split("\n").pop() ?? ""}` };
    let s: any;
    try {
      s = JSON.parse(r.stdout.trim().split("\n").pop()!);
    } catch {
      return { ok: false, reason: "backtest_logic --json printed no JSON" };
    }
    const summary = s.summary ?? s;
    const trades = Number(summary.trades);
    const pnlSol = Number(summary.pnl_sol);
    const maxDrawdownSol = Number(summary.max_drawdown_sol);
    const minTrades = numberKnob(this.cfg, "validationMinTrades");
    const maxDd = numberKnob(this.cfg, "validationMaxDrawdownSol");
    if (!Number.isFinite(trades) || !Number.isFinite(pnlSol) || !Number.isFinite(maxDrawdownSol)) return { ok: false, reason: "non-finite figures in the backtest summary" };
    if (trades < minTrades) return { ok: false, reason: `${trades} holdout trades < ${minTrades}`, trades, pnlSol, maxDrawdownSol };
    if (maxDrawdownSol > maxDd) return { ok: false, reason: `holdout drawdown ${maxDrawdownSol} SOL > ${maxDd}`, trades, pnlSol, maxDrawdownSol };
    return { ok: true, reason: "ok", trades, pnlSol, maxDrawdownSol };
  }

  private backupPath(champion: string): string {
    return `${champion}.bak`;
  }

  private restoreBackup(champion: string): void {
    const bak = this.backupPath(champion);
    if (!existsSync(bak)) throw new Error(`validation failed and there is no backup at ${bak} to restore`);
    writeFileAtomic(champion, readFileSync(bak));
  }

  private archive(champion: string, generation: number, regime: string, groups: readonly string[], outcome: OptimizerOutcome, validation: unknown, changes: ParamChange[], optimizerStdout: string): string {
    const now = this.deps.now?.() ?? new Date();
    const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
    const dir = join(this.path(this.cfg.archiveDir), `${stamp}_DATADRIVEN`);
    mkdirSync(dir, { recursive: true });
    copyFileSync(champion, join(dir, "best_strategy_params.json"));
    if (existsSync(this.backupPath(champion))) copyFileSync(this.backupPath(champion), join(dir, "previous_params.json"));
    writeFileSync(join(dir, "generation.json"), JSON.stringify({ generation, regime, groups, outcome, validation, changes }, null, 2) + "\n");
    writeFileSync(join(dir, "optimizer_output.txt"), optimizerStdout);
    return dir;
  }

  private appendJournal(generation: number, regime: string, groups: readonly string[], o: OptimizerOutcome, archive: string, changes: ParamChange[]): void {
    const text = formatJournalEntry({
      ts: (this.deps.now?.() ?? new Date()).toISOString(), generation, regime, groups,
      scores: { cv: o.cvScore, holdout: o.holdoutScore, blended: o.blendedScore, championBefore: o.championBlendedScore }, archive, changes,
    });
    const path = this.path(this.cfg.journal);
    writeFileSync(path, text, { flag: "a" });
  }

  /** A configured flag path, or the shared default location (lib/util/paths) when unset. */
  private flagPath(p: string, fallback: () => string): string {
    return p === "" ? fallback() : this.path(p);
  }
}
