/**
 * Ground-truth lifecycles (DESIGN §2.2): the streaming builder, the canonical serializer and the
 * telemetry → lifecycle pipeline behind telemetry_tool.
 */
export * from "./types";
export { formatLifecycle } from "./format";
export { toLifecycle, type FinishedLifecycle } from "./cells";
export { LifecycleBuilder, DEFAULT_LIFECYCLE_OPTIONS, type LifecycleOptions, type BuilderStats } from "./builder";
export { buildGroundTruth, formatSummary, type GroundTruthOptions, type GroundTruthSummary, type LineSink } from "./pipeline";
