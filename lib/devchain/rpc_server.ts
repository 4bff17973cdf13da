/**
 * The simulator's Solana JSON-RPC endpoint (Bun.serve on 127.0.0.1): account reads with base64
 * data in the real layouts, blockhash / slot / balances, top holders, and transactions in
 * (sendTransaction, simulateTransaction) and out (getSignatureStatuses, getTransaction). Shapes
 * follow the Solana JSON-RPC API so @solana/kit's `createSolanaRpc` reads them unchanged.
 */
import type { Address } from "@solana/kit";
import { decodeBase58, encodeBase58 } from "../chain/base58.ts";

import { RpcError, type Devchain } from "./chain.ts";

export interface RpcServerOptions {
  host?: string;
  port?: number;
}

type Params = unknown[];

const U64_MAX = 18_446_744_073_709_551_615n;
/** Bun's JSON has no bigint: rentEpoch (u64::MAX) is spliced in as a bare number. */
const RENT_EPOCH_TOKEN = "__RENT_EPOCH_U64_MAX__";

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

function decodeWire(encoded: string, encoding: string | undefined): Uint8Array {
  if (encoding === "base64") return Buffer.from(encoded, "base64");
  if (encoding === undefined || encoding === "base58") {
    // The JSON-RPC API's legacy default encoding is base58.
    return decodeBase58(encoded);
  }
  throw new RpcError(-32602, `unsupported encoding: ${encoding}`);
}

export class DevchainRpcServer {
  private server: ReturnType<typeof Bun.serve> | null = null;
  readonly stats = { requests: 0, sendTransaction: 0, simulateTransaction: 0 };

  constructor(
    private readonly chain: Devchain,
    private readonly opts: RpcServerOptions = {},
  ) {}

  get port(): number {
    return this.server?.port ?? 0;
  }

  get url(): string {
    return `http://${this.opts.host ?? "127.0.0.1"}:${this.port}`;
  }

  start(): void {
    this.server = Bun.serve({
      hostname: this.opts.host ?? "127.0.0.1",
      port: this.opts.port ?? 0,
      fetch: async (req) => {
        if (req.method !== "POST") return new Response("devchain JSON-RPC: POST only\n", { status: 405 });
        let body: unknown;
        try {
          body = await req.json();
        } catch {
          return this.json({ jsonrpc: "2.0", error: { code: -32700, message: "Parse error" }, id: null });
        }
        if (Array.isArray(body)) return this.json(await Promise.all(body.map((b) => this.handle(b))));
        return this.json(await this.handle(body));
      },
    });
  }

  async stop(): Promise<void> {
    await this.server?.stop(true);
    this.server = null;
  }

  private json(value: unknown): Response {
    const text = JSON.stringify(value).replaceAll(`"${RENT_EPOCH_TOKEN}"`, U64_MAX.toString());
    return new Response(text, { headers: { "content-type": "application/json" } });
  }

  private async handle(msg: unknown): Promise<unknown> {
    const m = msg as { id?: unknown; method?: string; params?: Params };
    const id = m?.id ?? null;
    this.stats.requests++;
    try {
      if (typeof m?.method !== "string") throw new RpcError(-32600, "Invalid request");
      const result = await this.call(m.method, Array.isArray(m.params) ? m.params : []);
      return { jsonrpc: "2.0", result, id };
    } catch (err) {
      if (err instanceof RpcError) return { jsonrpc: "2.0", error: { code: err.code, message: err.message, ...(err.data !== undefined ? { data: err.data } : {}) }, id };
      return { jsonrpc: "2.0", error: { code: -32603, message: `Internal error: ${(err as Error).message}` }, id };
    }
  }

  private context() {
    return { slot: this.chain.slot, apiVersion: "2.2.0" };
  }

  private accountJson(address: string, encoding: string | undefined) {
    if (encoding !== undefined && encoding !== "base64") throw new RpcError(-32602, `unsupported encoding: ${encoding} (the simulator serves base64)`);
    const a = this.chain.getAccount(address as Address);
    if (!a) return null;
    return { data: [b64(a.data), "base64"], executable: a.executable, lamports: a.lamports, owner: a.owner, rentEpoch: RENT_EPOCH_TOKEN, space: a.data.length };
  }

  private async call(method: string, params: Params): Promise<unknown> {
    const chain = this.chain;
    const cfg = (i: number) => (params[i] ?? {}) as Record<string, unknown>;
    switch (method) {
      case "getHealth":
        return "ok";
      case "getVersion":
        return { "solana-core": "2.2.0", "feature-set": 0 };
      case "getSlot":
        return chain.slot;
      case "getBlockHeight":
        return chain.blockHeight();
      case "getLatestBlockhash": {
        const b = chain.latestBlockhash();
        return { context: this.context(), value: { blockhash: b.blockhash, lastValidBlockHeight: b.lastValidBlockHeight } };
      }
      case "isBlockhashValid":
        return { context: this.context(), value: chain.isBlockhashValid(String(params[0])) };
      case "getMinimumBalanceForRentExemption":
        return (128 + Number(params[0] ?? 0)) * 6_960;
      case "getAccountInfo":
        return { context: this.context(), value: this.accountJson(String(params[0]), cfg(1).encoding as string | undefined) };
      case "getMultipleAccounts": {
        const list = (params[0] ?? []) as string[];
        if (!Array.isArray(list) || list.length > 100) throw new RpcError(-32602, "Invalid params: expected up to 100 addresses");
        return { context: this.context(), value: list.map((a) => this.accountJson(a, cfg(1).encoding as string | undefined)) };
      }
      case "getBalance":
        return { context: this.context(), value: chain.getAccount(String(params[0]) as Address)?.lamports ?? 0 };
      case "getTokenAccountBalance": {
        const t = chain.state.tokenAccounts.get(String(params[0]) as Address);
        if (!t) throw new RpcError(-32602, "Invalid param: could not find account");
        const decimals = chain.state.mints.get(t.mint)?.info.decimals ?? 9;
        return { context: this.context(), value: uiAmount(t.amount, decimals) };
      }
      case "getTokenLargestAccounts": {
        const mint = String(params[0]) as Address;
        const m = chain.state.mints.get(mint);
        if (!m) throw new RpcError(-32602, "Invalid param: not a Token mint");
        const top = await chain.tokenLargestAccounts(mint);
        return { context: this.context(), value: top.map((t) => ({ address: t.address, ...uiAmount(t.amount, m.info.decimals) })) };
      }
      case "getTokenSupply": {
        const m = chain.state.mints.get(String(params[0]) as Address);
        if (!m) throw new RpcError(-32602, "Invalid param: not a Token mint");
        return { context: this.context(), value: uiAmount(Number(m.info.supply), m.info.decimals) };
      }
      case "requestAirdrop":
        return chain.airdrop(String(params[0]) as Address, Number(params[1]));
      case "sendTransaction": {
        this.stats.sendTransaction++;
        const c = cfg(1);
        const wire = decodeWire(String(params[0]), c.encoding as string | undefined);
        const res = await chain.submitTransaction(wire, { commit: true, skipPreflight: c.skipPreflight === true });
        return res.signature;
      }
      case "simulateTransaction": {
        this.stats.simulateTransaction++;
        const c = cfg(1);
        const wire = decodeWire(String(params[0]), c.encoding as string | undefined);
        const res = await chain.submitTransaction(wire, { commit: false, sigVerify: c.sigVerify === true, replaceRecentBlockhash: c.replaceRecentBlockhash === true });
        return { context: this.context(), value: { err: res.err, logs: res.logs, accounts: null, unitsConsumed: res.unitsConsumed, returnData: null } };
      }
      case "getSignatureStatuses": {
        const sigs = (params[0] ?? []) as string[];
        return {
          context: this.context(),
          value: sigs.map((s) => {
            const st = chain.signatureStatus(s);
            if (!st) return null;
            return { slot: st.slot, confirmations: null, err: st.err, confirmationStatus: "confirmed", status: st.err == null ? { Ok: null } : { Err: st.err } };
          }),
        };
      }
      case "getTransaction": {
        const tx = chain.committedTransaction(String(params[0]));
        if (!tx) return null;
        const msg = tx.info.transaction!.message!;
        const meta = tx.info.meta!;
        return {
          slot: tx.slot,
          blockTime: Math.floor(tx.createdAtMs / 1000),
          meta: {
            err: tx.err ?? null,
            fee: Number(meta.fee),
            innerInstructions: meta.inner_instructions.map((g) => ({
              index: g.index,
              instructions: g.instructions.map((ix) => ({ programIdIndex: ix.program_id_index, accounts: [...ix.accounts], data: encodeBase58(ix.data), stackHeight: ix.stack_height ?? null })),
            })),
            logMessages: meta.log_messages,
            preBalances: [],
            postBalances: [],
            preTokenBalances: [],
            postTokenBalances: [],
            computeUnitsConsumed: Number(meta.compute_units_consumed ?? 0),
            status: tx.err == null ? { Ok: null } : { Err: tx.err },
          },
          transaction: {
            signatures: tx.info.transaction!.signatures.map((s) => encodeBase58(s)),
            message: {
              accountKeys: msg.account_keys.map((k) => encodeBase58(k)),
              header: { numRequiredSignatures: msg.header!.num_required_signatures, numReadonlySignedAccounts: msg.header!.num_readonly_signed_accounts, numReadonlyUnsignedAccounts: msg.header!.num_readonly_unsigned_accounts },
              instructions: msg.instructions.map((ix) => ({ programIdIndex: ix.program_id_index, accounts: [...ix.accounts], data: encodeBase58(ix.data), stackHeight: null })),
              recentBlockhash: encodeBase58(msg.recent_blockhash),
            },
          },
          version: "legacy",
        };
      }
      default:
        throw new RpcError(-32601, "Method not found");
    }
  }
}

function uiAmount(amount: number, decimals: number) {
  const ui = amount / 10 ** decimals;
  return { amount: String(amount), decimals, uiAmount: ui, uiAmountString: String(ui) };
}


