import { afterAll, beforeAll, expect, test } from "bun:test";
import { openTradesDb } from "../store";
import { createChecker } from "./checker.ts";
import { createKitCheckerRpc, RpcError } from "./rpc.ts";
import { SqliteCheckerStore } from "./store.ts";
import { FakeChain, safeMint, sampleAddress, type FakeToken } from "./testing.ts";

// The production adapter (@solana/kit over HTTP) against the fake chain served as JSON-RPC.
const chain = new FakeChain();
let server: { url: string; stop(): Promise<void> };
let clean: FakeToken;
let trap: FakeToken;
let frozen: FakeToken;

beforeAll(async () => {
  clean = await chain.addToken({ label: "http clean" });
  trap = await chain.addToken({ label: "http trap", honeypot: true });
  frozen = await chain.addToken({ label: "http frozen", mint: safeMint({ extensions: [{ kind: "DefaultAccountState", state: "Frozen" }] }) });
  server = chain.serve();
});
afterAll(() => server.stop());

test("each call decodes the node's JSON into bytes and bigints", async () => {
  const rpc = createKitCheckerRpc(server.url);
  const mint = await rpc.getAccountInfo(clean.mint);
  expect(mint!.data).toEqual(chain.accounts.get(clean.mint)!.data);
  expect(typeof mint!.lamports).toBe("bigint");
  const [a, none] = await rpc.getMultipleAccounts([clean.pool, sampleAddress("nothing here")]);
  expect(a!.data).toEqual(chain.accounts.get(clean.pool)!.data);
  expect(none).toBeNull();
  const largest = await rpc.getTokenLargestAccounts(clean.mint);
  expect(largest[0]).toEqual({ address: clean.vault, amount: 200_000_000_000_000n });
  expect((await rpc.getLatestBlockhash()).lastValidBlockHeight).toBe(1000n);
});

test("the checker over HTTP: clean passes, a honeypot and a frozen-by-default mint fail", async () => {
  const db = openTradesDb(":memory:");
  const store = new SqliteCheckerStore(db, { flushIntervalMs: 0 });
  const checker = createChecker({ rpc: createKitCheckerRpc(server.url), store });
  expect((await checker.analyse({ mint: clean.mint })).verdict).toBe("pass");
  expect((await checker.analyse({ mint: trap.mint })).reasons.map((r) => r.code)).toEqual(["honeypot"]);
  expect((await checker.analyse({ mint: frozen.mint })).reasons.map((r) => r.code)).toEqual(["default_account_frozen"]);
  // The simulation went out as base64 with sigVerify off and the blockhash replaced.
  expect(chain.simulations.at(-1)).toMatchObject({ sigVerify: false, replaceRecentBlockhash: true });
  store.close();
  db.close();
});

test("a JSON-RPC error becomes an RpcError naming the method", async () => {
  const rpc = createKitCheckerRpc(server.url);
  const err = await rpc.getTokenLargestAccounts(sampleAddress("not a mint")).catch((e) => e);
  expect(err).toBeInstanceOf(RpcError);
  expect(err.message).toContain("getTokenLargestAccounts");
});

test("an aborted call rejects promptly with the abort reason (reported as a timeout upstream)", async () => {
  chain.delayMs.getLatestBlockhash = 5_000;
  try {
    const rpc = createKitCheckerRpc(server.url);
    const started = performance.now();
    const err = await rpc.getLatestBlockhash({ signal: AbortSignal.timeout(50) }).catch((e) => e);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(err).not.toBeInstanceOf(RpcError);
  } finally {
    chain.delayMs.getLatestBlockhash = 0;
  }
});
