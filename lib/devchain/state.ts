/**
 * The simulator's ledger: lamports of system accounts, token accounts (pool vaults included, so
 * pool reserves are vault balances as on chain), mints, pools and raw program accounts. A
 * transaction runs against a `StateTxn` overlay and is committed only if every instruction
 * succeeded; simulateTransaction throws the overlay away.
 */
import type { Address } from "@solana/kit";
import type { PoolFees } from "../amm/index.ts";
import type { PoolAccount } from "../chain/pumpswap.ts";
import type { SimMint, TokenAccount } from "./accounts.ts";

export interface RawAccount {
  owner: Address;
  data: Uint8Array;
  lamports: number;
  executable?: boolean;
}

export interface SimPool {
  address: Address;
  account: PoolAccount;
  mint: Address;
  baseVault: Address;
  quoteVault: Address;
  fees: PoolFees;
  baseTokenProgram: Address;
  coinCreator: Address;
  migratedTs: number;
  /** Holder balances by owner (market traders included), for top-holder concentration. */
  holders: Map<string, number>;
}

export class ChainState {
  readonly lamports = new Map<Address, number>();
  readonly tokenAccounts = new Map<Address, TokenAccount>();
  readonly mints = new Map<Address, SimMint>();
  readonly pools = new Map<Address, SimPool>();
  readonly poolsByMint = new Map<Address, SimPool>();
  readonly raw = new Map<Address, RawAccount>();

  reserves(pool: SimPool): { baseReserve: number; quoteReserve: number } {
    return { baseReserve: this.tokenAccounts.get(pool.baseVault)?.amount ?? 0, quoteReserve: (this.tokenAccounts.get(pool.quoteVault)?.amount ?? 0) + pool.account.virtualQuoteReserves };
  }
}

/** Copy-on-write view of a ChainState for one transaction. */
export class StateTxn {
  private readonly lamportsW = new Map<Address, number>();
  private readonly tokenW = new Map<Address, TokenAccount | null>();

  constructor(readonly base: ChainState) {}

  getLamports(a: Address): number {
    const v = this.lamportsW.get(a);
    if (v !== undefined) return v;
    const t = this.getToken(a);
    if (t) return t.lamports;
    return this.base.lamports.get(a) ?? this.base.raw.get(a)?.lamports ?? 0;
  }

  setLamports(a: Address, v: number): void {
    const t = this.getToken(a);
    if (t) {
      this.setToken({ ...t, lamports: v });
      return;
    }
    this.lamportsW.set(a, v);
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

  reserves(pool: SimPool): { baseReserve: number; quoteReserve: number } {
    return { baseReserve: this.getToken(pool.baseVault)?.amount ?? 0, quoteReserve: (this.getToken(pool.quoteVault)?.amount ?? 0) + pool.account.virtualQuoteReserves };
  }

  commit(): void {
    for (const [a, v] of this.lamportsW) this.base.lamports.set(a, v);
    for (const [a, t] of this.tokenW) {
      if (t === null) this.base.tokenAccounts.delete(a);
      else this.base.tokenAccounts.set(a, t);
    }
  }
}
