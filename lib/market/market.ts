/**
 * The whole synthetic market: a seeded schedule of migrations (Poisson arrivals with a mild
 * day/night cycle), one TokenMarket per migration, and a merge of all their events in global time
 * order. Each token draws from its own random stream (forked from the seed by index), so any token
 * can be replayed alone and the tokens never influence each other.
 */
import { createRng, type Rng } from "../util/rng";
import { makeLaunch, MAX_TOKEN_AGE_S, SLOT_ANCHOR, SLOT_ANCHOR_TS, type TokenLaunch } from "./launch";
import { Population, type KnownWallet } from "./population";
import { TokenMarket, type MarketEvent, type TokenTruth } from "./token";

export interface MarketOptions {
  seed: number;
  /** Unix ms of the market's start. */
  startTs: number;
  /** Migrations happen in [startTs, startTs + days); their tracking may run past the end. */
  days: number;
  /** Mean migrations per day. */
  migrationsPerDay: number;
  trackSeconds: number;
  idleStopSeconds: number;
  /** Relative amplitude of the daily cycle of migrations (0 = flat); default 0.3. */
  dayNightAmplitude?: number;
}

export const DEFAULT_START_TS = Date.UTC(2026, 0, 1);

export const DEFAULT_MARKET_OPTIONS: MarketOptions = {
  seed: 1,
  startTs: DEFAULT_START_TS,
  days: 30,
  migrationsPerDay: 150,
  trackSeconds: 1800,
  idleStopSeconds: 300,
  dayNightAmplitude: 0.3,
};

const DAY_MS = 86_400_000;

/**
 * Market starts that give valid telemetry: from the first time whose slot — and the slot of a
 * token created MAX_TOKEN_AGE_S before it — is ≥ 0 (slotAt runs back from its anchor), to the
 * last day of year 9999 (times must stay valid Dates). An earlier start wrote negative slots that
 * every reader rejects line by line.
 */
const MIN_START_TS = SLOT_ANCHOR_TS - SLOT_ANCHOR * 400 + MAX_TOKEN_AGE_S * 1000;
const MAX_START_TS = Date.UTC(9999, 11, 31);

/** Why `ts` cannot start a market, or null when it can. */
export function startTsProblem(ts: number): string | null {
  if (Number.isSafeInteger(ts) && ts >= MIN_START_TS && ts <= MAX_START_TS) return null;
  const iso = (t: number) => new Date(t).toISOString();
  return `must be a time within ${iso(MIN_START_TS)} … ${iso(MAX_START_TS)} (earlier starts give negative slots), got ${ts} ms`;
}

/** Hour (UTC) when migrations peak: US afternoon. */
const PEAK_HOUR_UTC = 17;

export class Market {
  readonly opts: MarketOptions;
  readonly population: Population;
  private readonly root: Rng;

  constructor(opts: Partial<MarketOptions> = {}) {
    this.opts = { ...DEFAULT_MARKET_OPTIONS, ...opts };
    const startProblem = startTsProblem(this.opts.startTs);
    if (startProblem) throw new Error(`startTs ${startProblem}`);
    if (!(this.opts.days > 0)) throw new Error(`days must be > 0, got ${this.opts.days}`);
    if (!(this.opts.migrationsPerDay > 0)) throw new Error(`migrationsPerDay must be > 0, got ${this.opts.migrationsPerDay}`);
    if (!(this.opts.trackSeconds >= 1)) throw new Error(`trackSeconds must be ≥ 1, got ${this.opts.trackSeconds}`);
    if (!(this.opts.idleStopSeconds >= 1)) throw new Error(`idleStopSeconds must be ≥ 1, got ${this.opts.idleStopSeconds}`);
    this.root = createRng(this.opts.seed);
    this.population = new Population(this.root.fork("population"));
  }

  get endTs(): number {
    return this.opts.startTs + Math.round(this.opts.days * DAY_MS);
  }

  /** The recurring wallets (snipers, whales, smart money, serial ruggers) with labels. */
  knownWallets(): KnownWallet[] {
    return this.population.knownWallets();
  }

  /** All migrations in time order, drawn lazily. */
  *launches(): Generator<TokenLaunch> {
    const rng = this.root.fork("schedule");
    const amp = Math.min(0.95, Math.max(0, this.opts.dayNightAmplitude ?? 0.3));
    const meanGapMs = DAY_MS / this.opts.migrationsPerDay;
    const end = this.endTs;
    let t = this.opts.startTs;
    let index = 0;
    for (;;) {
      // Thinning: candidates at the peak rate, kept with probability rate(t) / peak rate.
      t += rng.exponential(meanGapMs / (1 + amp));
      if (t >= end) return;
      const hour = ((t % DAY_MS) + DAY_MS) % DAY_MS / 3_600_000;
      const rel = (1 + amp * Math.cos((2 * Math.PI * (hour - PEAK_HOUR_UTC)) / 24)) / (1 + amp);
      if (!rng.chance(rel)) continue;
      yield this.launchAt(index++, Math.floor(t));
    }
  }

  /** Launch number `index` at `ts` (what `launches()` yields for that index). */
  launchAt(index: number, ts: number): TokenLaunch {
    return makeLaunch(index, ts, this.root.fork(`launch:${index}`), this.population);
  }

  /** The event source of one token. */
  openToken(launch: TokenLaunch): TokenMarket {
    return new TokenMarket(launch, this.root.fork(`token:${launch.index}`), this.population, this.opts);
  }

  /** Every event of the market in global time order (ties: earlier-migrated token first). */
  stream(): MarketStream {
    return new MarketStream(this);
  }

  *events(): Generator<MarketEvent> {
    const s = this.stream();
    for (let ev = s.next(); ev; ev = s.next()) yield ev;
  }
}

/**
 * K-way merge of the tokens in flight. Only tokens whose tracking has begun and not ended are in
 * memory (a handful at a time); finished tokens leave their `TokenTruth` behind.
 */
export class MarketStream {
  private readonly launches: Generator<TokenLaunch>;
  private pending: TokenLaunch | null;
  private active: TokenMarket[] = [];
  /** The token the last event came from. */
  current: TokenMarket | null = null;
  readonly truths: TokenTruth[] = [];
  onTokenDone?: (truth: TokenTruth) => void;

  constructor(private readonly market: Market) {
    this.launches = market.launches();
    this.pending = this.launches.next().value ?? null;
  }

  /** Tokens being tracked right now, in migration order. */
  get activeTokens(): readonly TokenMarket[] {
    return this.active;
  }

  /** The token in flight with this mint (a chain simulator routes its own swaps by mint). */
  tokenByMint(mint: string): TokenMarket | undefined {
    return this.active.find((t) => t.mint === mint);
  }

  /** Time of the next event of the whole market (Infinity at the end). */
  peekTs(): number {
    let ts = this.pending ? this.pending.ts : Infinity;
    for (const tok of this.active) {
      const t = tok.peekTs();
      if (t < ts) ts = t;
    }
    return ts;
  }

  /** Migration time of the next token not yet opened (Infinity when none is left). */
  get nextLaunchTs(): number {
    return this.pending ? this.pending.ts : Infinity;
  }

  next(): MarketEvent | null {
    for (;;) {
      let best: TokenMarket | null = null;
      let bestTs = Infinity;
      for (const tok of this.active) {
        const ts = tok.peekTs();
        if (ts < bestTs) {
          bestTs = ts;
          best = tok;
        }
      }
      // A new token joins when its migration is strictly earlier than every pending event; on a
      // tie the tokens already in flight (lower index) go first.
      if (this.pending && this.pending.ts < bestTs) {
        this.active.push(this.market.openToken(this.pending));
        this.pending = this.launches.next().value ?? null;
        continue;
      }
      if (!best) return null;
      const ev = best.step();
      if (best.finished) {
        this.active.splice(this.active.indexOf(best), 1);
        const truth = best.truth();
        this.truths.push(truth);
        this.onTokenDone?.(truth);
      }
      if (ev) {
        this.current = best;
        return ev;
      }
    }
  }
}
