/**
 * Pool-state cache for the trading stages: the pool account (vaults, coin creator), the base mint
 * (program, authorities, extensions) and the fee configuration, fetched with one
 * getMultipleAccounts per migration right after it is seen, so a buy does not wait for RPC.
 * Fee rates follow the SDK: canonical pools pay the FeeConfig market-cap tier, other pools the
 * GlobalConfig basis points; no coin creator means no creator fee.
 */
import { createSolanaRpc, type Address } from "@solana/kit";
import type { PoolFees } from "../amm/index.ts";
import { DEFAULT_ADDRESS, PUMPSWAP_FEE_CONFIG_ADDRESS, PUMPSWAP_GLOBAL_CONFIG_ADDRESS, TOKEN_2022_PROGRAM_ADDRESS } from "../chain/constants.ts";
import { parseMint, type MintInfo } from "../chain/mint.ts";
import { decodeFeeConfig, decodeGlobalConfig, decodePool, type FeeConfigAccount, type GlobalConfigAccount, type PoolAccount } from "../chain/pumpswap.ts";

export interface AccountData {
  data: Uint8Array;
  owner: string;
  lamports: number;
}

/** The one RPC call the cache needs; injected so tests and the devchain share the code path. */
export interface AccountsReader {
  getMultipleAccounts(addresses: readonly string[]): Promise<(AccountData | null)[]>;
}

/** AccountsReader over Solana JSON-RPC with @solana/kit. */
export function rpcAccountsReader(url: string): AccountsReader {
  const rpc = createSolanaRpc(url);
  return {
    async getMultipleAccounts(addresses) {
      const res = await rpc.getMultipleAccounts(addresses as Address[], { encoding: "base64" }).send();
      return res.value.map((a) => (a ? { data: Buffer.from(a.data[0], "base64"), owner: a.owner, lamports: Number(a.lamports) } : null));
    },
  };
}

export interface PoolState {
  pool: string;
  account: PoolAccount;
  mint: MintInfo | null;
  mintProgram: string | null;
  fetchedAtMono: number;
}

/** The SDK's tier choice: the highest tier whose threshold the market cap reaches. */
export function feesFromConfig(config: { feeConfig: FeeConfigAccount | null; globalConfig: GlobalConfigAccount | null }, m: { canonical: boolean; baseReserve: number; quoteReserve: number; supply: number; coinCreator: string }): PoolFees | null {
  let fees: PoolFees | null = null;
  if (m.canonical && config.feeConfig && config.feeConfig.feeTiers.length > 0) {
    const mcap = BigInt(Math.floor((m.quoteReserve * m.supply) / m.baseReserve));
    const tiers = config.feeConfig.feeTiers;
    let tier = tiers[0];
    for (let i = tiers.length - 1; i >= 0; i--) {
      if (mcap >= tiers[i].marketCapLamportsThreshold) {
        tier = tiers[i];
        break;
      }
    }
    fees = { ...tier.fees };
  } else if (config.globalConfig) {
    fees = { lpFeeBps: config.globalConfig.lpFeeBasisPoints, protocolFeeBps: config.globalConfig.protocolFeeBasisPoints, creatorFeeBps: config.globalConfig.coinCreatorFeeBasisPoints };
  }
  if (fees && m.coinCreator === DEFAULT_ADDRESS) fees.creatorFeeBps = 0;
  return fees;
}

export class PoolStateCache {
  private readonly states = new Map<string, PoolState>();
  private readonly pending = new Map<string, Promise<PoolState | null>>();
  feeConfig: FeeConfigAccount | null = null;
  globalConfig: GlobalConfigAccount | null = null;
  readonly stats = { fetches: 0, failures: 0 };

  constructor(
    private readonly reader: AccountsReader | null,
    private readonly monoMs: () => number,
    private readonly limit = 10_000,
  ) {}

  /** Loads GlobalConfig and FeeConfig (call at start and now and then). */
  async loadConfig(): Promise<void> {
    if (!this.reader) return;
    const [g, f] = await this.reader.getMultipleAccounts([PUMPSWAP_GLOBAL_CONFIG_ADDRESS, PUMPSWAP_FEE_CONFIG_ADDRESS]);
    if (g) this.globalConfig = decodeGlobalConfig(g.data);
    if (f) this.feeConfig = decodeFeeConfig(f.data);
  }

  get(pool: string): PoolState | undefined {
    return this.states.get(pool);
  }

  /** Fetches pool and mint once (concurrent callers share the request); null when unavailable. */
  prewarm(pool: string, mint: string): Promise<PoolState | null> {
    const have = this.states.get(pool);
    if (have) return Promise.resolve(have);
    const inflight = this.pending.get(pool);
    if (inflight) return inflight;
    if (!this.reader) return Promise.resolve(null);
    this.stats.fetches++;
    const p = this.reader
      .getMultipleAccounts([pool, mint])
      .then(([poolAcc, mintAcc]) => {
        if (!poolAcc) return null;
        const state: PoolState = {
          pool,
          account: decodePool(poolAcc.data),
          mint: mintAcc ? parseMint(mintAcc.data) : null,
          mintProgram: mintAcc?.owner ?? null,
          fetchedAtMono: this.monoMs(),
        };
        if (this.states.size >= this.limit) this.states.delete(this.states.keys().next().value!);
        this.states.set(pool, state);
        return state;
      })
      .catch(() => {
        this.stats.failures++;
        return null;
      })
      .finally(() => this.pending.delete(pool));
    this.pending.set(pool, p);
    return p;
  }

  /** Whether the mint is a Token-2022 mint (from the cache). */
  isToken2022(pool: string): boolean | null {
    const s = this.states.get(pool);
    return s?.mintProgram ? s.mintProgram === TOKEN_2022_PROGRAM_ADDRESS : null;
  }
}
