/**
 * The trading stages' view of Solana JSON-RPC: the calls a live buy or sell needs, injected so
 * tests can count and fail them. The production adapter is @solana/kit's `createSolanaRpc`;
 * amounts come back as numbers, account data as bytes, transaction errors as the node's JSON.
 */
import { createSolanaRpc, getBase64Encoder, type Address, type Base64EncodedWireTransaction, type Signature } from "@solana/kit";

export type Commitment = "processed" | "confirmed" | "finalized";

export interface SignatureStatus {
  slot: number;
  err: unknown;
  confirmationStatus: string | null;
}

export interface TransactionRecord {
  slot: number;
  fee: number;
  err: unknown;
  logs: string[];
  blockTime: number | null;
}

export interface AccountRecord {
  owner: string;
  lamports: number;
  data: Uint8Array;
}

export interface TradingRpc {
  getLatestBlockhash(): Promise<{ blockhash: string; lastValidBlockHeight: number }>;
  /** Simulates a signed base64 wire transaction (signatures verified, blockhash as signed). */
  simulateTransaction(base64: string): Promise<{ err: unknown; logs: string[] }>;
  /** Sends without preflight (the caller simulated it already); returns the signature. */
  sendTransaction(base64: string): Promise<string>;
  getSignatureStatuses(signatures: string[]): Promise<(SignatureStatus | null)[]>;
  getTransaction(signature: string): Promise<TransactionRecord | null>;
  getMultipleAccounts(addresses: string[]): Promise<(AccountRecord | null)[]>;
}

const base64 = getBase64Encoder();

/** Numbers out of kit's bigint-heavy responses (errors stay as the node sent them, bigints → numbers). */
export function normaliseJson(v: unknown): unknown {
  if (typeof v === "bigint") return Number(v);
  if (Array.isArray(v)) return v.map(normaliseJson);
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = normaliseJson(x);
    return out;
  }
  return v;
}

export function createKitTradingRpc(url: string, opts: { commitment?: Commitment } = {}): TradingRpc {
  const rpc = createSolanaRpc(url);
  const commitment = opts.commitment ?? "confirmed";
  return {
    async getLatestBlockhash() {
      const { value } = await rpc.getLatestBlockhash({ commitment }).send();
      return { blockhash: value.blockhash, lastValidBlockHeight: Number(value.lastValidBlockHeight) };
    },
    async simulateTransaction(b64) {
      const { value } = await rpc.simulateTransaction(b64 as Base64EncodedWireTransaction, { encoding: "base64", sigVerify: true, replaceRecentBlockhash: false, commitment }).send();
      return { err: normaliseJson(value.err ?? null), logs: value.logs ? [...value.logs] : [] };
    },
    async sendTransaction(b64) {
      return await rpc.sendTransaction(b64 as Base64EncodedWireTransaction, { encoding: "base64", skipPreflight: true, maxRetries: 0n }).send();
    },
    async getSignatureStatuses(signatures) {
      const { value } = await rpc.getSignatureStatuses(signatures as Signature[], { searchTransactionHistory: false }).send();
      return value.map((s) => (s ? { slot: Number(s.slot), err: normaliseJson(s.err ?? null), confirmationStatus: s.confirmationStatus ?? null } : null));
    },
    async getTransaction(signature) {
      const tx = await rpc.getTransaction(signature as Signature, { commitment: commitment === "processed" ? "confirmed" : commitment, encoding: "json", maxSupportedTransactionVersion: 0 }).send();
      if (!tx) return null;
      const meta = tx.meta;
      return { slot: Number(tx.slot), fee: Number(meta?.fee ?? 0), err: normaliseJson(meta?.err ?? null), logs: meta?.logMessages ? [...meta.logMessages] : [], blockTime: tx.blockTime === null ? null : Number(tx.blockTime) };
    },
    async getMultipleAccounts(addresses) {
      if (addresses.length === 0) return [];
      const { value } = await rpc.getMultipleAccounts(addresses as Address[], { encoding: "base64", commitment }).send();
      return value.map((a) => (a ? { owner: a.owner, lamports: Number(a.lamports), data: new Uint8Array(base64.encode(a.data[0])) } : null));
    },
  };
}

/** The program error code in a TransactionError ({InstructionError: [i, {Custom: n}]}), else null. */
export function customErrorCode(err: unknown): number | null {
  if (!err || typeof err !== "object") return null;
  const ie = (err as { InstructionError?: unknown }).InstructionError;
  if (!Array.isArray(ie) || ie.length < 2) return null;
  const detail = ie[1] as { Custom?: number | bigint } | string;
  if (detail && typeof detail === "object" && detail.Custom !== undefined) return Number(detail.Custom);
  return null;
}
