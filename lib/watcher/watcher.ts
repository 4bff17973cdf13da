/**
 * Migration watcher: reads the ingest stream, detects Pump.fun → PumpSwap migrations, follows the
 * new pools' swaps, records telemetry.jsonl v1 (DESIGN §2.1) and hands typed MigrationEvents to
 * the checker / trading stages.
 *
 * With `watch: "creations"` (`ferrix token`) it does the same one step earlier in a coin's life:
 * a Pump.fun CreateEvent starts a "launch" whose market is the bonding curve (pool = the
 * BondingCurve account, reserves = its virtual reserves, fees = Pump.fun's protocol and creator
 * basis points, no LP fee), and TradeEvents on it are the flow. The telemetry lines have the same
 * format, so telemetry_tool and the research loop read a curve recording as they read migrations.
 *
 * - Migration: a CreatePoolEvent in a transaction that also carries Pump.fun's migration (its
 *   `migrate` instruction or CompletePumpAmmMigrationEvent for the same mint and pool) — a pool
 *   created by the Pump.fun pool authority. Checked synchronously from the transaction itself.
 * - Flow: BuyEvent / SellEvent on a tracked pool, with reserves after the swap (event reserves
 *   are before it).
 * - Tick: 1 Hz per tracked pool on *chain* time — the stream's created_at (slot updates included)
 *   — so a tick at T holds every swap up to T and is written once the stream has passed T. If the
 *   stream goes quiet, the local clock takes over after `tickFallbackAfterMs`. Tracking ends after
 *   `trackSeconds` of ticks or `idleStopSeconds` without a swap.
 * - token_created_ts: from Pump.fun CreateEvents seen on the stream (a bounded cache), else omitted.
 * Nothing here awaits: telemetry goes to a buffered sink and pool state is pre-warmed in the
 * background.
 */
import type { Address } from "@solana/kit";
import type { Logger } from "pino";
import type { PoolFees } from "../amm/index.ts";
import { DEFAULT_ADDRESS, PUMPFUN_GLOBAL_ADDRESS, PUMPFUN_PROGRAM_ADDRESS } from "../chain/constants.ts";
import type { ExtractedEvent } from "../chain/events.ts";
import { decodePumpFunGlobal, pumpFunCodecs } from "../chain/pumpfun.ts";
import { AsyncChannel } from "../ingest/channel.ts";
import { systemClock, type Clock, type TimerHandle } from "../ingest/clock.ts";
import type { IngestTransaction, IngestUpdate } from "../ingest/decode.ts";
import type { Metrics } from "../metrics/index.ts";
import { extractEventsOnce } from "./extract.ts";
import { feesFromConfig, PoolStateCache, type AccountsReader } from "./pool_state.ts";
import type { LineSink } from "./telemetry_writer.ts";
import type { MigrationEvent as TelemetryMigration } from "../telemetry/types.ts";

/** What the checker and trading stages receive for each migration. */
export interface MigrationEvent {
  signature: string;
  slot: number;
  /** Chain time of the migration (created_at), Unix ms. */
  ts: number;
  mint: Address;
  pool: Address;
  /** Pool.coin_creator: the coin's creator, who earns the creator fee. */
  coinCreator: Address;
  /** Pool.creator: Pump.fun's pool-authority PDA for the mint. */
  poolAuthority: Address;
  lpMint: Address;
  baseReserve: number;
  quoteReserve: number;
  baseDecimals: number;
  fees: PoolFees;
  tokenCreatedTs: number | null;
  isMayhemMode: boolean;
  /** Monotonic receipt time of the transaction and when this event was made. */
  receivedAtMono: number;
  detectedAtMono: number;
  /** Where the coin trades: absent for a PumpSwap pool; "curve" for a Pump.fun launch (`pool` is its BondingCurve). */
  venue?: "curve";
  /** Owner program of the mint, when the event names it (CreateEvent does). */
  baseTokenProgram?: Address;
}

/** What the watcher follows: migrations to PumpSwap (default) or Pump.fun coin creations on their curves. */
export type WatchTarget = "migrations" | "creations";

/** Pump.fun's fee rates before the first TradeEvent (or a read of Global) says otherwise. */
export const FALLBACK_CURVE_FEES: PoolFees = { lpFeeBps: 0, protocolFeeBps: 95, creatorFeeBps: 30 };

export interface WatcherOptions {
  telemetry: LineSink;
  /** Default "migrations". */
  watch?: WatchTarget;
  accounts?: AccountsReader | null;
  clock?: Clock;
  /** Seconds of 1 Hz ticks per pool from its migration second (default 1800). */
  trackSeconds?: number;
  /** Stop ticking a pool after this long without a swap (default 300 s). */
  idleStopSeconds?: number;
  /** Tick from the local clock when the stream has been quiet this long (default 3000 ms; null: never). */
  tickFallbackAfterMs?: number | null;
  /** Token supply for the fee tier's market cap when the mint is not cached (pump tokens: 1e15). */
  defaultSupply?: number;
  metrics?: Metrics;
  logger?: Logger;
  /** Called after each telemetry line is handed to the sink (benchmarks measure latency here). */
  onLine?: (type: "migration" | "flow" | "tick", receivedAtMono: number | null) => void;
}

interface Tracked {
  mint: Address;
  pool: Address;
  t0: number;
  lastTickTs: number;
  nextTickTs: number;
  lastFlowTs: number;
  baseReserve: number;
  quoteReserve: number;
  /** Slot of the migration, and its time's position in a 400 ms slot (for the ticks' slots). */
  migrationSlot: number;
  slotOffsetMs: number;
}

export interface WatcherStats {
  transactions: number;
  migrations: number;
  flows: number;
  ticks: number;
  creates: number;
  decodeErrors: number;
  feesFromFallback: number;
}

const CREATED_CACHE_LIMIT = 200_000;
/** Pump.fun mints have 6 decimals. */
const PUMP_BASE_DECIMALS = 6;
const FALLBACK_FEES: PoolFees = { lpFeeBps: 20, protocolFeeBps: 5, creatorFeeBps: 5 };

export class MigrationWatcher {
  readonly migrations = new AsyncChannel<MigrationEvent>();
  readonly poolStates: PoolStateCache;
  readonly stats: WatcherStats = { transactions: 0, migrations: 0, flows: 0, ticks: 0, creates: 0, decodeErrors: 0, feesFromFallback: 0 };
  private readonly clock: Clock;
  private readonly trackMs: number;
  private readonly idleMs: number;
  private readonly tracked = new Map<string, Tracked>();
  private readonly createdTs = new Map<string, number>();
  /** creations: mint → its tracked bonding curve (TradeEvents name the mint, not the curve). */
  private readonly curveOfMint = new Map<string, Tracked>();
  /** creations: the rates the last TradeEvent charged (new curves start with them). */
  private curveFees: PoolFees = { ...FALLBACK_CURVE_FEES };
  private readonly watchCreations: boolean;
  private chainTimeMs = 0;
  private chainTimeSeenAtMono = 0;
  private minNextTick = Infinity;
  private fallbackTimer: TimerHandle | null = null;
  private stopped = false;

  constructor(private readonly opts: WatcherOptions) {
    this.clock = opts.clock ?? systemClock;
    this.trackMs = (opts.trackSeconds ?? 1800) * 1000;
    this.idleMs = (opts.idleStopSeconds ?? 300) * 1000;
    this.poolStates = new PoolStateCache(opts.accounts ?? null, () => this.clock.monoMs());
    this.watchCreations = opts.watch === "creations";
    if (opts.tickFallbackAfterMs !== null) this.armFallback();
  }

  /** Loads fee configuration; call before streaming (failures are logged, fees then fall back). */
  async init(): Promise<void> {
    if (this.watchCreations) {
      try {
        const [global] = (await this.opts.accounts?.getMultipleAccounts([PUMPFUN_GLOBAL_ADDRESS])) ?? [null];
        if (global) {
          const g = decodePumpFunGlobal(global.data);
          this.curveFees = { lpFeeBps: 0, protocolFeeBps: g.feeBasisPoints, creatorFeeBps: g.creatorFeeBasisPoints };
        }
      } catch (err) {
        this.opts.logger?.warn({ err: (err as Error).message }, "could not load Pump.fun Global fee rates");
      }
      return;
    }
    try {
      await this.poolStates.loadConfig();
    } catch (err) {
      this.opts.logger?.warn({ err: (err as Error).message }, "could not load PumpSwap fee configuration");
    }
  }

  /** Pools currently recorded at 1 Hz (the status file's active_telemetry). */
  get activeTelemetry(): number {
    return this.tracked.size;
  }

  /** The hot path: one ingest update, synchronously. */
  handle(u: IngestUpdate): void {
    if (this.stopped) return;
    if (u.kind === "slot") {
      if (u.slot.createdAtMs !== null) this.advanceChainTime(u.slot.createdAtMs);
      return;
    }
    this.onTransaction(u.tx);
  }

  private onTransaction(tx: IngestTransaction): void {
    this.stats.transactions++;
    const ts = tx.createdAtMs ?? this.clock.nowMs();
    this.advanceChainTime(ts);
    let extraction;
    try {
      extraction = extractEventsOnce(tx);
    } catch (err) {
      this.countDecodeError("events", err);
      return;
    }
    for (const f of extraction.failures) this.countDecodeError(f.name, f.error);
    const events = extraction.events;
    if (events.length === 0) return;
    for (const e of events) {
      switch (e.name) {
        case "CreatePoolEvent":
          if (!this.watchCreations && this.isPumpMigration(tx, events, e.event.baseMint, e.event.pool)) this.onMigration(tx, ts, e);
          break;
        case "BuyEvent":
        case "SellEvent":
          if (!this.watchCreations) this.onSwap(tx, ts, e);
          break;
        case "CreateEvent":
          this.stats.creates++;
          if (this.watchCreations) this.onLaunch(tx, ts, e);
          else {
            if (this.createdTs.size >= CREATED_CACHE_LIMIT) this.createdTs.delete(this.createdTs.keys().next().value!);
            this.createdTs.set(e.event.mint, e.event.timestamp * 1000);
          }
          break;
        case "TradeEvent":
          if (this.watchCreations) this.onCurveTrade(tx, ts, e);
          break;
        default:
          break;
      }
    }
  }

  /** A Pump.fun coin is created: follow its bonding curve as a market from this second. */
  private onLaunch(tx: IngestTransaction, ts: number, e: Extract<ExtractedEvent, { name: "CreateEvent" }>): void {
    const ev = e.event;
    if (this.tracked.has(ev.bondingCurve)) return;
    const fees = { ...this.curveFees };
    const baseReserve = ev.virtualTokenReserves;
    const quoteReserve = ev.virtualQuoteReserves || ev.virtualSolReserves;
    this.stats.migrations++;
    this.opts.metrics?.migrations.inc();
    const migration: TelemetryMigration = {
      type: "migration", v: 1, ts, slot: tx.slot, sig: tx.signature, mint: ev.mint, pool: ev.bondingCurve, creator: ev.creator,
      base_reserve: baseReserve, quote_reserve: quoteReserve, base_decimals: PUMP_BASE_DECIMALS,
      lp_fee_bps: fees.lpFeeBps, protocol_fee_bps: fees.protocolFeeBps, creator_fee_bps: fees.creatorFeeBps, token_created_ts: ts,
    };
    this.emitLine("migration", JSON.stringify(migration) + "\n", tx.receivedAtMono);
    this.opts.telemetry.event?.(migration);
    const t = this.track(ev.mint, ev.bondingCurve, ts, tx.slot, baseReserve, quoteReserve);
    this.curveOfMint.set(ev.mint, t);
    const event: MigrationEvent = {
      signature: tx.signature,
      slot: tx.slot,
      ts,
      mint: ev.mint,
      pool: ev.bondingCurve,
      coinCreator: ev.creator,
      poolAuthority: ev.bondingCurve,
      lpMint: DEFAULT_ADDRESS,
      baseReserve,
      quoteReserve,
      baseDecimals: PUMP_BASE_DECIMALS,
      fees,
      tokenCreatedTs: ts,
      isMayhemMode: ev.isMayhemMode,
      receivedAtMono: tx.receivedAtMono,
      detectedAtMono: this.clock.monoMs(),
      venue: "curve",
      baseTokenProgram: ev.tokenProgram,
    };
    this.migrations.push(event);
  }

  /** A buy or sell on a followed curve: TradeEvent reserves are the curve's after the trade. */
  private onCurveTrade(tx: IngestTransaction, ts: number, e: Extract<ExtractedEvent, { name: "TradeEvent" }>): void {
    const ev = e.event;
    if (ev.feeBasisPoints || ev.creatorFeeBasisPoints) {
      this.curveFees.protocolFeeBps = ev.feeBasisPoints;
      this.curveFees.creatorFeeBps = ev.creatorFeeBasisPoints;
    }
    const t = this.curveOfMint.get(ev.mint);
    if (!t || !this.tracked.has(t.pool)) return;
    t.baseReserve = ev.virtualTokenReserves;
    t.quoteReserve = ev.virtualQuoteReserves || ev.virtualSolReserves;
    // flow.quote is what the trader paid in total (buy) or received net (sell), as for swaps.
    const feesLamports = ev.fee + ev.creatorFee;
    this.emitFlow(tx, ts, t, ev.isBuy ? "buy" : "sell", ev.user, ev.tokenAmount, ev.isBuy ? ev.solAmount + feesLamports : ev.solAmount - feesLamports);
  }

  private isPumpMigration(tx: IngestTransaction, events: ExtractedEvent[], mint: string, pool: string): boolean {
    if (events.some((e) => e.name === "CompletePumpAmmMigrationEvent" && e.event.mint === mint && e.event.pool === pool)) return true;
    const isMigrate = (ix: { programAddress: string; data: Uint8Array }) => ix.programAddress === PUMPFUN_PROGRAM_ADDRESS && pumpFunCodecs.migrate.matches(ix.data);
    return tx.instructions.some(isMigrate) || tx.innerInstructions.some((g) => g.instructions.some((ix) => isMigrate(ix as { programAddress: string; data: Uint8Array })));
  }

  private onMigration(tx: IngestTransaction, ts: number, e: Extract<ExtractedEvent, { name: "CreatePoolEvent" }>): void {
    const ev = e.event;
    if (this.tracked.has(ev.pool)) return;
    const pc = this.poolStates;
    let fees = feesFromConfig(pc, { canonical: ev.index === 0, baseReserve: ev.poolBaseAmount, quoteReserve: ev.poolQuoteAmount, supply: this.opts.defaultSupply ?? 1e15, coinCreator: ev.coinCreator });
    if (!fees) {
      fees = { ...FALLBACK_FEES };
      this.stats.feesFromFallback++;
    }
    const created = this.createdTs.get(ev.baseMint) ?? null;
    this.stats.migrations++;
    this.opts.metrics?.migrations.inc();
    const line =
      `{"type":"migration","v":1,"ts":${ts},"slot":${tx.slot},"sig":"${tx.signature}","mint":"${ev.baseMint}","pool":"${ev.pool}","creator":"${ev.coinCreator}",` +
      `"base_reserve":${ev.poolBaseAmount},"quote_reserve":${ev.poolQuoteAmount},"base_decimals":${ev.baseMintDecimals},"lp_fee_bps":${fees.lpFeeBps},"protocol_fee_bps":${fees.protocolFeeBps},"creator_fee_bps":${fees.creatorFeeBps}` +
      (created !== null ? `,"token_created_ts":${created}}\n` : "}\n");
    this.emitLine("migration", line, tx.receivedAtMono);
    this.opts.telemetry.event?.({
      type: "migration", v: 1, ts, slot: tx.slot, sig: tx.signature, mint: ev.baseMint, pool: ev.pool, creator: ev.coinCreator,
      base_reserve: ev.poolBaseAmount, quote_reserve: ev.poolQuoteAmount, base_decimals: ev.baseMintDecimals,
      lp_fee_bps: fees.lpFeeBps, protocol_fee_bps: fees.protocolFeeBps, creator_fee_bps: fees.creatorFeeBps,
      ...(created !== null ? { token_created_ts: created } : {}),
    } as TelemetryMigration);
    this.track(ev.baseMint, ev.pool, ts, tx.slot, ev.poolBaseAmount, ev.poolQuoteAmount);
    const event: MigrationEvent = {
      signature: tx.signature,
      slot: tx.slot,
      ts,
      mint: ev.baseMint,
      pool: ev.pool,
      coinCreator: ev.coinCreator,
      poolAuthority: ev.creator,
      lpMint: ev.lpMint,
      baseReserve: ev.poolBaseAmount,
      quoteReserve: ev.poolQuoteAmount,
      baseDecimals: ev.baseMintDecimals,
      fees,
      tokenCreatedTs: created,
      isMayhemMode: ev.isMayhemMode,
      receivedAtMono: tx.receivedAtMono,
      detectedAtMono: this.clock.monoMs(),
    };
    this.opts.metrics?.ingestLatency.observe({ stage: "migration_event" }, Math.max(0, event.detectedAtMono - tx.receivedAtMono) / 1000);
    this.migrations.push(event);
    void this.poolStates.prewarm(ev.pool, ev.baseMint);
  }

  private track(mint: Address, pool: Address, ts: number, slot: number, baseReserve: number, quoteReserve: number): Tracked {
    const t: Tracked = { mint, pool, t0: ts, lastTickTs: ts + this.trackMs - 1000, nextTickTs: ts, lastFlowTs: ts, baseReserve, quoteReserve, migrationSlot: slot, slotOffsetMs: ((ts % 400) + 400) % 400 };
    this.tracked.set(pool, t);
    if (t.nextTickTs < this.minNextTick) this.minNextTick = t.nextTickTs;
    this.opts.metrics?.activeTelemetry.set(this.tracked.size);
    return t;
  }

  private onSwap(tx: IngestTransaction, ts: number, e: Extract<ExtractedEvent, { name: "BuyEvent" | "SellEvent" }>): void {
    const t = this.tracked.get(e.event.pool);
    if (!t) return;
    let side: "buy" | "sell";
    let base: number;
    let quote: number;
    if (e.name === "BuyEvent") {
      const b = e.event;
      side = "buy";
      base = b.baseAmountOut;
      quote = b.userQuoteAmountIn;
      t.baseReserve = b.poolBaseTokenReserves - b.baseAmountOut;
      t.quoteReserve = b.poolQuoteTokenReserves + b.quoteAmountInWithLpFee;
    } else {
      const s = e.event;
      side = "sell";
      base = s.baseAmountIn;
      quote = s.userQuoteAmountOut;
      t.baseReserve = s.poolBaseTokenReserves + s.baseAmountIn;
      t.quoteReserve = s.poolQuoteTokenReserves - s.quoteAmountOutWithoutLpFee;
    }
    this.emitFlow(tx, ts, t, side, e.event.user, base, quote);
  }

  private emitFlow(tx: IngestTransaction, ts: number, t: Tracked, side: "buy" | "sell", user: string, base: number, quote: number): void {
    t.lastFlowTs = Math.max(t.lastFlowTs, ts);
    this.stats.flows++;
    this.emitLine(
      "flow",
      `{"type":"flow","v":1,"ts":${ts},"slot":${tx.slot},"sig":"${tx.signature}","mint":"${t.mint}","pool":"${t.pool}","side":"${side}","user":"${user}","base":${base},"quote":${quote},"base_reserve":${t.baseReserve},"quote_reserve":${t.quoteReserve}}\n`,
      tx.receivedAtMono,
    );
    this.opts.telemetry.event?.({
      type: "flow", v: 1, ts, slot: tx.slot, sig: tx.signature, mint: t.mint, pool: t.pool, side, user,
      base, quote, base_reserve: t.baseReserve, quote_reserve: t.quoteReserve,
    });
  }

  /** Chain time moved to `ts`: every tick strictly before it is final. */
  private advanceChainTime(ts: number): void {
    if (ts > this.chainTimeMs) {
      this.chainTimeMs = ts;
      this.chainTimeSeenAtMono = this.clock.monoMs();
    }
    if (this.chainTimeMs <= this.minNextTick) return;
    let min = Infinity;
    for (const t of this.tracked.values()) {
      while (t.nextTickTs < this.chainTimeMs) {
        const T = t.nextTickTs;
        this.stats.ticks++;
        // Slot of the tick from the 400 ms slot clock relative to the pool's last event slot.
        const slot = this.slotForTick(t, T);
        this.emitLine("tick", `{"type":"tick","v":1,"ts":${T},"slot":${slot},"mint":"${t.mint}","pool":"${t.pool}","base_reserve":${t.baseReserve},"quote_reserve":${t.quoteReserve}}\n`, null);
        this.opts.telemetry.event?.({ type: "tick", v: 1, ts: T, slot, mint: t.mint, pool: t.pool, base_reserve: t.baseReserve, quote_reserve: t.quoteReserve });
        if (T >= t.lastTickTs || T - t.lastFlowTs >= this.idleMs) {
          this.tracked.delete(t.pool);
          if (this.watchCreations) this.curveOfMint.delete(t.mint);
          this.opts.metrics?.activeTelemetry.set(this.tracked.size);
          break;
        }
        t.nextTickTs = T + 1000;
      }
      if (this.tracked.has(t.pool) && t.nextTickTs < min) min = t.nextTickTs;
    }
    this.minNextTick = min;
  }

  /**
   * Slot of a tick time: the migration slot plus whole 400 ms slots since the migration. Where
   * the migration sat inside its slot is unknown live; slot starts are taken to be on the 400 ms
   * grid of Unix time (true for the simulator, close enough for a tick's slot live).
   */
  private slotForTick(t: Tracked, T: number): number {
    return t.migrationSlot + Math.floor((T - t.t0 + t.slotOffsetMs) / 400);
  }

  private emitLine(type: "migration" | "flow" | "tick", line: string, receivedAtMono: number | null): void {
    this.opts.telemetry.write(line);
    this.opts.metrics?.telemetryLines.inc({ type });
    if (receivedAtMono !== null) this.opts.metrics?.ingestLatency.observe({ stage: "telemetry" }, Math.max(0, this.clock.monoMs() - receivedAtMono) / 1000);
    this.opts.onLine?.(type, receivedAtMono);
  }

  private countDecodeError(what: string, err: unknown): void {
    this.stats.decodeErrors++;
    this.opts.metrics?.decodeErrors.inc({ what });
    this.opts.logger?.warn({ what, err: (err as Error)?.message }, "event decode failed");
  }

  private armFallback(): void {
    const after = this.opts.tickFallbackAfterMs ?? 3000;
    this.fallbackTimer = this.clock.setTimeout(() => {
      if (this.stopped) return;
      const quietMs = this.clock.monoMs() - this.chainTimeSeenAtMono;
      if (this.tracked.size > 0 && this.chainTimeMs > 0 && quietMs >= after) {
        // The stream is quiet (or stalled): keep ticking on the local clock from the last chain time.
        this.advanceChainTime(this.chainTimeMs + quietMs);
      }
      this.armFallback();
    }, Math.max(100, Math.floor(after / 2)));
  }

  /** Stops ticking and closes the migration channel (the telemetry sink is the caller's to close). */
  stop(): void {
    this.stopped = true;
    if (this.fallbackTimer !== null) this.clock.clearTimeout(this.fallbackTimer);
    this.migrations.close();
  }
}
