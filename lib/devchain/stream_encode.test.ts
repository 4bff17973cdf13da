// The devchain's pre-encoded transaction updates are byte for byte what proto-loader writes for
// the message objects it used to hand grpc-js.
import { describe, expect, test } from "bun:test";
import type * as grpc from "@grpc/grpc-js";
import { loadGeyserGrpc, type SubscribeRequest, type SubscribeUpdate } from "../chain/proto.ts";
import { Devchain, type ChainUpdate } from "./index.ts";
import { encodedTransactionInfo, encodeTransactionUpdate, geyserServiceWithPassthrough } from "./stream_encode.ts";

const method = () => loadGeyserGrpc().service.Subscribe as grpc.MethodDefinition<SubscribeRequest, SubscribeUpdate>;
const timestamp = (ms: number) => ({ seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 });

describe("pre-encoded SubscribeUpdate", () => {
  test("equals proto-loader's serialisation for every transaction of a devchain stream", async () => {
    const chain = new Devchain({ seed: 6, market: true, migrationsPerDay: 20_000, trackSeconds: 120, idleStopSeconds: 60, historySlots: 1_000_000, createLookaheadMs: 600_000 });
    let t = chain.opts.startTs;
    while (chain.counters.transactions < 500) await chain.advanceTo((t += 5_000));
    await chain.launchToken({ profile: "transfer_hook" });
    const txs = chain.replayFrom(chain.oldestReplayableSlot)!.filter((u): u is Extract<ChainUpdate, { kind: "transaction" }> => u.kind === "transaction");
    expect(txs.length).toBeGreaterThan(500);
    for (const filters of [["pumpswap"], ["migrations", "pumpswap", "pump_creates"], ["ünïcode ✓"], []]) {
      for (const u of txs) {
        const expected = method().responseSerialize({ filters, created_at: timestamp(u.createdAtMs), update_oneof: "transaction", transaction: { transaction: u.info, slot: String(u.slot) } } as SubscribeUpdate);
        const got = encodeTransactionUpdate(filters, encodedTransactionInfo(u), u.slot, u.createdAtMs);
        expect(got?.equals(expected)).toBe(true);
      }
    }
    // Made once per update.
    expect(encodedTransactionInfo(txs[0])).toBe(encodedTransactionInfo(txs[0]));
  }, 60_000);

  test("numbers it cannot write exactly are left to grpc-js (null)", () => {
    const info = new Uint8Array([10, 0]);
    expect(encodeTransactionUpdate(["f"], info, 2 ** 53, Date.UTC(2026, 0, 1))).toBeNull();
    expect(encodeTransactionUpdate(["f"], info, 5, -1_000)).toBeNull();
    expect(encodeTransactionUpdate(["f"], info, 0, 0)?.length).toBeGreaterThan(0);
  });

  test("the Subscribe serializer passes bytes through and serialises objects as before", () => {
    const serialize = (geyserServiceWithPassthrough().Subscribe as grpc.MethodDefinition<SubscribeRequest, SubscribeUpdate | Uint8Array>).responseSerialize;
    const bytes = Buffer.from([1, 2, 3]);
    expect(serialize(bytes)).toBe(bytes);
    expect([...serialize(new Uint8Array([4, 5]))]).toEqual([4, 5]);
    const pong = { filters: [], created_at: null, update_oneof: "pong", pong: { id: 3 } } as SubscribeUpdate;
    expect(serialize(pong).equals(method().responseSerialize(pong))).toBe(true);
  });
});
