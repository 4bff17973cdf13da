/**
 * Yellowstone gRPC ingest: a resilient `Subscribe` client that delivers decoded transactions and
 * slot updates (reconnect with jittered backoff, from_slot resume, de-duplication, stall watchdog).
 */
export { YellowstoneClient, parseEndpoint, DEFAULT_CHANNEL_OPTIONS, type YellowstoneClientOptions, type TransactionFilter, type ClientState, type ClientStats } from "./client.ts";
export { decodeTransactionUpdate, decodeWireTransaction, logLinesToStrings, timestampToMs, bytesKey, DecodeError, type IngestTransaction, type IngestSlot, type IngestUpdate, type RawLogLines } from "./decode.ts";
export { parseSubscribeUpdate, WireFormatError, SLOT_STATUS_NAMES, type WireUpdate, type WireTransaction, type WireInstruction, type WireInnerGroup } from "./wire.ts";
export { SignatureDedup } from "./dedup.ts";
export { fullJitterDelayMs, DEFAULT_BACKOFF, type BackoffOptions } from "./backoff.ts";
export { AsyncChannel } from "./channel.ts";
export { systemClock, ManualClock, type Clock, type TimerHandle } from "./clock.ts";
