// Transactions built the official way — @pump-fun/pump-swap-sdk over @solana/web3.js, reading
// the pool, GlobalConfig, FeeConfig, mints and vaults from the devchain's JSON-RPC — land on the
// devchain: the SDK's extend_account first for an older (short) pool, its buy and sell after it,
// and after the pool's coin creator changes, the stale vault fails as on mainnet (ConstraintSeeds)
// until the pool is read again.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { OnlinePumpAmmSdk, POOL_ACCOUNT_NEW_SIZE, PUMP_AMM_SDK } from "@pump-fun/pump-swap-sdk";
import { Connection, Keypair, PublicKey, Transaction, type TransactionInstruction } from "@solana/web3.js";
import { BN } from "@coral-xyz/anchor";
import { decodePool } from "../../lib/chain/index.ts";
import { rentExemptLamports, startDevchain, type FlowRecord, type RunningDevchain } from "../../lib/devchain/index.ts";

let dc: RunningDevchain;
let connection: Connection;
let online: OnlinePumpAmmSdk;

beforeAll(async () => {
  dc = await startDevchain({ seed: 31, market: false, priorityFees: true });
  connection = new Connection(dc.rpcUrl, "confirmed");
  online = new OnlinePumpAmmSdk(connection);
});
afterAll(async () => dc.stop());

async function send(payer: Keypair, ixs: TransactionInstruction[], skipPreflight = false): Promise<string> {
  const { blockhash } = await connection.getLatestBlockhash();
  const tx = new Transaction({ feePayer: payer.publicKey, recentBlockhash: blockhash }).add(...ixs);
  tx.sign(payer);
  return connection.sendRawTransaction(tx.serialize(), { skipPreflight });
}

const PUMPSWAP = "pAMMBay6oceH9fJKBRHGP5D4bD4sWpmSwMn52FMfXEA";
const EXTEND_ACCOUNT = Buffer.from([234, 102, 194, 203, 150, 72, 62, 229]);
const isExtend = (ix: TransactionInstruction) => ix.programId.toBase58() === PUMPSWAP && ix.data.subarray(0, 8).equals(EXTEND_ACCOUNT);

describe("the official PumpSwap SDK against the devchain", () => {
  test("an older pool: the SDK's buy (extend_account first) lands and grows it; its sell then lands without one", async () => {
    const token = await dc.chain.launchToken({ poolDataLength: 245 });
    const pool = new PublicKey(token.pool);
    const user = Keypair.generate();
    await connection.requestAirdrop(user.publicKey, 2_000_000_000);

    const state = await online.swapSolanaState(pool, user.publicKey);
    expect(state.poolAccountInfo!.data.length).toBe(245);
    const buy = await PUMP_AMM_SDK.buyBaseInput(state, new BN(1_000_000_000_000), 1);
    expect(isExtend(buy[0])).toBe(true);
    const before = await connection.getBalance(user.publicKey);
    const buySig = await send(user, buy);
    const status = await connection.getSignatureStatuses([buySig]);
    expect(status.value[0]?.err).toBeNull();
    const grown = await connection.getAccountInfo(pool);
    expect(grown!.data.length).toBe(POOL_ACCOUNT_NEW_SIZE);
    expect(grown!.lamports).toBe(rentExemptLamports(POOL_ACCOUNT_NEW_SIZE));
    expect(decodePool(grown!.data).baseMint).toBe(token.mint);
    const flow = dc.chain.records.find((r): r is FlowRecord => r.type === "flow" && r.sig === buySig)!;
    expect(flow).toMatchObject({ side: "buy", base: 1_000_000_000_000, user: user.publicKey.toBase58() });
    // Fee (no compute budget instructions: signature only), extension rent, base ATA rent, the buy; the WSOL ATA was closed.
    const meta = await connection.getTransaction(buySig, { maxSupportedTransactionVersion: 0 });
    expect(meta!.meta!.fee).toBe(5_000);
    expect(before - (await connection.getBalance(user.publicKey))).toBe(5_000 + (300 - 245) * 6_960 + 2_039_280 + flow.quote);

    const state2 = await online.swapSolanaState(pool, user.publicKey);
    const sell = await PUMP_AMM_SDK.sellBaseInput(state2, new BN(400_000_000_000), 1);
    expect(sell.some(isExtend)).toBe(false);
    const sellSig = await send(user, sell);
    expect((await connection.getSignatureStatuses([sellSig])).value[0]?.err).toBeNull();
    expect(dc.chain.records.find((r): r is FlowRecord => r.type === "flow" && r.sig === sellSig)).toMatchObject({ side: "sell", base: 400_000_000_000 });
  }, 30_000);

  test("after the pool's coin creator changes, a sell built from the stale pool fails ConstraintSeeds (2006); re-read, it lands", async () => {
    const token = await dc.chain.launchToken();
    const pool = new PublicKey(token.pool);
    const user = Keypair.generate();
    await connection.requestAirdrop(user.publicKey, 2_000_000_000);
    const buySig = await send(user, await PUMP_AMM_SDK.buyBaseInput(await online.swapSolanaState(pool, user.publicKey), new BN(2_000_000_000_000), 1));
    expect((await connection.getSignatureStatuses([buySig])).value[0]?.err).toBeNull();

    const stale = await online.swapSolanaState(pool, user.publicKey);
    const newCreator = Keypair.generate().publicKey;
    await dc.chain.setCoinCreator(token.pool, newCreator.toBase58() as never);
    const staleSell = await PUMP_AMM_SDK.sellBaseInput(stale, new BN(1_000_000_000_000), 5);
    const err = await send(user, staleSell).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String((err as Error).message)).toContain("custom program error: 0x7d6");
    expect(((err as { logs?: string[] }).logs ?? []).some((l) => l.includes("coin_creator_vault_authority. Error Code: ConstraintSeeds. Error Number: 2006"))).toBe(true);

    const fresh = await online.swapSolanaState(pool, user.publicKey);
    expect(fresh.pool.coinCreator.toBase58()).toBe(newCreator.toBase58());
    const okSig = await send(user, await PUMP_AMM_SDK.sellBaseInput(fresh, new BN(1_000_000_000_000), 5));
    expect((await connection.getSignatureStatuses([okSig])).value[0]?.err).toBeNull();
  }, 30_000);

  test("the largest holders are real token accounts of funded wallets (getTokenLargestAccounts, getAccountInfo)", async () => {
    const token = await dc.chain.launchToken();
    const largest = await connection.getTokenLargestAccounts(new PublicKey(token.mint));
    expect(largest.value.length).toBe(20);
    const infos = await connection.getMultipleAccountsInfo(largest.value.map((h) => h.address));
    for (const [i, info] of infos.entries()) {
      expect(info!.owner.toBase58()).toBe(token.baseTokenProgram);
      expect(info!.data.length).toBe(165);
      expect(new PublicKey(info!.data.subarray(0, 32)).toBase58()).toBe(token.mint);
      expect(info!.data.readBigUInt64LE(64)).toBe(BigInt(largest.value[i].amount));
    }
    const owners = infos.slice(1).map((info) => new PublicKey(info!.data.subarray(32, 64)));
    const wallets = await connection.getMultipleAccountsInfo(owners);
    expect(wallets.every((w) => w !== null && w.owner.toBase58() === "11111111111111111111111111111111")).toBe(true);
  }, 30_000);
});
