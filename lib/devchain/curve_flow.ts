/**
 * The seeded order flow on a Pump.fun bonding curve, for every token the simulator creates.
 *
 * Trades arrive in the first minutes after creation as a Poisson process whose rate decays,
 * λ(t) = λ₀·e^(−t/τ) (λ₀ log-normal, median 0.25/s; τ log-normal, median 90 s: about 20 trades per
 * coin, most in the first two minutes), until `endTs` (the flow window or the migration). Buys are
 * log-normal in SOL (median 0.2 SOL, clipped to 0.01–10 SOL), mostly from new wallets; sells come
 * from wallets that bought here, more often as the coin ages, a whole bag or part of it. Most
 * creators make a dev buy right after the create; one coin in five is rugged — the creator and the
 * largest early buyers dump within seconds, and the flow then nearly stops.
 *
 * Orders are priced here with lib/amm/curve.ts on the curve as it is when they are due (received
 * transactions included), and carry the trader's slippage bound; the chain sends them through the
 * Pump.fun program like any transaction. Model flow never completes a curve: buys stop short of
 * `MODEL_FLOOR_REAL_TOKENS`.
 */
import type { Address } from "@solana/kit";
import { PUMP_CURVE_INITIAL, quoteCurveBuyExactSolIn, quoteCurveSell, type CurveFees, type CurveReserves } from "../amm/curve.ts";
import { randomAddress } from "../market/ids.ts";
import type { Rng } from "../util/rng.ts";

/** Real tokens model buys always leave on the curve (15 % of what a curve sells). */
export const MODEL_FLOOR_REAL_TOKENS = Math.floor(PUMP_CURVE_INITIAL.realTokenReserves * 0.15);

export type CurveOrder =
  | { ix: "buy"; user: Address; amount: number; maxSolCost: number; spend: number }
  | { ix: "buy_exact_sol_in"; user: Address; spendableSolIn: number; minTokensOut: number; spend: number }
  | { ix: "sell"; user: Address; amount: number; minSolOutput: number };

type Scripted = { ts: number; kind: "dev_buy" | "dump"; user: Address };

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

export class CurveFlow {
  /** When the next order is due (Infinity once the flow is over). */
  nextTs = Infinity;
  /** Wallets that bought through the model, in first-buy order. */
  readonly buyers: Address[] = [];
  private readonly seen = new Set<Address>();
  private lambda0: number;
  private readonly tau: number;
  private poissonTs: number;
  private readonly scripted: Scripted[] = [];
  private rugged = false;

  constructor(
    readonly mint: Address,
    readonly creator: Address,
    readonly createdTs: number,
    readonly endTs: number,
    readonly rng: Rng,
  ) {
    this.lambda0 = clamp(0.25 * Math.exp(0.8 * rng.normal()), 0.02, 3);
    this.tau = clamp(90 * Math.exp(0.6 * rng.normal()), 15, 600);
    if (rng.chance(0.75)) this.scripted.push({ ts: createdTs + Math.floor(rng.uniform(400, 2_500)), kind: "dev_buy", user: creator });
    if (rng.chance(0.2)) {
      const at = createdTs + Math.floor(rng.uniform(20_000, 240_000));
      this.scripted.push({ ts: at, kind: "dump", user: creator });
    }
    this.poissonTs = this.drawNext(createdTs);
    this.refresh();
  }

  /** Next arrival after `fromTs` of the decaying Poisson process (inverse of its cumulative rate). */
  private drawNext(fromTs: number): number {
    const t = (fromTs - this.createdTs) / 1000;
    const left = Math.exp(-t / this.tau) - this.rng.exponential(1) / (this.lambda0 * this.tau);
    if (left <= 0) return Infinity;
    return this.createdTs + Math.ceil(-this.tau * Math.log(left) * 1000);
  }

  private refresh(): void {
    this.scripted.sort((a, b) => a.ts - b.ts);
    const next = Math.min(this.poissonTs, this.scripted[0]?.ts ?? Infinity);
    this.nextTs = next < this.endTs ? next : Infinity;
  }

  stop(): void {
    this.nextTs = Infinity;
    this.poissonTs = Infinity;
    this.scripted.length = 0;
  }

  /**
   * The order due at `nextTs` on the curve as it is now (null: nothing worth sending), and the
   * schedule moves on. `balanceOf` reads a wallet's tokens on the ledger.
   */
  next(curve: CurveReserves, fees: CurveFees, balanceOf: (owner: Address) => number): CurveOrder | null {
    const r = this.rng;
    const now = this.nextTs;
    let order: CurveOrder | null;
    if (this.scripted.length > 0 && this.scripted[0].ts <= this.poissonTs) {
      const s = this.scripted.shift()!;
      if (s.kind === "dev_buy") order = this.buy(curve, fees, s.user, Math.exp(r.uniform(Math.log(0.3e9), Math.log(3e9))));
      else order = this.sell(curve, fees, s.user, balanceOf(s.user));
      if (s.kind === "dump" && s.user === this.creator) this.startRug(now, balanceOf);
    } else {
      order = this.anonymous(curve, fees, balanceOf, now);
      this.poissonTs = this.drawNext(this.poissonTs);
    }
    this.refresh();
    return order;
  }

  /** The rug: the largest early buyers follow the creator out within seconds; the crowd leaves. */
  private startRug(now: number, balanceOf: (owner: Address) => number): void {
    this.rugged = true;
    this.lambda0 *= 0.15;
    const insiders = this.buyers.filter((b) => b !== this.creator && balanceOf(b) > 0).sort((a, b) => balanceOf(b) - balanceOf(a) || (a < b ? -1 : 1));
    const n = 1 + this.rng.int(3);
    for (const user of insiders.slice(0, n)) this.scripted.push({ ts: now + Math.floor(this.rng.uniform(300, 3_000)), kind: "dump", user });
  }

  private anonymous(curve: CurveReserves, fees: CurveFees, balanceOf: (owner: Address) => number, now: number): CurveOrder | null {
    const r = this.rng;
    const age = (now - this.createdTs) / 1000;
    const holders = this.buyers.filter((b) => balanceOf(b) > 0);
    const pSell = (this.rugged ? 0.5 : 0.2) + 0.35 * (1 - Math.exp(-age / this.tau));
    if (holders.length > 0 && r.chance(pSell)) {
      const user = holders[r.int(holders.length)];
      const bag = balanceOf(user);
      const amount = r.chance(0.45) ? bag : Math.floor(bag * r.uniform(0.2, 0.9));
      return this.sell(curve, fees, user, amount);
    }
    const user = holders.length > 0 && r.chance(0.15) ? holders[r.int(holders.length)] : (randomAddress(r) as Address);
    return this.buy(curve, fees, user, clamp(0.2e9 * Math.exp(1.2 * r.normal()), 0.01e9, 10e9));
  }

  private buy(curve: CurveReserves, fees: CurveFees, user: Address, lamports: number): CurveOrder | null {
    const r = this.rng;
    const spend = Math.floor(lamports);
    const room = curve.realTokenReserves - MODEL_FLOOR_REAL_TOKENS;
    const q = quoteCurveBuyExactSolIn(curve, spend, fees);
    if (!q || room <= 0) return null;
    const slip = r.uniform(0.01, 0.3);
    this.noteBuyer(user);
    if (q.tokensOut > room || r.chance(0.3)) {
      // Exact tokens (`buy`): the trader names the amount and caps the cost.
      const amount = Math.min(q.tokensOut, room);
      return { ix: "buy", user, amount, maxSolCost: Math.ceil(q.totalLamports * (1 + slip)), spend: Math.ceil(q.totalLamports * (1 + slip)) };
    }
    return { ix: "buy_exact_sol_in", user, spendableSolIn: spend, minTokensOut: Math.floor(q.tokensOut * (1 - slip)), spend };
  }

  private sell(curve: CurveReserves, fees: CurveFees, user: Address, amount: number): CurveOrder | null {
    if (!(amount > 0)) return null;
    const q = quoteCurveSell(curve, amount, fees);
    if (!q || q.netLamports <= 0) return null;
    return { ix: "sell", user, amount, minSolOutput: Math.floor(q.netLamports * (1 - this.rng.uniform(0.01, 0.3))) };
  }

  private noteBuyer(user: Address): void {
    if (this.seen.has(user)) return;
    this.seen.add(user);
    this.buyers.push(user);
  }
}

/** Curve flows by due time (ties in insertion order, so a seed gives one order). */
export class FlowQueue {
  private heap: { ts: number; seq: number; flow: CurveFlow }[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  peekTs(): number {
    return this.heap.length > 0 ? this.heap[0].ts : Infinity;
  }

  push(flow: CurveFlow): void {
    if (flow.nextTs === Infinity) return;
    const h = this.heap;
    h.push({ ts: flow.nextTs, seq: this.seq++, flow });
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  /** The earliest entry; its `ts` is stale (skip it) when the flow was rescheduled or stopped since. */
  pop(): { ts: number; flow: CurveFlow } | null {
    const h = this.heap;
    if (h.length === 0) return null;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const rr = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l], h[m])) m = l;
        if (rr < h.length && this.less(h[rr], h[m])) m = rr;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }

  private less(a: { ts: number; seq: number }, b: { ts: number; seq: number }): boolean {
    return a.ts < b.ts || (a.ts === b.ts && a.seq < b.seq);
  }
}
