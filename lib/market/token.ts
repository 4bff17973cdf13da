/**
 * The market of one migrated token: a lazy, time-ordered event source (migration, swaps, 1 Hz
 * ticks) over one PumpSwap pool. Every swap goes through lib/amm, so amounts and reserves agree.
 *
 * Model. The token follows a hidden regime (./launch.ts). The regime fixes a latent log-price path
 * (the "target": what the crowd thinks the token is worth, relative to the migration price) plus
 * Ornstein–Uhlenbeck noise, and an activity level. Anonymous flow (retail, bonding-curve holders,
 * whales) arrives as a Poisson process whose rate grows with activity and with the gap between
 * target and pool price; each trade is a buy with probability sigmoid(κ·gap), so the pool price
 * tracks the target through real swaps. Scripted actors add the microstructure a strategy reads:
 * snipers buy in the first seconds and sell into strength, the creator (and, in rugs, insiders)
 * dump on a schedule, pump-and-dump insiders buy early and sell the top, known "smart" wallets buy
 * runners more often than duds. Early-flow features (net flow, distinct new buyers, creator sells)
 * therefore differ by regime only in distribution, with overlap.
 *
 * Lazy on purpose: the amounts of a swap are computed when it is taken, from the pool as it is
 * then, so a chain simulator can interleave its own swaps (`syncReserves`) and the model reacts.
 */
import { quoteBuyExactBase, quoteBuyExactQuote, quoteSell, type PoolFees } from "../amm";
import type { FlowEvent, Side, TickEvent } from "../telemetry/types";
import type { Rng } from "../util/rng";
import { IdSource } from "./ids";
import { slotAt, TOKEN_SUPPLY, type Regime, type TokenLaunch } from "./launch";
import type { Population } from "./population";

export type ActorKind = "sniper" | "creator" | "insider" | "smart_money" | "whale" | "retail" | "holder";

/** PumpSwap instruction a swap corresponds to, with its two u64 arguments (see SwapMarketEvent). */
export type SwapIx = "buy" | "buy_exact_quote_in" | "sell";

export interface MigrationMarketEvent {
  kind: "migration";
  ts: number;
  slot: number;
  launch: TokenLaunch;
}

/**
 * A swap: the fields of a telemetry flow line (lib/telemetry/types.ts FlowEvent: ts, slot, sig,
 * mint, pool, side, trader `user`, `base` tokens, `quote` lamports paid in total or received net)
 * plus what only the model knows. Reserves are camelCase here, snake_case on the wire.
 */
export interface SwapMarketEvent extends Pick<FlowEvent, "ts" | "slot" | "sig" | "mint" | "pool" | "side" | "user" | "base" | "quote"> {
  kind: "swap";
  /** Who the trader is (hidden truth, for tests and simulators). */
  actor: ActorKind;
  /** Lamports through the curve before fees (quoteIn for a buy, quoteOut for a sell). */
  curveQuote: number;
  lpFee: number;
  protocolFee: number;
  creatorFee: number;
  ix: SwapIx;
  /**
   * Instruction arguments: buy → (base_amount_out, max_quote_amount_in);
   * buy_exact_quote_in → (spendable_quote_in, min_base_amount_out); sell → (base_amount_in,
   * min_quote_amount_out). Limits include the trader's slippage tolerance.
   */
  arg1: number;
  arg2: number;
  /** Pool reserves after the swap (quote includes the LP fee). */
  baseReserve: number;
  quoteReserve: number;
}

export interface TickMarketEvent extends Pick<TickEvent, "ts" | "slot" | "mint" | "pool"> {
  kind: "tick";
  baseReserve: number;
  quoteReserve: number;
}

export type MarketEvent = MigrationMarketEvent | SwapMarketEvent | TickMarketEvent;

export interface TrackOptions {
  /** Seconds of 1 Hz ticks from the migration second (ticks 0 … trackSeconds−1). */
  trackSeconds: number;
  /** Stop tracking (last tick) once no swap happened for this many seconds. */
  idleStopSeconds: number;
}

/** Summary of one token's tracked life, known once its stream has ended. */
export interface TokenTruth {
  index: number;
  mint: string;
  regime: Regime;
  serialCreator: boolean;
  ticks: number;
  swaps: number;
  /** Highest / last tick price relative to the migration price. */
  peakMult: number;
  finalMult: number;
  /** Seconds from migration to the peak tick. */
  tPeak: number;
}

const enum ActionKind {
  Buy,
  Sell,
}

interface Actor {
  kind: ActorKind;
  addr: string;
  bag: number;
  /** Log price multiple at entry. */
  entry: number;
  /** Exit rule (snipers, smart money): take profit / stop loss in log units, time stop in s. */
  tp: number;
  sl: number;
  tStop: number;
  exiting: boolean;
}

interface Action {
  ts: number;
  seq: number;
  kind: ActionKind;
  actor: Actor;
  /** Buy: lamports to spend. Sell: fraction of the bag (1 = all). */
  amount: number;
  /** Part of the rug: the last one flips the regime to its post-rug phase. */
  rug: boolean;
}

interface Plan {
  activity: number;
  t1: number;
  e1: number;
  ouSigma: number;
  tPeak: number;
  lPeak: number;
  gamma: number;
  lEnd: number;
  dRetrace: number;
  tEnd: number;
  tau: number;
  amp: number;
  period: number;
  phase: number;
  drift: number;
  whaleP: number;
}

const OU_THETA = 1 / 40;
/** Side sensitivity: p(buy) = sigmoid(KAPPA · (target − log price multiple)). */
const KAPPA = 6;
const LAMPORTS = 1e9;
const SLIPPAGES_BPS = [100, 300, 500, 1000, 1500, 2500, 5000];

const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);
const lognormal = (rng: Rng, median: number, sigma: number): number => median * Math.exp(sigma * rng.normal());

export class TokenMarket {
  readonly launch: TokenLaunch;
  readonly mint: string;
  readonly pool: string;
  readonly fees: PoolFees;
  baseReserve: number;
  quoteReserve: number;
  /** A free slot for consumers (the JSONL writer caches line fragments here). */
  userSlot: unknown = undefined;

  private readonly rng: Rng;
  private readonly ids: IdSource;
  private readonly population: Population;
  private readonly t0: number;
  private readonly lastTickTs: number;
  private readonly idleMs: number;
  private readonly logP0: number;
  private readonly q0: number;
  private readonly regime: Regime;
  private readonly plan: Plan;

  private started = false;
  private done = false;
  private nextTick: number;
  private nextFlow: number;
  private flowReal = false;
  private lastSwapTs: number;
  private ou = 0;
  private sched: Action[] = [];
  private seq = 0;
  private actors: Actor[] = [];

  /** Pool buyers and bonding-curve holders who have shown up (retail and whales). */
  private hAddr: string[] = [];
  private hBag: number[] = [];
  private hWhale: boolean[] = [];
  /** Tokens still with bonding-curve holders who have not traded on the pool yet. */
  private preSupply: number;

  private rugPending = 0;
  private rugged = false;
  private lPost = 0;
  private tPost = 0;

  private ticks = 0;
  private swaps = 0;
  private peakMult = 1;
  private tPeakSeen = 0;
  private lastMult = 1;

  constructor(launch: TokenLaunch, rng: Rng, population: Population, opts: TrackOptions) {
    this.launch = launch;
    this.mint = launch.mint;
    this.pool = launch.pool;
    this.fees = launch.fees;
    this.rng = rng;
    this.ids = new IdSource(rng.fork("ids"));
    this.population = population;
    this.regime = launch.regime;
    this.baseReserve = launch.baseReserve;
    this.quoteReserve = launch.quoteReserve;
    this.t0 = launch.ts;
    this.lastTickTs = launch.ts + (Math.max(1, Math.floor(opts.trackSeconds)) - 1) * 1000;
    this.idleMs = opts.idleStopSeconds * 1000;
    this.logP0 = Math.log(launch.quoteReserve / launch.baseReserve);
    this.q0 = launch.quoteReserve;
    this.nextTick = launch.ts;
    this.nextFlow = launch.ts;
    this.lastSwapTs = launch.ts;
    this.preSupply = TOKEN_SUPPLY - launch.baseReserve;
    this.plan = this.makePlan();
    this.scriptActors();
    this.drawNextFlow(launch.ts);
  }

  /** Time of the next event (Infinity once the token is no longer tracked). */
  peekTs(): number {
    if (this.done) return Infinity;
    if (!this.started) return this.t0;
    let ts = this.nextTick < this.nextFlow ? this.nextTick : this.nextFlow;
    if (this.sched.length > 0 && this.sched[0].ts < ts) ts = this.sched[0].ts;
    return ts;
  }

  get finished(): boolean {
    return this.done;
  }

  /** Next event in time order: the migration first, then swaps and ticks; null when done. */
  next(): MarketEvent | null {
    while (!this.done) {
      const ev = this.step();
      if (ev) return ev;
    }
    return null;
  }

  /**
   * Advance by one internal item (the one at `peekTs()`): a scheduled trade, a slot of the flow
   * process, or a tick. Returns its event, or null when the item produced none (a trader with
   * nothing left to sell, a quiet slot). Merging several tokens must go by `step`, re-reading
   * every `peekTs()` after each call: `next` may skip ahead past other tokens' events.
   */
  step(): MarketEvent | null {
    if (this.done) return null;
    if (!this.started) {
      this.started = true;
      return { kind: "migration", ts: this.t0, slot: this.launch.slot, launch: this.launch };
    }
    const s = this.sched.length > 0 ? this.sched[0].ts : Infinity;
    const f = this.nextFlow;
    const k = this.nextTick;
    if (s <= f && s <= k) return this.runAction(this.sched.shift()!);
    if (f <= k) {
      const ev = this.flowReal ? this.anonymousTrade(f) : null;
      this.drawNextFlow(f);
      return ev;
    }
    return this.tick(k);
  }

  /**
   * Tell the model the pool changed outside it (a chain simulator applied someone else's swap at
   * `ts`): later model swaps are priced from these reserves, and the swap counts as activity.
   */
  syncReserves(baseReserve: number, quoteReserve: number, ts: number): void {
    this.baseReserve = baseReserve;
    this.quoteReserve = quoteReserve;
    if (ts > this.lastSwapTs) this.lastSwapTs = ts;
  }

  /** The token's tracked life so far (final once `finished`). */
  truth(): TokenTruth {
    return {
      index: this.launch.index,
      mint: this.mint,
      regime: this.regime,
      serialCreator: this.launch.serialCreator,
      ticks: this.ticks,
      swaps: this.swaps,
      peakMult: this.peakMult,
      finalMult: this.lastMult,
      tPeak: this.tPeakSeen,
    };
  }

  // ── plan ────────────────────────────────────────────────────────────────────────────────────

  private makePlan(): Plan {
    const rng = this.rng;
    const r = this.regime;
    const mu = r === "runner" ? 0.45 : r === "pump_dump" ? 0.25 : r === "rug" ? 0.05 : r === "dud" ? -0.3 : 0;
    const p: Plan = {
      activity: Math.exp(mu + 0.35 * rng.normal()),
      t1: rng.uniform(30, 90),
      e1: 0,
      ouSigma: 0.02,
      tPeak: 0,
      lPeak: 0,
      gamma: 1,
      lEnd: 0,
      dRetrace: 0,
      tEnd: 0,
      tau: 0,
      amp: 0,
      period: 1,
      phase: 0,
      drift: 0,
      whaleP: 0.03,
    };
    switch (r) {
      case "runner": {
        const slowStart = rng.chance(0.25);
        p.e1 = slowStart ? 0.12 * rng.normal() : 0.35 + 0.2 * rng.normal();
        p.tPeak = clamp(lognormal(rng, 650, 0.5), p.t1 + 120, 1750);
        p.lPeak = Math.min(Math.log(60), Math.log(2) + rng.exponential(0.75));
        p.gamma = rng.uniform(0.5, 1.3);
        p.lEnd = p.lPeak + Math.log(rng.uniform(0.35, 0.8));
        p.dRetrace = rng.uniform(200, 900);
        p.ouSigma = 0.015;
        p.whaleP = 0.06;
        break;
      }
      case "pump_dump": {
        p.tPeak = clamp(lognormal(rng, 150, 0.6), 40, 700);
        p.t1 = Math.min(p.t1, 0.6 * p.tPeak);
        p.lPeak = Math.log(1.25 + rng.exponential(0.55));
        p.e1 = p.lPeak * (p.t1 / p.tPeak) ** 0.8 * rng.uniform(0.6, 1.3);
        p.dRetrace = rng.uniform(40, 300);
        p.lEnd = Math.log(rng.uniform(0.25, 0.75));
        p.ouSigma = 0.02;
        p.whaleP = 0.05;
        break;
      }
      case "rug": {
        p.tPeak = clamp(lognormal(rng, 100, 1.0), 4, 1500); // rug time
        p.t1 = Math.min(p.t1, Math.max(3, p.tPeak));
        p.e1 = rng.chance(0.4) ? 0.25 + 0.15 * rng.normal() : 0.12 * rng.normal();
        p.ouSigma = 0.015;
        break;
      }
      case "dud": {
        p.e1 = -0.05 + 0.15 * rng.normal();
        p.tEnd = rng.uniform(400, 1800);
        p.lEnd = Math.log(rng.uniform(0.2, 0.65));
        p.tau = rng.uniform(60, 400);
        p.ouSigma = 0.012;
        p.whaleP = 0.015;
        break;
      }
      case "chop": {
        p.e1 = 0.05 + 0.15 * rng.normal();
        p.amp = rng.uniform(0.15, 0.45);
        p.period = rng.uniform(150, 500);
        p.phase = rng.uniform(0, 2 * Math.PI);
        p.drift = Math.log(rng.uniform(0.45, 1.05)) / 1800;
        p.ouSigma = 0.03;
        break;
      }
    }
    return p;
  }

  /** Log price multiple the crowd is pushing towards at `t` seconds after migration. */
  private target(t: number): number {
    const p = this.plan;
    const early = p.e1 * Math.min(t / p.t1, 1);
    switch (this.regime) {
      case "runner":
        if (t <= p.t1) return early + this.ou;
        if (t <= p.tPeak) return p.e1 + (p.lPeak - p.e1) * ((t - p.t1) / (p.tPeak - p.t1)) ** p.gamma + this.ou;
        return p.lPeak + (p.lEnd - p.lPeak) * Math.min(1, (t - p.tPeak) / p.dRetrace) + this.ou;
      case "pump_dump":
        if (t <= p.t1) return early + this.ou;
        if (t <= p.tPeak) return p.e1 + ((p.lPeak - p.e1) * (t - p.t1)) / (p.tPeak - p.t1) + this.ou;
        if (t <= p.tPeak + p.dRetrace) return p.lPeak + ((p.lEnd - p.lPeak) * (t - p.tPeak)) / p.dRetrace + 0.5 * this.ou;
        return p.lEnd - 0.0003 * (t - p.tPeak - p.dRetrace) + 0.5 * this.ou;
      case "rug":
        if (this.rugged) return this.lPost - 0.0005 * (t - this.tPost);
        return early + this.ou;
      case "dud":
        if (t <= p.t1) return early + this.ou;
        return p.e1 + (p.lEnd - p.e1) * Math.min(1, (t - p.t1) / Math.max(1, p.tEnd - p.t1)) + this.ou;
      case "chop":
        return early + p.amp * (Math.sin((2 * Math.PI * t) / p.period + p.phase) - Math.sin(p.phase)) + p.drift * t + this.ou;
    }
  }

  /** Anonymous trades per second at `t`, before the gap boost. */
  private activity(t: number): number {
    const p = this.plan;
    const base = 0.45 * p.activity * (1 + 2.5 * Math.exp(-t / 45));
    switch (this.regime) {
      case "runner":
        return base * (t < p.tPeak ? 1.3 : 0.25 + 1.05 * Math.exp(-(t - p.tPeak) / 600));
      case "pump_dump":
        return base * (t < p.tPeak + p.dRetrace ? 1.1 : 0.06 + 0.5 * Math.exp(-(t - p.tPeak - p.dRetrace) / 250));
      case "rug":
        return this.rugged ? base * 0.5 * Math.exp(-(t - this.tPost) / 90) + 0.0015 : base;
      case "dud":
        return base * Math.exp(-t / p.tau) + 0.001;
      case "chop":
        return base * (0.3 + 0.7 * Math.exp(-t / 600));
    }
  }

  // ── scripted actors ─────────────────────────────────────────────────────────────────────────

  private actor(kind: ActorKind, addr: string, bag = 0): Actor {
    const a: Actor = { kind, addr, bag, entry: 0, tp: Infinity, sl: -Infinity, tStop: Infinity, exiting: false };
    this.actors.push(a);
    return a;
  }

  private schedule(tSec: number, kind: ActionKind, actor: Actor, amount: number, rug = false): void {
    const a: Action = { ts: this.t0 + Math.max(0, Math.round(tSec * 1000)), seq: this.seq++, kind, actor, amount, rug };
    if (rug) this.rugPending++;
    let i = this.sched.length;
    while (i > 0 && (this.sched[i - 1].ts > a.ts || (this.sched[i - 1].ts === a.ts && this.sched[i - 1].seq > a.seq))) i--;
    this.sched.splice(i, 0, a);
  }

  private scriptActors(): void {
    const rng = this.rng;
    const p = this.plan;
    const r = this.regime;

    // Snipers: recurring bots, in every regime alike (they cannot know), a few more on hyped tokens.
    const nSnipers = Math.min(10, poisson(rng, 2.2 + 1.2 * p.activity));
    for (const addr of this.population.snipers.pickDistinct(rng, nSnipers)) {
      const s = this.actor("sniper", addr);
      s.tp = Math.log(rng.uniform(1.12, 1.8));
      s.sl = Math.log(rng.uniform(0.6, 0.85));
      s.tStop = rng.uniform(15, 240);
      const at = rng.chance(0.35) ? rng.uniform(0, 0.4) : rng.uniform(0.4, 3);
      this.schedule(at, ActionKind.Buy, s, clamp(lognormal(rng, 1.2, 0.7), 0.1, 8) * LAMPORTS);
    }

    // The creator's bag, bought on the curve; rugs come with insider bags on top.
    const creatorFrac = r === "rug" ? rng.uniform(0.02, 0.08) : rng.chance(0.6) ? rng.uniform(0.005, 0.05) : 0;
    const creator = this.actor("creator", this.launch.creator, Math.floor(creatorFrac * TOKEN_SUPPLY));
    this.preSupply -= creator.bag;
    const sellCreator = (t: number, frac: number, rug = false) => {
      if (creator.bag > 0) this.schedule(t, ActionKind.Sell, creator, frac, rug);
    };
    const earlySmallSell = (prob: number, until: number) => {
      if (rng.chance(prob)) sellCreator(rng.uniform(3, until), rng.uniform(0.1, 0.3));
    };

    switch (r) {
      case "rug": {
        const tRug = p.tPeak;
        earlySmallSell(0.3, Math.max(3.5, Math.min(60, tRug * 0.8)));
        const chunks = 1 + rng.int(3);
        let t = tRug;
        for (let c = chunks; c >= 1; c--) {
          sellCreator(t, 1 / c, true);
          t += rng.uniform(0.2, 2);
        }
        const nInsiders = 2 + rng.int(6);
        const insiderTotal = rng.uniform(0.05, 0.22) * TOKEN_SUPPLY;
        for (let i = 0; i < nInsiders; i++) {
          const bag = Math.floor((insiderTotal / nInsiders) * rng.uniform(0.5, 1.5));
          const ins = this.actor("insider", this.ids.address(), bag);
          this.preSupply -= bag;
          this.schedule(tRug + rng.uniform(0, 6), ActionKind.Sell, ins, 1, true);
        }
        break;
      }
      case "dud":
        earlySmallSell(0.15, 60);
        if (rng.chance(0.5)) sellCreator(lognormal(rng, 240, 0.7), rng.uniform(0.3, 1));
        break;
      case "pump_dump": {
        earlySmallSell(0.12, 60);
        if (rng.chance(0.5)) sellCreator(p.tPeak + rng.uniform(-30, 60), rng.uniform(0.5, 1));
        // Insiders who buy the first seconds and sell the top.
        const n = poisson(rng, 1.5);
        for (let i = 0; i < n; i++) {
          const ins = this.actor("insider", this.ids.address());
          this.schedule(rng.uniform(1, Math.min(25, p.tPeak * 0.5)), ActionKind.Buy, ins, rng.uniform(1.5, 8) * LAMPORTS);
          this.schedule(p.tPeak + rng.uniform(-20, 30), ActionKind.Sell, ins, 1);
        }
        break;
      }
      case "runner":
        earlySmallSell(0.07, 60);
        if (rng.chance(0.5)) sellCreator(p.tPeak * rng.uniform(0.5, 1.1), rng.uniform(0.2, 0.5));
        break;
      case "chop":
        earlySmallSell(0.15, 60);
        if (rng.chance(0.35)) sellCreator(rng.uniform(120, 1500), rng.uniform(0.2, 0.6));
        break;
    }

    // Smart money: recurring wallets that find runners more often than duds.
    const smartP = r === "runner" ? 0.55 : r === "pump_dump" ? 0.35 : r === "chop" ? 0.15 : 0.08;
    if (rng.chance(smartP)) {
      for (const addr of this.population.smart.pickDistinct(rng, 1 + poisson(rng, 0.8))) {
        const s = this.actor("smart_money", addr);
        s.sl = Math.log(0.75);
        s.tStop = r === "runner" ? p.tPeak * rng.uniform(0.7, 1.05) : r === "pump_dump" ? p.tPeak + rng.uniform(-20, 20) : rng.uniform(60, 400);
        this.schedule(rng.uniform(3, 90), ActionKind.Buy, s, clamp(lognormal(rng, 2, 0.6), 0.2, 15) * LAMPORTS);
      }
    }
  }

  private runAction(a: Action): SwapMarketEvent | null {
    const actor = a.actor;
    let ev: SwapMarketEvent | null = null;
    if (a.kind === ActionKind.Buy) {
      ev = this.buy(a.ts, actor.addr, actor.kind, a.amount);
      if (ev) {
        actor.bag += ev.base;
        actor.entry = this.logMult();
      }
    } else {
      const amount = a.amount >= 1 ? actor.bag : Math.floor(actor.bag * a.amount);
      ev = amount > 0 ? this.sell(a.ts, actor.addr, actor.kind, amount) : null;
      if (ev) actor.bag -= ev.base;
      actor.exiting = false;
    }
    if (a.rug && --this.rugPending === 0) {
      this.rugged = true;
      this.lPost = this.logMult();
      this.tPost = (a.ts - this.t0) / 1000;
    }
    return ev;
  }

  /** Once a second: snipers and smart money check their exits. */
  private checkExits(t: number): void {
    const m = this.logMult();
    for (const a of this.actors) {
      if (a.bag <= 0 || a.exiting || (a.kind !== "sniper" && a.kind !== "smart_money")) continue;
      const gain = m - a.entry;
      if (gain >= a.tp || gain <= a.sl || t >= a.tStop) {
        a.exiting = true;
        // A sniper taking profit sometimes sells half and lets the rest ride a higher target.
        const half = a.kind === "sniper" && gain >= a.tp && this.rng.chance(0.3);
        if (half) a.tp += Math.log(1.5);
        this.schedule(t + this.rng.uniform(0.08, 0.9), ActionKind.Sell, a, half ? 0.5 : 1);
      }
    }
  }

  // ── anonymous flow ──────────────────────────────────────────────────────────────────────────

  private logMult(): number {
    return Math.log(this.quoteReserve / this.baseReserve) - this.logP0;
  }

  private drawNextFlow(from: number): void {
    const t = (from - this.t0) / 1000;
    const gap = Math.abs(this.target(t) - this.logMult());
    const rate = this.activity(t) * (1 + 2 * Math.min(gap, 1.5));
    const dt = this.rng.exponential(1 / rate);
    // Re-evaluate at least every 10 s so a waking market is not stuck behind a long draw.
    if (dt > 10) {
      this.nextFlow = from + 10_000;
      this.flowReal = false;
    } else {
      this.nextFlow = from + Math.round(dt * 1000);
      this.flowReal = true;
    }
  }

  private anonymousTrade(ts: number): SwapMarketEvent | null {
    const rng = this.rng;
    const t = (ts - this.t0) / 1000;
    const gap = this.target(t) - this.logMult();
    const pBuy = 1 / (1 + Math.exp(-KAPPA * gap));
    const scale = Math.sqrt(this.quoteReserve / this.q0);
    const n = this.hAddr.length;
    if (rng.chance(pBuy)) {
      if (rng.chance(this.plan.whaleP * (gap > 0.15 ? 2 : 1))) {
        const addr = rng.chance(0.6) ? this.population.whales.pick(rng) : this.ids.address();
        const ev = this.buy(ts, addr, "whale", clamp(lognormal(rng, 6, 0.5), 1, 60) * scale * LAMPORTS);
        if (ev) this.addHolder(addr, ev.base, true);
        return ev;
      }
      if (n > 0 && rng.chance(0.12)) {
        const i = rng.int(n);
        const ev = this.buy(ts, this.hAddr[i], "holder", retailSize(rng) * scale * LAMPORTS);
        if (ev) this.hBag[i] += ev.base;
        return ev;
      }
      const addr = this.ids.address();
      const ev = this.buy(ts, addr, "retail", retailSize(rng) * scale * LAMPORTS);
      if (ev) this.addHolder(addr, ev.base, false);
      return ev;
    }
    // A sell: a pool holder (whales now and then) or a bonding-curve holder showing up.
    const price = this.quoteReserve / this.baseReserve;
    const wantTokens = Math.floor((retailSize(rng) * scale * LAMPORTS) / price);
    let i = -1;
    if (n > 0 && rng.chance(0.08)) i = this.findWhale();
    if (i < 0 && n > 0 && (this.preSupply <= 0 || rng.chance(0.5))) i = rng.int(n);
    if (i < 0) {
      if (this.preSupply <= 0) return null;
      const bag = Math.min(this.preSupply, Math.floor(lognormal(rng, 1.2e12, 1.0)));
      this.preSupply -= bag;
      this.addHolder(this.ids.address(), bag, false);
      i = this.hAddr.length - 1;
    }
    const whale = this.hWhale[i];
    const all = rng.chance(whale ? 0.4 : 0.3);
    const amount = all ? this.hBag[i] : Math.min(this.hBag[i], whale ? Math.floor(this.hBag[i] * rng.uniform(0.3, 0.8)) : wantTokens);
    const ev = amount > 0 ? this.sell(ts, this.hAddr[i], whale ? "whale" : "holder", amount) : null;
    if (ev) {
      this.hBag[i] -= ev.base;
      if (this.hBag[i] <= 0) this.removeHolder(i);
    }
    return ev;
  }

  private addHolder(addr: string, bag: number, whale: boolean): void {
    this.hAddr.push(addr);
    this.hBag.push(bag);
    this.hWhale.push(whale);
  }

  private removeHolder(i: number): void {
    const last = this.hAddr.length - 1;
    this.hAddr[i] = this.hAddr[last];
    this.hBag[i] = this.hBag[last];
    this.hWhale[i] = this.hWhale[last];
    this.hAddr.pop();
    this.hBag.pop();
    this.hWhale.pop();
  }

  private findWhale(): number {
    const n = this.hAddr.length;
    const start = this.rng.int(n);
    for (let k = 0; k < n; k++) {
      const i = (start + k) % n;
      if (this.hWhale[i] && this.hBag[i] > 0) return i;
    }
    return -1;
  }

  // ── swaps through the AMM ───────────────────────────────────────────────────────────────────

  private buy(ts: number, user: string, actor: ActorKind, spendLamports: number): SwapMarketEvent | null {
    const rng = this.rng;
    const spend = Math.round(spendLamports);
    const pool = { baseReserve: this.baseReserve, quoteReserve: this.quoteReserve };
    const slip = SLIPPAGES_BPS[rng.int(SLIPPAGES_BPS.length)];
    let q = quoteBuyExactQuote(pool, spend, this.fees);
    if (!q) return null;
    let ix: SwapIx = "buy_exact_quote_in";
    let arg1 = spend;
    let arg2 = Math.floor((q.baseOut * (10_000 - slip)) / 10_000);
    if (actor !== "sniper" && rng.chance(0.35)) {
      // The classic `buy`: a round-ish token amount, paying whatever the curve asks.
      const want = Math.floor(q.baseOut / 1_000_000) * 1_000_000;
      const qb = want > 0 ? quoteBuyExactBase(pool, want, this.fees) : null;
      if (qb) {
        q = qb;
        ix = "buy";
        arg1 = want;
        arg2 = Math.floor((qb.totalQuoteIn * (10_000 + slip)) / 10_000);
      }
    }
    return this.emit(ts, "buy", user, actor, q.baseOut, q.totalQuoteIn, q.quoteIn, q.lpFee, q.protocolFee, q.creatorFee, ix, arg1, arg2, q.after.baseReserve, q.after.quoteReserve);
  }

  private sell(ts: number, user: string, actor: ActorKind, baseIn: number): SwapMarketEvent | null {
    const q = quoteSell({ baseReserve: this.baseReserve, quoteReserve: this.quoteReserve }, baseIn, this.fees);
    if (!q || q.netQuoteOut <= 0 || q.after.quoteReserve <= 0) return null;
    const slip = SLIPPAGES_BPS[this.rng.int(SLIPPAGES_BPS.length)];
    const minOut = Math.floor((q.netQuoteOut * (10_000 - slip)) / 10_000);
    return this.emit(ts, "sell", user, actor, baseIn, q.netQuoteOut, q.quoteOut, q.lpFee, q.protocolFee, q.creatorFee, "sell", baseIn, minOut, q.after.baseReserve, q.after.quoteReserve);
  }

  private emit(
    ts: number,
    side: Side,
    user: string,
    actor: ActorKind,
    base: number,
    quote: number,
    curveQuote: number,
    lpFee: number,
    protocolFee: number,
    creatorFee: number,
    ix: SwapIx,
    arg1: number,
    arg2: number,
    baseReserve: number,
    quoteReserve: number,
  ): SwapMarketEvent {
    this.baseReserve = baseReserve;
    this.quoteReserve = quoteReserve;
    this.lastSwapTs = ts;
    this.swaps++;
    return {
      kind: "swap",
      ts,
      slot: slotAt(ts),
      sig: this.ids.signature(),
      mint: this.mint,
      pool: this.pool,
      side,
      user,
      actor,
      base,
      quote,
      curveQuote,
      lpFee,
      protocolFee,
      creatorFee,
      ix,
      arg1,
      arg2,
      baseReserve,
      quoteReserve,
    };
  }

  // ── ticks ───────────────────────────────────────────────────────────────────────────────────

  private tick(ts: number): TickMarketEvent {
    const t = (ts - this.t0) / 1000;
    this.ou += -OU_THETA * this.ou + this.plan.ouSigma * this.rng.normal();
    this.checkExits(t);
    const mult = Math.exp(this.logMult());
    this.ticks++;
    this.lastMult = mult;
    if (mult > this.peakMult || this.ticks === 1) {
      this.peakMult = mult;
      this.tPeakSeen = t;
    }
    if (ts >= this.lastTickTs || ts - this.lastSwapTs >= this.idleMs) this.done = true;
    else this.nextTick = ts + 1000;
    return { kind: "tick", ts, slot: slotAt(ts), mint: this.mint, pool: this.pool, baseReserve: this.baseReserve, quoteReserve: this.quoteReserve };
  }
}

/** Retail trade size in SOL: median 0.35, long right tail. */
function retailSize(rng: Rng): number {
  return clamp(0.35 * Math.exp(1.0 * rng.normal()), 0.01, 25);
}

function poisson(rng: Rng, mean: number): number {
  // Knuth; means here are small.
  const l = Math.exp(-mean);
  let k = 0;
  let p = rng.next();
  while (p > l) {
    k++;
    p *= rng.next();
  }
  return k;
}
