import { describe, expect, test } from "bun:test";
import { addressToBytes } from "./base58.ts";
import { toHex } from "./borsh.ts";
import { PUMPSWAP_EVENT_AUTHORITY_ADDRESS, PUMPSWAP_PROGRAM_ADDRESS, PUMPFUN_WITHDRAW_AUTHORITY_ADDRESS } from "./constants.ts";
import { eventCpiInstruction, eventLogLine, programInvocationLogs } from "./events.ts";
import { loadGeyserGrpc, loadGeyserPackageDefinition, type SubscribeUpdate } from "./proto.ts";
import { pumpSwapCodecs } from "./pumpswap.ts";
import { sampleBuyEvent, sampleUser } from "./test-samples.ts";
import { eventsFromTransactionInfo, innerInstructionGroups, outerInstructions, transactionAccountKeys } from "./yellowstone.ts";

const definition = loadGeyserPackageDefinition();

function fields(name: string): [string, number][] {
  const message = definition[name] as unknown as { format: string; type: { field: { name: string; number: number }[] } };
  expect(message?.format).toBe("Protocol Buffer 3 DescriptorProto");
  const type = message.type;
  return type.field.map((f) => [f.name, f.number] as [string, number]).sort((a, b) => a[1] - b[1]);
}

function enumValues(name: string): [string, number][] {
  const type = (definition[name] as unknown as { type: { value: { name: string; number: number }[] } }).type;
  return type.value.map((v) => [v.name, v.number] as [string, number]);
}

const sorted = (pairs: [string, number][]) => [...pairs].sort((a, b) => a[1] - b[1]);

// Field numbers as in rpcpool/yellowstone-grpc yellowstone-grpc-proto/proto/{geyser,solana-storage}.proto.
const expected: Record<string, [string, number][]> = {
  "geyser.SubscribeRequest": [
    ["accounts", 1],
    ["slots", 2],
    ["transactions", 3],
    ["blocks_meta", 5],
    ["commitment", 6],
    ["accounts_data_slice", 7],
    ["entry", 8],
    ["ping", 9],
    ["transactions_status", 10],
    ["from_slot", 11],
  ],
  "geyser.SubscribeRequestFilterTransactions": [
    ["vote", 1],
    ["failed", 2],
    ["account_include", 3],
    ["account_exclude", 4],
    ["signature", 5],
    ["account_required", 6],
  ],
  "geyser.SubscribeRequestFilterAccounts": [
    ["account", 2],
    ["owner", 3],
    ["filters", 4],
    ["nonempty_txn_signature", 5],
  ],
  "geyser.SubscribeRequestFilterAccountsFilter": [
    ["memcmp", 1],
    ["datasize", 2],
    ["token_account_state", 3],
    ["lamports", 4],
  ],
  "geyser.SubscribeRequestFilterAccountsFilterMemcmp": [
    ["offset", 1],
    ["bytes", 2],
    ["base58", 3],
    ["base64", 4],
  ],
  "geyser.SubscribeRequestFilterSlots": [
    ["filter_by_commitment", 1],
    ["interslot_updates", 2],
  ],
  "geyser.SubscribeRequestAccountsDataSlice": [
    ["offset", 1],
    ["length", 2],
  ],
  "geyser.SubscribeRequestPing": [["id", 1]],
  "geyser.SubscribeUpdate": [
    ["filters", 1],
    ["account", 2],
    ["slot", 3],
    ["transaction", 4],
    ["ping", 6],
    ["block_meta", 7],
    ["entry", 8],
    ["pong", 9],
    ["transaction_status", 10],
    ["created_at", 11],
  ],
  "geyser.SubscribeUpdateAccount": [
    ["account", 1],
    ["slot", 2],
    ["is_startup", 3],
  ],
  "geyser.SubscribeUpdateAccountInfo": [
    ["pubkey", 1],
    ["lamports", 2],
    ["owner", 3],
    ["executable", 4],
    ["rent_epoch", 5],
    ["data", 6],
    ["write_version", 7],
    ["txn_signature", 8],
  ],
  "geyser.SubscribeUpdateSlot": [
    ["slot", 1],
    ["parent", 2],
    ["status", 3],
    ["dead_error", 4],
  ],
  "geyser.SubscribeUpdateTransaction": [
    ["transaction", 1],
    ["slot", 2],
  ],
  "geyser.SubscribeUpdateTransactionInfo": [
    ["signature", 1],
    ["is_vote", 2],
    ["transaction", 3],
    ["meta", 4],
    ["index", 5],
  ],
  "geyser.SubscribeUpdateTransactionStatus": [
    ["slot", 1],
    ["signature", 2],
    ["is_vote", 3],
    ["index", 4],
    ["err", 5],
  ],
  "geyser.SubscribeUpdateBlockMeta": [
    ["slot", 1],
    ["blockhash", 2],
    ["rewards", 3],
    ["block_time", 4],
    ["block_height", 5],
    ["parent_slot", 6],
    ["parent_blockhash", 7],
    ["executed_transaction_count", 8],
    ["entries_count", 9],
  ],
  "geyser.SubscribeUpdatePing": [],
  "geyser.SubscribeUpdatePong": [["id", 1]],
  "geyser.GetLatestBlockhashResponse": [
    ["slot", 1],
    ["blockhash", 2],
    ["last_valid_block_height", 3],
  ],
  "geyser.GetSlotResponse": [["slot", 1]],
  "geyser.GetVersionResponse": [["version", 1]],
  "geyser.PongResponse": [["count", 1]],
  "solana.storage.ConfirmedBlock.Transaction": [
    ["signatures", 1],
    ["message", 2],
  ],
  "solana.storage.ConfirmedBlock.Message": [
    ["header", 1],
    ["account_keys", 2],
    ["recent_blockhash", 3],
    ["instructions", 4],
    ["versioned", 5],
    ["address_table_lookups", 6],
  ],
  "solana.storage.ConfirmedBlock.MessageHeader": [
    ["num_required_signatures", 1],
    ["num_readonly_signed_accounts", 2],
    ["num_readonly_unsigned_accounts", 3],
  ],
  "solana.storage.ConfirmedBlock.MessageAddressTableLookup": [
    ["account_key", 1],
    ["writable_indexes", 2],
    ["readonly_indexes", 3],
  ],
  "solana.storage.ConfirmedBlock.CompiledInstruction": [
    ["program_id_index", 1],
    ["accounts", 2],
    ["data", 3],
  ],
  "solana.storage.ConfirmedBlock.TransactionStatusMeta": [
    ["err", 1],
    ["fee", 2],
    ["pre_balances", 3],
    ["post_balances", 4],
    ["inner_instructions", 5],
    ["log_messages", 6],
    ["pre_token_balances", 7],
    ["post_token_balances", 8],
    ["rewards", 9],
    ["inner_instructions_none", 10],
    ["log_messages_none", 11],
    ["loaded_writable_addresses", 12],
    ["loaded_readonly_addresses", 13],
    ["return_data", 14],
    ["return_data_none", 15],
    ["compute_units_consumed", 16],
  ],
  "solana.storage.ConfirmedBlock.TransactionError": [["err", 1]],
  "solana.storage.ConfirmedBlock.InnerInstructions": [
    ["index", 1],
    ["instructions", 2],
  ],
  "solana.storage.ConfirmedBlock.InnerInstruction": [
    ["program_id_index", 1],
    ["accounts", 2],
    ["data", 3],
    ["stack_height", 4],
  ],
  "solana.storage.ConfirmedBlock.TokenBalance": [
    ["account_index", 1],
    ["mint", 2],
    ["ui_token_amount", 3],
    ["owner", 4],
    ["program_id", 5],
  ],
  "solana.storage.ConfirmedBlock.UiTokenAmount": [
    ["ui_amount", 1],
    ["decimals", 2],
    ["amount", 3],
    ["ui_amount_string", 4],
  ],
};

describe("Yellowstone proto", () => {
  test.each(Object.entries(expected))("%s field names and numbers", (name, pairs) => {
    expect(fields(name)).toEqual(sorted(pairs));
  });

  test("enums", () => {
    expect(enumValues("geyser.CommitmentLevel")).toEqual([
      ["PROCESSED", 0],
      ["CONFIRMED", 1],
      ["FINALIZED", 2],
    ]);
    expect(enumValues("geyser.SlotStatus")).toEqual([
      ["SLOT_PROCESSED", 0],
      ["SLOT_CONFIRMED", 1],
      ["SLOT_FINALIZED", 2],
      ["SLOT_FIRST_SHRED_RECEIVED", 3],
      ["SLOT_COMPLETED", 4],
      ["SLOT_CREATED_BANK", 5],
      ["SLOT_DEAD", 6],
    ]);
  });

  test("service Geyser: Subscribe is a bidi stream, the rest unary", () => {
    const { service, Geyser } = loadGeyserGrpc();
    expect(typeof Geyser).toBe("function");
    expect(service.Subscribe.path).toBe("/geyser.Geyser/Subscribe");
    expect([service.Subscribe.requestStream, service.Subscribe.responseStream]).toEqual([true, true]);
    for (const m of ["Ping", "GetLatestBlockhash", "GetSlot", "GetVersion", "GetBlockHeight", "IsBlockhashValid", "SubscribeReplayInfo"]) {
      expect([m, service[m].requestStream, service[m].responseStream]).toEqual([m, false, false]);
    }
  });

  test("wire bytes: ping=9 and from_slot=11 as a real server reads them", () => {
    const { service } = loadGeyserGrpc();
    // field 9, length-delimited (0x4a), 2 bytes: field 1 varint (0x08) = 5
    expect(toHex(service.Subscribe.requestSerialize({ ping: { id: 5 } }))).toBe("4a020805");
    // field 11 varint: key 0x58, value 300 = ac 02
    expect(toHex(service.Subscribe.requestSerialize({ from_slot: "300" }))).toBe("58ac02");
    // commitment=6 varint CONFIRMED(1)
    expect(toHex(service.Subscribe.requestSerialize({ commitment: "CONFIRMED" }))).toBe("3001");
  });

  test("a migration filter request round-trips", () => {
    const { service } = loadGeyserGrpc();
    const request = {
      transactions: { migrations: { vote: false, failed: false, account_include: [PUMPFUN_WITHDRAW_AUTHORITY_ADDRESS] } },
      commitment: "PROCESSED",
      from_slot: "350000000",
    };
    const back = service.Subscribe.requestDeserialize(service.Subscribe.requestSerialize(request)) as Record<string, unknown>;
    expect(back.transactions).toMatchObject(request.transactions);
    expect(back.commitment).toBe("PROCESSED");
    expect(back.from_slot).toBe("350000000");
  });
});

describe("a PumpSwap buy streamed through Yellowstone", () => {
  test("serialise → deserialise → account keys, instructions and events", () => {
    const { service } = loadGeyserGrpc();
    const cpi = eventCpiInstruction("BuyEvent", sampleBuyEvent);
    const buyData = pumpSwapCodecs.buy.encode({ baseAmountOut: sampleBuyEvent.baseAmountOut, maxQuoteAmountIn: sampleBuyEvent.maxQuoteAmountIn, trackVolume: true });
    // Keys: 0 user (signer), 1 pool, 2 PumpSwap program; loaded from a lookup table: 3 event authority.
    const staticKeys = [sampleUser, sampleBuyEvent.pool, PUMPSWAP_PROGRAM_ADDRESS].map((a) => Buffer.from(addressToBytes(a)));
    const update = {
      filters: ["pumpswap"],
      transaction: {
        slot: "350000123",
        transaction: {
          signature: Buffer.alloc(64, 7),
          is_vote: false,
          index: "42",
          transaction: {
            signatures: [Buffer.alloc(64, 7)],
            message: {
              header: { num_required_signatures: 1, num_readonly_signed_accounts: 0, num_readonly_unsigned_accounts: 1 },
              account_keys: staticKeys,
              recent_blockhash: Buffer.alloc(32, 1),
              instructions: [{ program_id_index: 2, accounts: Buffer.from([1, 0]), data: Buffer.from(buyData) }],
              versioned: true,
              address_table_lookups: [{ account_key: Buffer.alloc(32, 9), writable_indexes: Buffer.from([]), readonly_indexes: Buffer.from([4]) }],
            },
          },
          meta: {
            fee: "5000",
            pre_balances: ["2500000000", "0", "1"],
            post_balances: ["2499583000", "0", "1"],
            inner_instructions: [{ index: 0, instructions: [{ program_id_index: 2, accounts: Buffer.from([3]), data: Buffer.from(cpi.data), stack_height: 2 }] }],
            log_messages: programInvocationLogs(PUMPSWAP_PROGRAM_ADDRESS, 1, ["Program log: Instruction: Buy", eventLogLine("BuyEvent", sampleBuyEvent)]),
            loaded_writable_addresses: [],
            loaded_readonly_addresses: [Buffer.from(addressToBytes(PUMPSWAP_EVENT_AUTHORITY_ADDRESS))],
            compute_units_consumed: "61234",
          },
        },
      },
      created_at: { seconds: "1763700003", nanos: 5 },
    };
    const wire = service.Subscribe.responseSerialize(update);
    const back = service.Subscribe.responseDeserialize(wire) as SubscribeUpdate;
    expect(back.update_oneof).toBe("transaction");
    if (back.update_oneof !== "transaction") return;
    expect(back.transaction.slot).toBe("350000123");
    const info = back.transaction.transaction!;
    expect(Buffer.isBuffer(info.signature)).toBe(true);
    expect(info.meta!.compute_units_consumed).toBe("61234");
    expect(info.meta!.pre_balances).toEqual(["2500000000", "0", "1"]);

    const keys = transactionAccountKeys(info);
    expect(keys).toEqual([sampleUser, sampleBuyEvent.pool, PUMPSWAP_PROGRAM_ADDRESS, PUMPSWAP_EVENT_AUTHORITY_ADDRESS]);
    const [outer] = outerInstructions(info, keys);
    expect(outer.programAddress).toBe(PUMPSWAP_PROGRAM_ADDRESS);
    expect(outer.accounts).toEqual([sampleBuyEvent.pool, sampleUser]);
    expect(pumpSwapCodecs.buy.decode(outer.data).baseAmountOut).toBe(sampleBuyEvent.baseAmountOut);
    expect(innerInstructionGroups(info, keys)[0].instructions[0].accounts).toEqual([PUMPSWAP_EVENT_AUTHORITY_ADDRESS]);

    const { events, failures } = eventsFromTransactionInfo(info);
    expect(failures).toEqual([]);
    // Emitted both ways; reported once, from the self-CPI.
    expect(events).toEqual([{ name: "BuyEvent", event: sampleBuyEvent, programAddress: PUMPSWAP_PROGRAM_ADDRESS, source: "cpi", outerInstructionIndex: 0 }]);
  });

  test("an index outside the account keys is an error, not a wrong address", () => {
    const info = {
      transaction: { signatures: [], message: { header: null, account_keys: [Buffer.alloc(32)], recent_blockhash: Buffer.alloc(32), instructions: [{ program_id_index: 3, accounts: Buffer.from([]), data: Buffer.from([]) }], versioned: false, address_table_lookups: [] } },
      meta: null,
    };
    expect(() => outerInstructions(info)).toThrow(/program index 3 is outside the 1 account keys/);
  });
});
