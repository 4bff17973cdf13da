#!/usr/bin/env bun
/**
 * run_deep_evolution.ts — the always-on autotuning loop (spec §5): per generation it refreshes the
 * datasets from telemetry.jsonl, searches with optimize_params, validates a new champion with
 * backtest_logic and signals auto_restart.ts. It never restarts ferrix itself.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { defineTool, main, style } from "./lib/cli";
import { loadEnvFileInto } from "./lib/evolution/envfile";
import { knobsHelp, resolveConfig } from "./lib/evolution/config";
import { acquireLock, LockHeld } from "./lib/evolution/lock";
import { EvolutionLoop, loadState, type GenerationResult } from "./lib/evolution/loop";

export const tool = defineTool({
  name: "run_deep_evolution.ts",
  description: "evolve best_strategy_params.json forever (or N generations) on the live telemetry, promoting only validated out-of-sample winners",
  usage: "[options]",
  examples: [
    "bun run_deep_evolution.ts                      # forever, as spec terminal 1",
    "bun run_deep_evolution.ts --once               # one generation, for cron",
    "SAMPLES_NORMAL=20000 SAMPLES_EXPLORE=20000 SAMPLES_CHAOS=20000 bun run_deep_evolution.ts --generations 2 --cwd out/demo",
  ],
  args: {
    generations: { type: "number", description: "stop after this many generations (default: run until SIGTERM)", integer: true, min: 1 },
    once: { type: "boolean", description: "run exactly one generation and exit (for cron)" },
    cwd: { type: "string", description: "working directory holding telemetry.jsonl, tel_out/ and the champion", default: "." },
    envFile: { type: "string", description: "KEY=VALUE file sourced first when present", default: ".env_PROD" },
    json: { type: "boolean", description: "print one JSON summary line per generation on stdout" },
  },
  epilog: `Environment (each knob with the spec's default; .env_PROD is sourced first, the environment wins):\n${knobsHelp()}\n\nExit: 0 after the last generation or SIGTERM/SIGINT (the current step ends cleanly), 1 when a step fails\nin --once/--generations mode, 2 bad usage. A second loop on the same champion exits 1 (lock).`,
  async run(a) {
    const cwd = resolve(a.cwd);
    const envPath = resolve(cwd, a.envFile);
    if (existsSync(envPath)) {
      const n = loadEnvFileInto(envPath, process.env);
      process.stderr.write(`sourced ${envPath} (${n} keys)\n`);
    }
    const cfg = resolveConfig(process.env);
    let lock;
    try {
      lock = acquireLock(resolve(cwd, cfg.champion) + ".evolution.lock");
    } catch (err) {
      if (err instanceof LockHeld) {
        process.stderr.write(`run_deep_evolution: ${err.message}\n`);
        return 1;
      }
      throw err;
    }
    const stopSignal = { stopped: false };
    const loop = new EvolutionLoop(cfg, { cwd, log: (l) => process.stderr.write(l + "\n"), stopSignal });
    const onSignal = () => {
      if (stopSignal.stopped) return;
      stopSignal.stopped = true;
      process.stderr.write("stop requested: finishing the current step cleanly\n");
      loop.interruptChild();
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
    const limit = a.once ? 1 : a.generations ?? Infinity;
    let done = 0;
    let failures = 0;
    try {
      while (done < limit && !stopSignal.stopped) {
        const state = loadState(cfg);
        let result: GenerationResult;
        try {
          result = await loop.runGeneration(state);
        } catch (err) {
          failures++;
          process.stderr.write(`${style.red("generation failed")}: ${(err as Error).message}\n`);
          if (limit !== Infinity) return 1;
          await Bun.sleep(Math.min(600_000, 30_000 * failures));
          continue;
        }
        failures = 0;
        done++;
        const o = result.outcome;
        const verdict = result.accepted ? style.green(`NEW CHAMPION (${result.changes.length} params changed)`) : result.promoted ? style.yellow("promoted but failed validation: restored") : "no promotion";
        process.stderr.write(
          `gen ${result.generation} ${result.regime}${result.hailMary ? "+HM" : ""} [${result.groups.join(",")}] rate ${result.rate.entryRate.toFixed(3)} ` +
            `CV ${fmt(o?.cvScore)} HO ${fmt(o?.holdoutScore)} BL ${fmt(o?.blendedScore)} champ ${fmt(o?.championBlendedScore)} best ${fmt(result.bestBlended)} ` +
            `${result.degraded ? style.red("DEGRADED ") : ""}→ ${verdict} (${result.seconds.toFixed(1)}s)\n`,
        );
        if (result.accepted) for (const c of result.changes) process.stderr.write(`    ${c.name}: ${c.from} → ${c.to}\n`);
        if (a.json) process.stdout.write(JSON.stringify(result) + "\n");
        if (done < limit && !stopSignal.stopped) await Bun.sleep(Number(cfg.sleepSeconds) * 1000);
      }
      return 0;
    } finally {
      lock.release();
    }
  },
});

const fmt = (v: number | null | undefined) => (v === null || v === undefined ? "–" : v.toFixed(4));

if (import.meta.main) await main(tool);
