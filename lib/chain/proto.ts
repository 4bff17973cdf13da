// Loads Ferrix's Yellowstone gRPC schema (data/proto) for @grpc/grpc-js clients and servers.
// The .proto texts are embedded with Bun text imports so a `bun build --compile` binary needs no
// files beside it; proto-loader only reads from disk, so they are written to a private temp
// directory, loaded once and removed.
//
// Loader options: keepCase (field names as in the proto, e.g. `account_include`), 64-bit integers
// as decimal strings (lamport balances can exceed 2^53; parse slots with Number()), enums as
// names, bytes as Buffer, defaults filled in, and the oneof name (e.g. `update_oneof`) set.

import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import geyserProtoText from "../../data/proto/geyser.proto" with { type: "text" };
import solanaStorageProtoText from "../../data/proto/solana-storage.proto" with { type: "text" };

export const GEYSER_PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

let cached: protoLoader.PackageDefinition | undefined;

/** The package definition of `geyser` (and `solana.storage.ConfirmedBlock`), loaded once. */
export function loadGeyserPackageDefinition(): protoLoader.PackageDefinition {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), "ferrix-proto-"));
  try {
    writeFileSync(join(dir, "geyser.proto"), geyserProtoText);
    writeFileSync(join(dir, "solana-storage.proto"), solanaStorageProtoText);
    // No includeDirs: solana-storage.proto resolves next to geyser.proto, and
    // google/protobuf/timestamp.proto comes from protobufjs's bundled well-known types.
    cached = protoLoader.loadSync(join(dir, "geyser.proto"), GEYSER_PROTO_LOADER_OPTIONS);
    return cached;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface GeyserGrpc {
  /** Client constructor: `new Geyser(endpoint, credentials, options)`. */
  Geyser: grpc.ServiceClientConstructor;
  /** Service definition for `server.addService(service, implementation)`. */
  service: grpc.ServiceDefinition;
}

let cachedGrpc: GeyserGrpc | undefined;

export function loadGeyserGrpc(): GeyserGrpc {
  if (cachedGrpc) return cachedGrpc;
  const root = grpc.loadPackageDefinition(loadGeyserPackageDefinition());
  const Geyser = (root.geyser as grpc.GrpcObject).Geyser as grpc.ServiceClientConstructor;
  cachedGrpc = { Geyser, service: Geyser.service };
  return cachedGrpc;
}

// ---- Message shapes as the loader produces them (keepCase, longs as strings, bytes as Buffer) ----

export type CommitmentLevel = "PROCESSED" | "CONFIRMED" | "FINALIZED";
export type SlotStatus =
  | "SLOT_PROCESSED"
  | "SLOT_CONFIRMED"
  | "SLOT_FINALIZED"
  | "SLOT_FIRST_SHRED_RECEIVED"
  | "SLOT_COMPLETED"
  | "SLOT_CREATED_BANK"
  | "SLOT_DEAD";

/** A uint64 as it arrives (string); when sending, a number or string is accepted. */
export type U64 = string;

export interface SubscribeRequestFilterTransactions {
  vote?: boolean;
  failed?: boolean;
  signature?: string;
  account_include?: string[];
  account_exclude?: string[];
  account_required?: string[];
}

export interface SubscribeRequestFilterAccounts {
  account?: string[];
  owner?: string[];
  filters?: SubscribeRequestFilterAccountsFilter[];
  nonempty_txn_signature?: boolean;
}

export interface SubscribeRequestFilterAccountsFilter {
  memcmp?: { offset: U64 | number; bytes?: Uint8Array; base58?: string; base64?: string };
  datasize?: U64 | number;
  token_account_state?: boolean;
  lamports?: { eq?: U64 | number; ne?: U64 | number; lt?: U64 | number; gt?: U64 | number };
}

export interface SubscribeRequestFilterSlots {
  filter_by_commitment?: boolean;
  interslot_updates?: boolean;
}

export interface SubscribeRequest {
  accounts?: Record<string, SubscribeRequestFilterAccounts>;
  slots?: Record<string, SubscribeRequestFilterSlots>;
  transactions?: Record<string, SubscribeRequestFilterTransactions>;
  transactions_status?: Record<string, SubscribeRequestFilterTransactions>;
  blocks_meta?: Record<string, Record<string, never>>;
  entry?: Record<string, Record<string, never>>;
  commitment?: CommitmentLevel;
  accounts_data_slice?: { offset: U64 | number; length: U64 | number }[];
  ping?: { id: number };
  from_slot?: U64 | number;
}

export interface MessageHeader {
  num_required_signatures: number;
  num_readonly_signed_accounts: number;
  num_readonly_unsigned_accounts: number;
}

export interface CompiledInstruction {
  program_id_index: number;
  accounts: Buffer;
  data: Buffer;
}

export interface MessageAddressTableLookup {
  account_key: Buffer;
  writable_indexes: Buffer;
  readonly_indexes: Buffer;
}

export interface Message {
  header: MessageHeader | null;
  account_keys: Buffer[];
  recent_blockhash: Buffer;
  instructions: CompiledInstruction[];
  versioned: boolean;
  address_table_lookups: MessageAddressTableLookup[];
}

export interface Transaction {
  signatures: Buffer[];
  message: Message | null;
}

export interface InnerInstruction {
  program_id_index: number;
  accounts: Buffer;
  data: Buffer;
  stack_height?: number;
}

export interface InnerInstructions {
  index: number;
  instructions: InnerInstruction[];
}

export interface UiTokenAmount {
  ui_amount: number;
  decimals: number;
  amount: string;
  ui_amount_string: string;
}

export interface TokenBalance {
  account_index: number;
  mint: string;
  ui_token_amount: UiTokenAmount | null;
  owner: string;
  program_id: string;
}

export interface TransactionStatusMeta {
  err: { err: Buffer } | null;
  fee: U64;
  pre_balances: U64[];
  post_balances: U64[];
  inner_instructions: InnerInstructions[];
  inner_instructions_none: boolean;
  log_messages: string[];
  log_messages_none: boolean;
  pre_token_balances: TokenBalance[];
  post_token_balances: TokenBalance[];
  loaded_writable_addresses: Buffer[];
  loaded_readonly_addresses: Buffer[];
  compute_units_consumed?: U64;
}

export interface SubscribeUpdateTransactionInfo {
  signature: Buffer;
  is_vote: boolean;
  transaction: Transaction | null;
  meta: TransactionStatusMeta | null;
  index: U64;
}

export interface SubscribeUpdateTransaction {
  transaction: SubscribeUpdateTransactionInfo | null;
  slot: U64;
}

export interface SubscribeUpdateAccountInfo {
  pubkey: Buffer;
  lamports: U64;
  owner: Buffer;
  executable: boolean;
  rent_epoch: U64;
  data: Buffer;
  write_version: U64;
  txn_signature?: Buffer;
}

export interface SubscribeUpdateAccount {
  account: SubscribeUpdateAccountInfo | null;
  slot: U64;
  is_startup: boolean;
}

export interface SubscribeUpdateSlot {
  slot: U64;
  parent?: U64;
  status: SlotStatus;
  dead_error?: string;
}

export interface SubscribeUpdateTransactionStatus {
  slot: U64;
  signature: Buffer;
  is_vote: boolean;
  index: U64;
  err: { err: Buffer } | null;
}

export interface SubscribeUpdateBlockMeta {
  slot: U64;
  blockhash: string;
  block_time: { timestamp: U64 } | null;
  block_height: { block_height: U64 } | null;
  parent_slot: U64;
  parent_blockhash: string;
  executed_transaction_count: U64;
  entries_count: U64;
}

export type SubscribeUpdate = {
  filters: string[];
  created_at: { seconds: U64; nanos: number } | null;
} & (
  | { update_oneof: "transaction"; transaction: SubscribeUpdateTransaction }
  | { update_oneof: "account"; account: SubscribeUpdateAccount }
  | { update_oneof: "slot"; slot: SubscribeUpdateSlot }
  | { update_oneof: "transaction_status"; transaction_status: SubscribeUpdateTransactionStatus }
  | { update_oneof: "ping"; ping: Record<string, never> }
  | { update_oneof: "pong"; pong: { id: number } }
  | { update_oneof: "block_meta"; block_meta: SubscribeUpdateBlockMeta }
  | { update_oneof: "entry"; entry: Record<string, unknown> }
);
