/**
 * The feature engine (DESIGN §3, spec §3.4): RVR, volume windows, momentum, drawdown from the
 * high, red streaks, whale-dump and creator / exit-liquidity signals, computed second by second by
 * one implementation (`stepFeatures`) that both the simulator (per fold, once) and the live
 * position actor (`FeatureEngine`, per pool) call.
 */
export * from "./columns";
export { FeatureEngine, FeatureState, TickSnapshot, stepFeatures, type SecondBar } from "./engine";
export { computeFoldFeatures, type FoldFeatures, type FoldFeatureOptions } from "./fold";
