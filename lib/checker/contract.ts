/**
 * Contract safety and holder concentration, as pure functions of account data.
 *
 * What makes a mint unsafe to hold (solana_facts §5; RugCheck-style filters):
 * - a live mint authority can print supply and dump it into the pool;
 * - a live freeze authority can freeze our token account so we can never sell;
 * - Token-2022 extensions that tax, claw back or stop transfers: TransferFeeConfig above a
 *   threshold, PermanentDelegate (can move or burn anyone's tokens), TransferHook (an arbitrary
 *   program runs on every transfer and can refuse it), NonTransferable, DefaultAccountState
 *   Frozen (new accounts, ours included, start frozen), Pausable (paused now, or an authority
 *   that can pause).
 * MetadataPointer and TokenMetadata are how Pump.fun `create_v2` coins carry their metadata, so
 * Token-2022 by itself is not a red flag; other extensions not named here are not judged.
 */
import type { Address } from "@solana/kit";
import { parseMint, TOKEN_2022_PROGRAM_ADDRESS, TOKEN_PROGRAM_ADDRESS, type MintInfo } from "../chain";
import type { CheckReason } from "./types.ts";

export interface TokenHolderBalanceLike {
  address: string;
  amount: bigint;
}

const TOKEN_PROGRAMS: ReadonlySet<string> = new Set([TOKEN_PROGRAM_ADDRESS, TOKEN_2022_PROGRAM_ADDRESS]);

export function isTokenProgram(owner: string): boolean {
  return TOKEN_PROGRAMS.has(owner);
}

export type MintReading =
  | { ok: true; mint: MintInfo; tokenProgram: Address }
  | { ok: false; reason: CheckReason };

/** Reads a fetched mint account; a missing or foreign account is a `contract` finding. */
export function readMintAccount(mintAddress: string, account: { owner: Address; data: Uint8Array } | null): MintReading {
  if (!account) return { ok: false, reason: { check: "contract", code: "mint_not_found", detail: `mint account ${mintAddress} does not exist` } };
  if (!isTokenProgram(account.owner)) {
    return { ok: false, reason: { check: "contract", code: "not_a_mint", detail: `${mintAddress} is owned by ${account.owner}, not a token program` } };
  }
  try {
    const mint = parseMint(account.data);
    if (!mint.isInitialized) return { ok: false, reason: { check: "contract", code: "not_a_mint", detail: `mint ${mintAddress} is not initialized` } };
    return { ok: true, mint, tokenProgram: account.owner };
  } catch (err) {
    return { ok: false, reason: { check: "contract", code: "not_a_mint", detail: `mint ${mintAddress} does not parse: ${(err as Error).message}` } };
  }
}

/** Every contract-safety finding on a parsed mint; empty when the mint is safe to hold. */
export function assessMint(mint: MintInfo, opts: { maxTransferFeeBps: number }): CheckReason[] {
  const out: CheckReason[] = [];
  const add = (code: CheckReason["code"], detail: string) => out.push({ check: "contract", code, detail });
  if (mint.mintAuthority !== null) add("mint_authority_present", `mint authority ${mint.mintAuthority} can still mint supply`);
  if (mint.freezeAuthority !== null) add("freeze_authority_present", `freeze authority ${mint.freezeAuthority} can freeze holders' accounts`);
  for (const ext of mint.extensions) {
    switch (ext.kind) {
      case "TransferFeeConfig": {
        // The newer fee takes effect at its epoch; judge by the higher of the two, since the
        // switch can happen while we hold the token.
        const bps = Math.max(ext.olderTransferFee.transferFeeBasisPoints, ext.newerTransferFee.transferFeeBasisPoints);
        if (bps > opts.maxTransferFeeBps) add("transfer_fee", `transfer fee ${bps} bps exceeds the ${opts.maxTransferFeeBps} bps limit`);
        break;
      }
      case "PermanentDelegate":
        if (ext.delegate !== null) add("permanent_delegate", `permanent delegate ${ext.delegate} can move or burn any holder's tokens`);
        break;
      case "TransferHook":
        // A hook with neither program nor authority is inert; an authority can install one later.
        if (ext.programId !== null) add("transfer_hook", `transfer hook program ${ext.programId} runs on every transfer`);
        else if (ext.authority !== null) add("transfer_hook", `transfer hook authority ${ext.authority} can install a hook program`);
        break;
      case "NonTransferable":
        add("non_transferable", "the mint is non-transferable");
        break;
      case "DefaultAccountState":
        if (ext.state === "Frozen") add("default_account_frozen", "new token accounts start frozen");
        break;
      case "Pausable":
        if (ext.paused) add("paused", "transfers are paused");
        else if (ext.authority !== null) add("pausable", `pause authority ${ext.authority} can stop transfers`);
        break;
      default:
        break;
    }
  }
  return out;
}

export interface HolderConcentration {
  /** Largest holder outside the excluded accounts, share of supply. */
  top1Share: number;
  /** Ten largest together. */
  top10Share: number;
  /** Holder accounts counted (non-zero, not excluded). */
  holders: number;
}

/** Shares of supply held by the largest accounts, leaving out the pool vault (it is liquidity, not a holder). */
export function holderConcentration(largest: readonly TokenHolderBalanceLike[], supply: bigint, exclude: ReadonlySet<string>): HolderConcentration {
  const holders = largest.filter((h) => h.amount > 0n && !exclude.has(h.address)).sort((a, b) => (a.amount < b.amount ? 1 : a.amount > b.amount ? -1 : 0));
  if (supply <= 0n) return { top1Share: 0, top10Share: 0, holders: holders.length };
  const share = (amount: bigint) => Number((amount * 1_000_000n) / supply) / 1_000_000;
  const top10 = holders.slice(0, 10).reduce((s, h) => s + h.amount, 0n);
  return { top1Share: holders.length ? share(holders[0].amount) : 0, top10Share: share(top10), holders: holders.length };
}

export function assessHolders(c: HolderConcentration, opts: { maxTop1HolderShare: number; maxTop10HolderShare: number }): CheckReason[] {
  const out: CheckReason[] = [];
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  if (c.top1Share > opts.maxTop1HolderShare) {
    out.push({ check: "holders", code: "top1_concentration", detail: `largest holder has ${pct(c.top1Share)} of supply (limit ${pct(opts.maxTop1HolderShare)})` });
  }
  if (c.top10Share > opts.maxTop10HolderShare) {
    out.push({ check: "holders", code: "top10_concentration", detail: `ten largest holders have ${pct(c.top10Share)} of supply (limit ${pct(opts.maxTop10HolderShare)})` });
  }
  return out;
}
