/**
 * Live execution (`--live`): the PumpSwap buy and sell built with @solana/kit (./txbuild.ts),
 * signed by the one signer (./signer.ts), simulate-gated, sent, confirmed.
 *
 * Buy path (synchronous up to the sender): pool info from the cache (the migration's own fields
 * when the intake supplied the token program, else one RPC read), a quote from the freshest
 * reserves the stream has (the actor's latest event for the pool), the bound — min_base_amount_out
 * for buy_exact_quote_in, or max_quote_amount_in = quote × (1 + slippage) for buy —, the
 * instructions, a cached blockhash (refreshed in the background), the signature. Then the
 * sender: simulateTransaction (a failed simulation is never sent: it is reported with its program
 * error), the signature appended to the send journal (so a crash between send and the trades.db
 * commit cannot lose it), sendTransaction without preflight, getSignatureStatuses until confirmed
 * or `confirmTimeoutMs`. The realised fill is read back from the transaction (Buy/SellEvent in its
 * logs) and the token account.
 *
 * Errors are classified for the sell processor: ExceededSlippage (6004) and
 * BuySlippageBelowMinBaseAmountOut (6040) → slippage; ConstraintSeeds (2006, Anchor's check of
 * the coin-creator vault PDA against Pool.coin_creator) → creator_vault; a custom 1 → insufficient
 * funds.
 */
import type { Address, Instruction } from "@solana/kit";
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { maxQuoteWithSlippage, minQuoteWithSlippage, quoteBuyExactQuote, quoteSell, type PoolReserves } from "../amm/index.ts";
import { eventsFromLogs } from "../chain/events.ts";
import { pickBuybackFeeRecipient, pickProtocolFeeRecipient } from "../chain/pumpswap.ts";
import type { Clock } from "../ingest/clock.ts";
import type { Logger } from "../log/index.ts";
import { createRng, hashSeed } from "../util/rng.ts";
import { failure, type BuyHooks, type Executor, type SellAttempt } from "./executor.ts";
import type { TradingMetrics } from "./metrics.ts";
import { ataSync } from "../chain/pda_sync.ts";
import { tokenAccountAmount, type PoolInfoCache } from "./pool_info.ts";
import { customErrorCode, type TradingRpc } from "./rpc.ts";
import type { TradingSigner } from "./signer.ts";
import { buildBuyInstructions, buildSellInstructions, signTransaction, type FeeRecipients, type PoolInfo, type SignedTransaction, type Tip } from "./txbuild.ts";
import type { BuyIntent, ExecFailure, ExecResult, FailureKind, Fill, SellOrder } from "./types.ts";

export const PROGRAM_ERRORS = { ExceededSlippage: 6004, BuySlippageBelowMinBaseAmountOut: 6040, ConstraintSeeds: 2006 } as const;

export function classifyError(err: unknown, logs: readonly string[] = []): { kind: FailureKind; code: number | null } {
  const code = customErrorCode(err);
  if (code === PROGRAM_ERRORS.ExceededSlippage || code === PROGRAM_ERRORS.BuySlippageBelowMinBaseAmountOut) return { kind: "slippage", code };
  if (code === PROGRAM_ERRORS.ConstraintSeeds || logs.some((l) => /coin_creator_vault/.test(l) && /ConstraintSeeds|seeds constraint/i.test(l))) return { kind: "creator_vault", code };
  if (code === 1) return { kind: "insufficient_funds", code };
  return { kind: "other", code };
}

export interface LiveOptions {
  computeUnits: { buy: number; sell: number };
  /** Priority fee per transaction, lamports (→ micro-lamports per unit). */
  priorityFeeLamports: number;
  tip: Tip | null;
  confirmTimeoutMs: number;
  confirmPollMs: number;
  buyInstruction: "buy_exact_quote_in" | "buy";
  blockhashRefreshMs: number;
  /** Append-only file of signatures about to be sent (crash recovery); null: none. */
  sendJournal: string | null;
}

export const DEFAULT_LIVE_OPTIONS: LiveOptions = {
  computeUnits: { buy: 250_000, sell: 200_000 },
  priorityFeeLamports: 100_000,
  tip: null,
  confirmTimeoutMs: 45_000,
  confirmPollMs: 50,
  buyInstruction: "buy_exact_quote_in",
  blockhashRefreshMs: 2_000,
  sendJournal: null,
};

export type SubmitOutcome =
  | { sent: true; signature: string; slot: number; err: unknown; logs: string[] }
  | { sent: false; failure: ExecFailure };

/** Takes a signed transaction the rest of the way (simulate-gated send and confirmation). */
export interface TxSender {
  submit(tx: SignedTransaction, ctx: { side: "buy" | "sell"; positionId: string }): Promise<SubmitOutcome>;
}

/** Appends {position, side, signature} lines before each send (one write, no fsync: survives a killed process). */
export class SendJournal {
  constructor(readonly path: string) {
    mkdirSync(dirname(path) || ".", { recursive: true });
  }
  record(positionId: string, side: "buy" | "sell", signature: string, ts: number): void {
    appendFileSync(this.path, `{"position_id":${JSON.stringify(positionId)},"side":"${side}","signature":"${signature}","ts":${ts}}\n`);
  }
  /** Latest signature per position and side. */
  read(): Map<string, { buy?: string; sell?: string }> {
    const out = new Map<string, { buy?: string; sell?: string }>();
    if (!existsSync(this.path)) return out;
    for (const line of readFileSync(this.path, "utf8").split("\n")) {
      if (!line) continue;
      try {
        const r = JSON.parse(line) as { position_id: string; side: "buy" | "sell"; signature: string };
        const e = out.get(r.position_id) ?? {};
        e[r.side] = r.signature;
        out.set(r.position_id, e);
      } catch {
        // a torn last line from a crash: ignore
      }
    }
    return out;
  }
}

/** Polls getSignatureStatuses until the signature has a status or the timeout passes. */
export async function confirmSignature(rpc: TradingRpc, signature: string, o: { timeoutMs: number; pollMs: number; clock: Clock }): Promise<{ slot: number; err: unknown } | null> {
  const end = o.clock.monoMs() + o.timeoutMs;
  for (;;) {
    const [st] = await rpc.getSignatureStatuses([signature]);
    if (st && (st.err != null || st.confirmationStatus === "confirmed" || st.confirmationStatus === "finalized")) return { slot: st.slot, err: st.err };
    if (o.clock.monoMs() >= end) return null;
    await new Promise<void>((r) => o.clock.setTimeout(r, o.pollMs));
  }
}

/** The production sender: simulate, journal, send, confirm. */
export class RpcSender implements TxSender {
  constructor(
    private readonly rpc: TradingRpc,
    private readonly o: {
      clock: Clock;
      confirmTimeoutMs: number;
      confirmPollMs: number;
      journal: SendJournal | null;
      metrics?: TradingMetrics;
      nowMs: () => number;
      /** The program's errors (default: PumpSwap's). */
      classify?: (err: unknown, logs: readonly string[]) => { kind: FailureKind; code: number | null };
    },
  ) {}

  async submit(tx: SignedTransaction, ctx: { side: "buy" | "sell"; positionId: string }): Promise<SubmitOutcome> {
    const sim = await this.rpc.simulateTransaction(tx.base64);
    if (sim.err != null) {
      this.o.metrics?.simulations.inc({ side: ctx.side, result: "failed" });
      const c = (this.o.classify ?? classifyError)(sim.err, sim.logs);
      return { sent: false, failure: { kind: c.kind === "other" ? "simulation" : c.kind, code: c.code, message: `simulation failed: ${JSON.stringify(sim.err)}`, landed: false, feesLamports: 0, signature: null } };
    }
    this.o.metrics?.simulations.inc({ side: ctx.side, result: "ok" });
    this.o.journal?.record(ctx.positionId, ctx.side, tx.signature, this.o.nowMs());
    let signature: string;
    try {
      signature = await this.rpc.sendTransaction(tx.base64);
    } catch (err) {
      return { sent: false, failure: { kind: "send", code: null, message: `send failed: ${(err as Error).message}`, landed: false, feesLamports: 0, signature: tx.signature } };
    }
    const st = await confirmSignature(this.rpc, signature, { timeoutMs: this.o.confirmTimeoutMs, pollMs: this.o.confirmPollMs, clock: this.o.clock });
    if (!st) {
      this.o.metrics?.confirmations.inc({ side: ctx.side, result: "timeout" });
      return { sent: false, failure: { kind: "timeout", code: null, message: `not confirmed within ${this.o.confirmTimeoutMs} ms`, landed: false, feesLamports: 0, signature } };
    }
    this.o.metrics?.confirmations.inc({ side: ctx.side, result: st.err == null ? "confirmed" : "failed" });
    return { sent: true, signature, slot: st.slot, err: st.err, logs: [] };
  }
}

/** The latest blockhash, refreshed in the background so the buy path never waits for it. */
export class BlockhashCache {
  private current: { blockhash: string; fetchedMono: number } | null = null;
  private timer: unknown = null;
  private stopped = false;

  constructor(
    private readonly rpc: TradingRpc,
    private readonly clock: Clock,
    private readonly refreshMs: number,
    private readonly logger?: Logger,
  ) {}

  async start(): Promise<void> {
    await this.refresh();
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimeout(() => {
      void this.refresh()
        .catch((err) => this.logger?.warn({ error: (err as Error).message }, "blockhash refresh failed"))
        .finally(() => this.schedule());
    }, this.refreshMs);
    (this.timer as { unref?: () => void })?.unref?.();
  }

  async refresh(): Promise<string> {
    const b = await this.rpc.getLatestBlockhash();
    this.current = { blockhash: b.blockhash, fetchedMono: this.clock.monoMs() };
    return b.blockhash;
  }

  /** The cached blockhash; fetched now only when there is none or it is older than 60 s. */
  async get(): Promise<string> {
    if (this.current && this.clock.monoMs() - this.current.fetchedMono < 60_000) return this.current.blockhash;
    return this.refresh();
  }

  peek(): string | null {
    return this.current && this.clock.monoMs() - this.current.fetchedMono < 60_000 ? this.current.blockhash : null;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.clock.clearTimeout(this.timer as never);
  }
}

/** What signs and sends for an executor: the one signer, the cached blockhash, the sender. */
export interface SendPath {
  signer: TradingSigner;
  blockhash: BlockhashCache;
  sender: TxSender;
}

/** Signs with the cached blockhash and submits; no await before the sender when a blockhash is cached. */
export async function signAndSubmit(p: SendPath, ixs: readonly Instruction[], side: "buy" | "sell", positionId: string, hooks: BuyHooks): Promise<SubmitOutcome> {
  const blockhash = p.blockhash.peek() ?? (await p.blockhash.get());
  const tx = signTransaction(p.signer, ixs, blockhash);
  hooks.onSigned?.(tx.signature);
  return p.sender.submit(tx, { side, positionId });
}

/**
 * A submission read back from the chain: its logs and the network fee it paid, or the failure it
 * ended in (not sent, or landed with an error: classified by the program's errors).
 */
export async function readLanded(
  rpc: TradingRpc,
  out: SubmitOutcome,
  fees: { priorityFeeLamports: number; tipLamports: number },
  classify: (err: unknown, logs: readonly string[]) => { kind: FailureKind; code: number | null },
): Promise<{ ok: false; result: ExecResult } | { ok: true; signature: string; slot: number; logs: string[]; feeLamports: number }> {
  if (!out.sent) return { ok: false, result: { ok: false, failure: out.failure } };
  const tx = await rpc.getTransaction(out.signature).catch(() => null);
  const logs = tx?.logs ?? out.logs;
  const err = out.err ?? tx?.err;
  const feeLamports = (tx?.fee ?? 5_000 + fees.priorityFeeLamports) + (err == null ? fees.tipLamports : 0);
  if (err != null) {
    const c = classify(err, logs);
    return { ok: false, result: { ok: false, failure: { kind: c.kind, code: c.code, message: `transaction failed on chain: ${JSON.stringify(err)}`, landed: true, feesLamports: feeLamports, signature: out.signature } } };
  }
  return { ok: true, signature: out.signature, slot: out.slot, logs, feeLamports };
}

export interface LiveExecutorDeps {
  rpc: TradingRpc;
  signer: TradingSigner;
  pools: PoolInfoCache;
  /** The pool's freshest reserves from the stream (the actor's), or null. */
  streamReserves: (pool: Address) => PoolReserves | null;
  /** Chain-time estimate now (the actor's stream time), for fill seconds. */
  chainNow: () => number;
  clock: Clock;
  options?: Partial<LiveOptions>;
  sender?: TxSender;
  metrics?: TradingMetrics;
  logger?: Logger;
  nowMs: () => number;
}

export class LiveExecutor implements Executor {
  readonly mode = "live" as const;
  readonly options: LiveOptions;
  readonly blockhash: BlockhashCache;
  readonly sender: TxSender;
  readonly journal: SendJournal | null;
  private readonly sendPath: SendPath;

  constructor(private readonly d: LiveExecutorDeps) {
    this.options = { ...DEFAULT_LIVE_OPTIONS, ...d.options, computeUnits: { ...DEFAULT_LIVE_OPTIONS.computeUnits, ...d.options?.computeUnits } };
    this.blockhash = new BlockhashCache(d.rpc, d.clock, this.options.blockhashRefreshMs, d.logger);
    this.journal = this.options.sendJournal ? new SendJournal(this.options.sendJournal) : null;
    this.sender = d.sender ?? new RpcSender(d.rpc, { clock: d.clock, confirmTimeoutMs: this.options.confirmTimeoutMs, confirmPollMs: this.options.confirmPollMs, journal: this.journal, metrics: d.metrics, nowMs: d.nowMs });
    this.sendPath = { signer: d.signer, blockhash: this.blockhash, sender: this.sender };
  }

  get address(): Address {
    return this.d.signer.address;
  }

  async start(): Promise<void> {
    await Promise.all([this.blockhash.start(), this.d.pools.loadGlobalConfig()]);
    if (!this.d.pools.globalConfig) throw new Error("PumpSwap GlobalConfig not found on the RPC endpoint");
  }

  stop(): void {
    this.blockhash.stop();
  }

  private recipients(positionId: string, p: PoolInfo): FeeRecipients {
    const g = this.d.pools.globalConfig!;
    const rng = createRng(hashSeed(7, positionId));
    return { protocolFeeRecipient: pickProtocolFeeRecipient(g, p.isMayhemMode, () => rng.next()), buybackFeeRecipient: pickBuybackFeeRecipient(g, () => rng.next()) };
  }

  private async poolInfo(pool: Address, hint: { fees: BuyIntent["fees"]; baseDecimals: number }): Promise<PoolInfo | null> {
    return this.d.pools.get(pool) ?? (await this.d.pools.load(pool, hint));
  }

  private budget(units: number) {
    return { units, microLamportsPerUnit: Math.floor((this.options.priorityFeeLamports * 1_000_000) / units) };
  }

  /**
   * Synchronous from the call to the sender's hand-off when the pool info and a blockhash are
   * cached (the usual case: no await before it), so the caller's remaining work runs after the
   * transaction is on its way.
   */
  async buy(intent: BuyIntent, spendLamports: number, hooks: BuyHooks = {}): Promise<ExecResult> {
    if (intent.priorSignature) {
      const prior = await this.reconcile(intent.priorSignature, "buy", intent.pool, intent.baseDecimals);
      if (prior) return prior;
    }
    const info = this.d.pools.get(intent.pool) ?? (await this.poolInfo(intent.pool, { fees: intent.fees, baseDecimals: intent.baseDecimals }));
    if (!info) return failure("no_pool", `pool ${intent.pool} not found`);
    const reserves = this.d.streamReserves(intent.pool) ?? intent.reserves;
    const fees = info.fees;
    const quote = quoteBuyExactQuote(reserves, spendLamports, fees);
    if (!quote) return failure("no_pool", "no usable reserves to quote the buy");
    const order =
      this.options.buyInstruction === "buy"
        ? { kind: "exact_base_out" as const, baseOut: quote.baseOut, maxQuoteIn: Math.min(maxQuoteWithSlippage(quote.totalQuoteIn, intent.slippageBps), Number.MAX_SAFE_INTEGER) }
        : { kind: "exact_quote_in" as const, spendLamports, minBaseOut: Math.floor((quote.baseOut * (10_000 - intent.slippageBps)) / 10_000) };
    const ixs = buildBuyInstructions({ user: this.address, pool: info, recipients: this.recipients(intent.positionId, info), order, budget: this.budget(this.options.computeUnits.buy), tip: this.options.tip });
    return this.settle(await signAndSubmit(this.sendPath, ixs, "buy", intent.positionId, hooks), "buy", info);
  }

  async sell(order: SellOrder, a: SellAttempt, hooks: BuyHooks = {}): Promise<ExecResult> {
    if (a.attempt === 1 && order.priorSignature) {
      const prior = await this.reconcile(order.priorSignature, "sell", order.pool, order.baseDecimals);
      if (prior && prior.ok) return prior;
    }
    const info = await this.poolInfo(order.pool, { fees: order.fees, baseDecimals: order.baseDecimals });
    if (!info) return failure("no_pool", `pool ${order.pool} not found`);
    const reserves = a.attempt === 1 ? (this.d.streamReserves(order.pool) ?? a.reserves) : a.reserves;
    const quote = quoteSell(reserves, order.tokens, info.fees);
    const minOut = a.unbounded || !quote ? 0 : minQuoteWithSlippage(quote.netQuoteOut, a.slippageBps);
    const ixs = buildSellInstructions({ user: this.address, pool: info, recipients: this.recipients(order.positionId, info), baseAmountIn: order.tokens, minQuoteOut: minOut, budget: this.budget(this.options.computeUnits.sell), closeBaseAccount: order.closeBaseAccount, tip: this.options.tip });
    return this.settle(await signAndSubmit(this.sendPath, ixs, "sell", order.positionId, hooks), "sell", info);
  }

  /** A landed (or failed) submission → the fill, read back from the chain. */
  private async settle(out: SubmitOutcome, side: "buy" | "sell", info: PoolInfo): Promise<ExecResult> {
    const landed = await readLanded(this.d.rpc, out, { priorityFeeLamports: this.options.priorityFeeLamports, tipLamports: this.options.tip?.lamports ?? 0 }, classifyError);
    if (!landed.ok) return landed.result;
    const landedTs = this.d.chainNow();
    const { logs, feeLamports: fee } = landed;
    const events = eventsFromLogs(logs).events;
    if (side === "buy") {
      const ev = events.find((e) => e.name === "BuyEvent");
      if (!ev || ev.name !== "BuyEvent") return { ok: false, failure: { kind: "other", code: null, message: "buy landed but its BuyEvent is missing", landed: true, feesLamports: fee, signature: landed.signature } };
      const b = ev.event;
      const ata = ataSync(this.address, info.mint, info.baseTokenProgram);
      const [acc] = await this.d.rpc.getMultipleAccounts([ata]).catch(() => [null]);
      const balance = acc ? tokenAccountAmount(acc.data) : b.userBaseTokenReserves + b.baseAmountOut;
      const fill: Fill = {
        signature: landed.signature,
        slot: landed.slot,
        landedTs,
        tokens: balance - b.userBaseTokenReserves,
        lamports: b.userQuoteAmountIn,
        feesLamports: fee,
        rentLamports: b.userBaseTokenReserves === 0 && acc ? acc.lamports : 0,
        closeable: b.userBaseTokenReserves === 0,
      };
      return { ok: true, fill };
    }
    const ev = events.find((e) => e.name === "SellEvent");
    if (!ev || ev.name !== "SellEvent") return { ok: false, failure: { kind: "other", code: null, message: "sell landed but its SellEvent is missing", landed: true, feesLamports: fee, signature: landed.signature } };
    const s = ev.event;
    return { ok: true, fill: { signature: landed.signature, slot: landed.slot, landedTs, tokens: s.baseAmountIn, lamports: s.userQuoteAmountOut, feesLamports: fee, rentLamports: 0 } };
  }

  /** A signature from before a restart: its fill when it landed, its failure when it failed, null when unknown. */
  async reconcile(signature: string, side: "buy" | "sell", pool: Address, baseDecimals: number): Promise<ExecResult | null> {
    const [st] = await this.d.rpc.getSignatureStatuses([signature]).catch(() => [null]);
    if (!st) return null;
    const info = await this.poolInfo(pool, { fees: { lpFeeBps: 0, protocolFeeBps: 0, creatorFeeBps: 0 }, baseDecimals });
    if (!info) return null;
    return this.settle({ sent: true, signature, slot: st.slot, err: st.err, logs: [] }, side, info);
  }

  async freshReserves(pool: Address): Promise<PoolReserves | null> {
    return (await this.d.pools.reserves(pool).catch(() => null)) ?? this.d.streamReserves(pool);
  }

  async refreshPool(pool: Address): Promise<boolean> {
    return (await this.d.pools.refresh(pool)) !== null;
  }
}
