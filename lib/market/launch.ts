/**
 * Static facts of one migration: the pool a completed Pump.fun bonding curve creates on PumpSwap,
 * and the hidden regime the token's market will follow.
 */
import type { PoolFees } from "../amm";
import type { Rng } from "../util/rng";
import { randomAddress, randomPumpMint, randomSignature } from "./ids";
import type { Population } from "./population";

/** Hidden market regimes, from worst to best for a buyer at migration. */
export type Regime = "rug" | "dud" | "chop" | "pump_dump" | "runner";
export const REGIMES: readonly Regime[] = ["rug", "dud", "chop", "pump_dump", "runner"];

/**
 * Regime mix. Most migrated tokens lose value after migration (Pump.fun graduates' typical fate:
 * a rug or a slow bleed); chop trades sideways with wide swings; a pump-and-dump gives a short-lived
 * 1.3–4x; a minority run (peak 2–50x, heavy tail). Rug + dud + chop = 73 %: a buyer of every
 * migration loses on average, while the 27 % with an upside are what an entry filter must find.
 */
export const REGIME_WEIGHTS: Readonly<Record<Regime, number>> = {
  rug: 0.25,
  dud: 0.33,
  chop: 0.15,
  pump_dump: 0.17,
  runner: 0.1,
};

/**
 * PumpSwap fees for a freshly migrated canonical pool.
 *
 * Since the 2025-09-01 fee upgrade ("Project Ascend", Dynamic Fees V1) canonical pools pay fees
 * from the FeeConfig market-cap tiers (pump-public-docs FEE_PROGRAM_README.md; SDK
 * `computeFeesBps` / `calculateFeeTier`, mcap = quote_reserve · supply / base_reserve). Pump.fun's
 * own fee page (intercom.help/pumpfun-web "Transaction fees on Pump.fun") lists the PumpSwap
 * tiers in SOL of market cap: 0–420 SOL → 1.25 % = 0.02 % LP + 0.93 % protocol + 0.30 % creator;
 * 420–1470 SOL → 1.20 % = 0.20 % LP + 0.05 % protocol + 0.95 % creator; … down to 0.30 % above
 * 98k SOL. A fresh pool holds ~84.99 SOL against 206.9M of 1B tokens: mcap ≈ 411 SOL, the first
 * tier. The telemetry format carries one fee set per pool (from the migration), so every swap of a
 * pool uses these rates — a runner crossing 420 SOL would really pay 5 bps less in total.
 */
export const FRESH_POOL_FEES: Readonly<PoolFees> = { lpFeeBps: 2, protocolFeeBps: 93, creatorFeeBps: 30 };

/** Pump.fun token supply (1e9 tokens, 6 decimals) and what migration puts into the pool. */
export const TOKEN_SUPPLY = 1_000_000_000_000_000;
export const BASE_DECIMALS = 6;
/** Tokens left on a completed curve: supply − 793.1M sold on the curve (solana_facts §2). */
export const MIGRATION_BASE_RESERVE = 206_900_000_000_000;
/**
 * SOL on a completed curve is k / 279.9e12 − 30e9 = 85_005_359_056 lamports (virtual 30 SOL ×
 * 1.073e15 tokens); the pool gets that minus the 15_000_001-lamport pool_migration_fee.
 */
export const MIGRATION_QUOTE_RESERVE = 85_005_359_056 - 15_000_001;

/** Solana slot ↔ Unix ms: one slot per 400 ms, anchored near the real mainnet slot at 2026-01-01. */
export const SLOT_ANCHOR_TS = Date.UTC(2026, 0, 1);
export const SLOT_ANCHOR = 389_000_000;
export const slotAt = (ts: number): number => SLOT_ANCHOR + Math.floor((ts - SLOT_ANCHOR_TS) / 400);

/** Oldest a token is at migration (its creation time, and slot, lie this far back at most). */
export const MAX_TOKEN_AGE_S = 14 * 86_400;

export interface TokenLaunch {
  /** 0-based order of migration in the market. */
  index: number;
  mint: string;
  pool: string;
  /** The coin creator (pool.coin_creator), who may hold and dump a bag. */
  creator: string;
  /** Migration transaction signature. */
  sig: string;
  ts: number;
  slot: number;
  baseReserve: number;
  quoteReserve: number;
  baseDecimals: number;
  fees: PoolFees;
  tokenCreatedTs: number;
  tokenCreatedSlot: number;
  /** Hidden truth: never written to telemetry. */
  regime: Regime;
  /** Hidden truth: the creator is a recurring serial rugger. */
  serialCreator: boolean;
}

export function pickRegime(rng: Rng): Regime {
  let u = rng.next();
  for (const r of REGIMES) {
    u -= REGIME_WEIGHTS[r];
    if (u < 0) return r;
  }
  return "dud";
}

/** Draw the static facts of migration number `index` at `ts` from its own random stream. */
export function makeLaunch(index: number, ts: number, rng: Rng, population: Population): TokenLaunch {
  const regime = pickRegime(rng);
  const mint = randomPumpMint(rng);
  const pool = randomAddress(rng);
  const sig = randomSignature(rng);
  // Serial ruggers launch a good share of rugs and the odd dud: creator history is a real signal.
  const serialCreator = regime === "rug" ? rng.chance(0.4) : regime === "dud" ? rng.chance(0.04) : rng.chance(0.005);
  const creator = serialCreator ? population.ruggers.pick(rng) : randomAddress(rng);
  // The curve completes when its last tokens are bought, so the pool's token side is exact; a few
  // pools carry a little dust less. The SOL side moves by rounding of the final buys.
  const baseReserve = rng.chance(0.9) ? MIGRATION_BASE_RESERVE : MIGRATION_BASE_RESERVE - rng.int(2_000_000_000);
  const quoteReserve = MIGRATION_QUOTE_RESERVE + Math.max(-8_000_000, Math.min(8_000_000, Math.round(rng.normal() * 2_500_000)));
  // Age at migration: minutes to days, skewed short; fast bundled rugs graduate younger.
  const medianS = regime === "rug" ? 12 * 60 : 35 * 60;
  const ageS = Math.min(MAX_TOKEN_AGE_S, Math.max(90, medianS * Math.exp(1.5 * rng.normal())));
  const tokenCreatedTs = ts - Math.round(ageS * 1000);
  return {
    index,
    mint,
    pool,
    creator,
    sig,
    ts,
    slot: slotAt(ts),
    baseReserve,
    quoteReserve,
    baseDecimals: BASE_DECIMALS,
    fees: { ...FRESH_POOL_FEES },
    tokenCreatedTs,
    tokenCreatedSlot: slotAt(tokenCreatedTs),
    regime,
    serialCreator,
  };
}
