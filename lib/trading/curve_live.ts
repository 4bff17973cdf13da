/**
 * Live trading on a Pump.fun bonding curve (`ferrix token --auto-trade --live`): what a curve buy
 * or sell needs to know, its instructions, and how its fill is read back.
 *
 *   buy:  compute-unit limit + price · create the user's ATA idempotently with the mint's own
 *         token program (Token-2022 aware) · buy_exact_sol_in (spend, min_tokens_out) — or buy
 *         (amount, max_sol_cost) — with the SDK's remaining accounts · [tip]
 *   sell: compute-unit limit + price · sell (amount, min_sol_output) · [CloseAccount on the
 *         emptied ATA, returning its rent] · [tip]
 * Curves take native SOL: no WSOL account is wrapped or closed. The creator vault is the PDA of
 * BondingCurve.creator (a set_creator changes it: the sell processor's creator-vault retry
 * re-reads the curve). Quotes are lib/amm/curve.ts's, from the curve's virtual reserves.
 */
import type { Address, Instruction } from "@solana/kit";
import { budgetIxs, closeAccountIx, createAtaIdempotentIx } from "../chain/instructions.ts";
import { maxQuoteWithSlippage, minBaseWithSlippage, minQuoteWithSlippage, type PoolFees, type PoolReserves } from "../amm/index.ts";
import { DEFAULT_ADDRESS, PUMPFUN_GLOBAL_ADDRESS, TOKEN_2022_PROGRAM_ADDRESS, TOKEN_PROGRAM_ADDRESS } from "../chain/constants.ts";
import { eventsFromLogs, type ExtractedEvent } from "../chain/events.ts";
import { ataSync, bondingCurveSync } from "../chain/pda_sync.ts";
import {
  buildCurveBuyExactSolInInstruction,
  buildCurveBuyInstruction,
  buildCurveSellInstruction,
  decodeBondingCurve,
  decodePumpFunGlobal,
  pickCurveBuybackFeeRecipient,
  pickCurveFeeRecipient,
  PUMPFUN_ERRORS,
  type PumpFunGlobalAccount,
} from "../chain/pumpfun.ts";
import type { Clock } from "../ingest/clock.ts";
import type { Logger } from "../log/index.ts";
import { createRng, hashSeed } from "../util/rng.ts";
import { failure, type BuyHooks, type Executor, type SellAttempt } from "./executor.ts";
import { BlockhashCache, classifyError, DEFAULT_LIVE_OPTIONS, readLanded, RpcSender, SendJournal, signAndSubmit, type LiveOptions, type SendPath, type SubmitOutcome, type TxSender } from "./live.ts";
import type { TradingMetrics } from "./metrics.ts";
import { tokenAccountAmount } from "./pool_info.ts";
import { customErrorCode, type TradingRpc } from "./rpc.ts";
import type { TradingSigner } from "./signer.ts";
import { tipIxs, type ComputeBudget, type Tip } from "./txbuild.ts";
import type { BuyIntent, ExecResult, FailureKind, Fill, MigrationSignalEvent, SellOrder } from "./types.ts";
import { VENUE_QUOTES } from "./venue.ts";

/** Everything about a curve a transaction needs. */
export interface CurveInfo {
  /** The BondingCurve account (the actor's "pool"). */
  curve: Address;
  mint: Address;
  tokenProgram: Address;
  /** BondingCurve.creator: its creator vault takes the creator fee. */
  creator: Address;
  complete: boolean;
  isMayhemMode: boolean;
  isCashbackCoin: boolean;
  fees: PoolFees;
  baseDecimals: number;
}

export interface CurveFeeRecipients {
  feeRecipient: Address;
  buybackFeeRecipient: Address;
}

export function curveFeeRecipients(global: PumpFunGlobalAccount, info: CurveInfo, random: () => number): CurveFeeRecipients {
  return { feeRecipient: pickCurveFeeRecipient(global, info.isMayhemMode, random), buybackFeeRecipient: pickCurveBuybackFeeRecipient(global, random) };
}

/** Curve facts by curve address: from the launch event at once, else one RPC read. */
export class CurveInfoCache {
  private readonly curves = new Map<string, CurveInfo>();
  private readonly pending = new Map<string, Promise<CurveInfo | null>>();
  global: PumpFunGlobalAccount | null = null;

  constructor(
    private readonly rpc: TradingRpc,
    private readonly limit = 20_000,
  ) {}

  async loadGlobal(): Promise<PumpFunGlobalAccount | null> {
    const [g] = await this.rpc.getMultipleAccounts([PUMPFUN_GLOBAL_ADDRESS]);
    if (g) this.global = decodePumpFunGlobal(g.data);
    return this.global;
  }

  get(curve: string): CurveInfo | undefined {
    return this.curves.get(curve);
  }

  private set(info: CurveInfo): void {
    if (this.curves.size >= this.limit && !this.curves.has(info.curve)) this.curves.delete(this.curves.keys().next().value!);
    this.curves.set(info.curve, info);
  }

  /** Synchronously from the launch (CreateEvent names the token program and the creator). */
  fromLaunch(ev: MigrationSignalEvent): CurveInfo | null {
    const have = this.curves.get(ev.pool);
    if (have) return have;
    if (!ev.base_token_program) return null;
    const info: CurveInfo = {
      curve: ev.pool as Address,
      mint: ev.mint as Address,
      tokenProgram: ev.base_token_program as Address,
      creator: ev.creator as Address,
      complete: false,
      isMayhemMode: false,
      isCashbackCoin: false,
      fees: { lpFeeBps: 0, protocolFeeBps: ev.protocol_fee_bps, creatorFeeBps: ev.creator_fee_bps },
      baseDecimals: ev.base_decimals,
    };
    this.set(info);
    return info;
  }

  load(curve: string, hint?: { mint?: string; fees?: PoolFees; baseDecimals?: number }): Promise<CurveInfo | null> {
    const have = this.curves.get(curve);
    return have ? Promise.resolve(have) : this.fetch(curve, hint);
  }

  /** Re-reads the curve (creator, complete); keeps fees and decimals. */
  async refresh(curve: string): Promise<CurveInfo | null> {
    const prev = this.curves.get(curve);
    this.curves.delete(curve);
    const info = await this.fetch(curve, prev ? { mint: prev.mint, fees: prev.fees, baseDecimals: prev.baseDecimals } : undefined);
    if (!info && prev) this.set(prev);
    return info;
  }

  private fetch(curve: string, hint?: { mint?: string; fees?: PoolFees; baseDecimals?: number }): Promise<CurveInfo | null> {
    const inflight = this.pending.get(curve);
    if (inflight) return inflight;
    const p = (async () => {
      // The curve account does not name its mint; the launch (or the position's row) does.
      const mint = hint?.mint as Address | undefined;
      if (!mint) return null;
      const [curveAcc, mintAcc] = await this.rpc.getMultipleAccounts([curve, mint]);
      if (!curveAcc || !mintAcc) return null;
      const c = decodeBondingCurve(curveAcc.data);
      if (bondingCurveSync(mint) !== curve) return null;
      const info: CurveInfo = {
        curve: curve as Address,
        mint,
        tokenProgram: (mintAcc.owner === TOKEN_2022_PROGRAM_ADDRESS ? TOKEN_2022_PROGRAM_ADDRESS : TOKEN_PROGRAM_ADDRESS) as Address,
        creator: c.creator,
        complete: c.complete,
        isMayhemMode: c.isMayhemMode,
        isCashbackCoin: c.isCashbackCoin,
        fees: hint?.fees ?? this.globalFees(c.creator),
        baseDecimals: mintAcc.data.length > 44 ? mintAcc.data[44] : (hint?.baseDecimals ?? 6),
      };
      this.set(info);
      return info;
    })()
      .catch(() => null)
      .finally(() => this.pending.delete(curve));
    this.pending.set(curve, p);
    return p;
  }

  private globalFees(creator: Address): PoolFees {
    const g = this.global;
    return { lpFeeBps: 0, protocolFeeBps: g?.feeBasisPoints ?? 95, creatorFeeBps: creator === DEFAULT_ADDRESS ? 0 : (g?.creatorFeeBasisPoints ?? 30) };
  }

  /** The curve's virtual reserves read now (base = tokens, quote = lamports). */
  async reserves(curve: string): Promise<PoolReserves | null> {
    const [acc] = await this.rpc.getMultipleAccounts([curve]);
    if (!acc) return null;
    const c = decodeBondingCurve(acc.data);
    const info = this.curves.get(curve);
    if (info) info.complete = c.complete;
    return { baseReserve: c.virtualTokenReserves, quoteReserve: c.virtualQuoteReserves };
  }
}

export type CurveBuyOrder = { kind: "exact_sol_in"; spendLamports: number; minTokensOut: number } | { kind: "exact_tokens_out"; tokens: number; maxSolCost: number };

export function buildCurveBuyInstructions(input: { user: Address; curve: CurveInfo; recipients: CurveFeeRecipients; order: CurveBuyOrder; budget: ComputeBudget; tip?: Tip | null }): Instruction[] {
  const { user, curve: c, order } = input;
  const accounts = { mint: c.mint, user, creator: c.creator, tokenProgram: c.tokenProgram, ...input.recipients };
  const trade =
    order.kind === "exact_sol_in"
      ? buildCurveBuyExactSolInInstruction({ ...accounts, spendableSolIn: order.spendLamports, minTokensOut: order.minTokensOut })
      : buildCurveBuyInstruction({ ...accounts, amount: order.tokens, maxSolCost: order.maxSolCost });
  return [
    ...budgetIxs(input.budget),
    createAtaIdempotentIx(user, ataSync(user, c.mint, c.tokenProgram), user, c.mint, c.tokenProgram),
    trade,
    ...tipIxs(user, input.tip),
  ];
}

export function buildCurveSellInstructions(input: { user: Address; curve: CurveInfo; recipients: CurveFeeRecipients; tokens: number; minSolOut: number; budget: ComputeBudget; closeTokenAccount: boolean; tip?: Tip | null }): Instruction[] {
  const { user, curve: c } = input;
  const ixs: Instruction[] = [
    ...budgetIxs(input.budget),
    buildCurveSellInstruction({ mint: c.mint, user, creator: c.creator, tokenProgram: c.tokenProgram, ...input.recipients, cashback: c.isCashbackCoin, amount: input.tokens, minSolOutput: input.minSolOut }),
  ];
  if (input.closeTokenAccount) {
    ixs.push(closeAccountIx(ataSync(user, c.mint, c.tokenProgram), user, user, c.tokenProgram));
  }
  return [...ixs, ...tipIxs(user, input.tip)];
}

/**
 * A landed curve trade's fill from its TradeEvent: lamports are what we paid in total (buy) or
 * received net (sell) — the curve's sol_amount plus or minus the protocol and creator fees.
 */
export function curveFillOf(
  side: "buy" | "sell",
  events: readonly ExtractedEvent[],
  user: Address,
  base: Pick<Fill, "signature" | "slot" | "landedTs" | "feesLamports">,
  /** The user's token account after a buy (its balance and rent), when it could be read. */
  tokenAccount: { amount: number; lamports: number } | null,
): Fill | null {
  const ev = events.find((e) => e.name === "TradeEvent" && e.event.user === user && e.event.isBuy === (side === "buy"));
  if (!ev || ev.name !== "TradeEvent") return null;
  const t = ev.event;
  const fees = t.fee + t.creatorFee;
  if (side === "sell") return { ...base, tokens: t.tokenAmount, lamports: t.solAmount - fees, rentLamports: 0 };
  // Held before = balance after − bought; none before means a full sell may close the account.
  const firstBuy = tokenAccount ? tokenAccount.amount - t.tokenAmount <= 0 : true;
  return {
    ...base,
    tokens: t.tokenAmount,
    lamports: t.solAmount + fees,
    rentLamports: firstBuy && tokenAccount ? tokenAccount.lamports : 0,
    closeable: firstBuy,
  };
}

export interface CurveLiveExecutorDeps {
  rpc: TradingRpc;
  signer: TradingSigner;
  curves: CurveInfoCache;
  streamReserves: (curve: Address) => PoolReserves | null;
  chainNow: () => number;
  clock: Clock;
  options?: Partial<LiveOptions>;
  sender?: TxSender;
  metrics?: TradingMetrics;
  logger?: Logger;
  nowMs: () => number;
}

/**
 * The live executor of token mode: the same simulate-gated send, journal, confirmation and
 * settlement as PumpSwap's (./live.ts), with curve transactions and TradeEvent fills.
 */
export class CurveLiveExecutor implements Executor {
  readonly mode = "live" as const;
  readonly options: LiveOptions;
  readonly blockhash: BlockhashCache;
  readonly sender: TxSender;
  private readonly sendPath: SendPath;

  constructor(private readonly d: CurveLiveExecutorDeps) {
    this.options = { ...DEFAULT_LIVE_OPTIONS, ...d.options, computeUnits: { ...DEFAULT_LIVE_OPTIONS.computeUnits, ...d.options?.computeUnits } };
    this.blockhash = new BlockhashCache(d.rpc, d.clock, this.options.blockhashRefreshMs, d.logger);
    const journal = this.options.sendJournal ? new SendJournal(this.options.sendJournal) : null;
    this.sender = d.sender ?? new RpcSender(d.rpc, { clock: d.clock, confirmTimeoutMs: this.options.confirmTimeoutMs, confirmPollMs: this.options.confirmPollMs, journal, metrics: d.metrics, nowMs: d.nowMs, classify: classifyCurveFailure });
    this.sendPath = { signer: d.signer, blockhash: this.blockhash, sender: this.sender };
  }

  get address(): Address {
    return this.d.signer.address;
  }

  async start(): Promise<void> {
    await Promise.all([this.blockhash.start(), this.d.curves.loadGlobal()]);
    if (!this.d.curves.global) throw new Error("Pump.fun Global account not found on the RPC endpoint");
  }

  stop(): void {
    this.blockhash.stop();
  }

  private recipients(positionId: string, c: CurveInfo): CurveFeeRecipients {
    const rng = createRng(hashSeed(7, positionId));
    return curveFeeRecipients(this.d.curves.global!, c, () => rng.next());
  }

  private budget(units: number): ComputeBudget {
    return { units, microLamportsPerUnit: Math.floor((this.options.priorityFeeLamports * 1_000_000) / units) };
  }

  private curveInfo(curve: Address, hint: { mint: string; fees: PoolFees; baseDecimals: number }): CurveInfo | Promise<CurveInfo | null> {
    return this.d.curves.get(curve) ?? this.d.curves.load(curve, hint);
  }

  async buy(intent: BuyIntent, spendLamports: number, hooks: BuyHooks = {}): Promise<ExecResult> {
    if (intent.priorSignature) {
      const prior = await this.reconcile(intent.priorSignature, "buy", intent.pool, intent.baseDecimals, intent.mint);
      if (prior) return prior;
    }
    const info = await this.curveInfo(intent.pool, { mint: intent.mint, fees: intent.fees, baseDecimals: intent.baseDecimals });
    if (!info) return failure("no_pool", `bonding curve ${intent.pool} not found`);
    if (info.complete) return failure("no_pool", `bonding curve ${intent.pool} is complete (the coin migrated)`);
    const quote = VENUE_QUOTES.curve.buy(this.d.streamReserves(intent.pool) ?? intent.reserves, spendLamports, info.fees);
    if (!quote) return failure("no_pool", "no usable curve reserves to quote the buy");
    const order: CurveBuyOrder =
      this.options.buyInstruction === "buy"
        ? { kind: "exact_tokens_out", tokens: quote.tokens, maxSolCost: maxQuoteWithSlippage(quote.lamports, intent.slippageBps) }
        : { kind: "exact_sol_in", spendLamports, minTokensOut: minBaseWithSlippage(quote.tokens, intent.slippageBps) };
    const ixs = buildCurveBuyInstructions({ user: this.address, curve: info, recipients: this.recipients(intent.positionId, info), order, budget: this.budget(this.options.computeUnits.buy), tip: this.options.tip });
    return this.submit(ixs, "buy", intent.positionId, info, hooks);
  }

  async sell(order: SellOrder, a: SellAttempt, hooks: BuyHooks = {}): Promise<ExecResult> {
    if (a.attempt === 1 && order.priorSignature) {
      const prior = await this.reconcile(order.priorSignature, "sell", order.pool, order.baseDecimals, order.mint);
      if (prior && prior.ok) return prior;
    }
    const info = await this.curveInfo(order.pool, { mint: order.mint, fees: order.fees, baseDecimals: order.baseDecimals });
    if (!info) return failure("no_pool", `bonding curve ${order.pool} not found`);
    const reserves = a.attempt === 1 ? (this.d.streamReserves(order.pool) ?? a.reserves) : a.reserves;
    const quote = VENUE_QUOTES.curve.sell(reserves, order.tokens, info.fees);
    const minSolOut = a.unbounded || !quote ? 0 : minQuoteWithSlippage(quote.lamports, a.slippageBps);
    const ixs = buildCurveSellInstructions({ user: this.address, curve: info, recipients: this.recipients(order.positionId, info), tokens: order.tokens, minSolOut, budget: this.budget(this.options.computeUnits.sell), closeTokenAccount: order.closeBaseAccount, tip: this.options.tip });
    return this.submit(ixs, "sell", order.positionId, info, hooks);
  }

  private async submit(ixs: Instruction[], side: "buy" | "sell", positionId: string, info: CurveInfo, hooks: BuyHooks): Promise<ExecResult> {
    return this.settle(await signAndSubmit(this.sendPath, ixs, side, positionId, hooks), side, info);
  }

  /** A landed (or failed) submission → the fill, from its TradeEvent. */
  private async settle(out: SubmitOutcome, side: "buy" | "sell", info: CurveInfo): Promise<ExecResult> {
    const landed = await readLanded(this.d.rpc, out, { priorityFeeLamports: this.options.priorityFeeLamports, tipLamports: this.options.tip?.lamports ?? 0 }, classifyCurveFailure);
    if (!landed.ok) return landed.result;
    const landedTs = this.d.chainNow();
    let account: { amount: number; lamports: number } | null = null;
    if (side === "buy") {
      const [acc] = await this.d.rpc.getMultipleAccounts([ataSync(this.address, info.mint, info.tokenProgram)]).catch(() => [null]);
      account = acc ? { amount: tokenAccountAmount(acc.data), lamports: acc.lamports } : null;
    }
    const fill = curveFillOf(side, eventsFromLogs(landed.logs).events, this.address, { signature: landed.signature, slot: landed.slot, landedTs, feesLamports: landed.feeLamports }, account);
    if (!fill) return { ok: false, failure: { kind: "other", code: null, message: `${side} landed but its TradeEvent is missing`, landed: true, feesLamports: landed.feeLamports, signature: landed.signature } };
    return { ok: true, fill };
  }

  /** A signature from before a restart: its fill when it landed, its failure when it failed, null when unknown. */
  async reconcile(signature: string, side: "buy" | "sell", curve: Address, baseDecimals: number, mint?: string): Promise<ExecResult | null> {
    const [st] = await this.d.rpc.getSignatureStatuses([signature]).catch(() => [null]);
    if (!st) return null;
    const info = this.d.curves.get(curve) ?? (mint ? await this.d.curves.load(curve, { mint, baseDecimals }) : null);
    if (!info) return null;
    return this.settle({ sent: true, signature, slot: st.slot, err: st.err, logs: [] }, side, info);
  }

  async freshReserves(curve: Address): Promise<PoolReserves | null> {
    return (await this.d.curves.reserves(curve).catch(() => null)) ?? this.d.streamReserves(curve);
  }

  async refreshPool(curve: Address): Promise<boolean> {
    return (await this.d.curves.refresh(curve)) !== null;
  }
}

const CURVE_SLIPPAGE_ERRORS: ReadonlySet<number> = new Set([PUMPFUN_ERRORS.TooMuchSolRequired, PUMPFUN_ERRORS.TooLittleSolReceived, PUMPFUN_ERRORS.BuySlippageBelowMinTokensOut]);

/** Pump.fun's slippage and completion errors, else the shared classification (creator vault, funds). */
export function classifyCurveFailure(err: unknown, logs: readonly string[] = []): { kind: FailureKind; code: number | null } {
  const code = customErrorCode(err);
  if (code !== null && CURVE_SLIPPAGE_ERRORS.has(code)) return { kind: "slippage", code };
  if (code === PUMPFUN_ERRORS.BondingCurveComplete) return { kind: "no_pool", code };
  return { kind: classifyError(err, logs).kind, code };
}
