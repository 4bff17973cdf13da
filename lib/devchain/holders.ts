/**
 * Who holds a token when its bonding curve completes: the tokens outside the new pool belong to
 * the curve's buyers, each a wallet with its own token account. A "distributed" token looks like
 * a typical Pump.fun graduate — the creator's bag (sometimes already sold), a few larger buyers at
 * 1.5–4.5 % of supply each, and one to two hundred small holders on a heavy-tailed spread capped
 * below the large ones — so the ten largest outside the pool hold about a fifth of supply. A
 * "concentrated" token (the unsafe kind a holder check must catch) has one insider wallet with
 * 30–45 % of supply and a few more with 2–5 %.
 *
 * Wallets hold SOL too (most enough to pay a fee and a token account's rent, some only dust), so
 * a checker can simulate a sell by one of them.
 */
import type { Address } from "@solana/kit";
import { randomAddress } from "../market/ids.ts";
import type { Rng } from "../util/rng.ts";
import type { HolderProfile } from "./state.ts";

export interface CurveHolder {
  owner: Address;
  amount: number;
  /** SOL in the wallet, lamports. */
  lamports: number;
  role: "creator" | "large" | "small";
}

/** Lamports of a holder wallet: log-uniform 0.02–20 SOL, one in eight only dust (below a fee plus rent). */
export function holderWalletLamports(rng: Rng): number {
  if (rng.chance(0.125)) return Math.floor(rng.uniform(10_000, 1_500_000));
  return Math.floor(Math.exp(rng.uniform(Math.log(20_000_000), Math.log(20_000_000_000))));
}

/**
 * Splits `total` base units (the supply outside the pool) among holders; amounts sum to `total`
 * exactly, largest role first. `creator` gets the creator's bag (possibly none).
 */
export function curveHolderDistribution(rng: Rng, o: { total: number; supply: number; creator: Address; profile: HolderProfile }): CurveHolder[] {
  const { supply } = o;
  let left = Math.max(0, Math.floor(o.total));
  const out: CurveHolder[] = [];
  const take = (owner: Address, share: number, role: CurveHolder["role"], lamports: number) => {
    const amount = Math.min(left, Math.floor(share * supply));
    if (amount <= 0) return;
    left -= amount;
    out.push({ owner, amount, lamports, role });
  };
  // The creator's bag: a quarter of creators have sold theirs before the curve completed.
  const creatorShare = rng.chance(0.25) ? 0 : rng.uniform(0.005, 0.04);
  if (o.profile === "concentrated") {
    take(randomAddress(rng) as Address, rng.uniform(0.3, 0.45), "large", holderWalletLamports(rng));
    take(o.creator, creatorShare, "creator", 0);
    const n = 2 + rng.int(4);
    for (let i = 0; i < n; i++) take(randomAddress(rng) as Address, rng.uniform(0.02, 0.05), "large", holderWalletLamports(rng));
  } else {
    take(o.creator, creatorShare, "creator", 0);
    const n = 2 + rng.int(4);
    for (let i = 0; i < n; i++) take(randomAddress(rng) as Address, rng.uniform(0.015, 0.045), "large", holderWalletLamports(rng));
  }
  // Small holders: lognormal weights, water-filled under a cap of 1.2 % of supply each.
  const count = 100 + rng.int(121);
  const cap = Math.floor(0.012 * supply);
  const owners = Array.from({ length: count }, () => randomAddress(rng) as Address);
  const weights = owners.map(() => Math.exp(1.1 * rng.normal()));
  const amounts = waterFill(weights, left, cap);
  for (let i = 0; i < count; i++) {
    if (amounts[i] > 0) out.push({ owner: owners[i], amount: amounts[i], lamports: holderWalletLamports(rng), role: "small" });
  }
  left -= amounts.reduce((s, a) => s + a, 0);
  // Integer remainders (or more than the small holders can take under the cap) go to the largest.
  if (left > 0 && out.length > 0) {
    const largest = out.reduce((m, h) => (h.amount > m.amount ? h : m), out[0]);
    largest.amount += left;
  }
  return out;
}

/** `total` split in proportion to `weights`, no share above `cap` (the excess spread over the rest). */
function waterFill(weights: readonly number[], total: number, cap: number): number[] {
  const n = weights.length;
  const out = new Array<number>(n).fill(0);
  const capped = new Array<boolean>(n).fill(false);
  let remaining = total;
  for (let round = 0; round < n && remaining > 0; round++) {
    let wsum = 0;
    for (let i = 0; i < n; i++) if (!capped[i]) wsum += weights[i];
    if (wsum <= 0) break;
    let over = false;
    for (let i = 0; i < n; i++) {
      if (!capped[i] && (remaining * weights[i]) / wsum >= cap) {
        capped[i] = true;
        out[i] = cap;
        remaining -= cap;
        over = true;
      }
    }
    if (over) continue;
    let given = 0;
    for (let i = 0; i < n; i++) {
      if (capped[i]) continue;
      out[i] = Math.floor((remaining * weights[i]) / wsum);
      given += out[i];
    }
    remaining -= given;
    break;
  }
  // Floors leave a few units: hand them out one each, uncapped holders first.
  for (let i = 0; remaining > 0 && i < n; i++) {
    if (capped[i]) continue;
    const add = Math.min(remaining, Math.max(0, cap - out[i]));
    out[i] += add;
    remaining -= add;
  }
  return out;
}
