// grpc-js under Bun has stalled on HTTP/2 messages over the 64 KiB flow-control window. A
// transaction update with a big log list (> 64 KiB, and ~1 MiB) must pass through the real client
// intact, both from a server in this process and from the devchain in a child process (a separate
// HTTP/2 peer: nothing shared but the socket); and a SubscribeRequest over 64 KiB (thousands of
// filter accounts) must reach that devchain whole.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import * as grpc from "@grpc/grpc-js";
import type { Subprocess } from "bun";
import { loadGeyserGrpc, type SubscribeUpdate } from "../../lib/chain/proto.ts";
import { encodeBase58 } from "../../lib/chain/base58.ts";
import { YellowstoneClient, type IngestTransaction } from "../../lib/ingest/index.ts";
import { logDigest } from "./devchain_child.ts";

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

describe(`large messages between a devchain child process and the client (Bun ${Bun.version})`, () => {
  let child: Subprocess<"pipe", "pipe", "inherit">;
  let nextLine: () => Promise<Record<string, unknown>>;
  let port = 0;
  let clients: YellowstoneClient[] = [];

  const ask = async <T,>(cmd: Record<string, unknown>): Promise<T> => {
    child.stdin.write(JSON.stringify(cmd) + "\n");
    child.stdin.flush();
    return (await nextLine()) as T;
  };

  beforeAll(async () => {
    child = Bun.spawn([process.execPath, new URL("./devchain_child.ts", import.meta.url).pathname], { stdin: "pipe", stdout: "pipe", stderr: "inherit" });
    const reader = child.stdout.getReader();
    const decoder = new TextDecoder();
    let buf = "";
    nextLine = async () => {
      while (!buf.includes("\n")) {
        const { value, done } = await reader.read();
        if (done) throw new Error("devchain child exited");
        buf += decoder.decode(value, { stream: true });
      }
      const i = buf.indexOf("\n");
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      return JSON.parse(line);
    };
    port = ((await nextLine()) as { port: number }).port;
  });
  afterEach(async () => {
    for (const c of clients) await c.stop();
    clients = [];
  });
  afterAll(async () => {
    child.stdin.end();
    await Promise.race([child.exited, Bun.sleep(3_000)]);
    child.kill();
  });

  type Sent = { transactions: { signature: string; slot: number; digest: string; bytes: number }[] };

  async function receive(key: string, sent: Sent, accountInclude: string[]): Promise<{ got: IngestTransaction[]; client: YellowstoneClient }> {
    const got: IngestTransaction[] = [];
    const client = new YellowstoneClient({
      endpoint: `http://127.0.0.1:${port}`,
      transactions: { big: { accountInclude } },
      fromSlot: sent.transactions[0].slot,
      slotUpdates: false,
      stallTimeoutMs: 5_000,
      onUpdate: (u) => u.kind === "transaction" && u.tx.accountKeys.includes(key as never) && got.push(u.tx),
    });
    clients.push(client);
    client.start();
    const t0 = performance.now();
    while (got.length < sent.transactions.length && performance.now() - t0 < 15_000) await Bun.sleep(5);
    return { got, client };
  }

  for (const bytes of [70 * 1024, 1024 * 1024]) {
    test(`${Math.round(bytes / 1024)} KiB log lists from the child arrive whole`, async () => {
      const key = encodeBase58(crypto.getRandomValues(new Uint8Array(32)));
      const sent = await ask<Sent>({ cmd: "logs", bytes, count: 4, key });
      expect(sent.transactions.every((t) => t.bytes > bytes)).toBe(true);
      const { got, client } = await receive(key, sent, [key]);
      expect(client.stats.stalls).toBe(0);
      expect(client.stats.decodeErrors).toBe(0);
      expect(got.map((t) => t.signature)).toEqual(sent.transactions.map((t) => t.signature));
      // Byte-exact: the same lines (with their non-ASCII characters), in order.
      expect(got.map((t) => logDigest(t.logMessages))).toEqual(sent.transactions.map((t) => t.digest));
    }, 30_000);
  }

  test("a SubscribeRequest over 64 KiB reaches the child whole (the matching key is its last filter account)", async () => {
    const key = encodeBase58(crypto.getRandomValues(new Uint8Array(32)));
    const others = Array.from({ length: 3_000 }, () => encodeBase58(crypto.getRandomValues(new Uint8Array(32))));
    const accountInclude = [...others, key];
    expect(accountInclude.reduce((s, a) => s + a.length + 2, 0)).toBeGreaterThan(128 * 1024);
    const sent = await ask<Sent>({ cmd: "logs", bytes: 80 * 1024, count: 2, key });
    const before = await ask<{ stats: { subscribes: number } }>({ cmd: "stats" });
    const { got, client } = await receive(key, sent, accountInclude);
    expect(client.stats.stalls).toBe(0);
    expect(got.map((t) => logDigest(t.logMessages))).toEqual(sent.transactions.map((t) => t.digest));
    const after = await ask<{ stats: { subscribes: number } }>({ cmd: "stats" });
    expect(after.stats.subscribes).toBe(before.stats.subscribes + 1);
  }, 30_000);
});
