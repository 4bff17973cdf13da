/**
 * The one strategy-parameter schema (DESIGN §2.3). Every parameter the entry observer and the exit
 * logic read is declared here once, with its group, type, bounds, default and meaning. The
 * optimizer samples from it, the CLIs validate files against it, and the hot path reads a compiled
 * form of it (lib/strategy/compile.ts).
 *
 * Units: fractions are 0..1 (0.25 = 25 %); run-ups are multiples of our entry price (1.5 = +50 %);
 * durations are whole seconds; SOL amounts are SOL (not lamports).
 *
 * Compact numeric form: a Float64Array in schema order (`PARAM_COUNT` long). Booleans are 0 / 1,
 * integers whole. `toUnit` / `fromUnit` map to and from the [0, 1] cube the optimizer searches
 * (log-scaled where a range spans orders of magnitude); `fromUnit` rounds integers, thresholds
 * booleans at 0.5 and clamps, then `repairVector` enforces the cross-field rules below.
 *
 * Defaults: a hand-set champion (round numbers a trader would pick, not an optimizer's decimals),
 * checked on the synthetic market (gen_telemetry seed 42, 30 days, spec split): about 45 entries
 * a day, positive PnL on four of the five walk-forward test folds and on the holdout. The shipped
 * data/best_strategy_params.json holds exactly these values.
 *
 * Cross-field rules (repaired, never rejected, so every point of the cube is a valid strategy):
 *  - ordered pairs (`ORDERED_PAIRS`): the lower one must not exceed the upper one; when it does the
 *    two values are swapped. Each pair's bounds nest (lo₁ ≤ lo₂, hi₁ ≤ hi₂), so swapping always
 *    stays inside both bounds (a test pins this).
 *  - `entryDelayS ≤ observerWindowS`: an entry delay beyond the window is clamped to the window
 *    (the observer would otherwise never be allowed to enter).
 */
export type ParamType = "float" | "int" | "bool";

export const PARAM_GROUPS = ["entry", "phase", "shock", "dd", "trail", "reversal", "churn", "creator", "panic", "sizing", "hold"] as const;
export type ParamGroup = (typeof PARAM_GROUPS)[number];

export interface ParamSpec {
  readonly name: string;
  readonly group: ParamGroup;
  readonly type: ParamType;
  readonly min: number;
  readonly max: number;
  readonly default: number | boolean;
  /** How the optimizer's [0, 1] coordinate maps onto [min, max]; log needs min > 0. */
  readonly scale: "linear" | "log";
  /** One line: what the parameter means to a trader. */
  readonly meaning: string;
}

type Spec<N extends string, T extends ParamType> = ParamSpec & { readonly name: N; readonly type: T };
const f = <N extends string>(group: ParamGroup, name: N, min: number, max: number, def: number, meaning: string, scale: "linear" | "log" = "linear"): Spec<N, "float"> =>
  ({ name, group, type: "float", min, max, default: def, scale, meaning });
const i = <N extends string>(group: ParamGroup, name: N, min: number, max: number, def: number, meaning: string, scale: "linear" | "log" = "linear"): Spec<N, "int"> =>
  ({ name, group, type: "int", min, max, default: def, scale, meaning });
const b = <N extends string>(group: ParamGroup, name: N, def: boolean, meaning: string): Spec<N, "bool"> =>
  ({ name, group, type: "bool", min: 0, max: 1, default: def, scale: "linear", meaning });

/** Schema order is the vector order: append new parameters, never reorder (vectors in caches). */
export const PARAM_SCHEMA = [
  // entry: the observer that watches a fresh pool before buying
  i("entry", "observerWindowS", 5, 300, 60, "seconds after migration the observer may still enter; at this second without an entry it rejects"),
  i("entry", "entryDelayS", 0, 120, 8, "earliest second after migration an entry may be decided (lets the migration chaos settle)"),
  f("entry", "minNetFlowSol", -20, 100, 0, "minimum cumulative net buy flow (buys − sells, SOL) since migration"),
  i("entry", "minBuyers", 0, 500, 40, "minimum distinct buyer wallets since migration"),
  f("entry", "maxCreatorSellSol", 0, 50, 3, "creator sells above this many SOL before entry reject the pool"),
  f("entry", "minPriceChange", -0.9, 2, -0.3, "lowest price change vs the migration price at entry; below it the pool is rejected as dumped"),
  f("entry", "maxPriceChange", -0.5, 10, 3, "highest price change vs the migration price at entry; above it the observer waits for a cool-down"),
  f("entry", "minRvr", 0, 10, 0, "minimum relative volume ratio (10 s volume rate over 60 s rate) to enter"),
  // phase: where the token is in its life, which selects exit widths
  i("phase", "chaosAgeS", 0, 600, 60, "pool age (s) below which the position is in the Chaos phase"),
  i("phase", "matureAgeS", 60, 7200, 600, "pool age (s) from which the position is Mature", "log"),
  f("phase", "trendingRunUp", 1.05, 5, 1.5, "run-up (peak ÷ entry) from which the position is Trending"),
  f("phase", "matureRunUp", 1.2, 20, 4, "run-up from which the position is Mature regardless of age", "log"),
  // shock: a crash inside a few seconds
  i("shock", "shockWindowS", 1, 60, 10, "look-back (s) for a shock drop, counted from our fill at the earliest"),
  f("shock", "shockDrop", 0.05, 0.9, 0.45, "price fall within the look-back that exits (Discovery, Trending, Mature)"),
  f("shock", "shockDropChaos", 0.05, 0.95, 0.6, "price fall within the look-back that exits in the Chaos phase"),
  // dd: drawdown caps from the position's peak, by run-up tier
  f("dd", "ddTier1RunUp", 1, 5, 1.3, "run-up at which drawdown tier 1 starts (below it tier 0 applies)"),
  f("dd", "ddTier2RunUp", 1.1, 20, 3, "run-up at which drawdown tier 2 starts", "log"),
  f("dd", "ddCap0", 0.03, 0.9, 0.4, "largest drawdown from the peak tolerated in tier 0 (acts as the stop-loss)"),
  f("dd", "ddCap1", 0.03, 0.9, 0.4, "largest drawdown from the peak tolerated in tier 1"),
  f("dd", "ddCap2", 0.03, 0.9, 0.45, "largest drawdown from the peak tolerated in tier 2"),
  f("dd", "ddChaosMult", 1, 3, 1.2, "drawdown caps are multiplied by this in the Chaos phase (at most 0.95)"),
  // trail: adaptive trailing stop
  f("trail", "trailActivationRunUp", 1.02, 5, 1.25, "run-up that arms the trailing stop"),
  f("trail", "trailWidthChaos", 0.02, 0.8, 0.45, "trailing width (fall from peak) in Chaos"),
  f("trail", "trailWidthDiscovery", 0.02, 0.8, 0.4, "trailing width in Discovery"),
  f("trail", "trailWidthTrending", 0.02, 0.8, 0.35, "trailing width in Trending"),
  f("trail", "trailWidthMature", 0.02, 0.8, 0.3, "trailing width in Mature"),
  f("trail", "trailVolK", 0, 50, 4, "widening by volatility: width × (1 + k × mean |1 s return| over 10 s), at most 0.95"),
  // reversal: momentum turns after a run
  f("reversal", "reversalMinRunUp", 1, 10, 2, "run-up needed before a momentum reversal may exit"),
  f("reversal", "reversalMomDrop", 0.01, 0.8, 0.3, "5 s momentum at or below −this counts as a reversal"),
  i("reversal", "reversalRedStreak", 1, 30, 6, "consecutive falling seconds needed together with the momentum drop"),
  b("reversal", "reversalInChaos", false, "whether momentum reversal may exit in the Chaos phase"),
  // churn: duds and stale positions
  i("churn", "churnNoHighS", 5, 1800, 600, "seconds without a new high after which a position that never made progress is a dud", "log"),
  f("churn", "churnMinProgress", 1, 3, 1.1, "run-up a position must have reached to not be a dud"),
  i("churn", "churnMatureNoHighS", 10, 3600, 900, "in Mature: seconds without a new high that end the position", "log"),
  // creator: the creator dumping, the pool's liquidity draining
  b("creator", "creatorExitOnSell", true, "exit when the creator sells after our entry"),
  f("creator", "creatorExitSellSol", 0, 50, 20, "creator SOL sold since our entry that triggers that exit (0 = any sale)"),
  f("creator", "exitLiqDrop", 0.05, 0.95, 0.35, "exit when the pool's SOL reserve falls this far below its peak since our entry"),
  // panic: sell-side flow
  f("panic", "panicSellRatio", 0.5, 1, 0.95, "sell share of 10 s volume (sells ÷ (buys + sells)) that exits"),
  f("panic", "panicMinSellSol", 0, 100, 40, "minimum 10 s sell volume (SOL) for the sell share to count"),
  f("panic", "whaleDumpFrac", 0.005, 0.5, 0.15, "a single sell of at least this fraction of the pool's SOL reserve exits", "log"),
  // sizing
  f("sizing", "buySol", 0.001, 10, 0.1, "SOL spent per entry, pool fees included (transaction fees extra)", "log"),
  i("sizing", "maxPositions", 1, 50, 5, "most positions open at once; entries beyond are skipped"),
  // hold
  i("hold", "maxHoldS", 10, 7200, 600, "hard maximum hold (s) from our fill", "log"),
] as const satisfies readonly ParamSpec[];

export type ParamName = (typeof PARAM_SCHEMA)[number]["name"];
type BoolName = Extract<(typeof PARAM_SCHEMA)[number], { type: "bool" }>["name"];
/** The named form: numbers, booleans for bool parameters. */
export type ParamValues = { [K in ParamName]: K extends BoolName ? boolean : number };

export const PARAM_COUNT = PARAM_SCHEMA.length;
export const PARAM_NAMES: readonly ParamName[] = PARAM_SCHEMA.map((s) => s.name);

/** Position of each parameter in the vector. */
export const PARAM_INDEX: Readonly<Record<ParamName, number>> = Object.freeze(
  Object.fromEntries(PARAM_SCHEMA.map((s, k) => [s.name, k])) as Record<ParamName, number>,
);

const SPEC_BY_NAME = new Map<string, ParamSpec>(PARAM_SCHEMA.map((s) => [s.name, s]));
export const paramSpec = (name: string): ParamSpec | undefined => SPEC_BY_NAME.get(name);

/** Vector indices of each group's parameters (the optimizer sweeps groups). */
export const GROUP_INDICES: Readonly<Record<ParamGroup, readonly number[]>> = Object.freeze(
  Object.fromEntries(PARAM_GROUPS.map((g) => [g, PARAM_SCHEMA.flatMap((s, k) => (s.group === g ? [k] : []))])) as Record<ParamGroup, number[]>,
);

/** [lower, upper]: the lower parameter must be ≤ the upper one; repaired by swapping. */
export const ORDERED_PAIRS: readonly (readonly [ParamName, ParamName])[] = [
  ["chaosAgeS", "matureAgeS"],
  ["trendingRunUp", "matureRunUp"],
  ["ddTier1RunUp", "ddTier2RunUp"],
  ["minPriceChange", "maxPriceChange"],
];

export function defaultVector(): Float64Array {
  const v = new Float64Array(PARAM_COUNT);
  for (let k = 0; k < PARAM_COUNT; k++) {
    const d = PARAM_SCHEMA[k].default;
    v[k] = typeof d === "boolean" ? (d ? 1 : 0) : d;
  }
  return v;
}

export function defaultParams(): ParamValues {
  return paramsFromVector(defaultVector());
}

/** Named object → vector (schema order). Missing names take their default. */
export function vectorFromParams(params: Partial<ParamValues>, out: Float64Array = new Float64Array(PARAM_COUNT)): Float64Array {
  for (let k = 0; k < PARAM_COUNT; k++) {
    const spec = PARAM_SCHEMA[k];
    const v = (params as Record<string, number | boolean | undefined>)[spec.name];
    const d = v === undefined ? spec.default : v;
    out[k] = typeof d === "boolean" ? (d ? 1 : 0) : d;
  }
  return out;
}

/** Vector → named object (booleans as booleans). */
export function paramsFromVector(vec: ArrayLike<number>): ParamValues {
  const out: Record<string, number | boolean> = {};
  for (let k = 0; k < PARAM_COUNT; k++) {
    const spec = PARAM_SCHEMA[k];
    out[spec.name] = spec.type === "bool" ? vec[k] >= 0.5 : vec[k];
  }
  return out as ParamValues;
}

/** Vector → [0, 1] coordinates (clamped). */
export function toUnit(vec: ArrayLike<number>, out: Float64Array = new Float64Array(PARAM_COUNT)): Float64Array {
  for (let k = 0; k < PARAM_COUNT; k++) {
    const s = PARAM_SCHEMA[k];
    const x = Math.min(s.max, Math.max(s.min, vec[k]));
    const u = s.scale === "log" ? Math.log(x / s.min) / Math.log(s.max / s.min) : (x - s.min) / (s.max - s.min);
    out[k] = Math.min(1, Math.max(0, u));
  }
  return out;
}

/**
 * [0, 1] coordinates → a valid vector: clamps to the cube, maps onto the bounds, rounds integers,
 * thresholds booleans at 0.5, then applies `repairVector`. Every point of the cube is valid.
 */
export function fromUnit(unit: ArrayLike<number>, out: Float64Array = new Float64Array(PARAM_COUNT)): Float64Array {
  for (let k = 0; k < PARAM_COUNT; k++) {
    const s = PARAM_SCHEMA[k];
    const u = Math.min(1, Math.max(0, Number.isFinite(unit[k]) ? unit[k] : 0.5));
    let x = s.scale === "log" ? s.min * Math.pow(s.max / s.min, u) : s.min + u * (s.max - s.min);
    if (s.type === "int") x = Math.round(x);
    else if (s.type === "bool") x = u >= 0.5 ? 1 : 0;
    out[k] = Math.min(s.max, Math.max(s.min, x));
  }
  repairVector(out);
  return out;
}

/** Clamp every value into its bounds and round integers / booleans (in place). */
export function clampVector(vec: Float64Array): Float64Array {
  for (let k = 0; k < PARAM_COUNT; k++) {
    const s = PARAM_SCHEMA[k];
    let x = Number.isFinite(vec[k]) ? vec[k] : (typeof s.default === "boolean" ? (s.default ? 1 : 0) : s.default);
    if (s.type === "int") x = Math.round(x);
    else if (s.type === "bool") x = x >= 0.5 ? 1 : 0;
    vec[k] = Math.min(s.max, Math.max(s.min, x));
  }
  return vec;
}

/**
 * Apply the cross-field rules in place (see the file comment). Returns a description of each
 * change, empty when the vector already satisfied them. Idempotent.
 */
export function repairVector(vec: Float64Array): string[] {
  const notes: string[] = [];
  for (const [lo, hi] of ORDERED_PAIRS) {
    const a = PARAM_INDEX[lo];
    const z = PARAM_INDEX[hi];
    if (vec[a] > vec[z]) {
      notes.push(`${lo} (${vec[a]}) > ${hi} (${vec[z]}): swapped`);
      const t = vec[a];
      vec[a] = vec[z];
      vec[z] = t;
    }
  }
  const d = PARAM_INDEX.entryDelayS;
  const w = PARAM_INDEX.observerWindowS;
  if (vec[d] > vec[w]) {
    notes.push(`entryDelayS (${vec[d]}) > observerWindowS (${vec[w]}): clamped to ${vec[w]}`);
    vec[d] = vec[w];
  }
  return notes;
}

/** A stable text key of a vector's entry-group values: equal keys ⇒ identical entry decisions. */
export function entryKey(vec: ArrayLike<number>): string {
  let key = "";
  for (const k of GROUP_INDICES.entry) key += vec[k] + ",";
  return key;
}
