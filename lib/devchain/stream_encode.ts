/**
 * Pre-encoded `SubscribeUpdate` transaction messages for the devchain's gRPC stream.
 *
 * grpc-js serialises a message object with proto-loader (protobufjs `fromObject` + `encode`) on
 * every write — ~40–50 µs for a swap transaction, repeated for every subscriber and every replay.
 * A transaction's `SubscribeUpdateTransactionInfo` never changes once published, so — as a geyser
 * plugin does — it is encoded once when published (protobufjs, the same schema and case as
 * proto-loader) and kept with the stream history entry; each write then only wraps those bytes in
 * the small per-subscriber envelope (filter names, slot, created_at).
 *
 * The bytes are exactly the ones proto-loader produces for the equivalent object (protobufjs writes
 * fields in field-number order, and every field present in the object, zero values included);
 * stream_encode.test.ts checks this over a devchain stream.
 */
import * as grpc from "@grpc/grpc-js";
import protobuf from "protobufjs";
import geyserProtoText from "../../data/proto/geyser.proto" with { type: "text" };
import solanaStorageProtoText from "../../data/proto/solana-storage.proto" with { type: "text" };
import { loadGeyserGrpc, type SubscribeUpdate } from "../chain/proto.ts";
import type { ChainUpdate } from "./chain.ts";

let infoType: protobuf.Type | null = null;

/** protobufjs type of geyser.SubscribeUpdateTransactionInfo, field names as in the proto (keepCase). */
function transactionInfoType(): protobuf.Type {
  if (infoType) return infoType;
  const root = new protobuf.Root();
  // google/protobuf/timestamp.proto comes from protobufjs's bundled well-known types, as for proto-loader.
  root.addJSON((protobuf.common as unknown as Record<string, { nested: Record<string, protobuf.AnyNestedObject> }>)["google/protobuf/timestamp.proto"].nested);
  protobuf.parse(solanaStorageProtoText, root, { keepCase: true });
  protobuf.parse(geyserProtoText, root, { keepCase: true });
  root.resolveAll();
  infoType = root.lookupType("geyser.SubscribeUpdateTransactionInfo");
  return infoType;
}

type TransactionUpdate = Extract<ChainUpdate, { kind: "transaction" }>;

// Keyed by the stream-history entry (not by the info, which the chain keeps far longer for
// getTransaction): the bytes live exactly as long as the update can still be replayed.
const infoCache = new WeakMap<TransactionUpdate, Uint8Array>();

/** The encoded SubscribeUpdateTransactionInfo of a published transaction, made once. */
export function encodedTransactionInfo(update: TransactionUpdate): Uint8Array {
  let bytes = infoCache.get(update);
  if (bytes === undefined) {
    const T = transactionInfoType();
    bytes = T.encode(T.fromObject(update.info as unknown as Record<string, unknown>)).finish();
    infoCache.set(update, bytes);
  }
  return bytes;
}

function varintLength(n: number): number {
  let len = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

function writeVarint(out: Buffer, pos: number, n: number): number {
  while (n >= 128) {
    out[pos++] = (n % 128) | 128;
    n = Math.floor(n / 128);
  }
  out[pos++] = n;
  return pos;
}

const isU53 = (n: number) => Number.isSafeInteger(n) && n >= 0;

/**
 * `SubscribeUpdate { filters, transaction { transaction: info, slot }, created_at }` around
 * pre-encoded info bytes; null when a number is outside what this writer handles (the caller then
 * lets grpc-js serialise the object).
 */
export function encodeTransactionUpdate(filters: readonly string[], info: Uint8Array, slot: number, createdAtMs: number): Buffer | null {
  const seconds = Math.floor(createdAtMs / 1000);
  const nanos = (createdAtMs % 1000) * 1_000_000;
  if (!isU53(slot) || !isU53(seconds) || !isU53(nanos)) return null;
  const names = filters.map((f) => Buffer.from(f, "utf8"));
  // SubscribeUpdateTransaction: 1 = info (bytes), 2 = slot (varint).
  const txLen = 1 + varintLength(info.length) + info.length + 1 + varintLength(slot);
  // Timestamp: 1 = seconds, 2 = nanos.
  const tsLen = 1 + varintLength(seconds) + 1 + varintLength(nanos);
  let total = 1 + varintLength(txLen) + txLen + 1 + varintLength(tsLen) + tsLen;
  for (const n of names) total += 1 + varintLength(n.length) + n.length;
  const out = Buffer.allocUnsafe(total);
  let p = 0;
  for (const n of names) {
    out[p++] = 0x0a; // 1: filters
    p = writeVarint(out, p, n.length);
    p += n.copy(out, p);
  }
  out[p++] = 0x22; // 4: transaction
  p = writeVarint(out, p, txLen);
  out[p++] = 0x0a; // SubscribeUpdateTransaction.transaction
  p = writeVarint(out, p, info.length);
  out.set(info, p);
  p += info.length;
  out[p++] = 0x10; // SubscribeUpdateTransaction.slot
  p = writeVarint(out, p, slot);
  out[p++] = 0x5a; // 11: created_at
  p = writeVarint(out, p, tsLen);
  out[p++] = 0x08;
  p = writeVarint(out, p, seconds);
  out[p++] = 0x10;
  p = writeVarint(out, p, nanos);
  if (p !== total) throw new Error(`encodeTransactionUpdate: wrote ${p} of ${total} bytes`);
  return out;
}

/**
 * The Geyser service definition with a Subscribe response serializer that passes pre-encoded
 * bytes through and serialises message objects as before.
 */
export function geyserServiceWithPassthrough(): grpc.ServiceDefinition {
  const { service } = loadGeyserGrpc();
  const subscribe = service.Subscribe as grpc.MethodDefinition<unknown, SubscribeUpdate>;
  const serialize = subscribe.responseSerialize;
  return {
    ...service,
    Subscribe: {
      ...subscribe,
      responseSerialize: (value: SubscribeUpdate | Uint8Array): Buffer =>
        value instanceof Uint8Array ? (Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength)) : serialize(value),
    },
  };
}
