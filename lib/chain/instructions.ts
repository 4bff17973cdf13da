/**
 * The plain instructions every transaction wraps a swap or a curve trade in — compute budget,
 * SOL transfer, idempotent ATA creation, SyncNative, CloseAccount — written directly: the
 * @solana-program builders allocate and validate more than the buy path can afford (txbuild.test.ts
 * checks these are byte-equal to theirs). The simulator sends the same ones for its traders.
 */
import { AccountRole, type AccountMeta, type Address, type Instruction } from "@solana/kit";
import { ASSOCIATED_TOKEN_PROGRAM_ADDRESS, RENT_SYSVAR_ADDRESS, SYSTEM_PROGRAM_ADDRESS } from "./constants.ts";

/** An instruction with its accounts and data spelled out (what the simulator executes, too). */
export type PlainInstruction = Instruction & { accounts: AccountMeta[]; data: Uint8Array };

export interface ComputeBudget {
  units: number;
  microLamportsPerUnit: number;
}

const COMPUTE_BUDGET_PROGRAM_ADDRESS = "ComputeBudget111111111111111111111111111111" as Address;
const ATA_IDEMPOTENT_DATA = Uint8Array.of(1);
const SYNC_NATIVE_DATA = Uint8Array.of(17);
const CLOSE_ACCOUNT_DATA = Uint8Array.of(9);

/** The two compute-budget instructions; every buy uses the same, so the last pair is kept. */
let lastBudget: { units: number; price: bigint; ixs: readonly Instruction[] } | null = null;
export function budgetIxs(b: ComputeBudget): readonly Instruction[] {
  const price = BigInt(Math.max(0, Math.floor(b.microLamportsPerUnit)));
  if (lastBudget && lastBudget.units === b.units && lastBudget.price === price) return lastBudget.ixs;
  const limit = new Uint8Array(5);
  limit[0] = 2;
  new DataView(limit.buffer).setUint32(1, b.units, true);
  const fee = new Uint8Array(9);
  fee[0] = 3;
  new DataView(fee.buffer).setBigUint64(1, price, true);
  const ixs = [
    { programAddress: COMPUTE_BUDGET_PROGRAM_ADDRESS, data: limit },
    { programAddress: COMPUTE_BUDGET_PROGRAM_ADDRESS, data: fee },
  ];
  lastBudget = { units: b.units, price, ixs };
  return ixs;
}

/** Associated Token program: CreateIdempotent (payer, ata, owner, mint, system, token program). */
export function createAtaIdempotentIx(payer: Address, ata: Address, owner: Address, mint: Address, tokenProgram: Address): PlainInstruction {
  return {
    programAddress: ASSOCIATED_TOKEN_PROGRAM_ADDRESS,
    accounts: [
      { address: payer, role: AccountRole.WRITABLE_SIGNER },
      { address: ata, role: AccountRole.WRITABLE },
      { address: owner, role: AccountRole.READONLY },
      { address: mint, role: AccountRole.READONLY },
      { address: SYSTEM_PROGRAM_ADDRESS, role: AccountRole.READONLY },
      { address: tokenProgram, role: AccountRole.READONLY },
    ],
    data: ATA_IDEMPOTENT_DATA,
  };
}

/** System program: Transfer (u32 2, u64 lamports). */
export function transferSolIx(source: Address, destination: Address, lamports: number): PlainInstruction {
  const data = new Uint8Array(12);
  const v = new DataView(data.buffer);
  v.setUint32(0, 2, true);
  v.setBigUint64(4, BigInt(lamports), true);
  return { programAddress: SYSTEM_PROGRAM_ADDRESS, accounts: [{ address: source, role: AccountRole.WRITABLE_SIGNER }, { address: destination, role: AccountRole.WRITABLE }], data };
}

/** Token program: SyncNative (with the rent sysvar, as @solana-program/token writes it). */
export function syncNativeIx(account: Address, tokenProgram: Address): PlainInstruction {
  return { programAddress: tokenProgram, accounts: [{ address: account, role: AccountRole.WRITABLE }, { address: RENT_SYSVAR_ADDRESS, role: AccountRole.READONLY }], data: SYNC_NATIVE_DATA };
}

/** Token program: CloseAccount (account, destination, owner signing). */
export function closeAccountIx(account: Address, destination: Address, owner: Address, tokenProgram: Address): PlainInstruction {
  return {
    programAddress: tokenProgram,
    accounts: [
      { address: account, role: AccountRole.WRITABLE },
      { address: destination, role: AccountRole.WRITABLE },
      { address: owner, role: AccountRole.READONLY_SIGNER },
    ],
    data: CLOSE_ACCOUNT_DATA,
  };
}
