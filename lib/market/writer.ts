/**
 * telemetry.jsonl v1 writer for the synthetic market (DESIGN §2.1), with the dirt of a real
 * recorder: legacy lines (no `v`, no `ts`, migrations without `token_created_ts`) and malformed
 * lines of every kind a reader must survive. Malformed lines are extra lines written beside the
 * valid ones and come from their own random stream, so the valid market is the same whatever the
 * shares: a reader that skips them reconstructs the true market. Every injection is counted, by
 * kind, in the summary.
 */
import { LEGACY_CREATED_SLOT_KEY } from "../telemetry/types";
import { createRng, type Rng } from "../util/rng";
import { randomAddress, randomPumpMint, randomSignature } from "./ids";
import { writeLatin1 } from "./latin1";
import type { TokenLaunch } from "./launch";
import { Market, type MarketOptions } from "./market";
import type { MarketEvent, SwapMarketEvent, TickMarketEvent, TokenTruth } from "./token";
import { REGIMES, type Regime } from "./launch";

/** Where bytes go: an `Output` from lib/cli, or anything with the same two methods. */
export interface LineSink {
  write(data: Uint8Array): void;
  flush?(): Promise<void>;
}

export interface TelemetryOptions extends MarketOptions {
  /** Share of valid lines written in a legacy form (0–1). */
  legacyShare: number;
  /** Share of all lines that are malformed, injected beside the valid ones (0–0.5). */
  malformedShare: number;
}

export const DEFAULT_LEGACY_SHARE = 0.02;
export const DEFAULT_MALFORMED_SHARE = 0.001;

export const LEGACY_KINDS = [
  /** `v` omitted (any line type). */
  "no_v",
  /** `ts` omitted, `slot` kept (any line type). */
  "no_ts",
  /** migration: `token_created_ts` replaced by the older `token_created_slot`. */
  "created_slot_only",
  /** migration: neither `token_created_ts` nor `token_created_slot`. */
  "no_created",
] as const;
export type LegacyKind = (typeof LEGACY_KINDS)[number];

export const MALFORMED_KINDS = [
  /** A valid line cut short (never parses: the closing brace is always missing). */
  "truncated_json",
  /** Not JSON at all: log noise, an HTML error page, control bytes, base64. Never starts with `{`. */
  "not_json",
  /** A JSON object whose `type` is none of migration / flow / tick. */
  "unknown_type",
  /** A copy of the line just written with one required field removed (never v, ts, token_created_ts, slot or type). */
  "missing_field",
  /** A copy with one number written as a string (an amount, a reserve or a fee bps), or `side` as a number. */
  "wrong_type",
  /** A copy with `base_reserve` or `quote_reserve` negative (−5 or a random negative integer). */
  "negative_reserve",
  /** A copy with a reserve written as the string "NaN", "Infinity" or "-Infinity". */
  "non_finite_reserve",
  /** A well-formed flow or tick for a mint that never migrated. */
  "unknown_mint",
  /** An exact duplicate of the v1 flow line just written (same `sig`). */
  "duplicate_sig",
] as const;
export type MalformedKind = (typeof MALFORMED_KINDS)[number];

export interface TelemetrySummary {
  version: 1;
  seed: number;
  start_ts: number;
  end_ts: number;
  days: number;
  migrations_per_day: number;
  track_seconds: number;
  idle_stop_seconds: number;
  legacy_share: number;
  malformed_share: number;
  tokens: number;
  regimes: Record<Regime, number>;
  /** Valid lines by type (legacy ones included) and all lines. */
  lines: { total: number; valid: number; migration: number; flow: number; tick: number };
  legacy: Record<LegacyKind, number> & { total: number };
  malformed: Record<MalformedKind, number> & { total: number };
  bytes: number;
  first_ts: number | null;
  last_ts: number | null;
  mean_lifecycle_s: number;
  mean_flows_per_token: number;
  known_wallets: number;
  elapsed_s: number;
  mb_per_s: number;
}

export interface WriteHooks {
  /** Called now and then with simulated progress through the migration window (0–1). */
  onProgress?(fraction: number, bytes: number): void;
  /** Called as each token's tracking ends. */
  onTokenDone?(truth: TokenTruth): void;
}

export interface TelemetryResult {
  summary: TelemetrySummary;
  market: Market;
  truths: TokenTruth[];
}

/** Bytes per write to the sink: lines are written straight into a chunk of this size. */
const CHUNK_BYTES = 1 << 20;
/** Headroom past CHUNK_BYTES: one valid line (≤ ~600 bytes) plus its pending malformed lines. */
const MAX_LINE = 1 << 16;

// ── the hot path: v1 flow and tick lines written as bytes ─────────────────────────────────────

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (ch) => ch.charCodeAt(0));
const TICK_0 = ascii(`{"type":"tick","v":1,"ts":`);
const FLOW_0 = ascii(`{"type":"flow","v":1,"ts":`);
const SLOT_KEY = ascii(`,"slot":`);
const SIG_KEY = ascii(`,"sig":"`);
const BUY_USER = ascii(`buy","user":"`);
const SELL_USER = ascii(`sell","user":"`);
const BASE_KEY = ascii(`","base":`);
const QUOTE_KEY = ascii(`,"quote":`);
const BASE_RESERVE_KEY = ascii(`,"base_reserve":`);
const QUOTE_RESERVE_KEY = ascii(`,"quote_reserve":`);
const END = ascii("}\n");

/** Per-token constant parts of its flow and tick lines. */
interface TokenFragments {
  flow: Uint8Array;
  tick: Uint8Array;
}

const tokenFragments = (mint: string, pool: string): TokenFragments => ({
  flow: ascii(`","mint":"${mint}","pool":"${pool}","side":"`),
  tick: ascii(`,"mint":"${mint}","pool":"${pool}","base_reserve":`),
});

function putBytes(buf: Uint8Array, off: number, bytes: Uint8Array): number {
  const n = bytes.length;
  for (let i = 0; i < n; i++) buf[off + i] = bytes[i];
  return off + n;
}

/** A non-negative safe integer in decimal, as JSON.stringify would write it. */
function putInt(buf: Uint8Array, off: number, n: number): number {
  let len = 1;
  for (let p = 10; p <= n; p *= 10) len++;
  let i = off + len;
  if (n < 2147483648) {
    let v = n | 0;
    do {
      const q = (v / 10) | 0;
      buf[--i] = 48 + v - q * 10;
      v = q;
    } while (v > 0);
  } else {
    let v = n;
    do {
      const q = Math.floor(v / 10);
      buf[--i] = 48 + v - q * 10;
      v = q;
    } while (v > 0);
  }
  return off + len;
}
const FLUSH_BYTES = 64 << 20;

// ── line formats (v1, field order as DESIGN §2.1) ─────────────────────────────────────────────

export function migrationLine(l: TokenLaunch): string {
  return `{"type":"migration","v":1,"ts":${l.ts},"slot":${l.slot},"sig":"${l.sig}","mint":"${l.mint}","pool":"${l.pool}","creator":"${l.creator}","base_reserve":${l.baseReserve},"quote_reserve":${l.quoteReserve},"base_decimals":${l.baseDecimals},"lp_fee_bps":${l.fees.lpFeeBps},"protocol_fee_bps":${l.fees.protocolFeeBps},"creator_fee_bps":${l.fees.creatorFeeBps},"token_created_ts":${l.tokenCreatedTs}}\n`;
}

export function flowLine(e: SwapMarketEvent): string {
  return `{"type":"flow","v":1,"ts":${e.ts},"slot":${e.slot},"sig":"${e.sig}","mint":"${e.mint}","pool":"${e.pool}","side":"${e.side}","user":"${e.user}","base":${e.base},"quote":${e.quote},"base_reserve":${e.baseReserve},"quote_reserve":${e.quoteReserve}}\n`;
}

export function tickLine(e: TickMarketEvent): string {
  return `{"type":"tick","v":1,"ts":${e.ts},"slot":${e.slot},"mint":"${e.mint}","pool":"${e.pool}","base_reserve":${e.baseReserve},"quote_reserve":${e.quoteReserve}}\n`;
}

export function eventLine(ev: MarketEvent): string {
  return ev.kind === "tick" ? tickLine(ev) : ev.kind === "swap" ? flowLine(ev) : migrationLine(ev.launch);
}

function legacyLine(ev: MarketEvent, kind: LegacyKind): string {
  const line = eventLine(ev);
  switch (kind) {
    case "no_v":
      return line.replace(`"v":1,`, "");
    case "no_ts":
      return line.replace(`"ts":${ev.ts},`, "");
    case "created_slot_only": {
      const l = (ev as { launch: TokenLaunch }).launch;
      return line.replace(`"token_created_ts":${l.tokenCreatedTs}`, `"${LEGACY_CREATED_SLOT_KEY}":${l.tokenCreatedSlot}`);
    }
    case "no_created": {
      const l = (ev as { launch: TokenLaunch }).launch;
      return line.replace(`,"token_created_ts":${l.tokenCreatedTs}`, "");
    }
  }
}

/** True at independent random lines with probability p, drawn by geometric skips. */
class Sparse {
  private skip: number;
  constructor(private readonly rng: Rng, private readonly p: number) {
    this.skip = this.draw();
  }
  private draw(): number {
    if (this.p <= 0) return Infinity;
    if (this.p >= 1) return 0;
    let u = 0;
    while (u === 0) u = this.rng.next();
    return Math.floor(Math.log(u) / Math.log1p(-this.p));
  }
  hit(): boolean {
    if (this.skip > 0) {
      this.skip--;
      return false;
    }
    this.skip = this.draw();
    return true;
  }
}

const GARBAGE = [
  "ERROR geyser stream reset: status=UNAVAILABLE attempt=",
  "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
  "[object Object]",
  "undefined",
  "NaN",
  "WARN telemetry buffer overflow, dropped ",
  "panicked at 'called `Option::unwrap()` on a `None` value', src/telemetry.rs:",
];
const UNKNOWN_TYPES = ["deposit", "withdraw", "heartbeat", "bonding_curve_trade", "lp_lock", "create_pool_v2"];
const MISSING: Record<MarketEvent["kind"], string[]> = {
  migration: ["sig", "mint", "pool", "creator", "base_reserve", "quote_reserve", "base_decimals", "lp_fee_bps", "protocol_fee_bps", "creator_fee_bps"],
  swap: ["sig", "mint", "pool", "side", "user", "base", "quote", "base_reserve", "quote_reserve"],
  tick: ["mint", "pool", "base_reserve", "quote_reserve"],
};
const STRINGIFIABLE: Record<MarketEvent["kind"], string[]> = {
  migration: ["base_reserve", "quote_reserve", "base_decimals", "lp_fee_bps", "protocol_fee_bps", "creator_fee_bps"],
  swap: ["base", "quote", "base_reserve", "quote_reserve", "side"],
  tick: ["base_reserve", "quote_reserve"],
};
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Builds malformed lines; `null` when the kind does not apply to this event (tried again later). */
function malformedLine(kind: MalformedKind, ev: MarketEvent, fullLine: string, rng: Rng): string | null {
  const body = fullLine.slice(0, -1);
  const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)];
  const edit = (f: (o: Record<string, unknown>) => void): string => {
    const o = JSON.parse(body) as Record<string, unknown>;
    f(o);
    return JSON.stringify(o) + "\n";
  };
  switch (kind) {
    case "truncated_json":
      return body.slice(0, 1 + rng.int(body.length - 1)) + "\n";
    case "not_json": {
      const r = rng.int(4);
      if (r === 0) return pick(GARBAGE) + rng.int(100_000) + "\n";
      if (r === 1) {
        let s = "";
        for (let i = 0, n = 8 + rng.int(40); i < n; i++) s += String.fromCharCode(rng.int(9)); // NUL … BS
        return s + "\n";
      }
      if (r === 2) {
        let s = "Q";
        for (let i = 0, n = 20 + rng.int(100); i < n; i++) s += B64[rng.int(64)];
        return s + "==\n";
      }
      return pick(GARBAGE) + "\n";
    }
    case "unknown_type":
      return `{"type":"${pick(UNKNOWN_TYPES)}","v":1,"ts":${ev.ts},"slot":${ev.slot},"mint":"${randomPumpMint(rng)}","amount":${1 + rng.int(1_000_000_000)}}\n`;
    case "missing_field":
      return edit((o) => void delete o[pick(MISSING[ev.kind])]);
    case "wrong_type":
      return edit((o) => {
        const k = pick(STRINGIFIABLE[ev.kind]);
        o[k] = k === "side" ? (o[k] === "buy" ? 0 : 1) : String(o[k]);
      });
    case "negative_reserve":
      return edit((o) => void (o[rng.chance(0.5) ? "base_reserve" : "quote_reserve"] = rng.chance(0.5) ? -5 : -(1 + rng.int(1e12))));
    case "non_finite_reserve":
      return edit((o) => void (o[rng.chance(0.5) ? "base_reserve" : "quote_reserve"] = pick(["NaN", "NaN", "Infinity", "-Infinity"])));
    case "unknown_mint": {
      const mint = randomPumpMint(rng);
      const pool = randomAddress(rng);
      const b = 150_000_000_000_000 + rng.int(100_000_000_000_000);
      const q = 40_000_000_000 + rng.int(100_000_000_000);
      if (rng.chance(0.5)) return `{"type":"tick","v":1,"ts":${ev.ts},"slot":${ev.slot},"mint":"${mint}","pool":"${pool}","base_reserve":${b},"quote_reserve":${q}}\n`;
      const base = 1_000_000 + rng.int(5_000_000_000_000);
      return `{"type":"flow","v":1,"ts":${ev.ts},"slot":${ev.slot},"sig":"${randomSignature(rng)}","mint":"${mint}","pool":"${pool}","side":"${rng.chance(0.5) ? "buy" : "sell"}","user":"${randomAddress(rng)}","base":${base},"quote":${1 + rng.int(5_000_000_000)},"base_reserve":${b},"quote_reserve":${q}}\n`;
    }
    case "duplicate_sig":
      return ev.kind === "swap" ? fullLine : null;
  }
}

const zeroCounts = <K extends string>(keys: readonly K[]): Record<K, number> & { total: number } => {
  const o: Record<string, number> = { total: 0 };
  for (const k of keys) o[k] = 0;
  return o as Record<K, number> & { total: number };
};

/**
 * Generate the market and write it as telemetry.jsonl v1 to `sink`. Deterministic: the same
 * options give byte-identical output.
 */
export async function writeTelemetry(sink: LineSink, options: Partial<TelemetryOptions> = {}, hooks: WriteHooks = {}): Promise<TelemetryResult> {
  const started = performance.now();
  const legacyShare = options.legacyShare ?? DEFAULT_LEGACY_SHARE;
  const malformedShare = options.malformedShare ?? DEFAULT_MALFORMED_SHARE;
  if (!(legacyShare >= 0 && legacyShare <= 1)) throw new Error(`legacyShare must be in [0, 1], got ${legacyShare}`);
  if (!(malformedShare >= 0 && malformedShare <= 0.5)) throw new Error(`malformedShare must be in [0, 0.5], got ${malformedShare}`);
  const market = new Market(options);
  const opts = market.opts;
  const dirt = createRng(opts.seed).fork("telemetry-dirt");
  const legacyRng = dirt.fork("legacy");
  const badRng = dirt.fork("malformed");
  const legacyAt = new Sparse(legacyRng.fork("where"), legacyShare);
  // Per valid line p/(1−p), so that malformed / all lines ≈ the requested share.
  const badAt = new Sparse(badRng.fork("where"), malformedShare / (1 - malformedShare));

  const lines = { total: 0, valid: 0, migration: 0, flow: 0, tick: 0 };
  const legacy = zeroCounts(LEGACY_KINDS);
  const malformed = zeroCounts(MALFORMED_KINDS);
  const regimes = Object.fromEntries(REGIMES.map((r) => [r, 0])) as Record<Regime, number>;
  let bytes = 0;
  let chunk = Buffer.allocUnsafe(CHUNK_BYTES + MAX_LINE);
  let off = 0;
  let unflushed = 0;
  let firstTs: number | null = null;
  let lastTs: number | null = null;
  const pendingBad: MalformedKind[] = [];

  const stream = market.stream();
  stream.onTokenDone = hooks.onTokenDone;
  const span = opts.days * 86_400_000;
  let nextProgress = 0;

  for (let ev = stream.next(); ev; ev = stream.next()) {
    let line: string | null = null;
    let isV1 = true;
    if (ev.kind !== "migration" && !legacyAt.hit()) {
      // Hot path (all but a few lines): bytes straight into the chunk, no line string.
      const tok = stream.current!;
      let c = tok.userSlot as TokenFragments | undefined;
      if (c === undefined) tok.userSlot = c = tokenFragments(ev.mint, ev.pool);
      if (ev.kind === "tick") {
        lines.tick++;
        off = putBytes(chunk, off, TICK_0);
        off = putInt(chunk, off, ev.ts);
        off = putBytes(chunk, off, SLOT_KEY);
        off = putInt(chunk, off, ev.slot);
        off = putBytes(chunk, off, c.tick);
        off = putInt(chunk, off, ev.baseReserve);
        off = putBytes(chunk, off, QUOTE_RESERVE_KEY);
        off = putInt(chunk, off, ev.quoteReserve);
        off = putBytes(chunk, off, END);
      } else {
        lines.flow++;
        off = putBytes(chunk, off, FLOW_0);
        off = putInt(chunk, off, ev.ts);
        off = putBytes(chunk, off, SLOT_KEY);
        off = putInt(chunk, off, ev.slot);
        off = putBytes(chunk, off, SIG_KEY);
        off += writeLatin1(chunk, ev.sig, off);
        off = putBytes(chunk, off, c.flow);
        off = putBytes(chunk, off, ev.side === "buy" ? BUY_USER : SELL_USER);
        off += writeLatin1(chunk, ev.user, off);
        off = putBytes(chunk, off, BASE_KEY);
        off = putInt(chunk, off, ev.base);
        off = putBytes(chunk, off, QUOTE_KEY);
        off = putInt(chunk, off, ev.quote);
        off = putBytes(chunk, off, BASE_RESERVE_KEY);
        off = putInt(chunk, off, ev.baseReserve);
        off = putBytes(chunk, off, QUOTE_RESERVE_KEY);
        off = putInt(chunk, off, ev.quoteReserve);
        off = putBytes(chunk, off, END);
      }
    } else {
      if (ev.kind === "migration") {
        lines.migration++;
        regimes[ev.launch.regime]++;
      } else if (ev.kind === "tick") lines.tick++;
      else lines.flow++;
      if (ev.kind === "migration" && !legacyAt.hit()) line = migrationLine(ev.launch);
      else {
        const kind: LegacyKind = ev.kind === "migration" ? LEGACY_KINDS[legacyRng.int(4)] : LEGACY_KINDS[legacyRng.int(2)];
        line = legacyLine(ev, kind);
        legacy[kind]++;
        legacy.total++;
        isV1 = false;
      }
      off += writeLatin1(chunk, line, off);
    }
    lines.valid++;
    if (firstTs === null) firstTs = ev.ts;
    lastTs = ev.ts;

    if (badAt.hit()) pendingBad.push(MALFORMED_KINDS[badRng.int(MALFORMED_KINDS.length)]);
    if (pendingBad.length > 0) {
      const full = isV1 && line !== null ? line : eventLine(ev);
      for (let i = 0; i < pendingBad.length; ) {
        const kind = pendingBad[i];
        // Duplicates are of v1 flow lines only, so a reader's legacy counts are not disturbed.
        const bad = kind === "duplicate_sig" && !isV1 ? null : malformedLine(kind, ev, full, badRng);
        if (bad === null) {
          i++;
          continue;
        }
        off += writeLatin1(chunk, bad, off);
        malformed[kind]++;
        malformed.total++;
        pendingBad.splice(i, 1);
      }
    }

    if (off >= CHUNK_BYTES) {
      // A fresh chunk each time: the sink may hold on to the bytes until it flushes.
      sink.write(chunk.subarray(0, off));
      bytes += off;
      unflushed += off;
      chunk = Buffer.allocUnsafe(CHUNK_BYTES + MAX_LINE);
      off = 0;
      if (unflushed >= FLUSH_BYTES) {
        unflushed = 0;
        if (sink.flush) await sink.flush();
      }
      if (hooks.onProgress && ev.ts >= nextProgress) {
        nextProgress = ev.ts + 3_600_000;
        hooks.onProgress(Math.min(1, (ev.ts - opts.startTs) / span), bytes);
      }
    }
  }
  if (off > 0) {
    sink.write(chunk.subarray(0, off));
    bytes += off;
  }
  if (sink.flush) await sink.flush();
  lines.total = lines.valid + malformed.total;

  const truths = stream.truths;
  const elapsed = (performance.now() - started) / 1000;
  const sum = (f: (t: TokenTruth) => number) => truths.reduce((a, t) => a + f(t), 0);
  const summary: TelemetrySummary = {
    version: 1,
    seed: opts.seed,
    start_ts: opts.startTs,
    end_ts: market.endTs,
    days: opts.days,
    migrations_per_day: opts.migrationsPerDay,
    track_seconds: opts.trackSeconds,
    idle_stop_seconds: opts.idleStopSeconds,
    legacy_share: legacyShare,
    malformed_share: malformedShare,
    tokens: lines.migration,
    regimes,
    lines,
    legacy,
    malformed,
    bytes,
    first_ts: firstTs,
    last_ts: lastTs,
    mean_lifecycle_s: truths.length ? sum((t) => t.ticks) / truths.length : 0,
    mean_flows_per_token: truths.length ? sum((t) => t.swaps) / truths.length : 0,
    known_wallets: market.knownWallets().length,
    elapsed_s: elapsed,
    mb_per_s: bytes / 1e6 / Math.max(elapsed, 1e-9),
  };
  return { summary, market, truths };
}

/** `known_wallets.json`: the recurring wallets with their labels, as a JSON array. */
export function knownWalletsJson(market: Market): string {
  return JSON.stringify(market.knownWallets(), null, 1) + "\n";
}
