// The client's wire reader (parseSubscribeUpdate + decodeWireTransaction) against the reference
// path it replaced (proto-loader's deserializer + decodeTransactionUpdate): same IngestTransaction
// for every message of a devchain stream and for hand-made edge cases, bytes from protobufjs.
import { beforeAll, describe, expect, test } from "bun:test";
import type * as grpc from "@grpc/grpc-js";
import { addressToBytes, encodeBase58 } from "../chain/base58.ts";
import { loadGeyserGrpc, type SubscribeRequest, type SubscribeUpdate, type SubscribeUpdateTransactionInfo } from "../chain/proto.ts";
import { Devchain } from "../devchain/index.ts";
import { decodeTransactionUpdate, decodeWireTransaction, logLinesToStrings, parseSubscribeUpdate, timestampToMs, WireFormatError, type IngestTransaction } from "./index.ts";

const method = () => loadGeyserGrpc().service.Subscribe as grpc.MethodDefinition<SubscribeRequest, SubscribeUpdate>;
const serialize = (u: SubscribeUpdate) => method().responseSerialize(u);

/** Every field of the interface, as plain data. */
function view(tx: IngestTransaction) {
  const ix = (i: { programAddress: string; accounts: readonly string[]; data: Uint8Array }) => ({ programAddress: i.programAddress, accounts: [...i.accounts], data: Buffer.from(i.data).toString("hex") });
  return {
    signature: tx.signature,
    signatureBytes: Buffer.from(tx.signatureBytes).toString("hex"),
    slot: tx.slot,
    indexInSlot: tx.indexInSlot,
    accountKeys: [...tx.accountKeys],
    instructions: tx.instructions.map(ix),
    innerInstructions: tx.innerInstructions.map((g) => ({ index: g.index, instructions: g.instructions.map((i) => ix(i as never)) })),
    logMessages: [...tx.logMessages],
    failed: tx.failed,
    createdAtMs: tx.createdAtMs,
    filters: [...tx.filters],
  };
}

/** Both decoders on the same bytes: [wire reader, reference]. */
function both(bytes: Buffer) {
  const w = parseSubscribeUpdate(bytes);
  const ref = method().responseDeserialize(bytes) as SubscribeUpdate;
  return { w, ref };
}

function sameTransaction(bytes: Buffer): void {
  const { w, ref } = both(bytes);
  expect(w.oneof).toBe(ref.update_oneof);
  if (ref.update_oneof !== "transaction") throw new Error("not a transaction update");
  const meta = { createdAtMs: timestampToMs(ref.created_at), receivedAtMono: 0, filters: ref.filters };
  expect(w.createdAtMs).toBe(meta.createdAtMs);
  expect(w.filters).toEqual(ref.filters);
  expect(view(decodeWireTransaction(w.transaction!, { ...meta, filters: w.filters }))).toEqual(view(decodeTransactionUpdate(ref.transaction, meta)));
}

const key = (n: number) => Buffer.from(addressToBytes(encodeBase58(Uint8Array.from({ length: 32 }, (_, i) => (n * 31 + i * 7) & 0xff))));

function info(over: Partial<SubscribeUpdateTransactionInfo> = {}, meta: Record<string, unknown> = {}): SubscribeUpdateTransactionInfo {
  return {
    signature: Buffer.alloc(64, 9),
    is_vote: false,
    transaction: {
      signatures: [Buffer.alloc(64, 9)],
      message: {
        header: { num_required_signatures: 1, num_readonly_signed_accounts: 0, num_readonly_unsigned_accounts: 1 },
        account_keys: [key(1), key(2), key(3)],
        recent_blockhash: Buffer.alloc(32, 1),
        instructions: [{ program_id_index: 2, accounts: Buffer.from([0, 1, 3]), data: Buffer.from([1, 2, 3]) }],
        versioned: true,
        address_table_lookups: [{ account_key: key(9), writable_indexes: Buffer.from([0]), readonly_indexes: Buffer.from([1]) }],
      },
    },
    meta: {
      err: null,
      fee: "5000",
      pre_balances: ["1", "18446744073709551615"],
      post_balances: ["2", "3"],
      inner_instructions: [{ index: 0, instructions: [{ program_id_index: 4, accounts: Buffer.from([4, 0]), data: Buffer.from("inner"), stack_height: 2 }] }],
      inner_instructions_none: false,
      log_messages: ["Program log: héllo ✓", "", "Program data: AAAA"],
      log_messages_none: false,
      pre_token_balances: [{ account_index: 1, mint: "m", ui_token_amount: { ui_amount: 1.5, decimals: 6, amount: "1500000", ui_amount_string: "1.5" }, owner: "o", program_id: "p" }],
      post_token_balances: [],
      loaded_writable_addresses: [key(4)],
      loaded_readonly_addresses: [key(5)],
      compute_units_consumed: "1234",
      ...meta,
    },
    index: "7",
    ...over,
  } as SubscribeUpdateTransactionInfo;
}

const txUpdate = (i: SubscribeUpdateTransactionInfo | null, extra: Record<string, unknown> = {}) =>
  ({ filters: ["a", "bé"], created_at: { seconds: "1767225600", nanos: 123_456_789 }, update_oneof: "transaction", transaction: { transaction: i, slot: "389000123" }, ...extra }) as unknown as SubscribeUpdate;

describe("wire reader = proto-loader + decodeTransactionUpdate", () => {
  let stream: Buffer[] = [];
  beforeAll(async () => {
    const chain = new Devchain({ seed: 3, market: true, migrationsPerDay: 20_000, trackSeconds: 120, idleStopSeconds: 60, historySlots: 1_000_000, createLookaheadMs: 600_000 });
    let t = chain.opts.startTs;
    while (chain.counters.transactions < 800) await chain.advanceTo((t += 5_000));
    const ts = (ms: number) => ({ seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 });
    stream = chain.replayFrom(chain.oldestReplayableSlot)!.map((u) =>
      serialize(
        u.kind === "transaction"
          ? ({ filters: ["pumpswap"], created_at: ts(u.createdAtMs), update_oneof: "transaction", transaction: { transaction: u.info, slot: String(u.slot) } } as SubscribeUpdate)
          : ({ filters: ["slots"], created_at: ts(u.createdAtMs), update_oneof: "slot", slot: { slot: String(u.slot), parent: String(u.slot - 1), status: "SLOT_CONFIRMED" } } as SubscribeUpdate),
      ),
    );
  }, 60_000);

  test("every message of a devchain stream", () => {
    let transactions = 0;
    for (const bytes of stream) {
      const { w, ref } = both(bytes);
      expect(w.oneof).toBe(ref.update_oneof);
      if (ref.update_oneof === "transaction") {
        sameTransaction(bytes);
        transactions++;
      } else if (ref.update_oneof === "slot") {
        expect(w.slot).toEqual({ slot: Number(ref.slot.slot), status: ref.slot.status });
        expect(w.createdAtMs).toBe(timestampToMs(ref.created_at));
      }
    }
    expect(transactions).toBeGreaterThanOrEqual(800);
  });

  test("loaded addresses, balances and token balances skipped, failed, big numbers, UTF-8 logs", () => {
    sameTransaction(serialize(txUpdate(info())));
    sameTransaction(serialize(txUpdate(info({}, { err: { err: Buffer.from("{}") } }))));
    sameTransaction(serialize(txUpdate(info({ index: "4294967297" }), { transaction: { transaction: info(), slot: "9007199254740993" } })));
    const bare = info({}, { log_messages: [], inner_instructions: [], loaded_writable_addresses: [], loaded_readonly_addresses: [] });
    bare.transaction!.message!.instructions = [{ program_id_index: 2, accounts: Buffer.alloc(0), data: Buffer.alloc(0) }];
    sameTransaction(serialize(txUpdate(bare)));
    const w = parseSubscribeUpdate(serialize(txUpdate(info())));
    expect(decodeWireTransaction(w.transaction!, { createdAtMs: 0, receivedAtMono: 0, filters: [] }).failed).toBe(false);
  });

  test("created_at absent, zero, negative, with nanos", () => {
    for (const created_at of [null, { seconds: "0", nanos: 5 }, { seconds: "-3", nanos: 0 }, { seconds: "1767225600", nanos: 999_999_999 }]) sameTransaction(serialize(txUpdate(info(), { created_at })));
  });

  test("invalid UTF-8 in a log line decodes as protobufjs decodes it (U+FFFD)", () => {
    const bytes = serialize(txUpdate(info()));
    const at = bytes.indexOf("AAAA");
    bytes[at] = 0xff;
    bytes[at + 1] = 0xc3;
    sameTransaction(bytes);
    const tx = decodeWireTransaction(parseSubscribeUpdate(bytes).transaction!, { createdAtMs: null, receivedAtMono: 0, filters: [] });
    expect(tx.logMessages[2]).toContain("\uFFFD");
    expect(logLinesToStrings(tx.rawLogs!)).toEqual(tx.logMessages);
  });

  test("unknown fields are skipped; a repeated singular field keeps the last value", () => {
    const unknown = Buffer.from([0xf8, 0x06, 0x2a, 0x82, 0x07, 0x02, 0x01, 0x02]); // field 111 varint 42; field 112 bytes [1, 2]
    sameTransaction(Buffer.concat([serialize(txUpdate(info())), unknown]));
    // Two messages concatenated: repeated fields append, the second transaction and created_at win.
    const second = txUpdate(info({ signature: Buffer.alloc(64, 3), index: "2" }), { filters: ["z"], created_at: { seconds: "1767225700", nanos: 0 } });
    sameTransaction(Buffer.concat([serialize(txUpdate(info())), serialize(second)]));
  });

  test("update kinds: slot, ping, pong, account, block_meta, entry, transaction_status", () => {
    const updates: SubscribeUpdate[] = [
      { filters: ["s"], created_at: null, update_oneof: "slot", slot: { slot: "5000000000", status: "SLOT_DEAD", dead_error: "x" } } as SubscribeUpdate,
      { filters: [], created_at: null, update_oneof: "ping", ping: {} } as SubscribeUpdate,
      { filters: [], created_at: null, update_oneof: "pong", pong: { id: -7 } } as SubscribeUpdate,
      { filters: ["acc"], created_at: null, update_oneof: "account", account: { account: { pubkey: key(1), lamports: "1", owner: key(2), executable: false, rent_epoch: "0", data: Buffer.alloc(100), write_version: "1" }, slot: "10", is_startup: false } } as SubscribeUpdate,
      { filters: [], created_at: null, update_oneof: "block_meta", block_meta: { slot: "1", blockhash: "h", block_time: null, block_height: null, parent_slot: "0", parent_blockhash: "p", executed_transaction_count: "0", entries_count: "0" } } as SubscribeUpdate,
      { filters: [], created_at: null, update_oneof: "entry", entry: {} } as SubscribeUpdate,
      { filters: [], created_at: null, update_oneof: "transaction_status", transaction_status: { slot: "1", signature: Buffer.alloc(64), is_vote: false, index: "0", err: null } } as SubscribeUpdate,
    ];
    for (const u of updates) {
      const { w, ref } = both(serialize(u));
      expect(w.oneof).toBe(ref.update_oneof);
      if (ref.update_oneof === "slot") expect(w.slot).toEqual({ slot: 5_000_000_000, status: "SLOT_DEAD" });
      if (ref.update_oneof === "pong") expect(w.pongId).toBe(ref.pong.id);
    }
    expect(parseSubscribeUpdate(Buffer.alloc(0)).oneof).toBeNull();
  });

  test("a transaction update without its message is a DecodeError on both paths", () => {
    for (const i of [null, { ...info(), transaction: null }, { ...info(), transaction: { signatures: [], message: null } }] as SubscribeUpdateTransactionInfo[]) {
      const bytes = serialize(txUpdate(i));
      const { w, ref } = both(bytes);
      const meta = { createdAtMs: null, receivedAtMono: 0, filters: [] };
      expect(() => decodeWireTransaction(w.transaction!, meta)).toThrow(/without a transaction message/);
      expect(() => decodeTransactionUpdate((ref as Extract<SubscribeUpdate, { update_oneof: "transaction" }>).transaction, meta)).toThrow(/without a transaction message/);
    }
  });

  test("an account index outside the keys is a DecodeError", () => {
    const bad = info();
    bad.transaction!.message!.instructions[0].accounts = Buffer.from([0, 9]);
    const w = parseSubscribeUpdate(serialize(txUpdate(bad)));
    expect(() => decodeWireTransaction(w.transaction!, { createdAtMs: null, receivedAtMono: 0, filters: [] })).toThrow(/account index 9 is outside the 5 account keys/);
  });

  test("malformed bytes throw WireFormatError", () => {
    const bytes = serialize(txUpdate(info()));
    for (const cut of [1, 7, 100, bytes.length - 1]) expect(() => parseSubscribeUpdate(bytes.subarray(0, cut))).toThrow(WireFormatError);
    expect(() => parseSubscribeUpdate(Buffer.from([0x0a, 0x05, 0x61]))).toThrow(WireFormatError); // length past the end
    expect(() => parseSubscribeUpdate(Buffer.from([0x0f]))).toThrow(WireFormatError); // wire type 7
    expect(() => parseSubscribeUpdate(Buffer.from([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]))).toThrow(WireFormatError); // 11-byte varint
    expect(() => parseSubscribeUpdate(Buffer.from([0x0d, 0x01]))).toThrow(WireFormatError); // filters as fixed32
  });

  test("the signature is base58 on demand and the logs are strings on demand", () => {
    const w = parseSubscribeUpdate(serialize(txUpdate(info())));
    const tx = decodeWireTransaction(w.transaction!, { createdAtMs: null, receivedAtMono: 0, filters: [] });
    expect(tx.signature).toBe(encodeBase58(Buffer.alloc(64, 9)));
    expect(tx.rawLogs?.ranges.length).toBe(6);
    expect(tx.logMessages).toEqual(["Program log: héllo ✓", "", "Program data: AAAA"]);
    expect(tx.logMessages).toBe(tx.logMessages);
    expect(JSON.parse(JSON.stringify(tx))).toMatchObject({ signature: tx.signature, logMessages: tx.logMessages, slot: 389000123 });
  });
});
