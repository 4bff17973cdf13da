import { describe, expect, test } from "bun:test";
import { AsyncChannel, fullJitterDelayMs, ManualClock, parseEndpoint, SignatureDedup, YellowstoneClient } from "./index.ts";
import { createRng } from "../util/rng.ts";

describe("backoff", () => {
  test("full jitter stays under the capped exponential and is reproducible from the seed", () => {
    const opts = { baseMs: 100, maxMs: 5_000 };
    const a = createRng(3);
    const b = createRng(3);
    for (let attempt = 0; attempt < 12; attempt++) {
      const d = fullJitterDelayMs(attempt, opts, () => a.next());
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(Math.min(5_000, 100 * 2 ** attempt));
      expect(fullJitterDelayMs(attempt, opts, () => b.next())).toBe(d);
    }
    expect(fullJitterDelayMs(40, opts, () => 0.999999)).toBe(4_999);
  });
});

describe("SignatureDedup", () => {
  test("drops repeats and forgets the oldest beyond capacity", () => {
    const d = new SignatureDedup(3);
    expect(["a", "b", "c"].map((s) => d.seen(s))).toEqual([false, false, false]);
    expect(d.seen("b")).toBe(true);
    expect(d.seen("d")).toBe(false); // evicts "a"
    expect(d.size).toBe(3);
    expect(d.seen("a")).toBe(false);
    expect(d.seen("c")).toBe(true); // "a" evicted "b", not "c"
    expect(d.seen("b")).toBe(false);
  });
});

describe("AsyncChannel", () => {
  test("delivers in order, then ends after close", async () => {
    const ch = new AsyncChannel<number>();
    ch.push(1);
    ch.push(2);
    setTimeout(() => {
      ch.push(3);
      ch.close();
    }, 5);
    const got: number[] = [];
    for await (const v of ch) got.push(v);
    expect(got).toEqual([1, 2, 3]);
    expect(ch.push(4)).toBe(false);
  });
});

describe("ManualClock", () => {
  test("fires due timers in time order", () => {
    const c = new ManualClock(0);
    const fired: string[] = [];
    c.setTimeout(() => fired.push("b"), 20);
    c.setTimeout(() => fired.push("a"), 10);
    const h = c.setTimeout(() => fired.push("x"), 15);
    c.clearTimeout(h);
    c.advance(25);
    expect(fired).toEqual(["a", "b"]);
    expect(c.monoMs()).toBe(25);
  });
});

describe("YellowstoneClient", () => {
  test("endpoints: TLS for https, plaintext for http, default ports", () => {
    expect(parseEndpoint("https://laserstream-mainnet-ewr.helius-rpc.com")).toEqual({ target: "laserstream-mainnet-ewr.helius-rpc.com:443", tls: true, host: "laserstream-mainnet-ewr.helius-rpc.com" });
    expect(parseEndpoint("http://127.0.0.1:10000")).toEqual({ target: "127.0.0.1:10000", tls: false, host: "127.0.0.1" });
    expect(() => parseEndpoint("ftp://x")).toThrow();
  });

  test("the SubscribeRequest carries the filters, commitment and from_slot", () => {
    const c = new YellowstoneClient({ endpoint: "http://127.0.0.1:1", transactions: { m: { accountInclude: ["A"], accountRequired: ["B"] } }, commitment: "PROCESSED" });
    const req = c.buildRequest(42);
    expect(req.transactions).toEqual({ m: { vote: false, failed: false, account_include: ["A"], account_exclude: [], account_required: ["B"] } });
    expect(req.commitment).toBe("PROCESSED");
    expect(req.from_slot).toBe("42");
    expect(req.slots).toEqual({ ferrix_slots: { filter_by_commitment: true } });
    expect(c.buildRequest(null).from_slot).toBeUndefined();
  });

  test("with nothing listening, reconnects follow the seeded backoff on the injected clock", async () => {
    const clock = new ManualClock(0);
    const rng = createRng(5);
    const c = new YellowstoneClient({ endpoint: "http://127.0.0.1:9", transactions: { m: {} }, clock, random: () => rng.next(), backoff: { baseMs: 100, maxMs: 1_000 }, stallTimeoutMs: 60_000 });
    c.start();
    for (let i = 0; i < 50 && c.stats.reconnects < 3; i++) {
      await Bun.sleep(20);
      clock.advance(1_000);
    }
    expect(c.stats.reconnects).toBeGreaterThanOrEqual(3);
    expect(c.stats.connects).toBeGreaterThanOrEqual(3);
    await c.stop();
    expect(c.state).toBe("stopped");
  });
});
