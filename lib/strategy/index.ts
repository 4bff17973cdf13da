/**
 * The strategy: the entry observer and the exit families of DESIGN §3, in one place, as functions
 * of (state, features at a row, StrategyParams). The live position actor calls the per-second
 * forms (observeEntry, positionTick); the simulator (lib/sim) calls their batch forms (scanEntry,
 * scanExit), which live beside them and are tested to decide bit-identically, second for second.
 * The same tick sequence gives the same entry, exit second and exit reason through either
 * (strategy.test.ts drives this exact sequence against the simulator).
 *
 * Live call sequence, per pool:
 *
 *   const p = compileParams(loadParamsFile(path).vector);       // once per champion
 *   const engine = new FeatureEngine();                          // at migration
 *   const obs = startObserver(new ObserverState(), 0, price0);  // price0 = migration quote/base
 *   // at the close of every second t (t = 0, 1, …):
 *   engine.push(bar);                                            // row t
 *   if (observing) {
 *     switch (observeEntry(obs, engine.columns, engine.row, p)) {
 *       case EntryDecision.Enter:  send the buy (fills latencyMs later); stop observing; break;
 *       case EntryDecision.Reject: log REJECT_REASON_NAMES[obs.reason]; stop observing; break;
 *       // Wait: nothing
 *     }
 *   }
 *   // the buy fills at the close of second f = t + ceil(latencyMs / 1000) (lib/sim/execution.ts);
 *   // when it is confirmed at `entryPrice` SOL/token (pool fees and impact included):
 *   openPosition(pos, engine.columns, 0, f, entryPrice, p);
 *   // at the close of every second t > f while the position is open:
 *   const reason = positionTick(pos, engine.columns, engine.row, p);
 *   if (reason !== ExitReason.Hold) send the sell, log EXIT_REASON_NAMES[reason], PHASE_NAMES[pos.phase];
 *   // when the pool's data ends with the position open, sell with ExitReason.EndOfData.
 *
 * `engine.columns` must be re-read after each push (growth swaps its arrays).
 */
export * from "./types";
export { StrategyParams, compileParams, compileNamed } from "./compile";
export { ObserverState, startObserver, observeEntry, scanEntry } from "./observer";
export { PositionState, openPosition, updatePosition, decideExit, positionTick, scanExit, phaseOf, runUpTier } from "./exits";
