/**
 * A fake chain for checker tests: migrated tokens with their mint (built with encodeMint, safe or
 * deliberately unsafe), canonical PumpSwap pool, pool vault, holders and holder wallets, served
 * either in memory (a CheckerRpc) or as a JSON-RPC HTTP server on 127.0.0.1 (for the kit adapter
 * and end-to-end runs of `ferrix test-analysis`).
 *
 * simulateTransaction decodes the probe sell it receives and checks what a node would check
 * about its shape (fee payer is the selling holder, the sell names the token's pool, mint and the
 * holder's token account, sigVerify off, blockhash replaced); it fails the sell for tokens marked
 * `honeypot`. It does not execute the program: that is the chain simulator's job (lib/devchain).
 */
import {
  decompileTransactionMessage,
  getBase64Encoder,
  getCompiledTransactionMessageDecoder,
  getTransactionDecoder,
  type Address,
} from "@solana/kit";
import {
  addressToBytes,
  encodeGlobalConfig,
  encodeMint,
  encodePool,
  findCanonicalPoolPda,
  parseSwapInstruction,
  PUMPSWAP_GLOBAL_CONFIG_ADDRESS,
  PUMPSWAP_PROGRAM_ADDRESS,
  SYSTEM_PROGRAM_ADDRESS,
  TOKEN_PROGRAM_ADDRESS,
  WSOL_MINT_ADDRESS,
  type MintInfo,
} from "../chain";
import { sampleAddress, sampleGlobalConfig, samplePool } from "../chain/test-samples.ts";
import { RpcError, type CheckerRpc, type RpcAccount, type RpcCallOptions, type SimulateOptions, type SimulationResult, type TokenHolderBalance } from "./rpc.ts";

export { sampleAddress };

export const TOKEN_SUPPLY = 1_000_000_000_000_000n; // 1e9 tokens at 6 decimals, as Pump.fun mints

/** A safe Pump.fun-style mint: authorities renounced, no extensions. */
export function safeMint(overrides: Partial<MintInfo> = {}): MintInfo {
  return { mintAuthority: null, supply: TOKEN_SUPPLY, decimals: 6, isInitialized: true, freezeAuthority: null, extensions: [], ...overrides };
}

export interface FakeHolder {
  label: string;
  amount: bigint;
  /** Wallet lamports (default 1 SOL). */
  lamports?: bigint;
  /** The wallet is a program-owned account (cannot pay fees). */
  programOwned?: boolean;
}

export interface FakeTokenSpec {
  label: string;
  mint?: MintInfo;
  /** Owner program of the mint (default SPL Token; Token-2022 whenever the mint has extensions). */
  tokenProgram?: Address;
  /** Pool vault balance (default 20% of supply). */
  vaultAmount?: bigint;
  /** Default: ten holders of 2% each. */
  holders?: FakeHolder[];
  /** Simulated sells fail as a honeypot's would. */
  honeypot?: boolean;
  /** No pool account (pool_not_found). */
  noPool?: boolean;
}

export interface FakeToken {
  label: string;
  mint: Address;
  pool: Address;
  vault: Address;
  creator: Address;
  holders: { wallet: Address; tokenAccount: Address; amount: bigint }[];
  honeypot: boolean;
}

export function encodeTokenAccount(mint: Address, owner: Address, amount: bigint, state: 1 | 2 = 1): Uint8Array {
  const data = new Uint8Array(165);
  data.set(addressToBytes(mint), 0);
  data.set(addressToBytes(owner), 32);
  new DataView(data.buffer).setBigUint64(64, amount, true);
  data[108] = state;
  return data;
}

type Method = keyof CheckerRpc;

export interface SimulationCall {
  feePayer: Address;
  sigVerify: boolean;
  replaceRecentBlockhash: boolean;
  /** The sell's named accounts, when a PumpSwap sell was found. */
  sell: Record<string, Address> | null;
  /** The buy's named accounts, for a round trip. */
  buy: Record<string, Address> | null;
  /** Base units bought and sold. */
  baseBought: number | null;
  baseSold: number | null;
}

export class FakeChain {
  readonly accounts = new Map<string, RpcAccount>();
  readonly tokens = new Map<string, FakeToken>();
  private readonly largest = new Map<string, TokenHolderBalance[]>();
  /** Calls per method, for assertions (e.g. cache hits make none). */
  readonly calls: Record<Method, number> = { getAccountInfo: 0, getMultipleAccounts: 0, getTokenLargestAccounts: 0, simulateTransaction: 0, getLatestBlockhash: 0 };
  readonly simulations: SimulationCall[] = [];
  /** Requests cancelled by the caller's AbortSignal while waiting, per method. */
  readonly aborted: Record<Method, number> = { getAccountInfo: 0, getMultipleAccounts: 0, getTokenLargestAccounts: 0, simulateTransaction: 0, getLatestBlockhash: 0 };
  /** Added latency per method (ms); Infinity never answers (until aborted). */
  readonly delayMs: Partial<Record<Method, number>> = {};

  constructor() {
    this.accounts.set(PUMPSWAP_GLOBAL_CONFIG_ADDRESS, { owner: PUMPSWAP_PROGRAM_ADDRESS, lamports: 1_000_000n, executable: false, data: encodeGlobalConfig(sampleGlobalConfig) });
  }

  async addToken(spec: FakeTokenSpec): Promise<FakeToken> {
    const mintAddr = sampleAddress(`${spec.label} mint`);
    const mint = spec.mint ?? safeMint();
    const tokenProgram = spec.tokenProgram ?? (mint.extensions.length ? ("TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb" as Address) : TOKEN_PROGRAM_ADDRESS);
    const [pool] = await findCanonicalPoolPda(mintAddr);
    const vault = sampleAddress(`${spec.label} vault`);
    const creator = sampleAddress(`${spec.label} creator`);
    this.accounts.set(mintAddr, { owner: tokenProgram, lamports: 1_461_600n, executable: false, data: encodeMint(mint) });
    if (!spec.noPool) {
      const poolData = encodePool({ ...samplePool, baseMint: mintAddr, quoteMint: WSOL_MINT_ADDRESS, poolBaseTokenAccount: vault, poolQuoteTokenAccount: sampleAddress(`${spec.label} quote vault`), coinCreator: creator });
      this.accounts.set(pool, { owner: PUMPSWAP_PROGRAM_ADDRESS, lamports: 3_000_000n, executable: false, data: poolData });
    }
    const vaultAmount = spec.vaultAmount ?? TOKEN_SUPPLY / 5n;
    this.accounts.set(vault, { owner: tokenProgram, lamports: 2_039_280n, executable: false, data: encodeTokenAccount(mintAddr, pool, vaultAmount) });
    // The quote vault: 85 SOL of WSOL, as a fresh migration leaves it.
    this.accounts.set(sampleAddress(`${spec.label} quote vault`), { owner: TOKEN_PROGRAM_ADDRESS, lamports: 85_000_000_000n, executable: false, data: encodeTokenAccount(WSOL_MINT_ADDRESS, pool, 84_990_359_101n) });
    const holderSpecs: FakeHolder[] = spec.holders ?? Array.from({ length: 10 }, (_, i) => ({ label: `holder ${i}`, amount: TOKEN_SUPPLY / 50n }));
    const holders = holderSpecs.map((h) => {
      const wallet = sampleAddress(`${spec.label} ${h.label} wallet`);
      const tokenAccount = sampleAddress(`${spec.label} ${h.label} token account`);
      this.accounts.set(tokenAccount, { owner: tokenProgram, lamports: 2_039_280n, executable: false, data: encodeTokenAccount(mintAddr, wallet, h.amount) });
      this.accounts.set(wallet, { owner: h.programOwned ? PUMPSWAP_PROGRAM_ADDRESS : SYSTEM_PROGRAM_ADDRESS, lamports: h.lamports ?? 1_000_000_000n, executable: false, data: h.programOwned ? new Uint8Array(8) : new Uint8Array(0) });
      return { wallet, tokenAccount, amount: h.amount };
    });
    const largest = [{ address: vault, amount: vaultAmount }, ...holders.map((h) => ({ address: h.tokenAccount, amount: h.amount }))]
      .sort((a, b) => (a.amount < b.amount ? 1 : a.amount > b.amount ? -1 : 0))
      .slice(0, 20);
    this.largest.set(mintAddr, largest);
    const token: FakeToken = { label: spec.label, mint: mintAddr, pool, vault, creator, holders, honeypot: spec.honeypot ?? false };
    this.tokens.set(mintAddr, token);
    return token;
  }

  private async wait(method: Method, signal?: AbortSignal): Promise<void> {
    this.calls[method]++;
    const ms = this.delayMs[method];
    if (!ms) return;
    await new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason ?? new Error("aborted"));
      const t = Number.isFinite(ms) ? setTimeout(resolve, ms) : null;
      signal?.addEventListener("abort", () => {
        if (t) clearTimeout(t);
        this.aborted[method]++;
        reject(signal.reason ?? new Error("aborted"));
      });
    });
  }

  /** The simulation a node would run, reduced to the questions the checker asks. */
  simulate(wireBase64: string, opts: { sigVerify: boolean; replaceRecentBlockhash: boolean }): SimulationResult {
    const bytes = new Uint8Array(getBase64Encoder().encode(wireBase64));
    const tx = getTransactionDecoder().decode(bytes);
    const message = decompileTransactionMessage(getCompiledTransactionMessageDecoder().decode(tx.messageBytes));
    const feePayer = message.feePayer.address;
    let sell: Record<string, Address> | null = null;
    let buy: Record<string, Address> | null = null;
    let baseBought: number | null = null;
    let baseSold: number | null = null;
    for (const ix of message.instructions) {
      if (ix.programAddress !== PUMPSWAP_PROGRAM_ADDRESS || !ix.data || !ix.accounts) continue;
      const parsed = parseSwapInstruction({ data: new Uint8Array(ix.data), accounts: ix.accounts });
      if (parsed?.name === "sell") {
        sell = parsed.accounts;
        baseSold = (parsed.args as { baseAmountIn: number }).baseAmountIn;
      } else if (parsed?.name === "buy") {
        buy = parsed.accounts;
        baseBought = (parsed.args as { baseAmountOut: number }).baseAmountOut;
      }
    }
    this.simulations.push({ feePayer, sigVerify: opts.sigVerify, replaceRecentBlockhash: opts.replaceRecentBlockhash, sell, buy, baseBought, baseSold });
    const fail = (err: unknown, log: string): SimulationResult => ({ err, logs: [`Program ${PUMPSWAP_PROGRAM_ADDRESS} invoke [1]`, log], unitsConsumed: 12_000 });
    if (opts.sigVerify) return fail("SignatureFailure", "signature verification failed");
    if (!sell) return fail({ InstructionError: [0, "InvalidInstructionData"] }, "no PumpSwap sell in the transaction");
    const token = this.tokens.get(sell.base_mint);
    if (!token) return fail({ InstructionError: [2, "InvalidAccountData"] }, `unknown mint ${sell.base_mint}`);
    const payer = this.accounts.get(feePayer);
    if (!payer || payer.owner !== SYSTEM_PROGRAM_ADDRESS) return fail("AccountNotFound", "fee payer is not a funded system account");
    if (sell.pool !== token.pool || sell.user !== feePayer) return fail({ InstructionError: [2, { Custom: 2003 }] }, "Program log: AnchorError: ConstraintRaw (accounts do not match)");
    if (buy) {
      // Round trip: the same user buys then sells what it bought, from its own ATA.
      if (buy.user !== feePayer || buy.pool !== token.pool || buy.user_base_token_account !== sell.user_base_token_account || baseBought !== baseSold) {
        return fail({ InstructionError: [6, { Custom: 2003 }] }, "Program log: round trip accounts or amounts do not match");
      }
    } else {
      const holder = token.holders.find((h) => h.tokenAccount === sell!.user_base_token_account);
      if (!holder || holder.wallet !== feePayer) return fail({ InstructionError: [2, { Custom: 2003 }] }, "Program log: AnchorError: ConstraintRaw (accounts do not match)");
    }
    if (token.honeypot) return fail({ InstructionError: [2, { Custom: 6001 }] }, "Program log: transfer hook rejected the transfer");
    return { err: null, logs: [`Program ${PUMPSWAP_PROGRAM_ADDRESS} invoke [1]`, `Program ${PUMPSWAP_PROGRAM_ADDRESS} success`], unitsConsumed: 48_000 };
  }

  /** A funded system wallet (e.g. the checker's simulation wallet). */
  fundWallet(label: string, lamports = 1_000_000_000n): Address {
    const wallet = sampleAddress(label);
    this.accounts.set(wallet, { owner: SYSTEM_PROGRAM_ADDRESS, lamports, executable: false, data: new Uint8Array(0) });
    return wallet;
  }

  /** In-memory adapter over this chain. */
  rpc(): CheckerRpc {
    return {
      getAccountInfo: async (address, o?: RpcCallOptions) => {
        await this.wait("getAccountInfo", o?.signal);
        return this.accounts.get(address) ?? null;
      },
      getMultipleAccounts: async (addresses, o?: RpcCallOptions) => {
        await this.wait("getMultipleAccounts", o?.signal);
        return addresses.map((a) => this.accounts.get(a) ?? null);
      },
      getTokenLargestAccounts: async (mint, o?: RpcCallOptions) => {
        await this.wait("getTokenLargestAccounts", o?.signal);
        const l = this.largest.get(mint);
        if (!l) throw new RpcError("getTokenLargestAccounts", "Invalid param: not a Token mint");
        return l;
      },
      simulateTransaction: async (wire, o: SimulateOptions) => {
        await this.wait("simulateTransaction", o.signal);
        return this.simulate(wire, o);
      },
      getLatestBlockhash: async (o?: RpcCallOptions) => {
        await this.wait("getLatestBlockhash", o?.signal);
        return { blockhash: "11111111111111111111111111111111", lastValidBlockHeight: 1000n };
      },
    };
  }

  /** Serves this chain as Solana JSON-RPC over HTTP on 127.0.0.1 (port 0 = any free port). */
  serve(port = 0): { url: string; stop(): Promise<void> } {
    const slot = 1000;
    const b64 = (data: Uint8Array) => Buffer.from(data).toString("base64");
    const accountJson = (a: RpcAccount | undefined) =>
      a ? { lamports: Number(a.lamports), owner: a.owner, executable: a.executable, rentEpoch: 0, space: a.data.length, data: [b64(a.data), "base64"] } : null;
    const ctx = (value: unknown) => ({ context: { slot, apiVersion: "2.2.0" }, value });
    const handle = (method: string, params: unknown[]): unknown => {
      switch (method) {
        case "getAccountInfo":
          this.calls.getAccountInfo++;
          return ctx(accountJson(this.accounts.get(params[0] as string)));
        case "getMultipleAccounts":
          this.calls.getMultipleAccounts++;
          return ctx((params[0] as string[]).map((a) => accountJson(this.accounts.get(a))));
        case "getTokenLargestAccounts": {
          this.calls.getTokenLargestAccounts++;
          const l = this.largest.get(params[0] as string);
          if (!l) throw Object.assign(new Error("Invalid param: not a Token mint"), { code: -32602 });
          return ctx(l.map((h) => ({ address: h.address, amount: h.amount.toString(), decimals: 6, uiAmount: Number(h.amount) / 1e6, uiAmountString: String(Number(h.amount) / 1e6) })));
        }
        case "simulateTransaction": {
          this.calls.simulateTransaction++;
          const cfg = (params[1] ?? {}) as { sigVerify?: boolean; replaceRecentBlockhash?: boolean; encoding?: string };
          if (cfg.encoding !== "base64") throw Object.assign(new Error("expected base64 encoding"), { code: -32602 });
          const r = this.simulate(params[0] as string, { sigVerify: cfg.sigVerify ?? false, replaceRecentBlockhash: cfg.replaceRecentBlockhash ?? false });
          return ctx({ err: r.err, logs: r.logs, accounts: null, unitsConsumed: r.unitsConsumed, returnData: null, replacementBlockhash: { blockhash: "11111111111111111111111111111111", lastValidBlockHeight: 1000 } });
        }
        case "getLatestBlockhash":
          this.calls.getLatestBlockhash++;
          return ctx({ blockhash: "11111111111111111111111111111111", lastValidBlockHeight: 1000 });
        default:
          throw Object.assign(new Error(`Method not found: ${method}`), { code: -32601 });
      }
    };
    const server = Bun.serve({
      hostname: "127.0.0.1",
      port,
      fetch: async (req) => {
        const body = (await req.json()) as { id: unknown; method: string; params?: unknown[] };
        const delay = this.delayMs[body.method as Method];
        if (delay) await Bun.sleep(Number.isFinite(delay) ? delay : 3_600_000);
        try {
          return Response.json({ jsonrpc: "2.0", id: body.id, result: handle(body.method, body.params ?? []) });
        } catch (err) {
          return Response.json({ jsonrpc: "2.0", id: body.id, error: { code: (err as { code?: number }).code ?? -32000, message: (err as Error).message } });
        }
      },
    });
    return { url: `http://127.0.0.1:${server.port}`, stop: async () => void (await server.stop(true)) };
  }
}
