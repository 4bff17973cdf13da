/**
 * Builds the Yellowstone view of a transaction the simulator executed: a compiled message
 * (account keys ordered as the runtime orders them: fee payer, writable signers, readonly
 * signers, writable non-signers, readonly non-signers), inner instructions indexed into the same
 * keys, logs, fee and error — the SubscribeUpdateTransactionInfo a geyser plugin would send.
 */
import { AccountRole, type AccountMeta, type Address, type Instruction } from "@solana/kit";
import { addressToBytes } from "../chain/base58.ts";
import type { SubscribeUpdateTransactionInfo } from "../chain/proto.ts";

export interface SimInstruction {
  programAddress: Address;
  accounts: readonly AccountMeta[];
  data: Uint8Array;
}

export interface SimInnerGroup {
  /** Index of the top-level instruction. */
  index: number;
  instructions: { ix: SimInstruction; stackHeight: number }[];
}

export interface CompiledKeys {
  keys: Address[];
  header: { num_required_signatures: number; num_readonly_signed_accounts: number; num_readonly_unsigned_accounts: number };
  index: Map<Address, number>;
}

const isSigner = (r: AccountRole) => r === AccountRole.READONLY_SIGNER || r === AccountRole.WRITABLE_SIGNER;
const isWritable = (r: AccountRole) => r === AccountRole.WRITABLE || r === AccountRole.WRITABLE_SIGNER;

/** Orders the keys of the outer instructions; accounts used only by inner ones go last, readonly. */
export function compileKeys(feePayer: Address, outer: readonly (Instruction | SimInstruction)[], innerOnly: readonly Address[] = []): CompiledKeys {
  const roles = new Map<Address, { signer: boolean; writable: boolean; program: boolean }>();
  const touch = (a: Address, signer: boolean, writable: boolean, program = false) => {
    const r = roles.get(a);
    if (r) {
      r.signer ||= signer;
      r.writable ||= writable;
      r.program ||= program;
    } else roles.set(a, { signer, writable, program });
  };
  touch(feePayer, true, true);
  for (const ix of outer) {
    for (const m of ix.accounts ?? []) touch(m.address, isSigner(m.role), isWritable(m.role));
    touch(ix.programAddress, false, false, true);
  }
  const groups: Address[][] = [[], [], [], []];
  for (const [a, r] of roles) {
    if (a === feePayer) continue;
    groups[r.signer ? (r.writable ? 0 : 1) : r.writable ? 2 : 3].push(a);
  }
  const extra = innerOnly.filter((a) => !roles.has(a));
  const uniqExtra = [...new Set(extra)];
  const keys = [feePayer, ...groups[0], ...groups[1], ...groups[2], ...groups[3], ...uniqExtra];
  const index = new Map<Address, number>();
  keys.forEach((k, i) => index.set(k, i));
  return {
    keys,
    index,
    header: {
      num_required_signatures: 1 + groups[0].length + groups[1].length,
      num_readonly_signed_accounts: groups[1].length,
      num_readonly_unsigned_accounts: groups[3].length + uniqExtra.length,
    },
  };
}

function compileIx(ix: SimInstruction | Instruction, index: Map<Address, number>): { program_id_index: number; accounts: Buffer; data: Buffer } {
  const accounts = Buffer.alloc(ix.accounts?.length ?? 0);
  (ix.accounts ?? []).forEach((m, i) => {
    const k = index.get(m.address);
    if (k === undefined) throw new Error(`account ${m.address} is not among the transaction keys`);
    accounts[i] = k;
  });
  const data = ix.data ?? new Uint8Array();
  return { program_id_index: index.get(ix.programAddress)!, accounts, data: Buffer.from(data.buffer, data.byteOffset, data.byteLength) };
}

export interface StreamedTransactionInput {
  signature: Uint8Array;
  feePayer: Address;
  outer: readonly SimInstruction[];
  inner: readonly SimInnerGroup[];
  logs: readonly string[];
  recentBlockhash: Uint8Array;
  /** Position in the slot. */
  index: number;
  fee: number;
  /** Transaction error (TransactionError JSON) or null. */
  err: unknown;
  computeUnits: number;
  /** Extra signatures beyond the fee payer's (other signers), in key order. */
  otherSignatures?: Uint8Array[];
}

/** The SubscribeUpdateTransactionInfo of an executed transaction, plus its key list (for filters). */
export function buildTransactionInfo(t: StreamedTransactionInput): { info: SubscribeUpdateTransactionInfo; keys: Address[] } {
  const innerOnly: Address[] = [];
  for (const g of t.inner) for (const { ix } of g.instructions) {
    innerOnly.push(ix.programAddress);
    for (const m of ix.accounts) innerOnly.push(m.address);
  }
  const compiled = compileKeys(t.feePayer, t.outer, innerOnly);
  const signatures = [Buffer.from(t.signature), ...(t.otherSignatures ?? []).map((s) => Buffer.from(s))];
  const info: SubscribeUpdateTransactionInfo = {
    signature: Buffer.from(t.signature),
    is_vote: false,
    transaction: {
      signatures,
      message: {
        header: compiled.header,
        account_keys: compiled.keys.map((k) => Buffer.from(addressToBytes(k))),
        recent_blockhash: Buffer.from(t.recentBlockhash),
        instructions: t.outer.map((ix) => compileIx(ix, compiled.index)),
        versioned: false,
        address_table_lookups: [],
      },
    },
    meta: {
      err: t.err == null ? null : { err: Buffer.from(JSON.stringify(t.err)) },
      fee: String(t.fee),
      pre_balances: [],
      post_balances: [],
      inner_instructions: t.inner.map((g) => ({
        index: g.index,
        instructions: g.instructions.map(({ ix, stackHeight }) => ({ ...compileIx(ix, compiled.index), stack_height: stackHeight })),
      })),
      inner_instructions_none: false,
      log_messages: [...t.logs],
      log_messages_none: false,
      pre_token_balances: [],
      post_token_balances: [],
      loaded_writable_addresses: [],
      loaded_readonly_addresses: [],
      compute_units_consumed: String(t.computeUnits),
    },
    index: String(t.index),
  };
  return { info, keys: compiled.keys };
}
