/**
 * Transaction messages for the hot path: @solana/kit instructions (from the @solana-program
 * clients and lib/chain) compiled into a legacy or v0 message and a wire transaction.
 *
 * kit's `compileTransaction` is correct but orders accounts with an `Intl.Collator` and builds
 * frozen intermediate objects: ~0.65 ms for a PumpSwap buy on this machine, more than the whole
 * latency budget. This compiler does the same job in one pass over the instructions: the runtime's
 * account order (fee payer; writable signers; readonly signers; writable non-signers; readonly
 * non-signers; first appearance within a group), roles merged across uses, compact-u16 arrays.
 * message.test.ts decodes its output with kit's own decoders and checks every instruction and
 * role round-trips, and the devchain (which decodes with kit) accepts what it signs.
 */
import { AccountRole, type AccountMeta, type Address, type Instruction } from "@solana/kit";
import { addressToBytes, decodeBase58 } from "../chain/base58.ts";

export type MessageVersion = "legacy" | 0;

interface KeyEntry {
  address: Address;
  signer: boolean;
  writable: boolean;
  order: number;
}

const isSigner = (r: AccountRole) => r === AccountRole.READONLY_SIGNER || r === AccountRole.WRITABLE_SIGNER;
const isWritable = (r: AccountRole) => r === AccountRole.WRITABLE || r === AccountRole.WRITABLE_SIGNER;

const keyBytesCache = new Map<string, Uint8Array>();
function keyBytes(a: string): Uint8Array {
  let b = keyBytesCache.get(a);
  if (b === undefined) {
    if (keyBytesCache.size > 16_384) keyBytesCache.clear();
    b = addressToBytes(a);
    keyBytesCache.set(a, b);
  }
  return b;
}

function compactLen(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : 3;
}

function writeCompact(out: Uint8Array, at: number, n: number): number {
  let v = n;
  for (;;) {
    let b = v & 0x7f;
    v >>= 7;
    if (v === 0) {
      out[at++] = b;
      return at;
    }
    b |= 0x80;
    out[at++] = b;
  }
}

export interface CompiledMessage {
  /** The message bytes the signatures cover. */
  bytes: Uint8Array;
  /** Signer addresses in signature order (the fee payer first). */
  signers: Address[];
  staticAccounts: Address[];
}

/** Compiles instructions into message bytes (no address lookup tables). */
export function compileMessage(feePayer: Address, instructions: readonly Instruction[], blockhash: string, version: MessageVersion = 0): CompiledMessage {
  const keys = new Map<string, KeyEntry>();
  let order = 0;
  const touch = (address: Address, signer: boolean, writable: boolean) => {
    const e = keys.get(address);
    if (e) {
      e.signer ||= signer;
      e.writable ||= writable;
    } else keys.set(address, { address, signer, writable, order: order++ });
  };
  touch(feePayer, true, true);
  for (const ix of instructions) {
    for (const m of (ix.accounts ?? []) as readonly AccountMeta[]) touch(m.address, isSigner(m.role), isWritable(m.role));
    touch(ix.programAddress, false, false);
  }
  const groups: KeyEntry[][] = [[], [], [], []];
  for (const e of keys.values()) {
    if (e.address === feePayer) continue;
    groups[e.signer ? (e.writable ? 0 : 1) : e.writable ? 2 : 3].push(e);
  }
  const ordered: Address[] = [feePayer];
  for (const g of groups) for (const e of g) ordered.push(e.address);
  if (ordered.length > 256) throw new Error(`transaction has ${ordered.length} accounts (max 256 without lookup tables)`);
  const index = new Map<string, number>();
  for (let i = 0; i < ordered.length; i++) index.set(ordered[i], i);
  const numSigners = 1 + groups[0].length + groups[1].length;
  const header = [numSigners, groups[1].length, groups[3].length];

  // Size first, then one buffer.
  let size = (version === 0 ? 1 : 0) + 3 + compactLen(ordered.length) + 32 * ordered.length + 32 + compactLen(instructions.length);
  for (const ix of instructions) {
    const na = ix.accounts?.length ?? 0;
    const nd = ix.data?.length ?? 0;
    size += 1 + compactLen(na) + na + compactLen(nd) + nd;
  }
  if (version === 0) size += 1; // no address table lookups
  const out = new Uint8Array(size);
  let at = 0;
  if (version === 0) out[at++] = 0x80;
  out[at++] = header[0];
  out[at++] = header[1];
  out[at++] = header[2];
  at = writeCompact(out, at, ordered.length);
  for (const a of ordered) {
    out.set(keyBytes(a), at);
    at += 32;
  }
  const bh = decodeBase58(blockhash);
  if (bh.length !== 32) throw new Error("blockhash is not 32 bytes");
  out.set(bh, at);
  at += 32;
  at = writeCompact(out, at, instructions.length);
  for (const ix of instructions) {
    out[at++] = index.get(ix.programAddress)!;
    const accounts = (ix.accounts ?? []) as readonly AccountMeta[];
    at = writeCompact(out, at, accounts.length);
    for (const m of accounts) out[at++] = index.get(m.address)!;
    const data = (ix.data ?? new Uint8Array()) as Uint8Array;
    at = writeCompact(out, at, data.length);
    out.set(data, at);
    at += data.length;
  }
  if (version === 0) out[at++] = 0;
  if (at !== size) throw new Error(`message size mismatch ${at} != ${size}`);
  return { bytes: out, signers: ordered.slice(0, numSigners), staticAccounts: ordered };
}

/** Wire transaction: compact signature count, the signatures in signer order, the message. */
export function wireTransaction(message: Uint8Array, signatures: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(compactLen(signatures.length) + 64 * signatures.length + message.length);
  let at = writeCompact(out, 0, signatures.length);
  for (const s of signatures) {
    if (s.length !== 64) throw new Error("signature is not 64 bytes");
    out.set(s, at);
    at += 64;
  }
  out.set(message, at);
  return out;
}
