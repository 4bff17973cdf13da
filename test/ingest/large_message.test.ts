// grpc-js under Bun has stalled on HTTP/2 messages over the 64 KiB flow-control window. A
// transaction update with a big log list (> 64 KiB, and ~1 MiB) must pass through the real client
// intact, both from a server in this process and from the devchain in a child process.
import { afterEach, describe, expect, test } from "bun:test";
import * as grpc from "@grpc/grpc-js";
import { loadGeyserGrpc, type SubscribeUpdate } from "../../lib/chain/proto.ts";
import { YellowstoneClient, type IngestTransaction } from "../../lib/ingest/index.ts";

let server: grpc.Server | null = null;
afterEach(() => {
  server?.forceShutdown();
  server = null;
});

function bigUpdate(i: number, bytes: number): SubscribeUpdate {
  const logs: string[] = [];
  for (let n = 0; n < bytes; ) {
    const line = `Program log: ${"x".repeat(200)} ${i}:${logs.length}`;
    logs.push(line);
    n += line.length;
  }
  const key = Buffer.alloc(32, 7);
  return {
    filters: ["big"],
    created_at: { seconds: "1767225600", nanos: 0 },
    update_oneof: "transaction",
    transaction: {
      slot: String(100 + i),
      transaction: {
        signature: Buffer.alloc(64, i + 1),
        is_vote: false,
        transaction: { signatures: [Buffer.alloc(64, i + 1)], message: { header: { num_required_signatures: 1, num_readonly_signed_accounts: 0, num_readonly_unsigned_accounts: 0 }, account_keys: [key], recent_blockhash: Buffer.alloc(32), instructions: [], versioned: false, address_table_lookups: [] } },
        meta: { err: null, fee: "5000", pre_balances: [], post_balances: [], inner_instructions: [], inner_instructions_none: false, log_messages: logs, log_messages_none: false, pre_token_balances: [], post_token_balances: [], loaded_writable_addresses: [], loaded_readonly_addresses: [] },
        index: "0",
      },
    },
  } as SubscribeUpdate;
}

describe("large messages through the Yellowstone client", () => {
  for (const bytes of [70 * 1024, 256 * 1024, 1024 * 1024]) {
    test(`${Math.round(bytes / 1024)} KiB log lists arrive whole (Bun ${Bun.version})`, async () => {
      const { service } = loadGeyserGrpc();
      server = new grpc.Server();
      const count = 8;
      server.addService(service, {
        Subscribe(call: grpc.ServerDuplexStream<unknown, SubscribeUpdate>) {
          call.once("data", () => {
            for (let i = 0; i < count; i++) call.write(bigUpdate(i, bytes));
          });
          call.on("error", () => {});
        },
      });
      const port = await new Promise<number>((res, rej) => server!.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))));
      const got: IngestTransaction[] = [];
      const client = new YellowstoneClient({ endpoint: `http://127.0.0.1:${port}`, transactions: { big: {} }, slotUpdates: false, stallTimeoutMs: 5_000, onUpdate: (u) => u.kind === "transaction" && got.push(u.tx) });
      client.start();
      const t0 = performance.now();
      while (got.length < count && performance.now() - t0 < 10_000) await Bun.sleep(5);
      await client.stop();
      expect(client.stats.stalls).toBe(0);
      expect(got.length).toBe(count);
      const size = got[3].logMessages.reduce((s, l) => s + l.length, 0);
      expect(size).toBeGreaterThan(bytes - 1);
      expect(got[3].logMessages.at(-1)).toContain("3:");
    }, 20_000);
  }
});
