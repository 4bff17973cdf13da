/**
 * Exploration regime per generation (spec §5.3 steps 1–2): the first FORCED_CHAOS_GENS
 * generations search wide; afterwards stagnation (generations without a promotion) moves the
 * search from NORMAL to EXPLORE to CHAOS, and a hail-mary pass runs after prolonged stagnation.
 * The three sweep groups rotate through a fixed list so every group gets searched in turn.
 */
export type Regime = "NORMAL" | "EXPLORE" | "CHAOS";

export interface RegimeOptions {
  forcedChaosGens: number;
  exploreAfter: number;
  chaosAfter: number;
  hailMaryAfter: number;
}

export function chooseRegime(generation: number, stagnation: number, o: RegimeOptions): { regime: Regime; hailMary: boolean } {
  const hailMary = stagnation >= o.hailMaryAfter && stagnation % o.hailMaryAfter === 0;
  if (generation <= o.forcedChaosGens) return { regime: "CHAOS", hailMary: false };
  if (stagnation >= o.chaosAfter) return { regime: "CHAOS", hailMary };
  if (stagnation >= o.exploreAfter) return { regime: "EXPLORE", hailMary };
  return { regime: "NORMAL", hailMary };
}

/** Sweep stages (three params groups each), rotated per generation. */
export const SWEEP_ROTATION: readonly (readonly [string, string, string])[] = [
  ["entry", "trail", "dd"],
  ["phase", "churn", "shock"],
  ["entry", "panic", "creator"],
  ["trail", "reversal", "dd"],
  ["sizing", "entry", "trail"],
];

export function sweepGroups(generation: number, rotation = SWEEP_ROTATION): readonly [string, string, string] {
  return rotation[(generation - 1) % rotation.length]!;
}

/** Sample budget by regime, as the spec (1.5M–3.0M), scaled by a factor for small machines and tests. */
export function sampleBudget(regime: Regime, budget: { normal: number; explore: number; chaos: number }): number {
  return regime === "CHAOS" ? budget.chaos : regime === "EXPLORE" ? budget.explore : budget.normal;
}

/** The optimizer's --mode for a regime. */
export const modeForRegime = (r: Regime): "normal" | "explore" | "chaos" => (r === "CHAOS" ? "chaos" : r === "EXPLORE" ? "explore" : "normal");
