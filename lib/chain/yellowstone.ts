// Reads a Yellowstone SubscribeUpdateTransactionInfo into addresses, instructions and events.
// Account indices in a v0 transaction run over the static keys, then the lookup-table addresses
// loaded writable, then those loaded readonly (the order the runtime uses).

import type { Address } from "@solana/kit";
import { encodeBase58 } from "./base58.ts";
import { extractEvents, type EventExtraction, type InnerInstructionGroupView } from "./events.ts";
import type { SubscribeUpdateTransactionInfo } from "./proto.ts";

export interface InstructionView {
  programAddress: Address;
  accounts: Address[];
  data: Uint8Array;
}

type TransactionInfo = Pick<SubscribeUpdateTransactionInfo, "transaction" | "meta">;

/** Every account key the transaction's instructions may index, as base58 addresses. */
export function transactionAccountKeys(info: TransactionInfo): Address[] {
  const keys = (info.transaction?.message?.account_keys ?? []).map((k) => encodeBase58(k) as Address);
  for (const k of info.meta?.loaded_writable_addresses ?? []) keys.push(encodeBase58(k) as Address);
  for (const k of info.meta?.loaded_readonly_addresses ?? []) keys.push(encodeBase58(k) as Address);
  return keys;
}

/**
 * One instruction with its program and accounts resolved against `keys`; an index outside them
 * throws `fail` (the ingest passes its DecodeError).
 */
export function resolveInstruction(
  keys: readonly Address[],
  programIdIndex: number,
  accounts: Uint8Array,
  data: Uint8Array,
  fail: new (message: string) => Error = Error,
): InstructionView {
  const programAddress = keys[programIdIndex];
  if (programAddress === undefined) throw new fail(`program index ${programIdIndex} is outside the ${keys.length} account keys`);
  const resolved = new Array<Address>(accounts.length);
  for (let i = 0; i < accounts.length; i++) {
    const key = keys[accounts[i]];
    if (key === undefined) throw new fail(`account index ${accounts[i]} is outside the ${keys.length} account keys`);
    resolved[i] = key;
  }
  return { programAddress, accounts: resolved, data };
}

/** The top-level instructions with program and accounts resolved. */
export function outerInstructions(info: TransactionInfo, keys: readonly Address[] = transactionAccountKeys(info)): InstructionView[] {
  return (info.transaction?.message?.instructions ?? []).map((ix) => resolveInstruction(keys, ix.program_id_index, ix.accounts, ix.data));
}

/** Inner (CPI) instructions grouped by the top-level instruction they ran under. */
export function innerInstructionGroups(info: TransactionInfo, keys: readonly Address[] = transactionAccountKeys(info)): InnerInstructionGroupView[] {
  return (info.meta?.inner_instructions ?? []).map((group) => ({
    index: group.index,
    instructions: group.instructions.map((ix) => resolveInstruction(keys, ix.program_id_index, ix.accounts, ix.data)),
  }));
}

/** Our PumpSwap / Pump.fun events in the transaction, from self-CPI instructions and logs. */
export function eventsFromTransactionInfo(info: TransactionInfo): EventExtraction {
  const keys = transactionAccountKeys(info);
  return extractEvents({ logMessages: info.meta?.log_messages ?? [], innerInstructions: innerInstructionGroups(info, keys) });
}
