import { describe, expect, test } from "bun:test";
import { getBase58Decoder, getBase58Encoder } from "@solana/kit";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { quoteBuyExactBase, quoteBuyExactQuote, quoteSell, type PoolFees } from "../amm";
import { LEGACY_CREATED_SLOT_KEY } from "../telemetry/types";
import { createRng } from "../util/rng";
import {
  eventLine,
  FRESH_POOL_FEES,
  IdSource,
  LEGACY_KINDS,
  MALFORMED_KINDS,
  Market,
  MIGRATION_BASE_RESERVE,
  randomAddress,
  randomPumpMint,
  randomSignature,
  slotAt,
  writeTelemetry,
  type KnownWallet,
  type LegacyKind,
  type MalformedKind,
  type SwapMarketEvent,
  type TelemetryOptions,
  type TelemetrySummary,
} from "./index";

// ── helpers ────────────────────────────────────────────────────────────────────────────────────

async function generate(opts: Partial<TelemetryOptions>): Promise<{ text: string; summary: TelemetrySummary; market: Market }> {
  const chunks: Uint8Array[] = [];
  const { summary, market } = await writeTelemetry({ write: (d) => void chunks.push(d.slice()) }, opts);
  return { text: Buffer.concat(chunks).toString("latin1"), summary, market };
}

const splitLines = (text: string): string[] => {
  const lines = text.split("\n");
  expect(lines.pop()).toBe(""); // every line ends with a newline
  return lines;
};

const isUInt = (x: unknown): x is number => typeof x === "number" && Number.isSafeInteger(x) && x >= 0;
const isStr = (x: unknown): x is string => typeof x === "string" && x.length > 0;
const RESERVES = ["base_reserve", "quote_reserve"];
const REQUIRED: Record<string, Record<string, "int" | "str" | "side">> = {
  migration: {
    slot: "int",
    sig: "str",
    mint: "str",
    pool: "str",
    creator: "str",
    base_reserve: "int",
    quote_reserve: "int",
    base_decimals: "int",
    lp_fee_bps: "int",
    protocol_fee_bps: "int",
    creator_fee_bps: "int",
  },
  flow: { slot: "int", sig: "str", mint: "str", pool: "str", side: "side", user: "str", base: "int", quote: "int", base_reserve: "int", quote_reserve: "int" },
  tick: { slot: "int", mint: "str", pool: "str", base_reserve: "int", quote_reserve: "int" },
};

type Classified =
  | { ok: true; obj: Record<string, any>; legacy: LegacyKind | null }
  | { ok: false; kind: MalformedKind };

/**
 * An independent strict reader of telemetry v1: classifies each line as valid (with its legacy
 * kind, if any) or as exactly one malformed kind. Schema defects are checked before unknown
 * mints and duplicate signatures (a malformed copy of a flow also repeats its sig).
 */
function makeClassifier() {
  const mints = new Set<string>();
  const sigs = new Set<string>();
  return (line: string): Classified => {
    let obj: any;
    try {
      obj = JSON.parse(line);
    } catch {
      return { ok: false, kind: line.startsWith("{") ? "truncated_json" : "not_json" };
    }
    if (typeof obj !== "object" || obj === null || Array.isArray(obj)) return { ok: false, kind: "not_json" };
    const spec = REQUIRED[obj.type];
    if (!spec) return { ok: false, kind: "unknown_type" };
    for (const key of Object.keys(spec)) if (!(key in obj)) return { ok: false, kind: "missing_field" };
    for (const [key, t] of Object.entries(spec)) {
      const v = obj[key];
      if (RESERVES.includes(key) && typeof v === "string" && /^-?(NaN|Infinity)$/.test(v)) return { ok: false, kind: "non_finite_reserve" };
      if (RESERVES.includes(key) && typeof v === "number" && v < 0) return { ok: false, kind: "negative_reserve" };
      const good = t === "int" ? isUInt(v) : t === "str" ? isStr(v) : v === "buy" || v === "sell";
      if (!good) return { ok: false, kind: "wrong_type" };
    }
    if ("v" in obj && obj.v !== 1) return { ok: false, kind: "wrong_type" };
    if ("ts" in obj && !isUInt(obj.ts)) return { ok: false, kind: "wrong_type" };
    if (obj.type === "migration") {
      if (mints.has(obj.mint)) throw new Error(`second migration for ${obj.mint}`);
      mints.add(obj.mint);
    } else {
      if (!mints.has(obj.mint)) return { ok: false, kind: "unknown_mint" };
      if (obj.type === "flow") {
        if (sigs.has(obj.sig)) return { ok: false, kind: "duplicate_sig" };
        sigs.add(obj.sig);
      }
    }
    let legacy: LegacyKind | null = null;
    if (!("v" in obj)) legacy = "no_v";
    else if (!("ts" in obj)) legacy = "no_ts";
    else if (obj.type === "migration" && !("token_created_ts" in obj)) legacy = LEGACY_CREATED_SLOT_KEY in obj ? "created_slot_only" : "no_created";
    return { ok: true, obj, legacy };
  };
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

// One shared day of market with the default dirt, reused by the format tests.
const DAY = generate({ days: 1, seed: 11 });

// ── tests ──────────────────────────────────────────────────────────────────────────────────────

describe("identifiers", () => {
  const enc = getBase58Encoder();
  const dec = getBase58Decoder();
  test("addresses, signatures and pump mints are canonical base58 of 32 / 64 bytes", () => {
    const rng = createRng(3);
    const src = new IdSource(rng.fork("tape"));
    for (let i = 0; i < 3000; i++) {
      for (const [s, bytes, chars] of [
        [randomAddress(rng), 32, 44],
        [randomSignature(rng), 64, 88],
        [randomPumpMint(rng), 32, 44],
        [src.address(), 32, 44],
        [src.signature(), 64, 88],
        [src.pumpMint(), 32, 44],
      ] as const) {
        expect(s.length).toBe(chars);
        const b = enc.encode(s);
        expect(b.length).toBe(bytes);
        expect(dec.decode(b)).toBe(s);
      }
    }
    expect(randomPumpMint(rng).endsWith("pump")).toBe(true);
  });
});

describe("determinism", () => {
  test("same seed and options → byte-identical output; another seed differs", async () => {
    const a = await generate({ days: 0.3, seed: 5 });
    const b = await generate({ days: 0.3, seed: 5 });
    const c = await generate({ days: 0.3, seed: 6 });
    expect(a.text.length).toBeGreaterThan(1_000_000);
    expect(a.text === b.text).toBe(true);
    expect(a.summary.lines).toEqual(b.summary.lines);
    expect(a.text === c.text).toBe(false);
  });

  test("the byte-level fast path writes exactly what the string formatters write", async () => {
    const { text } = await generate({ days: 0.25, seed: 8, legacyShare: 0, malformedShare: 0 });
    let expected = "";
    for (const ev of new Market({ days: 0.25, seed: 8 }).events()) expected += eventLine(ev);
    expect(text === expected).toBe(true);
  });

  test("dirt never changes the valid market: skipping malformed lines gives the clean file", async () => {
    const clean = await generate({ days: 0.25, seed: 9, legacyShare: 0, malformedShare: 0 });
    const dirty = await generate({ days: 0.25, seed: 9, legacyShare: 0, malformedShare: 0.02 });
    expect(dirty.summary.malformed.total).toBeGreaterThan(500);
    const classify = makeClassifier();
    const kept = splitLines(dirty.text).filter((l) => classify(l).ok);
    expect(kept.join("\n") + "\n" === clean.text).toBe(true);
  });
});

describe("telemetry v1 format", () => {
  test("every line is valid v1, legacy or malformed, and the counts match the summary exactly", async () => {
    const { text, summary } = await DAY;
    const lines = splitLines(text);
    const classify = makeClassifier();
    const legacy = Object.fromEntries(LEGACY_KINDS.map((k) => [k, 0])) as Record<LegacyKind, number>;
    const malformed = Object.fromEntries(MALFORMED_KINDS.map((k) => [k, 0])) as Record<MalformedKind, number>;
    const byType: Record<string, number> = { migration: 0, flow: 0, tick: 0 };
    for (const line of lines) {
      const c = classify(line);
      if (!c.ok) {
        malformed[c.kind]++;
        continue;
      }
      byType[c.obj.type]++;
      if (c.legacy) legacy[c.legacy]++;
      const o = c.obj;
      if (o.type === "migration") {
        expect(o.base_decimals).toBe(6);
        expect(o.lp_fee_bps + o.protocol_fee_bps + o.creator_fee_bps).toBe(125);
        if ("token_created_ts" in o) {
          expect(isUInt(o.token_created_ts)).toBe(true);
          if ("ts" in o) expect(o.token_created_ts).toBeLessThan(o.ts);
        }
        if (LEGACY_CREATED_SLOT_KEY in o) expect(o[LEGACY_CREATED_SLOT_KEY]).toBeLessThan(o.slot);
      }
      if (o.type === "flow") expect(o.base > 0 && o.quote > 0).toBe(true);
    }
    expect(byType).toEqual({ migration: summary.lines.migration, flow: summary.lines.flow, tick: summary.lines.tick });
    expect(lines.length).toBe(summary.lines.total);
    expect({ ...legacy, total: summary.legacy.total }).toEqual(summary.legacy);
    expect({ ...malformed, total: summary.malformed.total }).toEqual(summary.malformed);
    expect(Buffer.byteLength(text)).toBe(summary.bytes);
    // Shares as requested (binomial noise on ~300k lines is ±0.0003 / ±0.0001).
    expect(Math.abs(summary.legacy.total / summary.lines.valid - 0.02)).toBeLessThan(0.002);
    expect(Math.abs(summary.malformed.total / summary.lines.total - 0.001)).toBeLessThan(0.0004);
    for (const k of MALFORMED_KINDS) expect(summary.malformed[k]).toBeGreaterThan(5);
    expect(summary.legacy.no_v).toBeGreaterThan(1000);
    expect(summary.legacy.no_ts).toBeGreaterThan(1000);
  });

  test("large shares: every legacy and malformed kind shows up, counts still exact", async () => {
    const { text, summary } = await generate({ days: 0.2, seed: 4, legacyShare: 0.5, malformedShare: 0.2 });
    const classify = makeClassifier();
    const legacy: Record<string, number> = {};
    const malformed: Record<string, number> = {};
    for (const line of splitLines(text)) {
      const c = classify(line);
      if (!c.ok) malformed[c.kind] = (malformed[c.kind] ?? 0) + 1;
      else if (c.legacy) legacy[c.legacy] = (legacy[c.legacy] ?? 0) + 1;
    }
    for (const k of LEGACY_KINDS) expect(legacy[k] ?? 0).toBe(summary.legacy[k]);
    for (const k of MALFORMED_KINDS) expect(malformed[k] ?? 0).toBe(summary.malformed[k]);
    expect(summary.legacy.created_slot_only + summary.legacy.no_created).toBeGreaterThan(2);
    expect(Math.abs(summary.legacy.total / summary.lines.valid - 0.5)).toBeLessThan(0.02);
    expect(Math.abs(summary.malformed.total / summary.lines.total - 0.2)).toBeLessThan(0.02);
  });

  test("lines in time order, slots monotone and consistent with ts", async () => {
    const { text } = await DAY;
    const classify = makeClassifier();
    let lastTs = -Infinity;
    let lastSlot = -Infinity;
    for (const line of splitLines(text)) {
      const c = classify(line);
      if (!c.ok) continue;
      const o = c.obj;
      expect(o.slot).toBeGreaterThanOrEqual(lastSlot);
      lastSlot = o.slot;
      if ("ts" in o) {
        expect(o.ts).toBeGreaterThanOrEqual(lastTs);
        lastTs = o.ts;
        expect(o.slot).toBe(slotAt(o.ts));
      }
    }
  });

  test("replaying each pool's flows with lib/amm reproduces every flow's and tick's reserves; ticks are 1 Hz", async () => {
    const { text, summary } = await DAY;
    const classify = makeClassifier();
    interface Pool {
      b: number;
      q: number;
      fees: PoolFees;
      t0: number;
      ticks: number;
      lastTick: number;
      lastSwap: number;
      /** A swap without ts (legacy) since the last tick: it happened at or before the next tick. */
      untimedSwap: boolean;
      ended: boolean;
    }
    const pools = new Map<string, Pool>();
    const track = summary.track_seconds;
    const idleMs = summary.idle_stop_seconds * 1000;
    let exactQuoteBuys = 0;
    let exactBaseBuys = 0;
    for (const line of splitLines(text)) {
      const c = classify(line);
      if (!c.ok) continue;
      const o = c.obj;
      if (!("ts" in o)) o.ts = null; // legacy: position in the file still orders it
      if (o.type === "migration") {
        expect(o.base_reserve).toBeLessThanOrEqual(MIGRATION_BASE_RESERVE);
        expect(o.quote_reserve).toBeGreaterThan(84_900_000_000);
        expect(o.quote_reserve).toBeLessThan(85_100_000_000);
        pools.set(o.mint, {
          b: o.base_reserve,
          q: o.quote_reserve,
          fees: { lpFeeBps: o.lp_fee_bps, protocolFeeBps: o.protocol_fee_bps, creatorFeeBps: o.creator_fee_bps },
          t0: o.ts ?? -1,
          ticks: 0,
          lastTick: -1,
          lastSwap: o.ts ?? -1,
          untimedSwap: false,
          ended: false,
        });
        continue;
      }
      const p = pools.get(o.mint)!;
      expect(p.ended).toBe(false);
      if (o.type === "flow") {
        const pool = { baseReserve: p.b, quoteReserve: p.q };
        let after;
        if (o.side === "sell") {
          const s = quoteSell(pool, o.base, p.fees)!;
          expect(s.netQuoteOut).toBe(o.quote);
          after = s.after;
        } else {
          const byBase = quoteBuyExactBase(pool, o.base, p.fees);
          if (byBase && byBase.totalQuoteIn === o.quote) {
            after = byBase.after;
            exactBaseBuys++;
          } else {
            const byQuote = quoteBuyExactQuote(pool, o.quote, p.fees)!;
            expect(byQuote.baseOut).toBe(o.base);
            expect(byQuote.totalQuoteIn).toBe(o.quote);
            after = byQuote.after;
            exactQuoteBuys++;
          }
        }
        expect([o.base_reserve, o.quote_reserve]).toEqual([after.baseReserve, after.quoteReserve]);
        p.b = o.base_reserve;
        p.q = o.quote_reserve;
        if (o.ts !== null) {
          expect(o.ts).toBeGreaterThanOrEqual(p.t0);
          p.lastSwap = o.ts;
        } else p.untimedSwap = true;
      } else {
        expect([o.base_reserve, o.quote_reserve]).toEqual([p.b, p.q]);
        const k = p.ticks++;
        if (o.ts !== null && p.t0 >= 0) {
          expect(o.ts).toBe(p.t0 + 1000 * k); // 1 Hz from the migration second
          p.lastTick = o.ts;
          if (p.untimedSwap) p.lastSwap = o.ts;
          p.untimedSwap = false;
          if (k === track - 1 || o.ts - p.lastSwap >= idleMs) p.ended = true;
        }
        expect(p.ticks).toBeLessThanOrEqual(track);
      }
    }
    expect(exactQuoteBuys + exactBaseBuys).toBeGreaterThan(10_000);
    const lives = [...pools.values()].map((p) => p.ticks);
    expect(mean(lives)).toBeGreaterThan(1000);
    expect(mean(lives)).toBeLessThan(2000);
    // Pools that stopped early did so because they went idle; the rest ran the full window.
    expect(lives.filter((n) => n === track).length).toBeGreaterThan(lives.length / 4);
    expect(lives.filter((n) => n < track).length).toBeGreaterThan(lives.length / 10);
  });
});

describe("market model", () => {
  test("fees and migration reserves of a fresh canonical pool", () => {
    expect(FRESH_POOL_FEES).toEqual({ lpFeeBps: 2, protocolFeeBps: 93, creatorFeeBps: 30 });
    const m = new Market({ days: 0.5, seed: 2 });
    const launches = [...m.launches()];
    expect(launches.length).toBeGreaterThan(40);
    expect(launches.length).toBeLessThan(110);
    for (const l of launches) {
      expect(l.mint.endsWith("pump")).toBe(true);
      // market cap in SOL below the 420 SOL boundary of the first fee tier
      expect((l.quoteReserve * 1e6) / l.baseReserve).toBeLessThan(420);
      const age = l.ts - l.tokenCreatedTs;
      expect(age).toBeGreaterThanOrEqual(90_000);
      expect(age).toBeLessThanOrEqual(14 * 86_400_000);
    }
    // a token's stream is the same whether opened alone or inside the merged stream
    const alone: string[] = [];
    const tok = m.openToken(launches[3]);
    for (let ev = tok.next(); ev; ev = tok.next()) alone.push(eventLine(ev));
    const merged = [...m.events()].filter((e) => (e.kind === "migration" ? e.launch.mint : e.mint) === launches[3].mint).map(eventLine);
    expect(merged).toEqual(alone);
  });

  test("known wallets recur across tokens; retail wallets mostly do not", () => {
    const m = new Market({ days: 1, seed: 3 });
    const known = new Map<string, KnownWallet>(m.knownWallets().map((w) => [w.address, w]));
    expect(new Set([...known.values()].map((w) => w.label))).toEqual(new Set(["sniper", "whale", "smart_money", "serial_rugger"]));
    const tokensOf = new Map<string, Set<string>>();
    const creators = new Map<string, number>();
    for (const ev of m.events()) {
      if (ev.kind === "migration") creators.set(ev.launch.creator, (creators.get(ev.launch.creator) ?? 0) + 1);
      if (ev.kind !== "swap") continue;
      let s = tokensOf.get(ev.user);
      if (!s) tokensOf.set(ev.user, (s = new Set()));
      s.add(ev.mint);
    }
    const recurringKnown = [...known.keys()].filter((a) => (tokensOf.get(a)?.size ?? 0) >= 3);
    expect(recurringKnown.length).toBeGreaterThan(30);
    const top = [...known.values()].filter((w) => w.label === "sniper").map((w) => tokensOf.get(w.address)?.size ?? 0);
    expect(Math.max(...top)).toBeGreaterThan(20);
    const others = [...tokensOf.entries()].filter(([a]) => !known.has(a));
    expect(others.filter(([, s]) => s.size > 1).length).toBe(0);
    // serial ruggers create more than one token
    const serial = [...creators.entries()].filter(([a, n]) => known.get(a)?.label === "serial_rugger" && n >= 2);
    expect(serial.length).toBeGreaterThan(0);
  });

  test("early flow carries a real but noisy signal of the hidden regime", () => {
    const m = new Market({ days: 3, seed: 1 });
    interface F {
      regime: string;
      creator: string;
      t0: number;
      net: number;
      buyers: Set<string>;
      creatorSell: number;
      peak: number;
      price0: number;
      reserves: [number, number][];
      fees: PoolFees;
    }
    const toks = new Map<string, F>();
    for (const ev of m.events()) {
      if (ev.kind === "migration") {
        const l = ev.launch;
        toks.set(l.mint, { regime: l.regime, creator: l.creator, t0: l.ts, net: 0, buyers: new Set(), creatorSell: 0, peak: 0, price0: l.quoteReserve / l.baseReserve, reserves: [], fees: l.fees });
        continue;
      }
      const f = toks.get(ev.mint)!;
      if (ev.kind === "tick") {
        f.peak = Math.max(f.peak, ev.quoteReserve / ev.baseReserve / f.price0);
        f.reserves.push([ev.baseReserve, ev.quoteReserve]);
      } else if (ev.ts - f.t0 < 60_000) {
        const s = ev as SwapMarketEvent;
        if (s.side === "buy") {
          f.net += s.quote;
          f.buyers.add(s.user);
        } else {
          f.net -= s.quote;
          if (s.user === f.creator) f.creatorSell += s.quote;
        }
      }
    }
    const all = [...toks.values()];
    expect(all.length).toBeGreaterThan(350);
    const z = (xs: number[]) => {
      const mu = mean(xs);
      const sd = Math.sqrt(mean(xs.map((x) => (x - mu) ** 2))) || 1;
      return xs.map((x) => (x - mu) / sd);
    };
    const zn = z(all.map((f) => f.net));
    const zb = z(all.map((f) => f.buyers.size));
    const score = all.map((_, i) => zn[i] + zb[i]);
    const order = all.map((_, i) => i).sort((a, b) => score[b] - score[a]);
    const third = Math.floor(all.length / 3);
    const top = order.slice(0, third).map((i) => all[i]);
    const bottom = order.slice(-third).map((i) => all[i]);
    const share = (xs: F[], r: string[]) => xs.filter((f) => r.includes(f.regime)).length / xs.length;
    const peakTop = mean(top.map((f) => f.peak));
    const peakBottom = mean(bottom.map((f) => f.peak));
    expect(peakTop).toBeGreaterThan(1.5 * peakBottom);
    expect(share(top, ["runner"])).toBeGreaterThan(share(bottom, ["runner"]) + 0.1);
    // … yet not trivial: the top third still holds rugs and duds, the bottom third some winners' kin.
    expect(share(top, ["rug", "dud"])).toBeGreaterThan(0.1);
    expect(share(bottom, ["chop", "pump_dump", "runner"])).toBeGreaterThan(0.05);
    expect(mean(top.map((f) => (f.creatorSell > 0 ? 1 : 0)))).toBeLessThan(mean(bottom.map((f) => (f.creatorSell > 0 ? 1 : 0))));

    // A naive buyer of every migration loses; the same exits behind the early-flow filter win.
    const trade = (f: F, entry: number): number | null => {
      if (entry >= f.reserves.length) return null;
      const size = 500_000_000;
      const [b, q] = f.reserves[entry];
      const buy = quoteBuyExactQuote({ baseReserve: b, quoteReserve: q }, size, f.fees)!;
      const p0 = q / b;
      let peak = p0;
      let exit = f.reserves.length - 1;
      for (let t = entry + 1; t < f.reserves.length; t++) {
        const p = f.reserves[t][1] / f.reserves[t][0];
        peak = Math.max(peak, p);
        if (p < 0.7 * peak || p < 0.7 * p0) {
          exit = Math.min(t + 1, f.reserves.length - 1);
          break;
        }
      }
      const [b2, q2] = f.reserves[exit];
      const sell = quoteSell({ baseReserve: b2, quoteReserve: q2 }, buy.baseOut, f.fees)!;
      return (sell.netQuoteOut - size) / size;
    };
    const returns = (xs: F[], entry: number) => xs.map((f) => trade(f, entry)).filter((r): r is number => r !== null);
    const naive = mean(returns(all, 2));
    const filtered = mean(returns(top, 61));
    expect(naive).toBeLessThan(0);
    expect(filtered).toBeGreaterThan(0);
    expect(filtered - naive).toBeGreaterThan(0.1);
  });
});

describe("gen_telemetry CLI", () => {
  test("writes telemetry, known wallets and summary", async () => {
    const { tool } = await import("../../scripts/gen_telemetry");
    const { runTool } = await import("../cli");
    const dir = mkdtempSync(join(tmpdir(), "gen-telemetry-"));
    try {
      const out = join(dir, "t.jsonl");
      const kw = join(dir, "known_wallets.json");
      const sum = join(dir, "summary.json");
      const code = await runTool(tool, ["--days", "0.05", "--seed", "3", "--out", out, "--known-wallets-out", kw, "--summary", sum, "--start-ts", "2026-02-01T00:00:00Z"]);
      expect(code).toBe(0);
      const summary = JSON.parse(readFileSync(sum, "utf8")) as TelemetrySummary;
      expect(summary.start_ts).toBe(Date.UTC(2026, 1, 1));
      expect(readFileSync(out).length).toBe(summary.bytes);
      const wallets = JSON.parse(readFileSync(kw, "utf8")) as KnownWallet[];
      expect(wallets.length).toBe(summary.known_wallets);
      expect(wallets[0]).toEqual({ address: expect.any(String), label: "sniper" });
      expect(await runTool(tool, ["--days", "0", "--out", out])).toBe(2);
      expect(await runTool(tool, ["--start-ts", "yesterday-ish", "--out", out])).toBe(2);
      // Starts whose slots would be negative, or times no Date can hold, are refused up front.
      const good = readFileSync(out);
      expect(await runTool(tool, ["--days", "0.01", "--start-ts", "0", "--out", out])).toBe(2);
      expect(await runTool(tool, ["--days", "0.01", "--start-ts", "99999999999999999999999", "--out", out])).toBe(2);
      expect(readFileSync(out).equals(good)).toBe(true);
      expect(() => new Market({ startTs: Date.UTC(2020, 0, 1) })).toThrow(/startTs must be a time within/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
