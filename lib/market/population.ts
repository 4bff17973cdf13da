/**
 * The recurring wallets of the synthetic market: addresses that show up across many tokens, so the
 * live engine's `known_wallets.json` and the checker's creator reputation have something real to
 * find. Everything else (retail, bonding-curve holders, insiders, most creators) is a fresh address
 * per token.
 */
import type { Rng } from "../util/rng";
import { randomAddress } from "./ids";

export type KnownLabel = "sniper" | "whale" | "smart_money" | "serial_rugger";

export interface KnownWallet {
  address: string;
  label: KnownLabel;
}

/** How many recurring wallets of each kind the market has. */
export const POPULATION_SIZES: Record<KnownLabel, number> = {
  sniper: 40,
  whale: 25,
  smart_money: 30,
  serial_rugger: 60,
};

/** A list of addresses with Zipf-like activity weights (a few very active, a long tail). */
export class WalletGroup {
  readonly addresses: string[];
  private readonly cumulative: Float64Array;

  constructor(rng: Rng, readonly label: KnownLabel, size: number, zipf: number) {
    this.addresses = [];
    this.cumulative = new Float64Array(size);
    let total = 0;
    for (let i = 0; i < size; i++) {
      this.addresses.push(randomAddress(rng));
      total += 1 / (i + 1) ** zipf;
      this.cumulative[i] = total;
    }
    for (let i = 0; i < size; i++) this.cumulative[i] /= total;
  }

  /** One address, drawn by activity weight. */
  pick(rng: Rng): string {
    const u = rng.next();
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return this.addresses[lo];
  }

  /** Up to `n` distinct addresses, drawn by activity weight. */
  pickDistinct(rng: Rng, n: number): string[] {
    const out: string[] = [];
    for (let tries = 0; out.length < n && tries < n * 8; tries++) {
      const a = this.pick(rng);
      if (!out.includes(a)) out.push(a);
    }
    return out;
  }
}

export class Population {
  readonly snipers: WalletGroup;
  readonly whales: WalletGroup;
  readonly smart: WalletGroup;
  readonly ruggers: WalletGroup;

  constructor(rng: Rng) {
    this.snipers = new WalletGroup(rng.fork("sniper"), "sniper", POPULATION_SIZES.sniper, 0.8);
    this.whales = new WalletGroup(rng.fork("whale"), "whale", POPULATION_SIZES.whale, 0.6);
    this.smart = new WalletGroup(rng.fork("smart"), "smart_money", POPULATION_SIZES.smart_money, 0.5);
    this.ruggers = new WalletGroup(rng.fork("rugger"), "serial_rugger", POPULATION_SIZES.serial_rugger, 0.7);
  }

  /** Every recurring wallet with its label, in a stable order. */
  knownWallets(): KnownWallet[] {
    const out: KnownWallet[] = [];
    for (const g of [this.snipers, this.whales, this.smart, this.ruggers]) for (const address of g.addresses) out.push({ address, label: g.label });
    return out;
  }
}
