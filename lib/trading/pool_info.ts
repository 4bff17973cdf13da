/**
 * What a live swap needs to know about a pool (txbuild PoolInfo), kept where the buy path can
 * read it without waiting:
 *
 * - from the migration itself when the intake supplies the base mint's token program (the
 *   create_pool inner instruction names it; `migrationTokenProgram` reads it off the
 *   transaction): vaults are the pool's ATAs, the coin creator is in the event — no RPC at all;
 * - otherwise (and to confirm the cashback flag and the account length) from one
 *   getMultipleAccounts of the pool and its mint;
 * - `refresh` re-reads the pool account: the sell processor calls it when a swap fails on the
 *   coin creator's vault (the pool's coin creator was changed), so the retry derives the new
 *   vault PDAs;
 * - `reserves` reads the vault balances (+ Pool.virtual_quote_reserves) for re-quotes.
 */
import type { Address } from "@solana/kit";
import type { PoolFees, PoolReserves } from "../amm/index.ts";
import { PUMPSWAP_PROGRAM_ADDRESS, TOKEN_2022_PROGRAM_ADDRESS, TOKEN_PROGRAM_ADDRESS, WSOL_MINT_ADDRESS } from "../chain/constants.ts";
import { decodeGlobalConfig, decodePool, PUMPSWAP_CREATE_POOL_ACCOUNT_NAMES, pumpSwapCodecs, type GlobalConfigAccount } from "../chain/pumpswap.ts";
import { PUMPSWAP_GLOBAL_CONFIG_ADDRESS } from "../chain/constants.ts";
import { ataSync } from "../chain/pda_sync.ts";
import type { TradingRpc } from "./rpc.ts";
import type { PoolInfo } from "./txbuild.ts";
import type { MigrationSignalEvent } from "./types.ts";

/** Amount of an SPL Token / Token-2022 account (u64 at offset 64). */
export function tokenAccountAmount(data: Uint8Array): number {
  if (data.length < 72) return 0;
  return Number(new DataView(data.buffer, data.byteOffset, data.byteLength).getBigUint64(64, true));
}

/**
 * The base token program and pool vaults of a migration, read off its transaction's create_pool
 * (outer or inner) instruction; null when the transaction has none.
 */
type IxView = { programAddress: string; accounts?: readonly string[]; data: Uint8Array };

export function migrationTokenProgram(tx: { instructions: readonly IxView[]; innerInstructions: readonly { instructions: readonly IxView[] }[] }): { pool: string; baseTokenProgram: string; poolBaseTokenAccount: string; poolQuoteTokenAccount: string } | null {
  const names = PUMPSWAP_CREATE_POOL_ACCOUNT_NAMES;
  const at = (n: string) => names.indexOf(n);
  const look = (ix: IxView) => {
    if (ix.programAddress !== PUMPSWAP_PROGRAM_ADDRESS || !ix.accounts || !pumpSwapCodecs.createPool.matches(ix.data) || ix.accounts.length < names.length) return null;
    return { pool: ix.accounts[at("pool")], baseTokenProgram: ix.accounts[at("base_token_program")], poolBaseTokenAccount: ix.accounts[at("pool_base_token_account")], poolQuoteTokenAccount: ix.accounts[at("pool_quote_token_account")] };
  };
  for (const ix of tx.instructions) {
    const r = look(ix);
    if (r) return r;
  }
  for (const g of tx.innerInstructions) for (const ix of g.instructions) {
    const r = look(ix);
    if (r) return r;
  }
  return null;
}

export class PoolInfoCache {
  private readonly pools = new Map<string, PoolInfo>();
  private readonly pending = new Map<string, Promise<PoolInfo | null>>();
  globalConfig: GlobalConfigAccount | null = null;
  readonly stats = { fromMigration: 0, fetched: 0, refreshed: 0, failures: 0 };

  constructor(
    private readonly rpc: TradingRpc | null,
    private readonly limit = 20_000,
  ) {}

  async loadGlobalConfig(): Promise<GlobalConfigAccount | null> {
    if (!this.rpc) return null;
    const [g] = await this.rpc.getMultipleAccounts([PUMPSWAP_GLOBAL_CONFIG_ADDRESS]);
    if (g) this.globalConfig = decodeGlobalConfig(g.data);
    return this.globalConfig;
  }

  get(pool: string): PoolInfo | undefined {
    return this.pools.get(pool);
  }

  set(info: PoolInfo): void {
    if (this.pools.size >= this.limit && !this.pools.has(info.pool)) this.pools.delete(this.pools.keys().next().value!);
    this.pools.set(info.pool, info);
  }

  /** Synchronously from the migration, when it names the base token program. */
  fromMigration(ev: MigrationSignalEvent): PoolInfo | null {
    const have = this.pools.get(ev.pool);
    if (have) return have;
    if (!ev.base_token_program) return null;
    const program = ev.base_token_program as Address;
    const pool = ev.pool as Address;
    const mint = ev.mint as Address;
    const info: PoolInfo = {
      pool,
      mint,
      quoteMint: WSOL_MINT_ADDRESS,
      baseTokenProgram: program,
      quoteTokenProgram: TOKEN_PROGRAM_ADDRESS,
      poolBaseTokenAccount: (ev.pool_base_token_account as Address | undefined) ?? ataSync(pool, mint, program),
      poolQuoteTokenAccount: (ev.pool_quote_token_account as Address | undefined) ?? ataSync(pool, WSOL_MINT_ADDRESS),
      coinCreator: ev.creator as Address,
      isCashbackCoin: false,
      isMayhemMode: false,
      fees: feesOf(ev),
      baseDecimals: ev.base_decimals,
    };
    this.stats.fromMigration++;
    this.set(info);
    return info;
  }

  /** Fetches pool + mint once (concurrent callers share it). */
  load(pool: string, hint?: { fees?: PoolFees; baseDecimals?: number }): Promise<PoolInfo | null> {
    const have = this.pools.get(pool);
    if (have) return Promise.resolve(have);
    return this.fetch(pool, hint);
  }

  /** Re-reads the pool account (coin creator, flags, length); keeps fees and decimals. */
  async refresh(pool: string): Promise<PoolInfo | null> {
    const prev = this.pools.get(pool);
    this.pools.delete(pool);
    this.stats.refreshed++;
    const info = await this.fetch(pool, prev ? { fees: prev.fees, baseDecimals: prev.baseDecimals } : undefined);
    if (!info && prev) this.set(prev);
    return info;
  }

  private fetch(pool: string, hint?: { fees?: PoolFees; baseDecimals?: number }): Promise<PoolInfo | null> {
    const inflight = this.pending.get(pool);
    if (inflight) return inflight;
    if (!this.rpc) return Promise.resolve(null);
    const rpc = this.rpc;
    const p = (async () => {
      const [poolAcc] = await rpc.getMultipleAccounts([pool]);
      if (!poolAcc) return null;
      const account = decodePool(poolAcc.data);
      const [mintAcc] = await rpc.getMultipleAccounts([account.baseMint]);
      const program = (mintAcc?.owner === TOKEN_2022_PROGRAM_ADDRESS ? TOKEN_2022_PROGRAM_ADDRESS : TOKEN_PROGRAM_ADDRESS) as Address;
      const decimals = mintAcc && mintAcc.data.length > 44 ? mintAcc.data[44] : (hint?.baseDecimals ?? 6);
      const info: PoolInfo = {
        pool: pool as Address,
        mint: account.baseMint,
        quoteMint: account.quoteMint,
        baseTokenProgram: program,
        quoteTokenProgram: TOKEN_PROGRAM_ADDRESS,
        poolBaseTokenAccount: account.poolBaseTokenAccount,
        poolQuoteTokenAccount: account.poolQuoteTokenAccount,
        coinCreator: account.coinCreator,
        isCashbackCoin: account.isCashbackCoin,
        isMayhemMode: account.isMayhemMode,
        fees: hint?.fees ?? { lpFeeBps: 20, protocolFeeBps: 5, creatorFeeBps: 5 },
        baseDecimals: decimals,
        poolDataLength: poolAcc.data.length,
      };
      this.stats.fetched++;
      this.set(info);
      return info;
    })()
      .catch(() => {
        this.stats.failures++;
        return null;
      })
      .finally(() => this.pending.delete(pool));
    this.pending.set(pool, p);
    return p;
  }

  /** Vault balances (+ virtual quote reserves) read now. */
  async reserves(pool: string): Promise<PoolReserves | null> {
    if (!this.rpc) return null;
    const info = this.pools.get(pool) ?? (await this.load(pool));
    if (!info) return null;
    const [base, quote, poolAcc] = await this.rpc.getMultipleAccounts([info.poolBaseTokenAccount, info.poolQuoteTokenAccount, info.pool]);
    if (!base || !quote) return null;
    const virtual = poolAcc ? decodePool(poolAcc.data).virtualQuoteReserves : 0;
    return { baseReserve: tokenAccountAmount(base.data), quoteReserve: tokenAccountAmount(quote.data) + virtual };
  }
}

export function feesOf(ev: Pick<MigrationSignalEvent, "lp_fee_bps" | "protocol_fee_bps" | "creator_fee_bps">): PoolFees {
  return { lpFeeBps: ev.lp_fee_bps, protocolFeeBps: ev.protocol_fee_bps, creatorFeeBps: ev.creator_fee_bps };
}
