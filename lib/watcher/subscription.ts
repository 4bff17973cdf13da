/**
 * The transaction filters the watcher needs, in Yellowstone terms:
 * - `migrations`: every Pump.fun migrate signs with the withdraw authority;
 * - `pumpswap`: every PumpSwap transaction (swaps on freshly migrated pools come in the same slot
 *   as the migration, too soon to add the pool to a filter);
 * - `pump_creates`: Pump.fun create / create_v2 (they all use the mint-authority PDA), for the
 *   token's creation time.
 * Token mode (`creationSubscription`) wants the whole curve life instead: every Pump.fun
 * transaction (creates, buys, sells, migrations).
 */
import type { Address } from "@solana/kit";
import { PUMPFUN_PROGRAM_ADDRESS, PUMPFUN_WITHDRAW_AUTHORITY_ADDRESS, PUMPSWAP_PROGRAM_ADDRESS } from "../chain/constants.ts";
import type { TransactionFilter } from "../ingest/client.ts";

/** PDA ["mint-authority"] under Pump.fun (mint authority of every coin while on the curve). */
export const PUMPFUN_MINT_AUTHORITY_ADDRESS = "TSLvdd1pWpHVjahSpsvCXUbgwsL3JAcvokwaKt1eokM" as Address;

export function migrationSubscription(opts: { creates?: boolean } = {}): Record<string, TransactionFilter> {
  const filters: Record<string, TransactionFilter> = {
    migrations: { accountInclude: [PUMPFUN_WITHDRAW_AUTHORITY_ADDRESS] },
    pumpswap: { accountInclude: [PUMPSWAP_PROGRAM_ADDRESS] },
  };
  if (opts.creates !== false) filters.pump_creates = { accountInclude: [PUMPFUN_MINT_AUTHORITY_ADDRESS] };
  return filters;
}

export function creationSubscription(): Record<string, TransactionFilter> {
  return { pumpfun: { accountInclude: [PUMPFUN_PROGRAM_ADDRESS] } };
}
