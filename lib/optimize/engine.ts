/**
 * FoldEngine: lib/sim `simulate` for one fold, specialised for evaluating millions of candidates
 * that differ from a stage's base vector in a few parameter groups — exactly: every metric it
 * returns is bit-identical to the SimSummary `simulate` gives for the same (fold, params,
 * execution) (engine.test.ts compares them field by field, Object.is, in every mode).
 *
 * It follows simulate's steps and float operations in the same order (entry → position limit →
 * buy → hold → sell with retries → equity events sorted by time → drawdown and CVaR), and removes
 * work three ways, chosen per candidate by comparing it with the stage base:
 *
 *  memo   Only entry params (and maxPositions) differ. A trade's outcome is then a function of
 *         (lifecycle, entry row) alone — exits, stake and execution are the base's — so it is
 *         computed once and looked up afterwards (≤ 301 entry rows per lifecycle). The same table
 *         serves candidates that differ in nothing but maxPositions (entries are the base's).
 *  split  Entries are the base's and only exit groups differ. Per trade, the rules the candidate
 *         shares with the base are scanned once per stage (B = their first firing second); each
 *         candidate scans only its own rules, only up to B − 1 (kernels.ts explains why that
 *         gives the same exit second). Sells are memoised per (trade, exit second).
 *  full   Anything else (several kinds of groups at once, or the stake differs): the whole
 *         simulation, still with the entry index, lib/strategy scanExit and a per-(lifecycle, entry
 *         row) buy memo while the stake matches.
 * Entry decisions are computed once per stage when the candidate's entry group equals the base's.
 *
 * Not reproduced (the optimizer does not score them): exit reasons, reject reasons, phase tallies,
 * ticks visited, trade records.
 */
import type { Fold } from "../dataset/types";
import type { FoldFeatures } from "../features/fold";
import { GROUP_INDICES, PARAM_COUNT, PARAM_INDEX, PARAM_SCHEMA, type ParamGroup } from "../params/schema";
import { fillLagSeconds, type ExecutionModel } from "../sim/execution";
import { buyAt, LAMPORTS_PER_SOL } from "../sim/fills";
import { cvar, migrationPrice, OpenPositions, SellFill, sellWithRetries, sortEventsByTime } from "../sim/simulate";
import type { PoolFees, PoolReserves } from "../amm/index";
import { compileParams, StrategyParams } from "../strategy/compile";
import { openPosition, PositionState, scanExit } from "../strategy/exits";
import { ExitReason } from "../strategy/types";
import { buildBlockTables, buildEntryIndex, ENTRY_SPAN, entryRows, GROUP_RULES, RULES_ALL, RULE_MAX_HOLD, scanExitBlocked, computeTradeBounds, tradeMayFire, TradeBounds, type BlockTables, type EntryIndex } from "./kernels";
import { foldScore, M_CVAR5, M_FAILED, M_MAX_DD, M_PNL, M_SCORE, M_SUM_TRADE, M_SUM_TRADE2, M_TRADES, M_WINS, type ScoreConfig } from "./score";

/** A sweep stage as the evaluators see it: the base vector and the groups allowed to vary. */
export interface StageSpec {
  /** Unique per run (caches are keyed by it). */
  id: number;
  base: ArrayLike<number>;
  groups: readonly ParamGroup[];
}

/** How a candidate differs from its stage base; computed once per candidate, shared by folds. */
export class CandidateDiff {
  /** Some entry-group value differs. */
  entry = false;
  /** Exit rules that read a differing value (kernels.ts RULE_*). */
  rules = 0;
  /** The stake (buySol, when the execution model does not fix it) differs. */
  stake = false;
  /** A differing value outside the stage's groups (the caches cannot be used: full mode). */
  outside = false;
}

const BUY_SOL = PARAM_INDEX.buySol;
const MAX_POSITIONS = PARAM_INDEX.maxPositions;
const GROUP_OF: readonly ParamGroup[] = PARAM_SCHEMA.map((s) => s.group);

export function diffCandidate(vec: ArrayLike<number>, stage: PreparedStage, exec: ExecutionModel, out: CandidateDiff = new CandidateDiff()): CandidateDiff {
  out.entry = false;
  out.rules = 0;
  out.stake = false;
  out.outside = false;
  const base = stage.base;
  for (let k = 0; k < PARAM_COUNT; k++) {
    if (vec[k] === base[k] || (vec[k] !== vec[k] && base[k] !== base[k])) continue;
    if (!stage.varyingDim[k]) out.outside = true;
    if (k === MAX_POSITIONS) continue;
    if (k === BUY_SOL) {
      if (exec.buySol === null) out.stake = true;
      continue;
    }
    const g = GROUP_OF[k];
    if (g === "entry") out.entry = true;
    else out.rules |= GROUP_RULES[g];
  }
  return out;
}

/** A stage with what every engine needs precomputed once. */
export interface PreparedStage {
  id: number;
  base: Float64Array;
  baseParams: StrategyParams;
  varyingDim: Uint8Array;
  /** Exit rules the stage's groups read. */
  varyingRules: number;
}

export function prepareStage(stage: StageSpec): PreparedStage {
  const base = Float64Array.from(stage.base);
  if (base.length !== PARAM_COUNT) throw new Error(`stage base has ${base.length} values, the schema has ${PARAM_COUNT}`);
  const varyingDim = new Uint8Array(PARAM_COUNT);
  let varyingRules = 0;
  for (const g of stage.groups) {
    for (const k of GROUP_INDICES[g]) varyingDim[k] = 1;
    varyingRules |= GROUP_RULES[g];
  }
  return { id: stage.id, base, baseParams: compileParams(base), varyingDim, varyingRules };
}

/**
 * The per-fold memo tables of the memo path and of the buy memo. They are a pure function of the
 * fold, the execution model and (stage base exits, stake), so threads evaluating the same fold
 * can share them (SharedArrayBuffer): a slot's values are written first and its kind last with
 * Atomics.store, and read after an Atomics.load of the kind, so a reader sees a whole entry or
 * none; two threads filling the same slot write the same numbers. Only the owner resets them,
 * between batches (`resetFoldMemo`): the in-process evaluator itself, the pool's main thread for
 * its workers. meta = [stage id the outcome memo holds, stake the buy memo holds].
 */
export interface FoldMemo {
  meta: Float64Array;
  outKind: Int8Array;
  outPnl: Float64Array;
  outTime: Float64Array;
  buyKind: Int8Array;
  buyTokens: Float64Array;
  buySolIn: Float64Array;
  buyPrice: Float64Array;
}

/** The data-only tables of a fold (kernels.ts): built once, shareable between threads. */
export interface FoldTables {
  entries: EntryIndex;
  blocks: BlockTables;
}

export function buildFoldTables(fold: Fold, feats: FoldFeatures, shared: boolean): FoldTables {
  return { entries: buildEntryIndex(feats, fold.start, fold.count, shared), blocks: buildBlockTables(feats, fold.rows, shared) };
}

export function createFoldMemo(lifecycles: number, shared: boolean): FoldMemo {
  const slots = lifecycles * ENTRY_SPAN;
  const buf = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const meta = new Float64Array(buf(16)).fill(NaN);
  return {
    meta,
    outKind: new Int8Array(buf(slots)),
    outPnl: new Float64Array(buf(slots * 8)),
    outTime: new Float64Array(buf(slots * 8)),
    buyKind: new Int8Array(buf(slots)),
    buyTokens: new Float64Array(buf(slots * 8)),
    buySolIn: new Float64Array(buf(slots * 8)),
    buyPrice: new Float64Array(buf(slots * 8)),
  };
}

/** Make `memo` hold entries for `stageId` and `stake` (clears what no longer applies). No thread may be using it. */
export function resetFoldMemo(memo: FoldMemo, stageId: number, stake: number): void {
  if (memo.meta[0] !== stageId) {
    memo.outKind.fill(0);
    memo.meta[0] = stageId;
  }
  if (!(memo.meta[1] === stake)) {
    memo.buyKind.fill(0);
    memo.meta[1] = stake;
  }
}

// Outcome kinds (memo tables): 0 unknown.
const K_NONE = 1; // missed for lack of data / pool state: no event
const K_FAILED = 2; // buy failed its slippage bound: a fee event, no position
const K_TRADE = 3;

/** Evaluation counts by path, for reports. */
export interface EngineCounters {
  full: number;
  memo: number;
  split: number;
}

export class FoldEngine {
  readonly count: number;
  readonly lifecycles: number;
  readonly spanDays: number;
  private readonly start: Uint32Array;
  private readonly price0: Float64Array;
  private readonly migS: Float64Array;
  private readonly tokenUnit: Float64Array;
  private readonly idx: EntryIndex;
  private readonly blocks: BlockTables;
  private readonly lag: number;
  private readonly keepBps: number;
  private readonly failedTx: number;
  private readonly landedTx: number;
  private readonly maxRetries: number;
  private readonly pool: PoolReserves = { baseReserve: 0, quoteReserve: 0 };
  private readonly fees: PoolFees = { lpFeeBps: 0, protocolFeeBps: 0, creatorFeeBps: 0 };
  private readonly pos = new PositionState();
  readonly counters: EngineCounters = { full: 0, memo: 0, split: 0 };

  // memo tables (possibly shared with other threads), see FoldMemo
  private readonly memo: FoldMemo;
  private readonly ownsMemo: boolean;
  private readonly buyKind: Int8Array;
  private readonly buyTokens: Float64Array;
  private readonly buySolIn: Float64Array;
  private readonly buyPrice: Float64Array;

  // stage caches
  private stageId = -1;
  private stage: PreparedStage | null = null;
  private readonly stageEntries: Int32Array;
  private readonly outKind: Int8Array;
  private readonly outPnl: Float64Array;
  private readonly outTime: Float64Array;
  /** The outcome memo holds this stage's entries (else the memo path computes without it). */
  private memoValid = false;
  /** The buy memo holds entries for the current candidate's stake. */
  private buyMemoValid = false;
  /** split: first firing second of the base's fixed rules, per lifecycle (−2 unknown). */
  private readonly fixedExit: Int32Array;
  private sellPnl: (Float64Array | null)[];
  private sellTime: (Float64Array | null)[];
  /** split: exact extrema of each trade's rows before the fixed exit. */
  private tradeBounds: (TradeBounds | null)[];

  // scratch
  private readonly entries: Int32Array;
  private eventTime: Float64Array;
  private eventPnl: Float64Array;
  private eventOrder: Uint32Array;
  private tradePnl: Float64Array;
  private worst: Float64Array;
  private readonly open = new OpenPositions();
  private readonly sold = new SellFill();
  // last outcome
  private oKind = 0;
  private oPnl = 0;
  private oTime = 0;
  // last buy
  private bTokens = 0;
  private bSolIn = 0;
  private bPrice = 0;

  constructor(
    readonly fold: Fold,
    readonly feats: FoldFeatures,
    readonly exec: ExecutionModel,
    readonly scoreConfig: ScoreConfig,
    /** Shared memo tables (the caller resets them); default private ones this engine resets. */
    memo?: FoldMemo,
    /** Prebuilt data-only tables of this fold (e.g. shared by worker threads); default built here. */
    tables?: FoldTables,
  ) {
    const n = fold.count;
    this.count = n;
    this.lifecycles = n;
    this.spanDays = fold.spanDays;
    this.start = fold.start;
    this.price0 = new Float64Array(n);
    this.migS = new Float64Array(n);
    this.tokenUnit = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      this.price0[k] = fold.start[k + 1] > fold.start[k] ? migrationPrice(fold, k) : 0;
      this.migS[k] = fold.ts[k] / 1000;
      this.tokenUnit[k] = 10 ** fold.baseDecimals[k];
    }
    this.idx = tables?.entries ?? buildEntryIndex(feats, fold.start, n);
    this.blocks = tables?.blocks ?? buildBlockTables(feats, fold.rows);
    this.lag = fillLagSeconds(exec.latencyMs);
    this.keepBps = 10_000 - exec.slippageBps;
    this.failedTx = exec.baseFeeLamports + exec.priorityFeeLamports;
    this.landedTx = this.failedTx + exec.tipLamports;
    this.maxRetries = exec.maxSellRetries;
    const slots = n * ENTRY_SPAN;
    this.ownsMemo = memo === undefined;
    this.memo = memo ?? createFoldMemo(n, false);
    if (this.memo.outKind.length !== slots) throw new Error(`memo tables sized for ${this.memo.outKind.length / ENTRY_SPAN} lifecycles, the fold has ${n}`);
    this.buyKind = this.memo.buyKind;
    this.buyTokens = this.memo.buyTokens;
    this.buySolIn = this.memo.buySolIn;
    this.buyPrice = this.memo.buyPrice;
    this.outKind = this.memo.outKind;
    this.outPnl = this.memo.outPnl;
    this.outTime = this.memo.outTime;
    this.stageEntries = new Int32Array(n);
    this.entries = new Int32Array(n);
    this.fixedExit = new Int32Array(n);
    this.sellPnl = new Array(n).fill(null);
    this.sellTime = new Array(n).fill(null);
    this.tradeBounds = new Array(n).fill(null);
    const m = Math.max(16, n);
    this.eventTime = new Float64Array(m);
    this.eventPnl = new Float64Array(m);
    this.eventOrder = new Uint32Array(m);
    this.tradePnl = new Float64Array(m);
    this.worst = new Float64Array(m);
  }

  /** The stake (SOL per entry) a vector trades with under this execution model. */
  stakeOf(vec: ArrayLike<number>): number {
    return this.exec.buySol ?? vec[BUY_SOL];
  }

  /** Make `stage` current (cheap when it already is). */
  setStage(stage: PreparedStage): void {
    if (this.stageId === stage.id && this.stage === stage) return;
    this.stage = stage;
    this.stageId = stage.id;
    if (this.ownsMemo) resetFoldMemo(this.memo, stage.id, this.stakeOf(stage.base));
    this.memoValid = this.memo.meta[0] === stage.id;
    this.fixedExit.fill(-2);
    this.sellPnl.fill(null);
    this.sellTime.fill(null);
    this.tradeBounds.fill(null);
    this.scanAllEntries(stage.baseParams, this.stageEntries);
  }

  private scanAllEntries(p: StrategyParams, out: Int32Array): void {
    entryRows(this.feats, this.idx, this.start, this.count, this.price0, p, out);
  }

  /**
   * Evaluate one candidate (`p` = compileParams(vec), `diff` = diffCandidate(vec, stage)) and write
   * METRIC_COUNT metrics at out[o…]. setStage must have been called with the diff's stage.
   */
  evaluate(vec: ArrayLike<number>, p: StrategyParams, diff: CandidateDiff, out: Float64Array, o: number): void {
    const stage = this.stage;
    if (stage === null) throw new Error("FoldEngine.evaluate before setStage");
    let path: 0 | 1 | 2; // 0 full, 1 memo, 2 split
    if (diff.outside || diff.stake) path = 0;
    else if (diff.rules === 0) path = 1;
    else if (!diff.entry && (diff.rules & ~stage.varyingRules) === 0) path = 2;
    else path = 0;
    let entries: Int32Array;
    if (diff.entry) {
      this.scanAllEntries(p, this.entries);
      entries = this.entries;
    } else entries = this.stageEntries;
    if (path === 0) this.counters.full++;
    else if (path === 1) this.counters.memo++;
    else this.counters.split++;
    const stake = this.stakeOf(vec);
    const useBuyMemo = stake === this.memo.meta[1];
    this.buyMemoValid = useBuyMemo;
    const spendLamports = Math.round(stake * LAMPORTS_PER_SOL);
    const maxPositions = p.maxPositions;

    const start = this.start;
    this.open.count = 0;
    let events = 0;
    let nTrades = 0;
    let tradePnlSum = 0;
    let sumSq = 0;
    let wins = 0;
    let failed = 0;
    for (let k = 0; k < this.count; k++) {
      const e = entries[k];
      if (e < 0) continue;
      const s = start[k];
      const migS = this.migS[k];
      const decisionTime = migS + (e - s + 1);
      this.open.prune(migS);
      if (this.open.openAt(decisionTime) >= maxPositions) continue;
      if (path === 1) this.memoOutcome(k, e, p, spendLamports);
      else if (path === 2) this.splitOutcome(k, e, p, spendLamports);
      else this.fullOutcome(k, e, p, spendLamports, useBuyMemo);
      const kind = this.oKind;
      if (kind === K_NONE) continue;
      if (kind === K_FAILED) {
        failed++;
        this.eventTime[events] = this.oTime;
        this.eventPnl[events] = this.oPnl;
        events++;
        continue;
      }
      const pnl = this.oPnl;
      this.open.add(decisionTime, this.oTime);
      this.eventTime[events] = this.oTime;
      this.eventPnl[events] = pnl;
      events++;
      this.tradePnl[nTrades++] = pnl;
      tradePnlSum += pnl;
      sumSq += pnl * pnl;
      if (pnl > 0) wins++;
    }

    // simulate's finish(): events in time order, drawdown, CVaR.
    const order = this.eventOrder;
    sortEventsByTime(this.eventTime, order, events);
    let pnl = 0;
    let peak = 0;
    let maxDd = 0;
    for (let i = 0; i < events; i++) {
      pnl += this.eventPnl[order[i]];
      if (pnl > peak) peak = pnl;
      else if (peak - pnl > maxDd) maxDd = peak - pnl;
    }
    const cvar5 = nTrades > 0 ? cvar(this.tradePnl, nTrades, this.worst) : 0;
    out[o + M_PNL] = pnl;
    out[o + M_MAX_DD] = maxDd;
    out[o + M_CVAR5] = cvar5;
    out[o + M_TRADES] = nTrades;
    out[o + M_FAILED] = failed;
    out[o + M_SUM_TRADE] = tradePnlSum;
    out[o + M_SUM_TRADE2] = sumSq;
    out[o + M_WINS] = wins;
    out[o + M_SCORE] = foldScore(pnl, maxDd, cvar5, nTrades, this, stake, this.scoreConfig);
  }

  // ── outcomes: set oKind / oPnl / oTime ───────────────────────────────────────────────────────

  /** Buy at entry row e of lifecycle k; sets bTokens / bSolIn / bPrice; returns the kind. */
  private buy(k: number, e: number, spendLamports: number, useMemo: boolean): number {
    const s = this.start[k];
    const slot = k * ENTRY_SPAN + (e - s);
    const memo = useMemo && this.buyMemoValid && e - s < ENTRY_SPAN;
    if (memo) {
      const kind = Atomics.load(this.buyKind, slot);
      if (kind !== 0) {
        this.bTokens = this.buyTokens[slot];
        this.bSolIn = this.buySolIn[slot];
        this.bPrice = this.buyPrice[slot];
        return kind;
      }
    }
    const last = this.start[k + 1] - 1;
    const f = e + this.lag;
    let kind: number;
    if (f > last) kind = K_NONE;
    else {
      const tokenUnit = this.tokenUnit[k];
      const fees = this.fees;
      fees.lpFeeBps = this.fold.lpFeeBps[k];
      fees.protocolFeeBps = this.fold.protocolFeeBps[k];
      fees.creatorFeeBps = this.fold.creatorFeeBps[k];
      const quoted = buyAt(this.pool, fees, this.feats, e, tokenUnit, spendLamports);
      if (quoted === null) kind = K_NONE;
      else {
        const filled = f === e ? quoted : buyAt(this.pool, fees, this.feats, f, tokenUnit, spendLamports);
        if (filled === null || filled.baseOut < Math.floor((quoted.baseOut * this.keepBps) / 10_000)) kind = K_FAILED;
        else {
          kind = K_TRADE;
          this.bTokens = filled.baseOut;
          this.bSolIn = filled.totalQuoteIn + this.landedTx;
          this.bPrice = filled.totalQuoteIn / LAMPORTS_PER_SOL / (filled.baseOut / tokenUnit);
        }
      }
    }
    if (memo) {
      this.buyTokens[slot] = this.bTokens;
      this.buySolIn[slot] = this.bSolIn;
      this.buyPrice[slot] = this.bPrice;
      Atomics.store(this.buyKind, slot, kind); // last: publishes the entry
    }
    return kind;
  }

  /** Sell the position of lifecycle k decided at row d (simulate's retry loop); sets oPnl / oTime. */
  private sell(k: number, d: number, tokens: number, solInLamports: number): void {
    const s = this.start[k];
    const last = this.start[k + 1] - 1;
    const fees = this.fees;
    fees.lpFeeBps = this.fold.lpFeeBps[k];
    fees.protocolFeeBps = this.fold.protocolFeeBps[k];
    fees.creatorFeeBps = this.fold.creatorFeeBps[k];
    const r = sellWithRetries(this.sold, this.pool, fees, this.feats, d, last, this.lag, this.tokenUnit[k], tokens, this.keepBps, this.maxRetries, this.failedTx);
    const fillRow = r.fillRow;
    const solOutLamports = r.outLamports - this.landedTx - r.failedLamports;
    this.oPnl = (solOutLamports - solInLamports) / LAMPORTS_PER_SOL;
    this.oTime = this.migS[k] + (fillRow - s + 1);
  }

  private failedOutcome(k: number, e: number): void {
    this.oKind = K_FAILED;
    this.oPnl = -this.failedTx / LAMPORTS_PER_SOL;
    this.oTime = this.migS[k] + (e + this.lag - this.start[k] + 1);
  }

  /** The whole trade with the candidate's own params. */
  private fullOutcome(k: number, e: number, p: StrategyParams, spendLamports: number, useBuyMemo: boolean): void {
    const kind = this.buy(k, e, spendLamports, useBuyMemo);
    if (kind === K_NONE) {
      this.oKind = K_NONE;
      return;
    }
    if (kind === K_FAILED) {
      this.failedOutcome(k, e);
      return;
    }
    const s = this.start[k];
    const last = this.start[k + 1] - 1;
    const f = e + this.lag;
    openPosition(this.pos, this.feats, s, f, this.bPrice, p);
    const stop = f + p.maxHoldS < last ? f + p.maxHoldS : last;
    // Every rule at once rarely leaves a block provably quiet: lib/strategy's own scan is faster
    // here (measured); the block-skipping scan pays off for the few rules of a sweep stage.
    const d = scanExit(this.pos, this.feats, f + 1, stop, p) === ExitReason.Hold ? stop : this.pos.exitRow;
    this.oKind = K_TRADE;
    this.sell(k, d, this.bTokens, this.bSolIn);
  }

  /** Memoised per (lifecycle, entry row): valid while exits and stake are the stage base's. */
  private memoOutcome(k: number, e: number, p: StrategyParams, spendLamports: number): void {
    const off = e - this.start[k];
    if (off >= ENTRY_SPAN || !this.memoValid) {
      this.fullOutcome(k, e, p, spendLamports, true);
      return;
    }
    const slot = k * ENTRY_SPAN + off;
    const kind = Atomics.load(this.outKind, slot);
    if (kind !== 0) {
      this.oKind = kind;
      this.oPnl = this.outPnl[slot];
      this.oTime = this.outTime[slot];
      return;
    }
    this.fullOutcome(k, e, p, spendLamports, true);
    this.outPnl[slot] = this.oPnl;
    this.outTime[slot] = this.oTime;
    Atomics.store(this.outKind, slot, this.oKind); // last: publishes the entry
  }

  /** Entries and stake are the base's; exit values differ only inside the stage's groups. */
  private splitOutcome(k: number, e: number, p: StrategyParams, spendLamports: number): void {
    const kind = this.buy(k, e, spendLamports, true);
    if (kind === K_NONE) {
      this.oKind = K_NONE;
      return;
    }
    if (kind === K_FAILED) {
      this.failedOutcome(k, e);
      return;
    }
    const stage = this.stage!;
    const s = this.start[k];
    const last = this.start[k + 1] - 1;
    const f = e + this.lag;
    const holdVaries = (stage.varyingRules & RULE_MAX_HOLD) !== 0;
    let b = this.fixedExit[k];
    if (b === -2) {
      // The base's rules outside the stage's groups, scanned once per stage.
      const bp = stage.baseParams;
      const fixedRules = RULES_ALL & ~stage.varyingRules;
      const stop = holdVaries ? last : f + bp.maxHoldS < last ? f + bp.maxHoldS : last;
      openPosition(this.pos, this.feats, s, f, this.bPrice, bp);
      const r = fixedRules === 0 ? -1 : scanExitBlocked(this.pos, this.feats, this.blocks, f + 1, stop, bp, fixedRules);
      b = r >= 0 ? r : stop;
      this.fixedExit[k] = b;
      const n = b - f + 1;
      this.sellPnl[k] = new Float64Array(n).fill(NaN);
      this.sellTime[k] = new Float64Array(n);
      openPosition(this.pos, this.feats, s, f, this.bPrice, bp);
      this.tradeBounds[k] = computeTradeBounds(this.pos, this.feats, f + 1, b - 1);
    }
    let d = b;
    // Whole-trade bounds first: most candidates' rules provably cannot fire before b.
    if (b - 1 >= f + 1 && tradeMayFire(this.tradeBounds[k]!, p, stage.varyingRules, this.bPrice, f, s, this.feats.creatorSellCum, this.feats.creatorSellCum[f])) {
      openPosition(this.pos, this.feats, s, f, this.bPrice, p);
      // Every rule the stage's groups read (max hold among them when the stage varies it: the
      // fixed scan then ran to the data's end), only before the fixed rules' exit.
      const r = scanExitBlocked(this.pos, this.feats, this.blocks, f + 1, b - 1, p, stage.varyingRules);
      if (r >= 0) d = r;
    }
    this.oKind = K_TRADE;
    const sp = this.sellPnl[k]!;
    const i = d - f;
    const cached = sp[i];
    if (cached === cached) {
      this.oPnl = cached;
      this.oTime = this.sellTime[k]![i];
      return;
    }
    this.sell(k, d, this.bTokens, this.bSolIn);
    sp[i] = this.oPnl;
    this.sellTime[k]![i] = this.oTime;
  }
}
