/**
 * Strategy parameters: the one schema (./schema.ts) and the champion file (./load.ts).
 *
 * @example
 * const { vector, warnings } = loadParamsFile("best_strategy_params.json");
 * for (const w of warnings) console.error(w);
 * const unit = toUnit(vector);          // the optimizer's [0, 1] coordinates
 * const back = fromUnit(unit);          // valid again: ints rounded, cross-field rules repaired
 */
export * from "./schema";
export * from "./load";
