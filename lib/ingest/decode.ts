/**
 * From a Yellowstone transaction update to what the watcher reads: signature, slot, account keys
 * (static, then lookup-table writable, then readonly — the runtime's order), resolved top-level
 * and inner instructions, logs. Account keys repeat across transactions (programs, global config,
 * hot pools), so their base58 text is memoised by raw bytes (in lib/chain/base58, bounded).
 *
 * Two entry points give the same IngestTransaction: `decodeWireTransaction` from the client's own
 * wire reader (wire.ts, the hot path), and `decodeTransactionUpdate` from a proto-loader object.
 * The signature stays bytes until someone reads `signature` (dedup works on the bytes), so
 * transactions the watcher drops never pay for its base58; likewise the log lines stay bytes
 * (`rawLogs`) until someone reads `logMessages` — the watcher scans the bytes (extract.ts).
 */
import type { Address } from "@solana/kit";
import { encodeBase58 } from "../chain/base58.ts";
import type { InnerInstructionGroupView } from "../chain/events.ts";
import type { SubscribeUpdateTransaction, SubscribeUpdateTransactionInfo } from "../chain/proto.ts";
import { resolveInstruction, transactionAccountKeys, type InstructionView } from "../chain/yellowstone.ts";
import { latin1Slice, utf8Slice, type WireInstruction, type WireTransaction } from "./wire.ts";

export interface IngestTransaction {
  /** base58 of the transaction's first signature (computed on first read). */
  readonly signature: string;
  /** The raw 64 signature bytes. */
  readonly signatureBytes: Uint8Array;
  slot: number;
  /** Position of the transaction in its slot. */
  indexInSlot: number;
  accountKeys: Address[];
  instructions: InstructionView[];
  innerInstructions: InnerInstructionGroupView[];
  /** The log lines (decoded from `rawLogs` on first read). */
  readonly logMessages: string[];
  /** The log lines as the wire carried them, when the transaction came from the wire reader. */
  readonly rawLogs: RawLogLines | null;
  /** Whether the transaction failed (meta.err set); failed ones are filtered out server-side by default. */
  failed: boolean;
  /** Chain-side time of the update (SubscribeUpdate.created_at) in Unix ms, when the server sets it. */
  createdAtMs: number | null;
  /** Monotonic receipt time (Clock.monoMs, performance.now() live), for latency. */
  receivedAtMono: number;
  /** Names of our filters the transaction matched. */
  filters: string[];
}

export interface IngestSlot {
  slot: number;
  status: string;
  createdAtMs: number | null;
  receivedAtMono: number;
}

/** Log lines as bytes: line i is `bytes[ranges[2i], ranges[2i + 1])`, UTF-8. */
export interface RawLogLines {
  readonly bytes: Buffer;
  readonly ranges: readonly number[];
}

/** The lines as strings, decoded as protobufjs decodes a proto string (invalid UTF-8 → U+FFFD). */
export function logLinesToStrings(raw: RawLogLines): string[] {
  const n = raw.ranges.length >> 1;
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const s = raw.ranges[2 * i];
    const e = raw.ranges[2 * i + 1];
    out[i] = s === e ? "" : utf8Slice(raw.bytes, s, e);
  }
  return out;
}

export type IngestUpdate = { kind: "transaction"; tx: IngestTransaction } | { kind: "slot"; slot: IngestSlot };

/** An IngestTransaction whose base58 signature and log strings are made on first read. */
class DecodedTransaction implements IngestTransaction {
  private sig: string | null = null;
  constructor(
    readonly signatureBytes: Uint8Array,
    public slot: number,
    public indexInSlot: number,
    public accountKeys: Address[],
    public instructions: InstructionView[],
    public innerInstructions: InnerInstructionGroupView[],
    private logs: string[] | null,
    readonly rawLogs: RawLogLines | null,
    public failed: boolean,
    public createdAtMs: number | null,
    public receivedAtMono: number,
    public filters: string[],
  ) {}

  get signature(): string {
    return (this.sig ??= encodeBase58(this.signatureBytes));
  }

  get logMessages(): string[] {
    return (this.logs ??= this.rawLogs ? logLinesToStrings(this.rawLogs) : []);
  }

  toJSON(): Record<string, unknown> {
    return {
      signature: this.signature,
      slot: this.slot,
      indexInSlot: this.indexInSlot,
      accountKeys: this.accountKeys,
      instructions: this.instructions,
      innerInstructions: this.innerInstructions,
      logMessages: this.logMessages,
      failed: this.failed,
      createdAtMs: this.createdAtMs,
      receivedAtMono: this.receivedAtMono,
      filters: this.filters,
    };
  }
}

/** The bytes as a latin1 string: a cheap exact Map / Set key (no base58). */
export function bytesKey(bytes: Uint8Array): string {
  return latin1Slice(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 0, bytes.byteLength);
}

export function timestampToMs(ts: { seconds: string | number; nanos: number } | null | undefined): number | null {
  if (!ts) return null;
  const s = Number(ts.seconds);
  if (!Number.isFinite(s) || s <= 0) return null;
  return s * 1000 + Math.floor((ts.nanos ?? 0) / 1e6);
}

export class DecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DecodeError";
  }
}

function resolveAll(keys: readonly Address[], ixs: readonly WireInstruction[]): InstructionView[] {
  const out = new Array<InstructionView>(ixs.length);
  for (let i = 0; i < ixs.length; i++) out[i] = resolveInstruction(keys, ixs[i].programIdIndex, ixs[i].accounts, ixs[i].data, DecodeError);
  return out;
}

/** One transaction as read by the client's wire reader; throws DecodeError as `decodeTransactionUpdate` does. */
export function decodeWireTransaction(t: WireTransaction, meta: { createdAtMs: number | null; receivedAtMono: number; filters: string[] }): IngestTransaction {
  if (!t.hasInfo || !t.hasMessage) throw new DecodeError("transaction update without a transaction message");
  const keys = t.loadedWritable.length === 0 && t.loadedReadonly.length === 0 ? t.accountKeys : [...t.accountKeys, ...t.loadedWritable, ...t.loadedReadonly];
  const instructions = resolveAll(keys, t.instructions);
  const groups = t.innerInstructions;
  const innerInstructions = new Array<InnerInstructionGroupView>(groups.length);
  for (let i = 0; i < groups.length; i++) innerInstructions[i] = { index: groups[i].index, instructions: resolveAll(keys, groups[i].instructions) };
  return new DecodedTransaction(t.signature, t.slot, t.index, keys, instructions, innerInstructions, null, { bytes: t.buffer, ranges: t.logRanges }, t.failed, meta.createdAtMs, meta.receivedAtMono, meta.filters);
}

/** Decodes one transaction update; throws DecodeError on an index outside the keys or a missing body. */
export function decodeTransactionUpdate(
  update: SubscribeUpdateTransaction,
  meta: { createdAtMs: number | null; receivedAtMono: number; filters: string[] },
): IngestTransaction {
  const info: SubscribeUpdateTransactionInfo | null = update.transaction;
  if (!info || !info.transaction?.message) throw new DecodeError("transaction update without a transaction message");
  const keys = transactionAccountKeys(info);
  const instructions = info.transaction.message.instructions.map((ix) => resolveInstruction(keys, ix.program_id_index, ix.accounts, ix.data, DecodeError));
  const innerInstructions = (info.meta?.inner_instructions ?? []).map((g) => ({
    index: g.index,
    instructions: g.instructions.map((ix) => resolveInstruction(keys, ix.program_id_index, ix.accounts, ix.data, DecodeError)),
  }));
  return new DecodedTransaction(
    info.signature,
    Number(update.slot),
    Number(info.index ?? 0),
    keys,
    instructions,
    innerInstructions,
    info.meta?.log_messages ?? [],
    null,
    info.meta?.err != null,
    meta.createdAtMs,
    meta.receivedAtMono,
    meta.filters,
  );
}
