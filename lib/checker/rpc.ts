/**
 * The checker's view of Solana JSON-RPC: five calls, injected so the checks run against a fake
 * chain in tests, the local chain simulator in e2e runs and a real node in production.
 *
 * Account data arrives decoded (bytes), amounts as bigint, so the pure checks never see wire
 * encodings. Every call takes an AbortSignal: a check that runs out of time cancels its request.
 *
 * The production adapter is @solana/kit's `createSolanaRpc` (HTTP JSON-RPC): kit's typed methods
 * fit here without casts, it speaks base64 account data and base64 wire transactions, and it
 * turns JSON-RPC errors into SolanaError with the server's message.
 */
import { createSolanaRpc, getBase64Encoder, type Address, type Base64EncodedWireTransaction } from "@solana/kit";

export interface RpcAccount {
  owner: Address;
  lamports: bigint;
  executable: boolean;
  data: Uint8Array;
}

export interface TokenHolderBalance {
  /** The token account (not its owner). */
  address: Address;
  /** Raw base units. */
  amount: bigint;
}

export interface SimulationResult {
  /** The TransactionError object the node returned; null when the transaction succeeded. */
  err: unknown;
  logs: string[];
  unitsConsumed: number | null;
}

export type Commitment = "processed" | "confirmed" | "finalized";

export interface RpcCallOptions {
  signal?: AbortSignal;
  commitment?: Commitment;
}

export interface SimulateOptions extends RpcCallOptions {
  /** Always false here: the simulated seller is a holder whose key we do not have. */
  sigVerify: false;
  /** Always true here: the node supplies a fresh blockhash, saving a getLatestBlockhash round trip. */
  replaceRecentBlockhash: true;
}

export interface CheckerRpc {
  getAccountInfo(address: Address, opts?: RpcCallOptions): Promise<RpcAccount | null>;
  getMultipleAccounts(addresses: readonly Address[], opts?: RpcCallOptions): Promise<(RpcAccount | null)[]>;
  /** Up to 20 largest token accounts of a mint, largest first. */
  getTokenLargestAccounts(mint: Address, opts?: RpcCallOptions): Promise<TokenHolderBalance[]>;
  /** Simulates a base64 wire transaction. */
  simulateTransaction(wireTransactionBase64: string, opts: SimulateOptions): Promise<SimulationResult>;
  /** Not used by the checks (replaceRecentBlockhash makes it unnecessary); the trading stage signs with it. */
  getLatestBlockhash(opts?: RpcCallOptions): Promise<{ blockhash: string; lastValidBlockHeight: bigint }>;
}

/** A failed RPC call (transport or JSON-RPC error), as opposed to a finding about a token. */
export class RpcError extends Error {
  override name = "RpcError";
  constructor(
    readonly method: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${method}: ${message}`, options);
  }
}

const base64 = getBase64Encoder();

function decodeAccount(
  info: { owner: Address; lamports: bigint; executable: boolean; data: readonly [string, string] } | null,
): RpcAccount | null {
  if (!info) return null;
  return { owner: info.owner, lamports: BigInt(info.lamports), executable: info.executable, data: new Uint8Array(base64.encode(info.data[0])) };
}

async function call<T>(method: string, signal: AbortSignal | undefined, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    // An abort is the caller's own deadline; let it through unchanged so it is reported as a timeout.
    if (signal?.aborted) throw err;
    throw new RpcError(method, err instanceof Error ? err.message : String(err), { cause: err });
  }
}

/** The production adapter: @solana/kit over HTTP JSON-RPC. */
export function createKitCheckerRpc(url: string, defaults: { commitment?: Commitment } = {}): CheckerRpc {
  const rpc = createSolanaRpc(url);
  const commitmentOf = (o?: RpcCallOptions) => o?.commitment ?? defaults.commitment ?? "confirmed";
  return {
    getAccountInfo: (address, o) =>
      call("getAccountInfo", o?.signal, async () => {
        const { value } = await rpc.getAccountInfo(address, { encoding: "base64", commitment: commitmentOf(o) }).send({ abortSignal: o?.signal });
        return decodeAccount(value);
      }),
    getMultipleAccounts: (addresses, o) =>
      call("getMultipleAccounts", o?.signal, async () => {
        if (addresses.length === 0) return [];
        const { value } = await rpc.getMultipleAccounts(addresses, { encoding: "base64", commitment: commitmentOf(o) }).send({ abortSignal: o?.signal });
        return value.map(decodeAccount);
      }),
    getTokenLargestAccounts: (mint, o) =>
      call("getTokenLargestAccounts", o?.signal, async () => {
        const { value } = await rpc.getTokenLargestAccounts(mint, { commitment: commitmentOf(o) }).send({ abortSignal: o?.signal });
        return value.map((a) => ({ address: a.address, amount: BigInt(a.amount) }));
      }),
    simulateTransaction: (wire, o) =>
      call("simulateTransaction", o.signal, async () => {
        const { value } = await rpc
          .simulateTransaction(wire as Base64EncodedWireTransaction, {
            encoding: "base64",
            sigVerify: false,
            replaceRecentBlockhash: true,
            commitment: commitmentOf(o),
          })
          .send({ abortSignal: o.signal });
        return { err: value.err ?? null, logs: value.logs ? [...value.logs] : [], unitsConsumed: value.unitsConsumed === undefined ? null : Number(value.unitsConsumed) };
      }),
    getLatestBlockhash: (o) =>
      call("getLatestBlockhash", o?.signal, async () => {
        const { value } = await rpc.getLatestBlockhash({ commitment: commitmentOf(o) }).send({ abortSignal: o?.signal });
        return { blockhash: value.blockhash, lastValidBlockHeight: BigInt(value.lastValidBlockHeight) };
      }),
  };
}
