/**
 * Fabricated lifecycles for tests and benchmarks (not a market model: the real generator lives
 * elsewhere). Deterministic from a seed; slots and ts strictly increase with the index; values
 * are full-precision doubles so JSON and binary round trips are exercised bit for bit.
 */
import { SERIES_COLUMNS, type Lifecycle, type LifecycleSeries } from "../lifecycle/types";
import { createRng } from "../util/rng";

export interface FabricateOptions {
  seed?: number;
  /** Seconds per lifecycle: a fixed number or [min, max] inclusive. Default [30, 90]. */
  seconds?: number | [number, number];
  /** Migration time of the first lifecycle, Unix ms. Default 1_750_000_000_000. */
  startTs?: number;
  /** Milliseconds between consecutive migrations: fixed or [min, max]. Default [300_000, 900_000]. */
  gapMs?: number | [number, number];
  /** Slot of the first lifecycle. Default 340_000_000 (slots advance one per 400 ms). */
  startSlot?: number;
  /** Mint prefix (mints are `<prefix><index>` padded), default "Mint". */
  prefix?: string;
}

const pick = (rng: ReturnType<typeof createRng>, v: number | [number, number]): number =>
  typeof v === "number" ? v : v[0] + rng.int(v[1] - v[0] + 1);

export function fabricateLifecycles(count: number, opts: FabricateOptions = {}): Lifecycle[] {
  const rng = createRng(opts.seed ?? 1);
  const startTs = opts.startTs ?? 1_750_000_000_000;
  const startSlot = opts.startSlot ?? 340_000_000;
  const out: Lifecycle[] = [];
  let ts = startTs;
  for (let k = 0; k < count; k++) {
    if (k > 0) ts += pick(rng, opts.gapMs ?? [300_000, 900_000]);
    const n = pick(rng, opts.seconds ?? [30, 90]);
    const base0 = 206_900_000 * (0.98 + 0.04 * rng.next());
    const quote0 = 84.99 * (0.98 + 0.04 * rng.next());
    const price0 = quote0 / base0;
    const series = Object.fromEntries(SERIES_COLUMNS.map((c) => [c, new Array<number>(n)])) as LifecycleSeries;
    let logp = Math.log(price0);
    const vol = 0.01 + 0.05 * rng.next();
    for (let i = 0; i < n; i++) {
      logp += vol * rng.normal();
      const price = Math.exp(logp);
      const nBuys = rng.int(4);
      const nSells = rng.int(3);
      const sell = nSells * rng.exponential(0.3);
      series.t[i] = i;
      series.price[i] = price;
      series.quote_reserve[i] = Math.sqrt(price * quote0 * base0);
      series.buy_sol[i] = nBuys * rng.exponential(0.4);
      series.sell_sol[i] = sell;
      series.n_buys[i] = nBuys;
      series.n_sells[i] = nSells;
      series.new_buyers[i] = rng.int(nBuys + 1);
      series.creator_sell_sol[i] = rng.chance(0.01) ? sell : 0;
      series.max_sell_sol[i] = nSells > 0 ? sell * (0.5 + 0.5 * rng.next()) : 0;
    }
    let peak = -Infinity;
    let tPeak = 0;
    let low = Infinity;
    for (let i = 0; i < n; i++) {
      const p = series.price[i]!;
      if (p > peak) [peak, tPeak] = [p, i];
      if (p < low) low = p;
    }
    out.push({
      v: 1,
      mint: `${opts.prefix ?? "Mint"}${String(k).padStart(6, "0")}pump`,
      pool: `Pool${String(k).padStart(6, "0")}`,
      creator: `Creator${rng.int(Math.max(2, count >> 1))}`,
      slot: startSlot + Math.round((ts - startTs) / 400),
      ts,
      token_age_s: rng.chance(0.1) ? null : Math.round(600 + rng.exponential(3600)),
      base_reserve0: base0,
      quote_reserve0: quote0,
      base_decimals: 6,
      lp_fee_bps: 20,
      protocol_fee_bps: 5,
      creator_fee_bps: 5,
      series,
      outcome: { peak_mult: peak / price0, t_peak: tPeak, min_mult: low / price0, final_mult: series.price[n - 1]! / price0 },
    });
  }
  return out;
}

/** Lifecycles as JSONL text (one line each, newline-terminated), as telemetry_tool writes them. */
export function toJsonl(lifecycles: readonly Lifecycle[]): string {
  return lifecycles.map((l) => JSON.stringify(l) + "\n").join("");
}
