import { Database } from "bun:sqlite";
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import type { Address } from "@solana/kit";
import type { MintExtension, MintInfo } from "../chain";
import { openTradesDb } from "../store";
import { createChecker, uncheckedSignal, type CheckerDeps } from "./checker.ts";
import { roundTripBaseAmount } from "./honeypot.ts";
import { SqliteCheckerStore } from "./store.ts";
import { FakeChain, safeMint, sampleAddress, TOKEN_SUPPLY } from "./testing.ts";
import type { CheckerConfig, ReasonCode } from "./types.ts";

const authority = sampleAddress("some authority");
const fee = (bps: number) => ({ epoch: 0n, maximumFee: 1_000_000n, transferFeeBasisPoints: bps });
const ext = {
  transferFee: (bps: number): MintExtension => ({ kind: "TransferFeeConfig", transferFeeConfigAuthority: null, withdrawWithheldAuthority: null, withheldAmount: 0n, olderTransferFee: fee(bps), newerTransferFee: fee(bps) }),
  permanentDelegate: { kind: "PermanentDelegate", delegate: authority } as MintExtension,
  transferHook: { kind: "TransferHook", authority: null, programId: sampleAddress("hook program") } as MintExtension,
  nonTransferable: { kind: "NonTransferable" } as MintExtension,
  defaultFrozen: { kind: "DefaultAccountState", state: "Frozen" } as MintExtension,
  defaultInitialized: { kind: "DefaultAccountState", state: "Initialized" } as MintExtension,
  paused: { kind: "Pausable", authority, paused: true } as MintExtension,
  pausable: { kind: "Pausable", authority, paused: false } as MintExtension,
  metadataPointer: { kind: "MetadataPointer", authority: null, metadataAddress: sampleAddress("meta") } as MintExtension,
  tokenMetadata: (mint: Address): MintExtension => ({ kind: "TokenMetadata", updateAuthority: null, mint, name: "Coin", symbol: "COIN", uri: "https://example.invalid/coin.json", additionalMetadata: [] }),
};

let db: Database;
let store: SqliteCheckerStore;
let chain: FakeChain;

beforeEach(() => {
  db = openTradesDb(":memory:");
  store = new SqliteCheckerStore(db, { flushIntervalMs: 0 });
  chain = new FakeChain();
});
afterEach(() => {
  store.close();
  db.close();
});

function checker(config: Partial<CheckerConfig> = {}, extra: Partial<CheckerDeps> = {}) {
  return createChecker({ rpc: chain.rpc(), store, config, random: () => 0, ...extra });
}

const codes = (reasons: { code: ReasonCode }[]) => reasons.map((r) => r.code).sort();

describe("a clean migrated token", () => {
  test("passes all four checks, simulating a sell as one of its holders", async () => {
    const t = await chain.addToken({ label: "clean" });
    const outcome = await checker().check({ mint: t.mint, pool: t.pool, creator: t.creator });
    expect(outcome.kind).toBe("verified");
    if (outcome.kind !== "verified") return;
    expect(outcome.checksSkipped).toBe(false);
    expect(outcome.analysis!.verdict).toBe("pass");
    expect(outcome.analysis!.checks.map((c) => [c.check, c.ok])).toEqual([
      ["honeypot", true],
      ["contract", true],
      ["holders", true],
      ["creator", true],
    ]);
    expect(chain.simulations).toHaveLength(1);
    const sim = chain.simulations[0];
    expect(sim.sigVerify).toBe(false);
    expect(sim.replaceRecentBlockhash).toBe(true);
    expect(t.holders.map((h) => h.wallet)).toContain(sim.feePayer);
    expect(sim.sell).toMatchObject({ pool: t.pool, base_mint: t.mint, user: sim.feePayer });
  });

  test("a Token-2022 coin with only metadata pointer and token metadata passes", async () => {
    const mintAddr = sampleAddress("t22 mint");
    const t = await chain.addToken({ label: "t22", mint: safeMint({ extensions: [ext.metadataPointer, ext.tokenMetadata(mintAddr), ext.defaultInitialized] }) });
    const a = await checker().analyse({ mint: t.mint });
    expect(a.reasons).toEqual([]);
    expect(a.verdict).toBe("pass");
    // Pool and creator were resolved from the chain when the subject named only the mint.
    expect(a.pool).toBe(t.pool);
    expect(a.creator).toBe(t.creator);
  });
});

describe("each unsafe mint is caught with the right reason", () => {
  const cases: [string, Partial<MintInfo>, ReasonCode][] = [
    ["mint authority", { mintAuthority: authority }, "mint_authority_present"],
    ["freeze authority", { freezeAuthority: authority }, "freeze_authority_present"],
    ["transfer fee", { extensions: [ext.transferFee(500)] }, "transfer_fee"],
    ["permanent delegate", { extensions: [ext.permanentDelegate] }, "permanent_delegate"],
    ["transfer hook", { extensions: [ext.transferHook] }, "transfer_hook"],
    ["non-transferable", { extensions: [ext.nonTransferable] }, "non_transferable"],
    ["default frozen", { extensions: [ext.defaultFrozen] }, "default_account_frozen"],
    ["paused", { extensions: [ext.paused] }, "paused"],
    ["pausable", { extensions: [ext.pausable] }, "pausable"],
  ];
  test.each(cases)("%s", async (label, mint, code) => {
    const t = await chain.addToken({ label, mint: safeMint(mint) });
    const outcome = await checker().check({ mint: t.mint, pool: t.pool, creator: t.creator });
    expect(outcome.kind).toBe("rejected");
    if (outcome.kind !== "rejected") return;
    expect(outcome.verdict).toBe("fail");
    expect(codes(outcome.reasons)).toEqual([code]);
    expect(outcome.reasons[0].check).toBe("contract");
  });

  test("a transfer fee at or below the threshold is allowed", async () => {
    const t = await chain.addToken({ label: "small fee", mint: safeMint({ extensions: [ext.transferFee(50)] }) });
    expect((await checker({ maxTransferFeeBps: 50 }).analyse({ mint: t.mint })).verdict).toBe("pass");
    expect(codes((await checker({ maxTransferFeeBps: 49 }).analyse({ mint: t.mint }, { useCache: false })).reasons)).toEqual(["transfer_fee"]);
  });

  test("a mint with several problems reports every one of them", async () => {
    const t = await chain.addToken({ label: "everything", mint: safeMint({ mintAuthority: authority, freezeAuthority: authority, extensions: [ext.permanentDelegate, ext.transferHook] }), honeypot: true });
    const a = await checker().analyse({ mint: t.mint, pool: t.pool });
    expect(codes(a.reasons)).toEqual(["freeze_authority_present", "honeypot", "mint_authority_present", "permanent_delegate", "transfer_hook"]);
    expect(a.verdict).toBe("fail");
  });

  test("a mint account that does not exist, or is not a mint", async () => {
    const missing = sampleAddress("no such mint");
    const a = await checker().analyse({ mint: missing });
    expect(a.reasons.map((r) => [r.check, r.code])).toContainEqual(["contract", "mint_not_found"]);
    expect(a.verdict).toBe("fail");
    const t = await chain.addToken({ label: "foreign" });
    chain.accounts.set(t.mint, { ...chain.accounts.get(t.mint)!, owner: sampleAddress("other program") });
    expect((await checker().analyse({ mint: t.mint, pool: t.pool })).reasons.map((r) => r.code)).toContain("not_a_mint");
  });
});

describe("honeypot", () => {
  test("a simulated sell that fails marks the token a honeypot, with the node's error as evidence", async () => {
    const t = await chain.addToken({ label: "trap", honeypot: true });
    const outcome = await checker().check({ mint: t.mint, pool: t.pool, creator: t.creator });
    expect(outcome.kind).toBe("rejected");
    if (outcome.kind !== "rejected") return;
    expect(outcome.reasons).toHaveLength(1);
    expect(outcome.reasons[0]).toMatchObject({ check: "honeypot", code: "honeypot" });
    expect(outcome.reasons[0].detail).toContain("Custom");
    expect(outcome.reasons[0].detail).toContain("transfer hook rejected");
  });

  test("holders that cannot pay a fee are skipped; none left means the sell cannot be tested", async () => {
    const t = await chain.addToken({
      label: "broke",
      holders: [
        { label: "pda", amount: TOKEN_SUPPLY / 100n, programOwned: true },
        { label: "poor", amount: TOKEN_SUPPLY / 100n, lamports: 1000n },
      ],
    });
    const a = await checker().analyse({ mint: t.mint, pool: t.pool });
    expect(codes(a.reasons)).toEqual(["no_simulation_seller"]);
    expect(chain.simulations).toHaveLength(0);

    const u = await chain.addToken({ label: "one rich", holders: [{ label: "pda", amount: TOKEN_SUPPLY / 10n, programOwned: true }, { label: "rich", amount: TOKEN_SUPPLY / 100n }] });
    expect((await checker().analyse({ mint: u.mint, pool: u.pool })).verdict).toBe("pass");
    expect(chain.simulations.at(-1)!.feePayer).toBe(u.holders[1].wallet);
  });

  test("with a simulation wallet: a buy-then-sell round trip by that wallet, no holder needed", async () => {
    const wallet = chain.fundWallet("sim wallet");
    const t = await chain.addToken({ label: "rt clean", holders: [{ label: "pda", amount: TOKEN_SUPPLY / 10n, programOwned: true }] });
    const a = await checker({ simulationWallet: wallet }).analyse({ mint: t.mint, pool: t.pool });
    expect(a.verdict).toBe("pass");
    const sim = chain.simulations.at(-1)!;
    expect(sim).toMatchObject({ feePayer: wallet, sigVerify: false, replaceRecentBlockhash: true });
    expect(sim.buy).toMatchObject({ user: wallet, pool: t.pool, base_mint: t.mint });
    expect(sim.sell!.user_base_token_account).toBe(sim.buy!.user_base_token_account);
    expect(sim.baseBought).toBe(sim.baseSold);
    expect(sim.baseBought).toBeGreaterThan(0);

    const trap = await chain.addToken({ label: "rt trap", honeypot: true });
    const b = await checker({ simulationWallet: wallet }).analyse({ mint: trap.mint, pool: trap.pool });
    expect(b.reasons.map((r) => r.code)).toEqual(["honeypot"]);
    expect(b.reasons[0].detail).toContain(`by simulation wallet ${wallet}`);
  });

  test("an unfunded simulation wallet falls back to a holder, and says so when none is usable", async () => {
    const poor = chain.fundWallet("poor sim wallet", 1000n);
    const t = await chain.addToken({ label: "rt fallback" });
    expect((await checker({ simulationWallet: poor }).analyse({ mint: t.mint, pool: t.pool })).verdict).toBe("pass");
    expect(chain.simulations.at(-1)!.buy).toBeNull();
    const u = await chain.addToken({ label: "rt nobody", holders: [{ label: "pda", amount: TOKEN_SUPPLY / 10n, programOwned: true }] });
    const a = await checker({ simulationWallet: poor }).analyse({ mint: u.mint, pool: u.pool });
    expect(a.reasons.map((r) => r.code)).toEqual(["no_simulation_seller"]);
    expect(a.reasons[0].detail).toContain(`simulation wallet ${poor} is not a system account with`);
  });

  test("the round trip buys about a quarter of its budget at the pool price, never a meaningful share of the pool", () => {
    // 206.9M tokens against 85 SOL: 0.01 SOL budget → ~0.0025 SOL of tokens.
    const x = roundTripBaseAmount(206_900_000_000_000n, 85_000_000_000n, 10_000_000n);
    expect(Number(x)).toBeCloseTo(206_900_000_000_000 * 0.0025 / 85, -3);
    expect(roundTripBaseAmount(1000n, 1n, 10_000_000n)).toBe(10n); // capped at 1% of the pool
    expect(roundTripBaseAmount(0n, 1n, 1n)).toBe(0n);
  });

  test("a missing pool is reported", async () => {
    const t = await chain.addToken({ label: "poolless", noPool: true });
    expect(codes((await checker().analyse({ mint: t.mint })).reasons)).toEqual(["pool_not_found"]);
  });
});

describe("holder concentration", () => {
  test("one wallet over the top-1 limit, and the top ten over theirs", async () => {
    const t = await chain.addToken({
      label: "whale",
      holders: [{ label: "whale", amount: (TOKEN_SUPPLY * 30n) / 100n }, ...Array.from({ length: 9 }, (_, i) => ({ label: `h${i}`, amount: (TOKEN_SUPPLY * 3n) / 100n }))],
    });
    const a = await checker().analyse({ mint: t.mint, pool: t.pool });
    expect(a.reasons.map((r) => [r.check, r.code])).toEqual([
      ["holders", "top1_concentration"],
      ["holders", "top10_concentration"],
    ]);
    expect(a.reasons[0].detail).toContain("30.0%");
  });

  test("the pool vault is liquidity, not a holder", async () => {
    const t = await chain.addToken({ label: "deep pool", vaultAmount: (TOKEN_SUPPLY * 80n) / 100n });
    expect((await checker().analyse({ mint: t.mint, pool: t.pool })).verdict).toBe("pass");
  });
});

describe("creator reputation", () => {
  test("tokens are counted once per mint; rugs from outcomes reject the creator's next token", async () => {
    const creator = sampleAddress("serial creator");
    const c = checker({ creatorMaxRugs: 2 });
    const first = await chain.addToken({ label: "first" });
    const second = await chain.addToken({ label: "second" });
    await c.analyse({ mint: first.mint, pool: first.pool, creator });
    await c.analyse({ mint: first.mint, pool: first.pool, creator }, { useCache: false });
    await c.analyse({ mint: second.mint, pool: second.pool, creator });
    expect(store.getCreatorReputation(creator)).toMatchObject({ tokensSeen: 2, rugs: 0 });

    expect(c.recordOutcome({ mint: first.mint, creator, rugged: true })).toBe(true);
    expect(c.recordOutcome({ mint: first.mint, creator, rugged: true })).toBe(false); // reported twice, counted once
    expect(c.recordOutcome({ mint: second.mint, creator, rugged: false })).toBe(false);
    expect(store.getCreatorReputation(creator)).toMatchObject({ tokensSeen: 2, rugs: 1, score: 0.5 });

    // 1 rug in 2 tokens reaches the 50% rate limit.
    const third = await chain.addToken({ label: "third" });
    const a = await c.analyse({ mint: third.mint, pool: third.pool, creator });
    expect(a.reasons.map((r) => [r.check, r.code])).toEqual([["creator", "creator_rugs"]]);

    store.flush();
    const row = db.query("SELECT tokens_seen, rugs, score FROM creator_reputation_cache WHERE creator = ?").get(creator);
    expect(row).toEqual({ tokens_seen: 3, rugs: 1, score: 1 / 3 });
  });

  test("a creator on the known_wallets block list is rejected", async () => {
    const t = await chain.addToken({ label: "blocked" });
    const known = { tagsOf: (a: string) => (a === t.creator ? ["blocklist"] : undefined) };
    const a = await checker({}, { knownWallets: () => known }).analyse({ mint: t.mint, pool: t.pool });
    expect(codes(a.reasons)).toEqual(["creator_blocklisted"]);
  });
});

describe("deadlines and failures", () => {
  test("a check that runs past its deadline fails with reason timeout, and its request is aborted", async () => {
    const t = await chain.addToken({ label: "slow" });
    chain.delayMs.simulateTransaction = Infinity;
    const c = checker({ timeoutMs: { honeypot: 40, contract: 1000, holders: 1000, creator: 1000 } });
    const started = performance.now();
    const a = await c.analyse({ mint: t.mint, pool: t.pool, creator: t.creator });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(a.reasons).toEqual([{ check: "honeypot", code: "timeout", detail: "honeypot check did not finish in 40 ms" }]);
    expect(a.checks.find((x) => x.check === "honeypot")!.ok).toBe(false);
    expect(a.checks.filter((x) => x.ok).map((x) => x.check)).toEqual(["contract", "holders", "creator"]);
    expect(chain.aborted.simulateTransaction).toBe(1);
    // Only operational failures: an error verdict, not a finding, and not reused from the cache.
    expect(a.verdict).toBe("error");
    chain.delayMs.simulateTransaction = 0;
    const again = await c.analyse({ mint: t.mint, pool: t.pool, creator: t.creator });
    expect(again.cached).toBe(false);
    expect(again.verdict).toBe("pass");
  });

  test("shared reads that time out fail every check waiting on them", async () => {
    const t = await chain.addToken({ label: "dead rpc" });
    chain.delayMs.getMultipleAccounts = Infinity;
    const a = await checker({ timeoutMs: { honeypot: 30, contract: 30, holders: 30, creator: 30 } }).analyse({ mint: t.mint, pool: t.pool, creator: t.creator });
    expect(a.reasons.map((r) => [r.check, r.code])).toEqual([
      ["honeypot", "timeout"],
      ["contract", "timeout"],
      ["holders", "timeout"],
    ]);
    expect(a.verdict).toBe("error");
    // The shared read is cancelled once the analysis is over, not left hanging.
    expect(chain.aborted.getMultipleAccounts).toBe(1);
  });

  test("an RPC error is an rpc_error reason, not an exception", async () => {
    const t = await chain.addToken({ label: "rpc down" });
    const rpc = chain.rpc();
    rpc.getTokenLargestAccounts = async () => {
      const { RpcError } = await import("./rpc.ts");
      throw new RpcError("getTokenLargestAccounts", "503 Service Unavailable");
    };
    const a = await createChecker({ rpc, store }).analyse({ mint: t.mint, pool: t.pool, creator: t.creator });
    expect(a.reasons.map((r) => [r.check, r.code])).toEqual([
      ["honeypot", "rpc_error"],
      ["holders", "rpc_error"],
    ]);
    expect(a.reasons[0].detail).toContain("503");
  });

  test("a subject that is not an address is a caller error", async () => {
    await expect(checker().analyse({ mint: "not-a-mint" })).rejects.toThrow(/not a mint address/);
  });
});

describe("cache", () => {
  test("a verdict is cached in sniper_cache and reused until it expires", async () => {
    let now = 1_767_225_600_000;
    const clock = { nowMs: () => now, monoMs: () => now, setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms), clearTimeout: (h: unknown) => clearTimeout(h as number) };
    const t = await chain.addToken({ label: "cached", mint: safeMint({ freezeAuthority: authority }) });
    const c = checker({ cacheTtlMs: { pass: 60_000, fail: 60_000, error: 0 } }, { clock });
    const first = await c.analyse({ mint: t.mint, pool: t.pool, creator: t.creator });
    expect(first.cached).toBe(false);
    const calls = { ...chain.calls };

    now += 30_000;
    const second = await c.analyse({ mint: t.mint, pool: t.pool, creator: t.creator });
    expect(second).toMatchObject({ cached: true, verdict: "fail", checkedAtMs: first.checkedAtMs, checks: [] });
    expect(second.reasons).toEqual(first.reasons);
    expect(chain.calls).toEqual(calls);

    store.flush();
    const row = db.query("SELECT verdict, reasons, checked_at, expires_at FROM sniper_cache WHERE mint = ?").get(t.mint) as Record<string, unknown>;
    expect(row).toMatchObject({ verdict: "fail", checked_at: first.checkedAtMs, expires_at: first.checkedAtMs + 60_000 });
    expect(JSON.parse(row.reasons as string)[0].code).toBe("freeze_authority_present");

    // A new process reading the same database reuses it too.
    const fresh = createChecker({ rpc: chain.rpc(), store: new SqliteCheckerStore(db, { flushIntervalMs: 0 }), clock });
    expect((await fresh.analyse({ mint: t.mint })).cached).toBe(true);

    now += 31_000;
    expect((await c.analyse({ mint: t.mint, pool: t.pool, creator: t.creator })).cached).toBe(false);
    expect(store.getCreatorReputation(t.creator)!.tokensSeen).toBe(1);
  });

  test("two events for one mint at once share one analysis", async () => {
    const t = await chain.addToken({ label: "dup" });
    const c = checker();
    const [a, b] = await Promise.all([c.analyse({ mint: t.mint, pool: t.pool }), c.analyse({ mint: t.mint, pool: t.pool })]);
    expect(a).toBe(b);
    expect(chain.calls.simulateTransaction).toBe(1);
  });
});

test("--checks-off passes the event through, marked unverified", () => {
  const event = { mint: sampleAddress("m"), pool: sampleAddress("p"), creator: sampleAddress("c"), slot: 5 };
  const s = uncheckedSignal(event, 42);
  expect(s).toMatchObject({ kind: "verified", checksSkipped: true, analysis: null, mint: event.mint, event });
});
