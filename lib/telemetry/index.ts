/**
 * telemetry.jsonl reading (DESIGN §2.1): fast JSONL scanning with exact line numbers, schema
 * validation and legacy repair at the edge, and the fixed set of skip reasons and repair kinds.
 */
export * from "./types";
export { SKIP_REASONS, REPAIR_KINDS, IssueLog, preview, type SkipReason, type RepairKind, type SkipExample } from "./issues";
export { TelemetryValidator, migrationAgeSeconds, isUInt } from "./validate";
export { scanJsonl, LineParser, type ScanSink, type ScanOptions, type ScanResult } from "./scan";
