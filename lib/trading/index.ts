/**
 * The trading stages of the live engine (DESIGN §4 stages 3–5, spec §3.3–§3.6): the position
 * actor, the trade signal and sell order processors, the paper and live executors, the signer,
 * persistence through a queue, decision records and the circuit breaker — assembled by
 * `createTradingStages`, which the boot calls once with what it already has.
 *
 * @example
 * // in lib/engine's runEngine, after trades.db, the checker and the pipeline exist:
 * const loaded = loadParamsFile(config.params);
 * const trading = await createTradingStages({
 *   mode: config.live ? "live" : "paper",
 *   entryMode: run.mode === "autobuysell" ? "immediate" : "observer",
 *   params: compileParams(loaded.vector), paramsHash: paramsHashOf(loaded.vector),
 *   execution: loadExecutionModel({}).model,                  // SIM_* knobs (.env_PROD)
 *   db, metrics, logger, clock, decisions,                     // the engine's own
 *   rpcUrl: config.rpcUrl, keypairPath: config.keypair,        // --live only
 *   live: { sendJournal: `${config.db}.sends.jsonl` },
 * });
 * await trading.start();                                       // re-hydrates open positions
 * ctx.telemetry.event(e) → trading.onMarket(e)   // the market feed (onTelemetryLine takes the JSONL form)
 * const trader = trading.consume(pipeline.verified);           // the verified-signal channel of lib/engine
 * status counts: { ...trading.status(), active_telemetry: intake.activeTelemetry() }
 * operator reset: trading.resetCircuitBreaker("ops")
 * shutdown (after the pipeline drained): await trader; await trading.stop();
 */
import type { Database } from "bun:sqlite";
import type { Address } from "@solana/kit";
import { createHash } from "node:crypto";
import { systemClock, type Clock } from "../ingest/clock.ts";
import type { Logger } from "../log/index.ts";
import type { Metrics } from "../metrics/index.ts";
import { DEFAULT_CIRCUIT_BREAKER, type BreakerEvent, type CircuitBreakerConfig } from "../risk/index.ts";
import { DEFAULT_EXECUTION, type ExecutionModel } from "../sim/execution.ts";
import type { StrategyParams } from "../strategy/index.ts";
import type { TelemetryEvent } from "../telemetry/types.ts";
import { PositionActor } from "./actor.ts";
import type { BarOptions } from "./bars.ts";
import { JsonlAppender } from "../engine/jsonl_sink.ts";
import type { DecisionSink } from "./decisions.ts";
import { PaperExecutor, type Executor } from "./executor.ts";
import { LiveExecutor, SendJournal, type LiveOptions, type TxSender } from "./live.ts";
import { CurveInfoCache, CurveLiveExecutor } from "./curve_live.ts";
import { createTradingMetrics, type TradingMetrics } from "./metrics.ts";
import { loadTradingState, parseEntryRecord, PersistenceQueue, utcDay, type TradingState } from "./persistence.ts";
import { feesOf, PoolInfoCache } from "./pool_info.ts";
import { DEFAULT_SELL_POLICY, SellOrderProcessor, TradeSignalProcessor, type SellPolicy } from "./processors.ts";
import { RiskGate } from "./risk.ts";
import { createKitTradingRpc, type TradingRpc } from "./rpc.ts";
import { TradingSigner } from "./signer.ts";
import { VENUE_QUOTES, type Venue } from "./venue.ts";
import { signalEvent, type EntryMode, type MigrationSignalEvent, type TradeSignal, type TradingMode, type TradingStatus } from "./types.ts";

export * from "./types.ts";
export { VENUE_QUOTES, type Venue, type VenueQuotes } from "./venue.ts";
export { PositionActor, type ActorOptions } from "./actor.ts";
export { PoolBars, DEFAULT_BAR_OPTIONS, type BarOptions } from "./bars.ts";
export { MemoryDecisions, featureRecord, type DecisionSink } from "./decisions.ts";
export { PaperExecutor, type Executor, type SellAttempt, type PaperFees } from "./executor.ts";
export { CurveInfoCache, CurveLiveExecutor, buildCurveBuyInstructions, buildCurveSellInstructions, curveFillOf, type CurveInfo } from "./curve_live.ts";
export { LiveExecutor, RpcSender, BlockhashCache, SendJournal, classifyError, confirmSignature, DEFAULT_LIVE_OPTIONS, PROGRAM_ERRORS, type LiveOptions, type TxSender, type SubmitOutcome } from "./live.ts";
export { createTradingMetrics, type TradingMetrics } from "./metrics.ts";
export { PersistenceQueue, loadTradingState, parseEntryRecord, BREAKER_STATE_KEY, type PersistOp, type PersistSink, type TradeRow, type TradeStatus, type TradingState, type EntryRecord } from "./persistence.ts";
export { PoolInfoCache, migrationTokenProgram, tokenAccountAmount } from "./pool_info.ts";
export { TradeSignalProcessor, SellOrderProcessor, DEFAULT_SELL_POLICY, type SellPolicy } from "./processors.ts";
export { RiskGate, type GateDecision } from "./risk.ts";
export { createKitTradingRpc, customErrorCode, type TradingRpc } from "./rpc.ts";
export { TradingSigner, SignerError, checkKeyFilePermissions } from "./signer.ts";
export { buildBuyInstructions, buildSellInstructions, signTransaction, swapAccountMetas, type PoolInfo, type FeeRecipients, type SignedTransaction } from "./txbuild.ts";
export { compileMessage, wireTransaction } from "./message.ts";

/** A short stable id of a parameter vector (trades.params_hash). */
export function paramsHashOf(vector: ArrayLike<number>): string {
  return createHash("sha256").update(JSON.stringify(Array.from(vector))).digest("hex").slice(0, 16);
}

export interface TradingStagesOptions {
  /** paper (default: fills priced from pool reserves, nothing signed) or live. */
  mode: TradingMode;
  /** observer: entries gated by the strategy's observer (migration); immediate: every verified signal (autobuysell). */
  entryMode: EntryMode;
  /** Where the signals' coins trade: PumpSwap pools (default) or Pump.fun bonding curves (token mode). */
  venue?: Venue;
  params: StrategyParams;
  paramsHash?: string;
  /** Execution knobs (lib/sim ExecutionModel): latency (paper fills), slippage, fees, buySol override, sell retries. */
  execution?: Partial<ExecutionModel>;
  /** trades.db, opened by lib/store's openTradesDb (WAL). */
  db: Database;
  /** The engine's metrics (lib/metrics createMetrics); the trading series are added to its registry. */
  metrics?: Metrics;
  logger?: Logger;
  clock?: Clock;
  /** Where decision records go: a sink (the engine's JsonlAppender) or a file path. */
  decisions?: DecisionSink | string;
  circuitBreaker?: Partial<CircuitBreakerConfig>;
  sellPolicy?: Partial<SellPolicy>;
  bars?: Partial<BarOptions>;
  /** Live: JSON-RPC (a URL, or an adapter) and the keypair file (or a signer already loaded). */
  rpcUrl?: string;
  rpc?: TradingRpc;
  keypairPath?: string;
  signer?: TradingSigner;
  live?: Partial<LiveOptions>;
  /** Live: replaces the simulate/send/confirm step (the benchmark's sender records the hand-off time and, by design, sends nothing). */
  sender?: TxSender;
  /** Restored positions with no market data by then are sold (ms; default 120 000). */
  restoreGraceMs?: number;
  /** When the feed is quiet this long, stream time follows the wall clock (ms; default 3000; null: never). */
  quietFeedMs?: number | null;
}

export interface TradingStages {
  readonly mode: TradingMode;
  readonly actor: PositionActor;
  readonly tradeProcessor: TradeSignalProcessor;
  readonly sellProcessor: SellOrderProcessor;
  readonly risk: RiskGate;
  readonly persistence: PersistenceQueue;
  readonly executor: Executor;
  readonly metrics: TradingMetrics | null;
  /** The wallet address in live mode (the signer's public key), null in paper mode. */
  readonly wallet: string | null;
  /** Live: blockhash and fee configuration loaded, timers armed. Call once before trading. */
  start(): Promise<void>;
  /** Consumes verified trade signals until the channel ends. */
  consume(signals: AsyncIterable<TradeSignal>): Promise<number>;
  onSignal(signal: TradeSignal): void;
  /** The market feed: every telemetry event (migration, flow, tick) the watcher records. */
  onMarket(event: TelemetryEvent): void;
  /** The same feed as telemetry.jsonl lines (tee the engine's TelemetrySink here). */
  onTelemetryLine(line: string): void;
  advanceTime(chainTs: number): void;
  /** For the status file and /metrics: open_positions, observers (+ tracked pools). */
  status(): TradingStatus;
  /** Pools of re-hydrated positions still waiting for market data (the intake should follow them). */
  restoredPools(): { mint: string; pool: string }[];
  /** The operator's circuit-breaker reset (any tier, Emergency included). */
  resetCircuitBreaker(who?: string): BreakerEvent | null;
  /** Waits for in-flight executions (bounded), flushes trades.db and the decision records. */
  stop(timeoutMs?: number): Promise<{ unfinished: number }>;
}

export async function createTradingStages(o: TradingStagesOptions): Promise<TradingStages> {
  const clock = o.clock ?? systemClock;
  const nowMs = () => clock.nowMs();
  const monoMs = () => clock.monoMs();
  const exec: ExecutionModel = { ...DEFAULT_EXECUTION, ...o.execution };
  const metrics = o.metrics ? createTradingMetrics(o.metrics) : null;
  const paramsHash = o.paramsHash ?? "unknown";
  const logger = o.logger;
  const ownDecisions = typeof o.decisions === "string" ? new JsonlAppender(o.decisions, { onError: (err) => logger?.error({ error: err.message }, "decision record write failed; will retry") }) : null;
  const decisions: DecisionSink = ownDecisions ?? (o.decisions as DecisionSink | undefined) ?? { write() {} };
  const persistence = new PersistenceQueue(o.db, { logger, metrics: metrics ?? undefined });

  // Live parts first: a bad key file must stop the start before anything trades.
  let signer: TradingSigner | null = null;
  let rpc: TradingRpc | null = null;
  if (o.mode === "live") {
    signer = o.signer ?? (o.keypairPath ? TradingSigner.fromKeypairFile(o.keypairPath) : null);
    if (!signer) throw new Error("live trading needs a keypair (keypairPath or signer)");
    rpc = o.rpc ?? (o.rpcUrl ? createKitTradingRpc(o.rpcUrl) : null);
    if (!rpc) throw new Error("live trading needs an RPC endpoint (rpcUrl or rpc)");
  }

  const state: TradingState = loadTradingState(o.db);
  if (o.mode === "live" && o.live?.sendJournal) reconcileJournal(state, new SendJournal(o.live.sendJournal), logger);

  const risk = new RiskGate({ config: { ...DEFAULT_CIRCUIT_BREAKER, ...o.circuitBreaker }, restored: state.breaker, nowMs, persist: persistence, metrics: metrics ?? undefined, logger, decisions });
  metrics?.realisedPnl.set(state.realisedPnlLamports);

  let actorRef: PositionActor | null = null;
  let executor: Executor;
  let live: LiveExecutor | CurveLiveExecutor | null = null;
  let pools: PoolInfoCache | null = null;
  let curves: CurveInfoCache | null = null;
  if (o.mode === "live") {
    const liveDeps = {
      rpc: rpc!,
      signer: signer!,
      streamReserves: (pool: Address) => actorRef?.currentReserves(pool) ?? null,
      chainNow: () => {
        const s = actorRef?.streamTime ?? -Infinity;
        return s > 0 ? s : nowMs();
      },
      clock,
      options: { priorityFeeLamports: exec.priorityFeeLamports, ...o.live },
      sender: o.sender,
      metrics: metrics ?? undefined,
      logger,
      nowMs,
    };
    if (o.venue === "curve") executor = live = new CurveLiveExecutor({ ...liveDeps, curves: (curves = new CurveInfoCache(rpc!)) });
    else executor = live = new LiveExecutor({ ...liveDeps, pools: (pools = new PoolInfoCache(rpc)) });
  } else {
    executor = new PaperExecutor({
      currentReserves: (pool) => actorRef?.currentReserves(pool) ?? null,
      latencyMs: exec.latencyMs,
      fees: { baseFeeLamports: exec.baseFeeLamports, priorityFeeLamports: exec.priorityFeeLamports, tipLamports: exec.tipLamports },
      sleep: (ms) => new Promise((r) => clock.setTimeout(r, ms)),
      quotes: VENUE_QUOTES[o.venue ?? "pumpswap"],
    });
  }

  if (live) await reconcileOpenRows(state, live, persistence, risk, nowMs, logger);

  const procDeps = { executor, risk, command: (c: Parameters<PositionActor["command"]>[0]) => actorRef!.command(c), persist: persistence, mode: o.mode, paramsHash, nowMs, monoMs, metrics: metrics ?? undefined, logger };
  const tradeProcessor = new TradeSignalProcessor(procDeps);
  // Paper follows the simulator's rule (after maxSellRetries failures one unbounded sell); live
  // stays within the slippage cap and reports the sell failed (the actor re-sends it next second).
  const sellProcessor = new SellOrderProcessor(procDeps, { ...DEFAULT_SELL_POLICY, maxRetries: exec.maxSellRetries, unboundedLastResort: o.mode === "paper", ...o.sellPolicy });

  const actor = new PositionActor({
    params: o.params,
    paramsHash,
    entryMode: o.entryMode,
    tradingMode: o.mode,
    buyLamports: exec.buySol !== null && exec.buySol !== undefined ? Math.round(exec.buySol * 1e9) : null,
    slippageBps: exec.slippageBps,
    bars: o.bars,
    nowMs,
    buy: (intent) => tradeProcessor.submit(intent),
    sell: (order) => sellProcessor.submit(order),
    persist: persistence,
    decisions,
    risk,
    metrics: metrics ?? undefined,
    logger,
    restored: state,
    restoreGraceMs: o.restoreGraceMs,
    setTimer: (fn, ms) => clock.setTimeout(fn, ms),
    clearTimer: (h) => clock.clearTimeout(h as never),
  });
  actorRef = actor;

  const timers: unknown[] = [];
  let lastFeedMono = monoMs();
  let lastFeedChain = -Infinity;
  let stopped = false;
  const every = (ms: number, fn: () => void) => {
    const loop = () => {
      if (stopped) return;
      try {
        fn();
      } catch (err) {
        logger?.error({ error: (err as Error).message }, "trading timer failed");
      }
      timers.push(clock.setTimeout(loop, ms));
    };
    timers.push(clock.setTimeout(loop, ms));
  };

  // Live: pool info from the migration itself when it names the token program, else read now in
  // the background so the buy does not wait for it.
  const prewarm = (ev: MigrationSignalEvent) => {
    if (curves) {
      if (!curves.fromLaunch(ev)) void curves.load(ev.pool, { mint: ev.mint, fees: feesOf(ev), baseDecimals: ev.base_decimals });
      return;
    }
    if (!pools || pools.fromMigration(ev)) return;
    void pools.load(ev.pool, { fees: feesOf(ev), baseDecimals: ev.base_decimals });
  };
  const onSignal = (s: TradeSignal) => {
    const event = signalEvent(s.event);
    prewarm(event);
    actor.onSignal({ event, checksSkipped: s.checksSkipped });
  };
  const onMarket = (e: TelemetryEvent) => {
    // Off the feed's hot path: the signal (which follows) prewarms synchronously if it must.
    if (e.type === "migration") setImmediate(() => prewarm(e));
    lastFeedMono = monoMs();
    if (e.ts > lastFeedChain) lastFeedChain = e.ts;
    actor.onMarket(e);
  };

  const stages: TradingStages = {
    mode: o.mode,
    actor,
    tradeProcessor,
    sellProcessor,
    risk,
    persistence,
    executor,
    metrics,
    wallet: signer?.address ?? null,
    async start() {
      if (live) await live.start();
      every(5_000, () => risk.tick());
      every(1_000, () => actor.publishMetrics());
      const quiet = o.quietFeedMs === undefined ? 3_000 : o.quietFeedMs;
      if (quiet !== null) {
        every(Math.max(100, Math.floor(quiet / 2)), () => {
          const idle = monoMs() - lastFeedMono;
          if (idle >= quiet && lastFeedChain > 0) actor.advanceTime(lastFeedChain + idle);
        });
      }
      logger?.info({ mode: o.mode, entryMode: o.entryMode, wallet: signer?.address ?? null, restored: state.open.length, tier: risk.tier }, "trading stages started");
    },
    async consume(signals) {
      let n = 0;
      for await (const s of signals) {
        n++;
        onSignal(s);
      }
      return n;
    },
    onSignal,
    onMarket,
    onTelemetryLine(line) {
      let ev: TelemetryEvent;
      try {
        ev = JSON.parse(line) as TelemetryEvent;
      } catch {
        return;
      }
      if (ev && (ev.type === "migration" || ev.type === "flow" || ev.type === "tick")) onMarket(ev);
    },
    advanceTime: (ts) => actor.advanceTime(ts),
    status: () => actor.status(),
    restoredPools: () => actor.restoredPools(),
    resetCircuitBreaker: (who = "operator") => risk.manualReset(who),
    async stop(timeoutMs = 10_000) {
      stopped = true;
      for (const t of timers) clock.clearTimeout(t as never);
      actor.stop();
      actor.publishMetrics();
      const end = monoMs() + timeoutMs;
      while (tradeProcessor.busy + sellProcessor.busy > 0 && monoMs() < end) await new Promise((r) => setTimeout(r, 10));
      const unfinished = tradeProcessor.busy + sellProcessor.busy;
      if (live) live.stop();
      persistence.close();
      ownDecisions?.close();
      if (unfinished) logger?.warn({ unfinished }, "trading stopped with executions in flight");
      return { unfinished };
    },
  };
  return stages;
}

/**
 * Live restart: rows left `opening` or `closing` with a signature are settled against the chain
 * before the actor sees them — a landed buy becomes `open` with its real fill, a landed sell closes
 * the trade, a transaction that failed on chain fails the step; an unknown signature is left for
 * the actor (a replayed entry reconciles again; otherwise the row is failed or the sell re-sent).
 */
async function reconcileOpenRows(state: TradingState, executor: LiveExecutor | CurveLiveExecutor, persistence: PersistenceQueue, risk: RiskGate, nowMs: () => number, logger?: Logger): Promise<void> {
  for (const row of [...state.open]) {
    const rec = parseEntryRecord(row);
    const decimals = rec?.base_decimals ?? 6;
    if (row.status === "opening" && row.entry_sig) {
      const res = await executor.reconcile(row.entry_sig, "buy", row.pool as never, decimals, row.mint).catch(() => null);
      if (!res) continue;
      if (res.ok) {
        const f = res.fill;
        const entry = rec ? { ...rec, rent_lamports: f.rentLamports, closeable: f.closeable ?? false } : null;
        Object.assign(row, { status: "open", entry_ts: f.landedTs, entry_slot: f.slot, entry_sig: f.signature, entry_price_sol: f.lamports / 1e9 / (f.tokens / 10 ** decimals), amount_in_lamports: f.lamports, tokens_raw: f.tokens, fees_lamports: row.fees_lamports + f.feesLamports, entry_reason: entry ? JSON.stringify(entry) : row.entry_reason });
        persistence.push({ op: "trade_update", at: nowMs(), positionId: row.position_id, fields: { status: "open", entry_ts: row.entry_ts, entry_slot: row.entry_slot, entry_sig: row.entry_sig, entry_price_sol: row.entry_price_sol, amount_in_lamports: row.amount_in_lamports, tokens_raw: row.tokens_raw, fees_lamports: row.fees_lamports, entry_reason: row.entry_reason } });
        logger?.warn({ positionId: row.position_id, signature: row.entry_sig }, "buy from before the restart had landed: position recovered as open");
      } else if (res.failure.landed) {
        row.status = "failed";
        persistence.push({ op: "trade_update", at: nowMs(), positionId: row.position_id, fields: { status: "failed", exit_reason: `buy_${res.failure.kind}`, fees_lamports: row.fees_lamports + res.failure.feesLamports } });
        state.open.splice(state.open.indexOf(row), 1);
      }
    } else if (row.status === "closing" && row.exit_sig && row.amount_in_lamports !== null) {
      const res = await executor.reconcile(row.exit_sig, "sell", row.pool as never, decimals, row.mint).catch(() => null);
      if (!res || !res.ok) continue;
      const f = res.fill;
      const fees = row.fees_lamports + f.feesLamports;
      const pnl = f.lamports - row.amount_in_lamports - fees;
      persistence.push({ op: "trade_closed", at: nowMs(), positionId: row.position_id, day: utcDay(f.landedTs), fields: { exit_ts: f.landedTs, exit_sig: f.signature, exit_price_sol: f.tokens > 0 ? f.lamports / 1e9 / (f.tokens / 10 ** decimals) : null, amount_out_lamports: f.lamports, amount_in_lamports: row.amount_in_lamports, fees_lamports: fees, pnl_lamports: pnl } });
      risk.recordTradePnl(pnl);
      row.status = "closed";
      state.open.splice(state.open.indexOf(row), 1);
      logger?.warn({ positionId: row.position_id, signature: row.exit_sig, pnl }, "sell from before the restart had landed: trade closed");
    }
  }
  persistence.flush();
}

/**
 * Live restart: signatures the journal recorded for positions trades.db still shows as opening
 * or closing (a crash between the send and the commit) are written back into the rows, so the
 * actor's recovery reconciles them with the chain instead of trading again.
 */
function reconcileJournal(state: TradingState, journal: SendJournal, logger?: Logger): void {
  const sent = journal.read();
  for (const row of state.open) {
    const j = sent.get(row.position_id);
    if (!j) continue;
    if (row.status === "opening" && !row.entry_sig && j.buy) row.entry_sig = j.buy;
    if (row.status === "closing" && !row.exit_sig && j.sell) row.exit_sig = j.sell;
  }
  if (sent.size) logger?.info({ journal: journal.path, entries: sent.size }, "send journal read for recovery");
}
