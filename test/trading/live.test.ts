/**
 * Live mode against the devchain (which verifies signatures and runs PumpSwap with its real error
 * codes): signed buys and sells are accepted and applied, and the wallet's balances and trades.db
 * agree with the devchain's own record; the sell processor's slippage retry and creator-vault
 * refresh retry are each driven through a real failure.
 *
 * The slippage failure is staged around the devchain's in-process API: a front-running dump (a real
 * signed sell by another wallet) lands just before our first sell. The creator-vault failure is the
 * devchain's own: `setCoinCreator` changes the pool's coin creator as admin_set_coin_creator does,
 * and its PumpSwap checks `coin_creator_vault_authority` against Pool.coin_creator (Anchor's
 * ConstraintSeeds, 2006), so our sell, still derived from the old creator, fails simulation.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Address } from "@solana/kit";
import { decodeBase58 } from "../../lib/chain/base58.ts";
import { DEVCHAIN_GLOBAL_CONFIG, type Devchain, type FlowRecord } from "../../lib/devchain/index.ts";
import { decodeWireTransaction } from "../../lib/devchain/wire.ts";
import { parseSwapInstruction, TOKEN_2022_PROGRAM_ADDRESS, WSOL_MINT_ADDRESS } from "../../lib/chain/index.ts";
import { ataSync, coinCreatorVaultAuthoritySync } from "../../lib/chain/pda_sync.ts";
import { buildSellInstructions, signTransaction, TradingSigner, type TradeRow } from "../../lib/trading/index.ts";
import { testKeypair } from "../../lib/trading/testing.ts";
import { startLiveRig, until, type LiveRig } from "./live_rig.ts";

let rig: LiveRig | null = null;
afterEach(async () => {
  await rig?.stop();
  rig = null;
});

const rows = (r: LiveRig) => r.db.query("SELECT * FROM trades ORDER BY id").all() as TradeRow[];
const ourFlows = (r: LiveRig, side?: "buy" | "sell") => r.dev.chain.records.filter((x): x is FlowRecord => x.type === "flow" && x.user === r.wallet && (!side || x.side === side));
const lamports = (chain: Devchain, a: Address) => chain.getAccount(a)?.lamports ?? 0;

async function closedTrade(r: LiveRig, timeoutMs = 20_000): Promise<TradeRow> {
  await until(() => r.stages.persistence.flush() >= 0 && rows(r).some((t) => t.status === "closed" || t.status === "failed"), timeoutMs, "a closed trade");
  return rows(r).find((t) => t.status === "closed" || t.status === "failed")!;
}

describe("live trading on the devchain", () => {
  test.each([
    ["buy_exact_quote_in", "safe"],
    ["buy", "safe_token2022"],
  ] as const)("%s on a %s pool: buy and sell land, balances and trades.db match the chain's record", async (buyInstruction, profile) => {
    rig = await startLiveRig({ stages: { live: { confirmPollMs: 5, confirmTimeoutMs: 5_000, blockhashRefreshMs: 500, buyInstruction } } });
    const r = rig;
    const before = lamports(r.dev.chain, r.wallet);
    const launched = await r.dev.chain.launchToken({ profile });
    expect(launched.baseTokenProgram).toBe(profile === "safe" ? ("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA" as Address) : TOKEN_2022_PROGRAM_ADDRESS);

    // The buy lands: the position is open with the chain's own amounts.
    await until(() => (r.stages.persistence.flush(), rows(r).some((t) => t.status === "open" || t.status === "closing" || t.status === "closed")), 15_000, "the buy to land");
    const buys = ourFlows(r, "buy");
    expect(buys.length).toBe(1);
    const opened = rows(r)[0];
    expect(opened.mode).toBe("live");
    expect(opened.tokens_raw).toBe(buys[0].base);
    expect(opened.amount_in_lamports).toBe(buys[0].quote);
    expect(r.dev.chain.signatureStatus(opened.entry_sig!)).toEqual({ slot: buys[0].slot, err: null });
    if (buyInstruction === "buy_exact_quote_in") expect(buys[0].quote).toBeLessThanOrEqual(100_000_000);

    // MaxHold (3 s) sells it: the sell lands with the chain's amounts and the base ATA is closed.
    const t = await closedTrade(r);
    expect(t.status).toBe("closed");
    expect(t.exit_reason).toBe("max_hold");
    const sells = ourFlows(r, "sell");
    expect(sells.length).toBe(1);
    expect(sells[0].base).toBe(t.tokens_raw!);
    expect(t.amount_out_lamports).toBe(sells[0].quote);
    expect(r.dev.chain.signatureStatus(t.exit_sig!)?.err).toBeNull();
    const fee = (sig: string) => Number(r.dev.chain.committedTransaction(sig)!.info.meta!.fee);
    expect(t.fees_lamports).toBe(fee(t.entry_sig!) + fee(t.exit_sig!));
    expect(t.pnl_lamports).toBe(t.amount_out_lamports! - t.amount_in_lamports! - t.fees_lamports);
    // Wallet: every lamport accounted for (WSOL wrapped and unwrapped, the base ATA's rent returned).
    expect(lamports(r.dev.chain, r.wallet) - before).toBe(t.pnl_lamports!);
    expect(r.dev.chain.getAccount(ataSync(r.wallet, launched.mint, launched.baseTokenProgram))).toBeNull();
    expect(r.dev.chain.getAccount(ataSync(r.wallet, WSOL_MINT_ADDRESS))).toBeNull();
    const summary = r.db.query("SELECT realised_pnl_lamports, trades_closed FROM portfolio_summary").get() as { realised_pnl_lamports: number; trades_closed: number };
    expect(summary).toEqual({ realised_pnl_lamports: t.pnl_lamports!, trades_closed: 1 });
    // Simulate-gated: every send was simulated first.
    expect(r.dev.rpc.stats.simulateTransaction).toBeGreaterThanOrEqual(r.dev.rpc.stats.sendTransaction);
  }, 40_000);

  test("slippage retry: the first sell is front-run and fails with ExceededSlippage; the retry re-quotes, widens within the cap and lands", async () => {
    rig = await startLiveRig({ stages: { sellPolicy: { maxRetries: 3, widenFactor: 2, maxSlippageBps: 2_000 } } });
    const r = rig;
    const chain = r.dev.chain;
    const dumper = TradingSigner.fromSecretKey(testKeypair("dumper").secret);
    chain.airdrop(dumper.address, 1_000_000_000);
    const launched = await chain.launchToken();
    await chain.fundTokenAccount(dumper.address, launched.mint, 20_000_000_000_000);
    const original = chain.submitTransaction.bind(chain);
    let dumped = 0;
    chain.submitTransaction = async (wire, opts) => {
      const tx = decodeWireTransaction(wire);
      const isOurSell = tx.feePayer === r.wallet && tx.instructions.some((ix) => parseSwapInstruction(ix as never)?.name === "sell");
      if (opts.commit && isOurSell && dumped === 0) {
        dumped++;
        const pool = chain.state.pools.get(launched.pool)!;
        const info = { pool: launched.pool, mint: launched.mint, quoteMint: WSOL_MINT_ADDRESS, baseTokenProgram: launched.baseTokenProgram, quoteTokenProgram: "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA" as Address, poolBaseTokenAccount: pool.baseVault, poolQuoteTokenAccount: pool.quoteVault, coinCreator: pool.coinCreator, isCashbackCoin: false, isMayhemMode: false, fees: pool.fees, baseDecimals: 6 };
        const recipients = { protocolFeeRecipient: DEVCHAIN_GLOBAL_CONFIG.protocolFeeRecipients[0], buybackFeeRecipient: DEVCHAIN_GLOBAL_CONFIG.buybackFeeRecipients[0] };
        const ixs = buildSellInstructions({ user: dumper.address, pool: info, recipients, baseAmountIn: 20_000_000_000_000, minQuoteOut: 0, budget: { units: 200_000, microLamportsPerUnit: 0 }, closeBaseAccount: false });
        const dump = signTransaction(dumper, ixs, chain.latestBlockhash().blockhash);
        const res = await original(dump.wire, { commit: true });
        expect(res.err).toBeNull();
      }
      return original(wire, opts);
    };
    const t = await closedTrade(r);
    expect(dumped).toBe(1);
    expect(t.status).toBe("closed");
    const hist = r.stages.sellProcessor.history.get(t.position_id)!;
    expect(hist.length).toBe(2);
    expect(hist[0]).toMatchObject({ result: "slippage", code: 6004, slippageBps: 300 });
    expect(hist[1]).toMatchObject({ result: "ok", slippageBps: 600 });
    expect(hist[1].slippageBps).toBeLessThanOrEqual(2_000);
    // Both attempts were journalled before sending; the first landed failed (ExceededSlippage) and paid its fee.
    const journal = readFileSync(join(r.dir, "sends.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { side: string; signature: string });
    const sellSigs = journal.filter((j) => j.side === "sell").map((j) => j.signature);
    expect(sellSigs.length).toBe(2);
    expect(chain.signatureStatus(sellSigs[0])!.err).toEqual({ InstructionError: [3, { Custom: 6004 }] });
    expect(chain.signatureStatus(sellSigs[1])!.err).toBeNull();
    expect(sellSigs[1]).toBe(t.exit_sig!);
    const sells = ourFlows(r, "sell");
    expect(sells.length).toBe(1);
    expect(t.amount_out_lamports).toBe(sells[0].quote);
    const fee = (sig: string) => Number(r.dev.chain.committedTransaction(sig)!.info.meta!.fee);
    expect(t.fees_lamports).toBe(fee(t.entry_sig!) + fee(t.exit_sig!) + fee(sellSigs[0]));
    expect(r.stages.sellProcessor.stats.slippageRetries).toBe(1);
  }, 40_000);

  test("creator-vault refresh retry: the pool's coin creator changes, the sell fails on the vault seeds, re-reads the pool and lands", async () => {
    rig = await startLiveRig({});
    const r = rig;
    const chain = r.dev.chain;
    const launched = await chain.launchToken();
    await until(() => (r.stages.persistence.flush(), rows(r).some((t) => t.status === "open")), 15_000, "the buy to land");
    // The pool's coin creator is changed on chain; the executor's cached pool info still has the old one.
    const newCreator = testKeypair("new coin creator").address;
    const changed = await chain.setCoinCreator(launched.pool, newCreator);
    expect(changed.previous).not.toBe(newCreator);
    const t = await closedTrade(r);
    expect(t.status).toBe("closed");
    const hist = r.stages.sellProcessor.history.get(t.position_id)!;
    expect(hist.map((h) => h.result)).toEqual(["creator_vault", "ok"]);
    expect(hist[0].code).toBe(2006);
    expect(r.stages.sellProcessor.stats.creatorRefreshes).toBe(1);
    // The first attempt failed the devchain's simulation (never sent): one sell was journalled, the one that landed.
    const journal = readFileSync(join(r.dir, "sends.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { side: string; signature: string });
    expect(journal.filter((j) => j.side === "sell").map((j) => j.signature)).toEqual([t.exit_sig!]);
    // The landed sell paid the new creator's vault.
    const landed = chain.committedTransaction(t.exit_sig!)!;
    const keys = landed.info.transaction!.message!.account_keys.map((k) => k.toString("hex"));
    const vault = Buffer.from(decodeBase58(coinCreatorVaultAuthoritySync(newCreator))).toString("hex");
    expect(keys).toContain(vault);
    expect(ourFlows(r, "sell").length).toBe(1);
  }, 40_000);
});
