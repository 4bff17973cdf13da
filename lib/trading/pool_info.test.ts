import { expect, test } from "bun:test";
import { TOKEN_2022_PROGRAM_ADDRESS, TOKEN_PROGRAM_ADDRESS } from "../chain/constants.ts";
import { Devchain } from "../devchain/index.ts";
import { decodeTransactionUpdate } from "../ingest/index.ts";
import { migrationTokenProgram, PoolInfoCache } from "./pool_info.ts";

test.each([["safe", TOKEN_PROGRAM_ADDRESS], ["safe_token2022", TOKEN_2022_PROGRAM_ADDRESS]] as const)("a %s migration's transaction names its token program and vaults; pool info then needs no RPC", async (profile, program) => {
  const chain = new Devchain({ seed: 9, market: false });
  const t = await chain.launchToken({ profile });
  const committed = chain.committedTransaction(t.signature)!;
  const tx = decodeTransactionUpdate({ transaction: committed.info, slot: String(committed.slot) } as never, { createdAtMs: committed.createdAtMs, receivedAtMono: 0, filters: [] });
  const mp = migrationTokenProgram(tx)!;
  const pool = chain.state.pools.get(t.pool)!;
  expect(mp).toEqual({ pool: t.pool, baseTokenProgram: program, poolBaseTokenAccount: pool.baseVault, poolQuoteTokenAccount: pool.quoteVault });
  const cache = new PoolInfoCache(null);
  const info = cache.fromMigration({ ts: 0, slot: 0, sig: "s", mint: t.mint, pool: t.pool, creator: t.coinCreator, base_reserve: 1, quote_reserve: 1, base_decimals: 6, lp_fee_bps: 2, protocol_fee_bps: 93, creator_fee_bps: 30, base_token_program: program })!;
  expect(info).toMatchObject({ baseTokenProgram: program, poolBaseTokenAccount: pool.baseVault, poolQuoteTokenAccount: pool.quoteVault, coinCreator: t.coinCreator });
});
