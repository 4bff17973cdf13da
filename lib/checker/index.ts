/**
 * Token checker (DESIGN §4 stage 2): honeypot, contract safety, holder concentration and creator
 * reputation, run concurrently per migration under per-check deadlines, cached in trades.db.
 *
 * @example
 * const checker = createChecker({ rpc: createKitCheckerRpc(rpcUrl), store: new SqliteCheckerStore(db) });
 * const outcome = await checker.check({ mint, pool, creator });
 * if (outcome.kind === "verified") trade(outcome); else log(outcome.reasons);
 */
export * from "./types.ts";
export { createChecker, uncheckedSignal, CheckSubjectError, type Checker, type CheckerDeps, type AnalyseOptions, type TokenOutcomeReport } from "./checker.ts";
export { createKitCheckerRpc, RpcError, type CheckerRpc, type RpcAccount, type TokenHolderBalance, type SimulationResult, type SimulateOptions, type RpcCallOptions, type Commitment } from "./rpc.ts";
export { SqliteCheckerStore, type CheckerStore, type CachedVerdict, type TestAnalysisRow } from "./store.ts";
export { assessMint, assessHolders, holderConcentration, readMintAccount, isTokenProgram, type HolderConcentration, type MintReading } from "./contract.ts";
export { buildProbeSellTransaction, buildProbeRoundTripTransaction, roundTripBaseAmount, chooseSimulationSeller, interpretSimulation, parseTokenAccount, probeSellAmount, type SimulationSeller, type TokenAccountInfo } from "./honeypot.ts";
export { assessCreator, reputationScore, BLOCKLIST_TAG, type CreatorReputation, type KnownWalletView } from "./reputation.ts";
