/**
 * A hand-rolled protobuf reader for geyser `SubscribeUpdate`, used as the client's grpc-js
 * deserializer path instead of proto-loader (protobufjs decode + toObject with defaults, longs as
 * strings, enums as names). It reads only what the ingest needs — filters, created_at, slot
 * updates, pong ids, and from a transaction: signature, index, account keys, top-level
 * instructions, inner instructions, log lines (as byte ranges: strings are made only when someone
 * asks, see decode.ts), loaded addresses, whether `meta.err` is set — and skips
 * everything else on the wire without materialising it (balances, token balances, rewards,
 * blockhash, header, address-table lookups, return data, …). Bytes fields are views into the
 * message buffer (as protobufjs's BufferReader gives them), strings are decoded as UTF-8 the way
 * protobufjs does on Node/Bun (Buffer#utf8Slice, invalid sequences become U+FFFD).
 *
 * Account keys (static and loaded) come out as base58 addresses straight from the buffer, through
 * the base58 memo (no copy, no lookup string): a transaction's keys and its events' pubkeys are
 * mostly the same few hundred hot addresses.
 *
 * Semantics follow protobufjs: unknown fields are skipped, a non-repeated field seen twice keeps
 * the last value, uint64 values become the nearest double (slots and indices are far below 2^53).
 * Malformed input (truncated varint or length, wrong wire type for a field we read, group
 * mismatch) throws a WireFormatError.
 */
import type { Address } from "@solana/kit";
import { encodeAddressAt, encodeBase58 } from "../chain/base58.ts";

/** Buffer's native latin1 / UTF-8 slicers (Node and Bun; not in the typings). */
type SliceableBuffer = Buffer & { latin1Slice(start: number, end: number): string; utf8Slice(start: number, end: number): string };

/** `bytes[start, end)` as latin1 (one char per byte). */
export function latin1Slice(bytes: Buffer, start: number, end: number): string {
  return (bytes as SliceableBuffer).latin1Slice(start, end);
}

/** `bytes[start, end)` decoded as UTF-8 (invalid sequences become U+FFFD), as protobufjs reads a string. */
export function utf8Slice(bytes: Buffer, start: number, end: number): string {
  return (bytes as SliceableBuffer).utf8Slice(start, end);
}

export class WireFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WireFormatError";
  }
}

/** The update kinds of `SubscribeUpdate.update_oneof`, by field number. */
const ONEOF_BY_FIELD: (string | undefined)[] = [];
ONEOF_BY_FIELD[2] = "account";
ONEOF_BY_FIELD[3] = "slot";
ONEOF_BY_FIELD[4] = "transaction";
ONEOF_BY_FIELD[6] = "ping";
ONEOF_BY_FIELD[7] = "block_meta";
ONEOF_BY_FIELD[8] = "entry";
ONEOF_BY_FIELD[9] = "pong";
ONEOF_BY_FIELD[10] = "transaction_status";

/** geyser.SlotStatus names by value. */
export const SLOT_STATUS_NAMES = ["SLOT_PROCESSED", "SLOT_CONFIRMED", "SLOT_FINALIZED", "SLOT_FIRST_SHRED_RECEIVED", "SLOT_COMPLETED", "SLOT_CREATED_BANK", "SLOT_DEAD"] as const;

export interface WireInstruction {
  programIdIndex: number;
  accounts: Uint8Array;
  data: Uint8Array;
}

export interface WireInnerGroup {
  index: number;
  instructions: WireInstruction[];
}

/** What the ingest reads from `SubscribeUpdateTransaction` (absent fields at their proto3 defaults). */
export interface WireTransaction {
  slot: number;
  /** `transaction` (SubscribeUpdateTransactionInfo) was present. */
  hasInfo: boolean;
  /** `transaction.transaction.message` was present. */
  hasMessage: boolean;
  signature: Uint8Array;
  index: number;
  accountKeys: Address[];
  instructions: WireInstruction[];
  innerInstructions: WireInnerGroup[];
  /** The message buffer the ranges below point into. */
  buffer: Buffer;
  /** Log line i is buffer[logRanges[2i], logRanges[2i + 1]), UTF-8. */
  logRanges: number[];
  loadedWritable: Address[];
  loadedReadonly: Address[];
  /** `meta.err` was present. */
  failed: boolean;
}

export interface WireUpdate {
  /** The `update_oneof` member present (the last one on the wire), or null. */
  oneof: string | null;
  filters: string[];
  /** created_at in Unix ms; null when absent or not after the epoch (as `timestampToMs`). */
  createdAtMs: number | null;
  transaction: WireTransaction | null;
  slot: { slot: number; status: string } | null;
  pongId: number;
}

const EMPTY = Buffer.alloc(0);

// The reader's state lives in module variables: one message is read at a time, synchronously, and
// plain variables let JSC keep the hot loops free of property loads.
let buf: Buffer = EMPTY;
let pos = 0;

function truncated(): WireFormatError {
  return new WireFormatError(`truncated message at byte ${pos} of ${buf.length}`);
}

/** uint32 varint as protobufjs reads it (low 32 bits, unsigned; longer varints are consumed). */
function u32(): number {
  let b = buf[pos++];
  let v = b & 127;
  if (b < 128) return v;
  b = buf[pos++];
  v |= (b & 127) << 7;
  if (b < 128) return v;
  b = buf[pos++];
  v |= (b & 127) << 14;
  if (b < 128) return v;
  b = buf[pos++];
  v |= (b & 127) << 21;
  if (b < 128) return v;
  b = buf[pos++];
  v |= (b & 15) << 28;
  if (b < 128) {
    if (pos > buf.length) throw truncated();
    return v >>> 0;
  }
  // Sign-extended negative int32: five more bytes, ignored.
  for (let i = 0; i < 5; i++) if (buf[pos++] < 128) return v >>> 0;
  if (pos > buf.length) throw truncated();
  throw new WireFormatError("varint longer than 10 bytes");
}

/** 64-bit varint as a double: unsigned, or two's complement signed when `signed`. */
function u64(signed: boolean): number {
  let lo = 0;
  let hi = 0;
  let b = 0;
  let shift = 0;
  for (; shift < 28; shift += 7) {
    b = buf[pos++];
    lo |= (b & 127) << shift;
    if (b < 128) {
      if (pos > buf.length) throw truncated();
      return lo;
    }
  }
  b = buf[pos++];
  lo |= (b & 15) << 28;
  hi = (b & 127) >> 4;
  if (b >= 128) {
    for (shift = 3; shift < 32; shift += 7) {
      b = buf[pos++];
      hi |= (b & 127) << shift;
      if (b < 128) break;
    }
    if (b >= 128) {
      if (pos > buf.length) throw truncated();
      throw new WireFormatError("varint longer than 10 bytes");
    }
  }
  if (pos > buf.length) throw truncated();
  // hi * 2^32 is exact and the one addition rounds once: the same double Number("<decimal>") gives.
  return (signed ? hi | 0 : hi >>> 0) * 4294967296 + (lo >>> 0);
}

/** Reads a length prefix and returns the end of the field (checked against `limit`). */
function lenEnd(limit: number): number {
  const len = u32();
  const end = pos + len;
  if (end > limit) throw truncated();
  return end;
}

function bytes(limit: number): Buffer {
  const end = lenEnd(limit);
  const v = buf.subarray(pos, end);
  pos = end;
  return v;
}

/** A bytes field holding a public key, as base58 (any length is encoded; 32 bytes go through the memo). */
function address(limit: number): Address {
  const end = lenEnd(limit);
  const v = end - pos === 32 ? encodeAddressAt(buf, pos) : encodeBase58(buf.subarray(pos, end));
  pos = end;
  return v as Address;
}

function str(limit: number): string {
  const end = lenEnd(limit);
  const v = end === pos ? "" : utf8Slice(buf, pos, end);
  pos = end;
  return v;
}

function skip(wireType: number, limit: number): void {
  switch (wireType) {
    case 0:
      while (buf[pos++] >= 128) {
        if (pos >= limit) throw truncated();
      }
      break;
    case 1:
      pos += 8;
      break;
    case 2:
      pos = lenEnd(limit);
      break;
    case 3:
      for (;;) {
        if (pos >= limit) throw truncated();
        const tag = u32();
        const wt = tag & 7;
        if (wt === 4) break;
        skip(wt, limit);
      }
      break;
    case 5:
      pos += 4;
      break;
    default:
      throw new WireFormatError(`invalid wire type ${wireType} at byte ${pos}`);
  }
  if (pos > limit) throw truncated();
}

function expect(wireType: number, want: number, field: string): void {
  if (wireType !== want) throw new WireFormatError(`${field}: wire type ${wireType}, expected ${want}`);
}

function instruction(limit: number): WireInstruction {
  const end = lenEnd(limit);
  let programIdIndex = 0;
  let accounts: Buffer = EMPTY;
  let data: Buffer = EMPTY;
  while (pos < end) {
    const tag = u32();
    switch (tag) {
      case 8: // program_id_index
        programIdIndex = u32();
        break;
      case 18: // accounts
        accounts = bytes(end);
        break;
      case 26: // data
        data = bytes(end);
        break;
      default:
        skip(tag & 7, end);
    }
  }
  if (pos !== end) throw truncated();
  return { programIdIndex, accounts, data };
}

function innerGroup(limit: number): WireInnerGroup {
  const end = lenEnd(limit);
  let index = 0;
  const instructions: WireInstruction[] = [];
  while (pos < end) {
    const tag = u32();
    switch (tag) {
      case 8:
        index = u32();
        break;
      case 18:
        instructions.push(instruction(end));
        break;
      default:
        skip(tag & 7, end);
    }
  }
  if (pos !== end) throw truncated();
  return { index, instructions };
}

/** solana.storage.ConfirmedBlock.Message: account keys and instructions into `t`. */
function message(t: WireTransaction, limit: number): void {
  const end = lenEnd(limit);
  t.hasMessage = true;
  t.accountKeys = [];
  t.instructions = [];
  while (pos < end) {
    const tag = u32();
    switch (tag) {
      case 18: // account_keys
        t.accountKeys.push(address(end));
        break;
      case 34: // instructions
        t.instructions.push(instruction(end));
        break;
      default:
        skip(tag & 7, end);
    }
  }
  if (pos !== end) throw truncated();
}

/** solana.storage.ConfirmedBlock.Transaction: only its message. */
function transaction(t: WireTransaction, limit: number): void {
  const end = lenEnd(limit);
  t.hasMessage = false;
  t.accountKeys = [];
  t.instructions = [];
  while (pos < end) {
    const tag = u32();
    if (tag === 18) message(t, end);
    else skip(tag & 7, end);
  }
  if (pos !== end) throw truncated();
}

/** TransactionStatusMeta: err presence, inner instructions, logs, loaded addresses. */
function meta(t: WireTransaction, limit: number): void {
  const end = lenEnd(limit);
  t.failed = false;
  t.innerInstructions = [];
  t.logRanges = [];
  t.loadedWritable = [];
  t.loadedReadonly = [];
  while (pos < end) {
    const tag = u32();
    switch (tag) {
      case 10: // err
        t.failed = true;
        pos = lenEnd(end);
        break;
      case 42: // inner_instructions
        t.innerInstructions.push(innerGroup(end));
        break;
      case 50: {
        // log_messages: the range only
        const e = lenEnd(end);
        t.logRanges.push(pos, e);
        pos = e;
        break;
      }
      case 98: // loaded_writable_addresses
        t.loadedWritable.push(address(end));
        break;
      case 106: // loaded_readonly_addresses
        t.loadedReadonly.push(address(end));
        break;
      default:
        skip(tag & 7, end);
    }
  }
  if (pos !== end) throw truncated();
}

function transactionInfo(t: WireTransaction, limit: number): void {
  const end = lenEnd(limit);
  t.hasInfo = true;
  t.hasMessage = false;
  t.signature = EMPTY;
  t.index = 0;
  t.accountKeys = [];
  t.instructions = [];
  t.innerInstructions = [];
  t.logRanges = [];
  t.loadedWritable = [];
  t.loadedReadonly = [];
  t.failed = false;
  while (pos < end) {
    const tag = u32();
    switch (tag) {
      case 10: // signature
        t.signature = bytes(end);
        break;
      case 26: // transaction
        transaction(t, end);
        break;
      case 34: // meta
        meta(t, end);
        break;
      case 40: // index
        t.index = u64(false);
        break;
      default:
        skip(tag & 7, end);
    }
  }
  if (pos !== end) throw truncated();
}

function subscribeUpdateTransaction(limit: number): WireTransaction {
  const end = lenEnd(limit);
  const t: WireTransaction = {
    slot: 0,
    hasInfo: false,
    hasMessage: false,
    signature: EMPTY,
    index: 0,
    accountKeys: [],
    instructions: [],
    innerInstructions: [],
    buffer: buf,
    logRanges: [],
    loadedWritable: [],
    loadedReadonly: [],
    failed: false,
  };
  while (pos < end) {
    const tag = u32();
    switch (tag) {
      case 10:
        transactionInfo(t, end);
        break;
      case 16:
        t.slot = u64(false);
        break;
      default:
        skip(tag & 7, end);
    }
  }
  if (pos !== end) throw truncated();
  return t;
}

function slotUpdate(limit: number): { slot: number; status: string } {
  const end = lenEnd(limit);
  let slot = 0;
  let status = 0;
  while (pos < end) {
    const tag = u32();
    switch (tag) {
      case 8:
        slot = u64(false);
        break;
      case 24:
        status = u32() | 0;
        break;
      default:
        skip(tag & 7, end);
    }
  }
  if (pos !== end) throw truncated();
  return { slot, status: SLOT_STATUS_NAMES[status] ?? String(status) };
}

function timestampMs(limit: number): number | null {
  const end = lenEnd(limit);
  let seconds = 0;
  let nanos = 0;
  while (pos < end) {
    const tag = u32();
    switch (tag) {
      case 8:
        seconds = u64(true);
        break;
      case 16:
        nanos = u32() | 0;
        break;
      default:
        skip(tag & 7, end);
    }
  }
  if (pos !== end) throw truncated();
  if (!Number.isFinite(seconds) || seconds <= 0) return null;
  return seconds * 1000 + Math.floor(nanos / 1e6);
}

function pong(limit: number): number {
  const end = lenEnd(limit);
  let id = 0;
  while (pos < end) {
    const tag = u32();
    if (tag === 8) id = u32() | 0;
    else skip(tag & 7, end);
  }
  if (pos !== end) throw truncated();
  return id;
}

/** Parses one serialized `geyser.SubscribeUpdate`. */
export function parseSubscribeUpdate(message: Uint8Array): WireUpdate {
  buf = Buffer.isBuffer(message) ? message : Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  pos = 0;
  const end = buf.length;
  const u: WireUpdate = { oneof: null, filters: [], createdAtMs: null, transaction: null, slot: null, pongId: 0 };
  try {
    while (pos < end) {
      const tag = u32();
      const field = tag >>> 3;
      const wt = tag & 7;
      switch (field) {
        case 1:
          expect(wt, 2, "filters");
          u.filters.push(str(end));
          break;
        case 3:
          expect(wt, 2, "slot");
          u.oneof = "slot";
          u.slot = slotUpdate(end);
          break;
        case 4:
          expect(wt, 2, "transaction");
          u.oneof = "transaction";
          u.transaction = subscribeUpdateTransaction(end);
          break;
        case 9:
          expect(wt, 2, "pong");
          u.oneof = "pong";
          u.pongId = pong(end);
          break;
        case 11:
          expect(wt, 2, "created_at");
          u.createdAtMs = timestampMs(end);
          break;
        default: {
          const kind = ONEOF_BY_FIELD[field];
          if (kind !== undefined && wt === 2) u.oneof = kind;
          skip(wt, end);
        }
      }
    }
    if (pos !== end) throw truncated();
    return u;
  } finally {
    // Do not keep the last message alive through the module variable.
    buf = EMPTY;
  }
}
