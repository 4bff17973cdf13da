/**
 * The simulator's ledger: lamports of system accounts, token accounts (pool vaults included, so
 * pool reserves are vault balances as on chain), mints, pools and raw program accounts. A
 * transaction runs against a `StateTxn` overlay and is committed only if every instruction
 * succeeded; simulateTransaction throws the overlay away.
 *
 * Token accounts are indexed by mint, so the largest holders of a mint are its real token
 * accounts (pool vault, bonding-curve buyers, market traders, wallets funded over RPC).
 */
import type { Address } from "@solana/kit";
import type { PoolFees } from "../amm/index.ts";
import { WSOL_MINT_ADDRESS } from "../chain/constants.ts";
import type { PoolAccount } from "../chain/pumpswap.ts";
import type { SimMint, TokenAccount } from "./accounts.ts";

export interface RawAccount {
  owner: Address;
  data: Uint8Array;
  lamports: number;
  executable?: boolean;
}

/** How the tokens outside the pool are spread at migration. */
export type HolderProfile = "distributed" | "concentrated";

export interface SimPool {
  address: Address;
  /** Decoded Pool fields (the account's bytes are `state.raw.get(address).data`). */
  account: PoolAccount;
  mint: Address;
  baseVault: Address;
  quoteVault: Address;
  fees: PoolFees;
  baseTokenProgram: Address;
  /** Pool.coin_creator (kept equal to `account.coinCreator`; change both with Devchain.setCoinCreator). */
  coinCreator: Address;
  migratedTs: number;
  holderProfile: HolderProfile;
  /** Token accounts of the bonding-curve buyers (creator's bag included), in booking order. */
  curveHolders: Address[];
}

/** A Pump.fun bonding curve the simulator created (its BondingCurve bytes are `state.raw.get(address).data`). */
export interface SimCurve {
  mint: Address;
  /** The BondingCurve account, PDA ["bonding-curve", mint]. */
  address: Address;
  /** associated_bonding_curve: the curve's token account (the whole supply at creation). */
  ata: Address;
  tokenProgram: Address;
  /** BondingCurve.creator. */
  creator: Address;
  createdTs: number;
  /** Token accounts of the model's curve traders (they hold on into the pool; RPC wallets are not here). */
  modelHolders: Set<Address>;
  migrated: boolean;
}

export class ChainState {
  readonly lamports = new Map<Address, number>();
  readonly tokenAccounts = new Map<Address, TokenAccount>();
  readonly mints = new Map<Address, SimMint>();
  readonly pools = new Map<Address, SimPool>();
  readonly poolsByMint = new Map<Address, SimPool>();
  /** Bonding curves by mint. */
  readonly curves = new Map<Address, SimCurve>();
  readonly raw = new Map<Address, RawAccount>();
  /** Token accounts of each mint (WSOL left out). */
  private readonly byMint = new Map<Address, Set<Address>>();

  reserves(pool: SimPool): { baseReserve: number; quoteReserve: number } {
    return { baseReserve: this.tokenAccounts.get(pool.baseVault)?.amount ?? 0, quoteReserve: (this.tokenAccounts.get(pool.quoteVault)?.amount ?? 0) + pool.account.virtualQuoteReserves };
  }

  putToken(t: TokenAccount): void {
    const prev = this.tokenAccounts.get(t.address);
    if (prev && prev.mint !== t.mint) this.byMint.get(prev.mint)?.delete(t.address);
    this.tokenAccounts.set(t.address, t);
    if (t.mint === WSOL_MINT_ADDRESS) return;
    let set = this.byMint.get(t.mint);
    if (!set) this.byMint.set(t.mint, (set = new Set()));
    set.add(t.address);
  }

  removeToken(a: Address): void {
    const prev = this.tokenAccounts.get(a);
    if (!prev) return;
    this.tokenAccounts.delete(a);
    this.byMint.get(prev.mint)?.delete(a);
  }

  /** Every token account of `mint` (also any set on `tokenAccounts` directly). */
  tokenAccountsOf(mint: Address): TokenAccount[] {
    const out: TokenAccount[] = [];
    for (const a of this.byMint.get(mint) ?? []) {
      const t = this.tokenAccounts.get(a);
      if (t && t.mint === mint) out.push(t);
    }
    return out;
  }
}

/** Copy-on-write view of a ChainState for one transaction. */
export class StateTxn {
  private readonly lamportsW = new Map<Address, number>();
  private readonly tokenW = new Map<Address, TokenAccount | null>();
  private readonly rawW = new Map<Address, RawAccount>();

  constructor(readonly base: ChainState) {}

  getLamports(a: Address): number {
    const v = this.lamportsW.get(a);
    if (v !== undefined) return v;
    const t = this.getToken(a);
    if (t) return t.lamports;
    const raw = this.getRaw(a);
    if (raw) return raw.lamports;
    return this.base.lamports.get(a) ?? 0;
  }

  setLamports(a: Address, v: number): void {
    const t = this.getToken(a);
    if (t) {
      this.setToken({ ...t, lamports: v });
      return;
    }
    const raw = this.getRaw(a);
    if (raw) {
      this.setRaw(a, { ...raw, lamports: v });
      return;
    }
    this.lamportsW.set(a, v);
  }

  /** Whether the account exists (a system account with lamports, a token account, a program account). */
  exists(a: Address): boolean {
    return this.lamportsW.has(a) || this.getToken(a) !== null || this.getRaw(a) !== null || this.base.lamports.has(a) || this.base.mints.has(a);
  }

  getToken(a: Address): TokenAccount | null {
    if (this.tokenW.has(a)) return this.tokenW.get(a) ?? null;
    return this.base.tokenAccounts.get(a) ?? null;
  }

  setToken(t: TokenAccount): void {
    this.tokenW.set(t.address, t);
  }

  deleteToken(a: Address): void {
    this.tokenW.set(a, null);
  }

  getRaw(a: Address): RawAccount | null {
    return this.rawW.get(a) ?? this.base.raw.get(a) ?? null;
  }

  setRaw(a: Address, r: RawAccount): void {
    this.rawW.set(a, r);
  }

  reserves(pool: SimPool): { baseReserve: number; quoteReserve: number } {
    return { baseReserve: this.getToken(pool.baseVault)?.amount ?? 0, quoteReserve: (this.getToken(pool.quoteVault)?.amount ?? 0) + pool.account.virtualQuoteReserves };
  }

  commit(): void {
    for (const [a, v] of this.lamportsW) this.base.lamports.set(a, v);
    for (const [a, t] of this.tokenW) {
      if (t === null) this.base.removeToken(a);
      else this.base.putToken(t);
    }
    for (const [a, r] of this.rawW) this.base.raw.set(a, r);
  }
}
