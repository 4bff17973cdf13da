/**
 * Every knob of the evolution loop is an environment variable with the spec's default (spec §5),
 * listed by `run_deep_evolution.ts --help`. `.env_PROD` is sourced first when present; the process
 * environment wins over it, flags win over both.
 */
export interface Knob {
  env: string;
  default: string;
  help: string;
}

export const KNOBS = {
  telemetry: { env: "TELEMETRY_FILE", default: "telemetry.jsonl", help: "raw telemetry recorded by ferrix" },
  telOut: { env: "TEL_OUT", default: "tel_out", help: "ground truth and walk-forward split directory (link it into /dev/shm for speed)" },
  champion: { env: "CHAMPION_FILE", default: "best_strategy_params.json", help: "the champion read by ferrix" },
  archiveDir: { env: "ARCHIVE_DIR", default: "deep_evo_archives", help: "accepted champions, one <timestamp>_DATADRIVEN/ each" },
  journal: { env: "EVOLUTION_JOURNAL", default: "evolution_journal.md", help: "appended per accepted champion: scores and each param old → new" },
  stateDir: { env: "FERRIX_STATE_DIR", default: "/tmp", help: "where the ferrix_* state files live (best blended, CV, dynamic rate, stagnation)" },
  pendingFlag: { env: "FERRIX_PENDING_UPDATE_FILE", default: "", help: "touched when a champion is accepted, for auto_restart.ts (default /dev/shm/ferrix_pending_update; the OS temp dir where /dev/shm is missing)" },
  degradedFlag: { env: "FERRIX_CV_DEGRADED_FILE", default: "", help: "written while the blended score has fallen beyond CV_DEGRADATION from the best ever (default /dev/shm/ferrix_cv_degraded)" },
  forcedChaosGens: { env: "FORCED_CHAOS_GENS", default: "3", help: "first generations forced to CHAOS (wide exploration)" },
  exploreAfter: { env: "EXPLORE_AFTER_STAGNANT", default: "3", help: "generations without a promotion before EXPLORE" },
  chaosAfter: { env: "CHAOS_AFTER_STAGNANT", default: "6", help: "generations without a promotion before CHAOS" },
  hailMaryAfter: { env: "HAIL_MARY_AFTER_STAGNANT", default: "10", help: "every this many stagnant generations, a hail-mary pass (wide entry/trail jitter)" },
  samplesNormal: { env: "SAMPLES_NORMAL", default: "1500000", help: "optimizer budget in NORMAL" },
  samplesExplore: { env: "SAMPLES_EXPLORE", default: "2250000", help: "optimizer budget in EXPLORE" },
  samplesChaos: { env: "SAMPLES_CHAOS", default: "3000000", help: "optimizer budget in CHAOS" },
  samplesHailMary: { env: "SAMPLES_HAIL_MARY", default: "1500000", help: "budget of the hail-mary pass" },
  targetTradesPerDay: { env: "TARGET_TRADES_PER_DAY", default: "45", help: "trades per day the entry-rate floor aims for" },
  minEntryRate: { env: "MIN_ENTRY_RATE_FLOOR", default: "0.05", help: "lowest entry rate the dynamic target may set" },
  maxEntryRate: { env: "MAX_ENTRY_RATE_CAP", default: "0.6", help: "highest entry rate the dynamic target may set" },
  rateSmoothing: { env: "ENTRY_RATE_SMOOTHING", default: "0.3", help: "weight of the new measurement in the smoothed target" },
  tailBytes: { env: "TELEMETRY_TAIL_BYTES", default: "67108864", help: "bytes read from the end of telemetry.jsonl for the cadence" },
  holdoutWeight: { env: "HOLDOUT_WEIGHT", default: "0.60", help: "blended = (1 − w)·CV + w·holdout" },
  minImprovement: { env: "MIN_IMPROVEMENT", default: "0.01", help: "blended must beat the champion by this much" },
  maxHoldoutDegradation: { env: "MAX_HOLDOUT_DEGRADATION", default: "0.35", help: "largest allowed holdout shortfall against CV" },
  cvDegradation: { env: "CV_DEGRADATION", default: "0.25", help: "fraction below the best-ever blended score that raises the degradation flag" },
  wfRounds: { env: "WF_ROUNDS", default: "5", help: "walk-forward rounds" },
  testWindowTrades: { env: "TEST_WINDOW_TRADES", default: "450", help: "lifecycles per test window" },
  embargoTrades: { env: "EMBARGO_TRADES", default: "40", help: "lifecycles between train and test" },
  minTrainTrades: { env: "MIN_TRAIN_TRADES", default: "10", help: "fewest lifecycles in a train window" },
  threads: { env: "FERRIX_THREADS", default: "", help: "optimizer worker threads (default: all cores)" },
  validationMinTrades: { env: "VALIDATION_MIN_TRADES", default: "1", help: "sanity validation: fewest holdout trades a new champion must make" },
  validationMaxDrawdownSol: { env: "VALIDATION_MAX_DRAWDOWN_SOL", default: "1000000", help: "sanity validation: largest holdout drawdown (SOL) accepted" },
  sleepSeconds: { env: "GENERATION_SLEEP_SECONDS", default: "5", help: "pause between generations" },
  seed: { env: "EVOLUTION_SEED", default: "", help: "base seed (generation n uses seed + n); empty = time-based" },
} as const satisfies Record<string, Knob>;

export type KnobName = keyof typeof KNOBS;
export type EvolutionConfig = Record<KnobName, string>;

export function resolveConfig(env: Record<string, string | undefined>): EvolutionConfig {
  const out = {} as EvolutionConfig;
  for (const [name, k] of Object.entries(KNOBS) as [KnobName, Knob][]) out[name] = env[k.env] ?? k.default;
  return out;
}

export function numberKnob(cfg: EvolutionConfig, name: KnobName): number {
  const v = Number(cfg[name]);
  if (!Number.isFinite(v)) throw new Error(`${KNOBS[name].env} must be a number, got '${cfg[name]}'`);
  return v;
}

export function knobsHelp(): string {
  const w = Math.max(...Object.values(KNOBS).map((k) => k.env.length));
  return Object.values(KNOBS).map((k) => `  ${k.env.padEnd(w)}  ${k.help}${k.default !== "" ? ` (default ${k.default})` : ""}`).join("\n");
}
