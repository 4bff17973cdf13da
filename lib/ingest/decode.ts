/**
 * From a Yellowstone transaction update to what the watcher reads: signature, slot, account keys
 * (static, then lookup-table writable, then readonly — the runtime's order), resolved top-level
 * and inner instructions, logs. Account keys repeat across transactions (programs, global config,
 * hot pools), so their base58 text is cached by raw bytes; the cache is bounded.
 */
import type { Address } from "@solana/kit";
import { encodeBase58 } from "../chain/base58.ts";
import type { InnerInstructionGroupView } from "../chain/events.ts";
import type { SubscribeUpdateTransaction, SubscribeUpdateTransactionInfo } from "../chain/proto.ts";
import type { InstructionView } from "../chain/yellowstone.ts";

export interface IngestTransaction {
  signature: string;
  slot: number;
  /** Position of the transaction in its slot. */
  indexInSlot: number;
  accountKeys: Address[];
  instructions: InstructionView[];
  innerInstructions: InnerInstructionGroupView[];
  logMessages: string[];
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

export type IngestUpdate = { kind: "transaction"; tx: IngestTransaction } | { kind: "slot"; slot: IngestSlot };

const KEY_CACHE_LIMIT = 65_536;

/** base58 of 32-byte keys, memoised by their bytes. */
export class AddressCache {
  private readonly map = new Map<string, Address>();

  encode(bytes: Uint8Array): Address {
    const k = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
    let a = this.map.get(k);
    if (a === undefined) {
      if (this.map.size >= KEY_CACHE_LIMIT) this.map.clear();
      a = encodeBase58(bytes) as Address;
      this.map.set(k, a);
    }
    return a;
  }
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

function resolve(keys: readonly Address[], programIdIndex: number, accounts: Uint8Array, data: Uint8Array): InstructionView {
  const programAddress = keys[programIdIndex];
  if (programAddress === undefined) throw new DecodeError(`program index ${programIdIndex} is outside the ${keys.length} account keys`);
  const resolved = new Array<Address>(accounts.length);
  for (let i = 0; i < accounts.length; i++) {
    const key = keys[accounts[i]];
    if (key === undefined) throw new DecodeError(`account index ${accounts[i]} is outside the ${keys.length} account keys`);
    resolved[i] = key;
  }
  return { programAddress, accounts: resolved, data };
}

/** Decodes one transaction update; throws DecodeError on an index outside the keys or a missing body. */
export function decodeTransactionUpdate(
  update: SubscribeUpdateTransaction,
  meta: { createdAtMs: number | null; receivedAtMono: number; filters: string[] },
  cache: AddressCache = new AddressCache(),
): IngestTransaction {
  const info: SubscribeUpdateTransactionInfo | null = update.transaction;
  if (!info || !info.transaction?.message) throw new DecodeError("transaction update without a transaction message");
  const message = info.transaction.message;
  const keys: Address[] = [];
  for (const k of message.account_keys) keys.push(cache.encode(k));
  for (const k of info.meta?.loaded_writable_addresses ?? []) keys.push(cache.encode(k));
  for (const k of info.meta?.loaded_readonly_addresses ?? []) keys.push(cache.encode(k));
  const instructions = message.instructions.map((ix) => resolve(keys, ix.program_id_index, ix.accounts, ix.data));
  const innerInstructions = (info.meta?.inner_instructions ?? []).map((g) => ({
    index: g.index,
    instructions: g.instructions.map((ix) => resolve(keys, ix.program_id_index, ix.accounts, ix.data)),
  }));
  return {
    signature: encodeBase58(info.signature),
    slot: Number(update.slot),
    indexInSlot: Number(info.index ?? 0),
    accountKeys: keys,
    instructions,
    innerInstructions,
    logMessages: info.meta?.log_messages ?? [],
    failed: info.meta?.err != null,
    createdAtMs: meta.createdAtMs,
    receivedAtMono: meta.receivedAtMono,
    filters: meta.filters,
  };
}
