// Pump.fun bonding curves on the simulator: the accounts a create installs, the seeded curve flow
// against lib/amm/curve.ts, signed buys and sells over the program with its checks and errors,
// completion, and supply conservation from create through curve trades to migration.
import { describe, expect, test } from "bun:test";
import { getCreateAssociatedTokenIdempotentInstruction } from "@solana-program/token";
import {
  appendTransactionMessageInstructions,
  createTransactionMessage,
  generateKeyPairSigner,
  getBase64EncodedWireTransaction,
  pipe,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  signTransactionMessageWithSigners,
  type Address,
  type Instruction,
  type KeyPairSigner,
} from "@solana/kit";
import { curveAfterBuy, curveAfterSell, curveFeesFromGlobal, PUMP_CURVE_INITIAL, quoteCurveBuyExactSolIn, quoteCurveBuyTokens, quoteCurveSell, type CurveReserves } from "../amm/curve.ts";
import { encodeBase58 } from "../chain/base58.ts";
import { PUMPFUN_PROGRAM_ADDRESS, SYSTEM_PROGRAM_ADDRESS, TOKEN_PROGRAM_ADDRESS } from "../chain/constants.ts";
import { extractEvents, type InnerInstructionGroupView } from "../chain/events.ts";
import { ataSync, creatorVaultSync } from "../chain/pda_sync.ts";
import { buildCurveBuyExactSolInInstruction, buildCurveBuyInstruction, buildCurveSellInstruction, decodeBondingCurve, PUMPFUN_ERRORS, type CurveTradeAccountsInput, type TradeEvent } from "../chain/pumpfun.ts";
import type { SubscribeUpdateTransactionInfo } from "../chain/proto.ts";
import { MIGRATION_BASE_RESERVE, TOKEN_SUPPLY } from "../market/index.ts";
import { randomAddress } from "../market/ids.ts";
import { createRng } from "../util/rng.ts";
import { rentExemptLamports, TOKEN_ACCOUNT_RENT_LAMPORTS } from "./accounts.ts";
import { AnchorError, Devchain, DEVCHAIN_PUMPFUN_GLOBAL, matchTransaction, MODEL_FLOOR_REAL_TOKENS, type ChainUpdate, type LaunchedCurveToken } from "./index.ts";

const G = DEVCHAIN_PUMPFUN_GLOBAL;
const FEES = curveFeesFromGlobal(G, true);
const plain = (v: unknown) => JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? Number(x) : x)));
const FRESH: CurveReserves = { ...PUMP_CURVE_INITIAL, realQuoteReserves: 0 };

async function wire(chain: Devchain, signer: KeyPairSigner, ixs: Instruction[]): Promise<Uint8Array> {
  const bh = chain.latestBlockhash();
  const msg = pipe(
    createTransactionMessage({ version: 0 }),
    (m) => setTransactionMessageFeePayerSigner(signer, m),
    (m) => setTransactionMessageLifetimeUsingBlockhash({ blockhash: bh.blockhash as never, lastValidBlockHeight: BigInt(bh.lastValidBlockHeight) }, m),
    (m) => appendTransactionMessageInstructions(ixs, m),
  );
  return Buffer.from(getBase64EncodedWireTransaction(await signTransactionMessageWithSigners(msg)), "base64");
}

async function trader(chain: Devchain, lamports = 5_000_000_000): Promise<KeyPairSigner> {
  const s = await generateKeyPairSigner();
  chain.airdrop(s.address, lamports);
  return s;
}

const accountsInput = (t: LaunchedCurveToken, user: Address, o: Partial<CurveTradeAccountsInput> = {}): CurveTradeAccountsInput => ({
  mint: t.mint,
  user,
  creator: t.creator,
  tokenProgram: t.tokenProgram,
  feeRecipient: G.feeRecipients[2],
  buybackFeeRecipient: G.buybackFeeRecipients[5],
  ...o,
});

const ataIx = (t: LaunchedCurveToken, user: KeyPairSigner) => getCreateAssociatedTokenIdempotentInstruction({ payer: user, ata: ataSync(user.address, t.mint, t.tokenProgram), owner: user.address, mint: t.mint, tokenProgram: t.tokenProgram });

const reservesOf = (chain: Devchain, mint: Address): CurveReserves => {
  const c = chain.curveAccount(mint)!;
  return { virtualTokenReserves: c.virtualTokenReserves, virtualQuoteReserves: c.virtualQuoteReserves, realTokenReserves: c.realTokenReserves, realQuoteReserves: c.realQuoteReserves };
};
const lamportsOf = (chain: Devchain, a: Address) => chain.getAccount(a)?.lamports ?? 0;
const tokensOf = (chain: Devchain, a: Address) => chain.state.tokenAccounts.get(a)?.amount ?? 0;
const supplyHeld = (chain: Devchain, mint: Address) => chain.state.tokenAccountsOf(mint).reduce((s, t) => s + t.amount, 0);

/** The self-CPI inner instructions of a streamed transaction, as event extraction reads them. */
function innerViews(info: SubscribeUpdateTransactionInfo): InnerInstructionGroupView[] {
  const keys = info.transaction!.message!.account_keys.map((k) => encodeBase58(k));
  return info.meta!.inner_instructions.map((g) => ({ index: g.index, instructions: g.instructions.map((ix) => ({ programAddress: keys[ix.program_id_index], accounts: [...ix.accounts].map((i) => keys[i]), data: ix.data })) }));
}

function eventsOf(chain: Devchain, signature: string) {
  const info = chain.committedTransaction(signature)!.info;
  return { cpi: extractEvents({ innerInstructions: innerViews(info) }).events, logs: extractEvents({ logMessages: info.meta!.log_messages }).events };
}

describe("create installs the coin's curve", () => {
  test("mint, BondingCurve at Global's initial reserves, and the curve's token account with the whole supply", async () => {
    const chain = new Devchain({ seed: 1, market: false });
    const t = await chain.launchCurveToken();
    expect(t.tokenProgram).toBe(TOKEN_PROGRAM_ADDRESS);
    const acc = chain.getAccount(t.bondingCurve)!;
    expect(acc.owner).toBe(PUMPFUN_PROGRAM_ADDRESS);
    expect(acc.lamports).toBe(rentExemptLamports(acc.data.length));
    expect(decodeBondingCurve(acc.data)).toMatchObject({ ...FRESH, tokenTotalSupply: TOKEN_SUPPLY, complete: false, creator: t.creator, quoteMint: SYSTEM_PROGRAM_ADDRESS });
    expect(t.associatedBondingCurve).toBe(ataSync(t.bondingCurve, t.mint, t.tokenProgram));
    expect(chain.state.tokenAccounts.get(t.associatedBondingCurve)).toMatchObject({ mint: t.mint, owner: t.bondingCurve, amount: TOKEN_SUPPLY });
    expect(chain.getAccount(t.mint)!.owner).toBe(TOKEN_PROGRAM_ADDRESS);
    // The create is on the stream with its CreateEvent, both ways.
    const ev = eventsOf(chain, t.signature);
    expect(ev.cpi.map((e) => e.name)).toEqual(["CreateEvent"]);
    expect(ev.cpi[0].event).toMatchObject({ mint: t.mint, bondingCurve: t.bondingCurve, creator: t.creator, virtualTokenReserves: FRESH.virtualTokenReserves, realTokenReserves: FRESH.realTokenReserves });
    expect(ev.logs.map((e) => e.name)).toEqual(["CreateEvent"]);
  });

  test("a seeded market: curve-only creates arrive several a minute, every create has its curve, and account_include [Pump.fun] picks up creates and curve trades", async () => {
    const chain = new Devchain({ seed: 9, migrationsPerDay: 2000, createLookaheadMs: 3_600_000 });
    const updates: ChainUpdate[] = [];
    chain.subscribe((u) => updates.push(u));
    for (let t = 0; t <= 60_000; t += 1000) await chain.advanceTo(chain.opts.startTs + t);
    expect(chain.counters.curveLaunches).toBeGreaterThanOrEqual(3);
    expect(chain.counters.curveTrades).toBeGreaterThan(10);
    const creates = chain.records.filter((r) => r.type === "create");
    expect(creates.length).toBe(chain.counters.creates);
    for (const c of creates) expect(chain.curveAccount(c.mint as Address)).not.toBeNull();
    const filter = [["pump", { vote: false, failed: false, account_include: [PUMPFUN_PROGRAM_ADDRESS] }]] as [string, never][];
    const txs = updates.filter((u): u is Extract<ChainUpdate, { kind: "transaction" }> => u.kind === "transaction");
    const picked = new Set(txs.filter((u) => matchTransaction(filter, u.keys, false, u.failed).length > 0).map((u) => encodeBase58(u.info.signature)));
    for (const c of creates) expect(picked.has(c.sig)).toBe(true);
    for (const r of chain.curveTrades) expect(picked.has(r.sig)).toBe(true);
  });
});

describe("curve flow model", () => {
  test("every model trade moves the curve exactly as lib/amm/curve.ts quotes it; the TradeEvents say the same; flow never completes a curve", async () => {
    const chain = new Devchain({ seed: 5, migrationsPerDay: 2000, createLookaheadMs: 3_600_000, unsafeShare: 0 });
    for (let t = 0; t <= 240_000; t += 2000) await chain.advanceTo(chain.opts.startTs + t);
    const trades = chain.curveTrades;
    expect(trades.length).toBeGreaterThan(100);
    expect(new Set(trades.map((r) => r.ix))).toEqual(new Set(["buy", "buy_exact_sol_in", "sell"]));
    expect(chain.counters.curveOrdersRejected).toBe(0);
    const state = new Map<string, CurveReserves>();
    for (const r of trades) {
      const before = state.get(r.mint) ?? FRESH;
      let after: CurveReserves;
      if (r.side === "buy") {
        const q = quoteCurveBuyTokens(before, r.tokens, FEES)!;
        expect([q.solIntoCurve, q.protocolFee, q.creatorFee, q.totalLamports]).toEqual([r.sol_amount, r.protocol_fee, r.creator_fee, r.lamports]);
        after = curveAfterBuy(before, q);
      } else {
        const q = quoteCurveSell(before, r.tokens, FEES)!;
        expect([q.solOutOfCurve, q.protocolFee, q.creatorFee, q.netLamports]).toEqual([r.sol_amount, r.protocol_fee, r.creator_fee, r.lamports]);
        after = curveAfterSell(before, q);
      }
      expect({ virtualTokenReserves: r.virtual_token_reserves, virtualQuoteReserves: r.virtual_sol_reserves, realTokenReserves: r.real_token_reserves, realQuoteReserves: r.real_sol_reserves }).toEqual(after);
      expect(r.complete).toBe(false);
      expect(r.real_token_reserves).toBeGreaterThanOrEqual(MODEL_FLOOR_REAL_TOKENS);
      state.set(r.mint, after);
    }
    for (const [mint, last] of state) {
      const c = chain.state.curves.get(mint as Address)!;
      if (c.migrated) continue;
      expect(reservesOf(chain, mint as Address)).toEqual(last);
      expect(lamportsOf(chain, c.address)).toBe(rentExemptLamports(chain.getAccount(c.address)!.data.length) + last.realQuoteReserves);
    }
    // The streamed TradeEvents (self-CPI and log) carry the record's numbers.
    for (const r of trades.slice(0, 40)) {
      const { cpi, logs } = eventsOf(chain, r.sig);
      expect(cpi.map((e) => e.name)).toEqual(["TradeEvent"]);
      expect(logs.map((e) => e.event)).toEqual(cpi.map((e) => e.event));
      expect(cpi[0].event).toMatchObject({ mint: r.mint, isBuy: r.side === "buy", tokenAmount: r.tokens, solAmount: r.sol_amount, fee: r.protocol_fee, creatorFee: r.creator_fee, ixName: r.ix, virtualTokenReserves: r.virtual_token_reserves, realSolReserves: r.real_sol_reserves, feeBasisPoints: 95, creatorFeeBasisPoints: 30 });
    }
  }, 60_000);

  test("the same seed gives the same curve trades", async () => {
    const run = async () => {
      const c = new Devchain({ seed: 12, migrationsPerDay: 1000, createLookaheadMs: 600_000 });
      for (let t = 0; t <= 90_000; t += 3000) await c.advanceTo(c.opts.startTs + t);
      return c.curveTrades;
    };
    const [a, b] = await Promise.all([run(), run()]);
    expect(a.length).toBeGreaterThan(10);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    for (let i = 1; i < a.length; i++) expect(a[i].ts).toBeGreaterThanOrEqual(a[i - 1].ts);
  });
});

describe("signed curve trades over the program", () => {
  test("buy_exact_sol_in, buy and sell land; every balance moves by exactly the quote; TradeEvent as mainnet fills it", async () => {
    const chain = new Devchain({ seed: 2, market: false });
    const t = await chain.launchCurveToken();
    const user = await trader(chain);
    const input = accountsInput(t, user.address);
    const userAta = ataSync(user.address, t.mint, t.tokenProgram);
    const vault = creatorVaultSync(t.creator);
    const snap = () => ({ user: lamportsOf(chain, user.address), curve: lamportsOf(chain, t.bondingCurve), fee: lamportsOf(chain, input.feeRecipient), vault: lamportsOf(chain, vault), ata: tokensOf(chain, userAta), curveAta: tokensOf(chain, t.associatedBondingCurve) });

    // 1. buy_exact_sol_in 1.5 SOL (with the ATA created first).
    let s0 = snap();
    const q1 = quoteCurveBuyExactSolIn(FRESH, 1_500_000_000, FEES)!;
    const r1 = await chain.submitTransaction(await wire(chain, user, [ataIx(t, user), buildCurveBuyExactSolInInstruction({ ...input, spendableSolIn: 1_500_000_000, minTokensOut: q1.tokensOut })]), { commit: true });
    expect(r1.err).toBeNull();
    let s1 = snap();
    expect(s0.user - s1.user).toBe(5_000 + TOKEN_ACCOUNT_RENT_LAMPORTS + q1.totalLamports);
    expect(s1.curve - s0.curve).toBe(q1.solIntoCurve);
    expect(s1.fee - s0.fee).toBe(q1.protocolFee);
    expect(s1.vault - s0.vault).toBe(q1.creatorFee);
    expect(s1.ata).toBe(q1.tokensOut);
    expect(s0.curveAta - s1.curveAta).toBe(q1.tokensOut);
    const c1 = curveAfterBuy(FRESH, q1);
    expect(reservesOf(chain, t.mint)).toEqual(c1);
    const trade = eventsOf(chain, r1.signature);
    expect(trade.cpi.map((e) => e.name)).toEqual(["TradeEvent"]);
    const ev = trade.cpi[0].event as TradeEvent;
    expect(ev).toMatchObject({
      mint: t.mint,
      solAmount: q1.solIntoCurve,
      tokenAmount: q1.tokensOut,
      isBuy: true,
      user: user.address,
      virtualSolReserves: c1.virtualQuoteReserves,
      virtualTokenReserves: c1.virtualTokenReserves,
      realSolReserves: c1.realQuoteReserves,
      realTokenReserves: c1.realTokenReserves,
      feeRecipient: input.feeRecipient,
      feeBasisPoints: 95,
      fee: q1.protocolFee,
      creator: t.creator,
      creatorFeeBasisPoints: 30,
      creatorFee: q1.creatorFee,
      ixName: "buy_exact_sol_in",
      trackVolume: true,
      quoteAmount: q1.solIntoCurve,
      virtualQuoteReserves: c1.virtualQuoteReserves,
    });
    expect(chain.curveTrades.at(-1)).toMatchObject({ sig: r1.signature, source: "rpc", side: "buy", tokens: q1.tokensOut, lamports: q1.totalLamports });

    // 2. buy exactly 10M tokens.
    s0 = s1;
    const q2 = quoteCurveBuyTokens(c1, 10_000_000_000_000, FEES)!;
    const r2 = await chain.submitTransaction(await wire(chain, user, [buildCurveBuyInstruction({ ...input, amount: 10_000_000_000_000, maxSolCost: q2.totalLamports })]), { commit: true });
    expect(r2.err).toBeNull();
    s1 = snap();
    expect(s0.user - s1.user).toBe(5_000 + q2.totalLamports);
    expect(s1.ata - s0.ata).toBe(10_000_000_000_000);
    const c2 = curveAfterBuy(c1, q2);

    // 3. sell everything.
    s0 = s1;
    const q3 = quoteCurveSell(c2, s0.ata, FEES)!;
    const r3 = await chain.submitTransaction(await wire(chain, user, [buildCurveSellInstruction({ ...input, amount: s0.ata, minSolOutput: q3.netLamports })]), { commit: true });
    expect(r3.err).toBeNull();
    s1 = snap();
    expect(s1.user - s0.user).toBe(q3.netLamports - 5_000);
    expect(s0.curve - s1.curve).toBe(q3.solOutOfCurve);
    expect(s1.fee - s0.fee).toBe(q3.protocolFee);
    expect(s1.vault - s0.vault).toBe(q3.creatorFee);
    expect(s1.ata).toBe(0);
    expect(s1.curveAta).toBe(TOKEN_SUPPLY);
    expect(reservesOf(chain, t.mint)).toEqual(curveAfterSell(c2, q3));
    expect((eventsOf(chain, r3.signature).cpi[0].event as TradeEvent)).toMatchObject({ isBuy: false, ixName: "sell", tokenAmount: q3.tokensIn, solAmount: q3.solOutOfCurve, fee: q3.protocolFee, creatorFee: q3.creatorFee, trackVolume: false });
    // The curve account reads back live over getAccountInfo and holds rent + its real SOL.
    expect(lamportsOf(chain, t.bondingCurve)).toBe(rentExemptLamports(chain.getAccount(t.bondingCurve)!.data.length) + reservesOf(chain, t.mint).realQuoteReserves);
  });

  test("the program's errors: slippage 6002 / 6042 / 6003, a wrong creator vault 2006, fee recipients, too few tokens, too little SOL", async () => {
    const chain = new Devchain({ seed: 3, market: false });
    const t = await chain.launchCurveToken();
    const user = await trader(chain, 2_000_000_000);
    const input = accountsInput(t, user.address);
    const q = quoteCurveBuyExactSolIn(FRESH, 1_000_000_000, FEES)!;
    const sim = async (ixs: Instruction[]) => plain((await chain.submitTransaction(await wire(chain, user, ixs), { commit: false })).err);
    const custom = (n: number, at = 1) => ({ InstructionError: [at, { Custom: n }] });

    expect(await sim([ataIx(t, user), buildCurveBuyInstruction({ ...input, amount: q.tokensOut, maxSolCost: q.totalLamports - 1 })])).toEqual(custom(PUMPFUN_ERRORS.TooMuchSolRequired));
    expect(await sim([ataIx(t, user), buildCurveBuyExactSolInInstruction({ ...input, spendableSolIn: 1_000_000_000, minTokensOut: q.tokensOut + 1 })])).toEqual(custom(PUMPFUN_ERRORS.BuySlippageBelowMinTokensOut));
    expect(await sim([ataIx(t, user), buildCurveBuyExactSolInInstruction({ ...input, spendableSolIn: 1, minTokensOut: 0 })])).toEqual(custom(PUMPFUN_ERRORS.BuyNotEnoughSolToCoverFees));
    // A creator vault that is not ["creator-vault", BondingCurve.creator]: Anchor's ConstraintSeeds.
    const other = randomAddress(createRng(1)) as Address;
    const res = await chain.submitTransaction(await wire(chain, user, [ataIx(t, user), buildCurveBuyInstruction({ ...input, creator: other, amount: q.tokensOut, maxSolCost: q.totalLamports })]), { commit: false });
    expect(plain(res.err)).toEqual(custom(AnchorError.ConstraintSeeds));
    expect(res.logs.some((l) => l.includes("AnchorError caused by account: creator_vault. Error Code: ConstraintSeeds. Error Number: 2006"))).toBe(true);
    expect(await sim([ataIx(t, user), buildCurveBuyInstruction({ ...input, feeRecipient: other, amount: q.tokensOut, maxSolCost: q.totalLamports })])).toEqual(custom(PUMPFUN_ERRORS.NotAuthorized));
    expect(await sim([ataIx(t, user), buildCurveBuyInstruction({ ...input, buybackFeeRecipient: other, amount: q.tokensOut, maxSolCost: q.totalLamports })])).toEqual(custom(PUMPFUN_ERRORS.BuybackFeeRecipientNotAuthorized));
    // Every reserved / listed recipient is accepted.
    for (const feeRecipient of [G.feeRecipient, ...G.feeRecipients]) expect(await sim([ataIx(t, user), buildCurveBuyInstruction({ ...input, feeRecipient, amount: 1_000_000, maxSolCost: 1_000_000 })])).toBeNull();
    // No token account yet: the program cannot pay out.
    expect(await sim([buildCurveBuyInstruction({ ...input, amount: q.tokensOut, maxSolCost: q.totalLamports })])).toEqual(custom(AnchorError.AccountNotInitialized, 0));
    // More SOL than the wallet has.
    const big = quoteCurveBuyExactSolIn(FRESH, 3_000_000_000, FEES)!;
    expect(await sim([ataIx(t, user), buildCurveBuyInstruction({ ...input, amount: big.tokensOut, maxSolCost: big.totalLamports })])).toEqual(custom(1));

    // Sells: more than the wallet holds (6023), and a floor above what the curve pays (6003).
    const bought = await chain.submitTransaction(await wire(chain, user, [ataIx(t, user), buildCurveBuyExactSolInInstruction({ ...input, spendableSolIn: 500_000_000, minTokensOut: 0 })]), { commit: true });
    expect(bought.err).toBeNull();
    const held = tokensOf(chain, ataSync(user.address, t.mint, t.tokenProgram));
    expect(await sim([buildCurveSellInstruction({ ...input, amount: held + 1, minSolOutput: 0 })])).toEqual(custom(PUMPFUN_ERRORS.NotEnoughTokensToSell, 0));
    const s = quoteCurveSell(reservesOf(chain, t.mint), held, FEES)!;
    expect(await sim([buildCurveSellInstruction({ ...input, amount: held, minSolOutput: s.netLamports + 1 })])).toEqual(custom(PUMPFUN_ERRORS.TooLittleSolReceived, 0));
    expect(await sim([buildCurveSellInstruction({ ...input, amount: held, minSolOutput: s.netLamports })])).toBeNull();
  });

  test("the buy that takes the last real tokens completes the curve (CompleteEvent); then trades fail with BondingCurveComplete", async () => {
    const chain = new Devchain({ seed: 4, market: false });
    const t = await chain.launchCurveToken();
    const whale = await trader(chain, 100_000_000_000);
    const input = accountsInput(t, whale.address);
    const q = quoteCurveBuyTokens(FRESH, 900_000_000_000_000, FEES)!;
    expect(q.tokensOut).toBe(PUMP_CURVE_INITIAL.realTokenReserves);
    const res = await chain.submitTransaction(await wire(chain, whale, [ataIx(t, whale), buildCurveBuyInstruction({ ...input, amount: 900_000_000_000_000, maxSolCost: q.totalLamports })]), { commit: true });
    expect(res.err).toBeNull();
    const bc = chain.curveAccount(t.mint)!;
    expect(bc.complete).toBe(true);
    expect(bc.realTokenReserves).toBe(0);
    expect(tokensOf(chain, t.associatedBondingCurve)).toBe(TOKEN_SUPPLY - PUMP_CURVE_INITIAL.realTokenReserves);
    const ev = eventsOf(chain, res.signature);
    expect(ev.cpi.map((e) => e.name)).toEqual(["TradeEvent", "CompleteEvent"]);
    expect(ev.cpi[1].event).toMatchObject({ user: whale.address, mint: t.mint, bondingCurve: t.bondingCurve });
    expect(chain.curveTrades.at(-1)!.complete).toBe(true);
    const sim = async (ix: Instruction) => plain((await chain.submitTransaction(await wire(chain, whale, [ix]), { commit: false })).err);
    expect(await sim(buildCurveBuyInstruction({ ...input, amount: 1_000_000, maxSolCost: 1e9 }))).toEqual({ InstructionError: [0, { Custom: PUMPFUN_ERRORS.BondingCurveComplete }] });
    expect(await sim(buildCurveSellInstruction({ ...input, amount: 1_000_000, minSolOutput: 0 }))).toEqual({ InstructionError: [0, { Custom: PUMPFUN_ERRORS.BondingCurveComplete }] });
  });
});

describe("supply conservation", () => {
  test("create → model and RPC curve trades → migration: the supply is all held, the pool gets its reserve, traders keep their tokens", async () => {
    const chain = new Devchain({ seed: 6, market: false, curveFlowSeconds: 120 });
    const t = await chain.launchCurveToken({ flow: true });
    expect(supplyHeld(chain, t.mint)).toBe(TOKEN_SUPPLY);
    const user = await trader(chain);
    const buy = await chain.submitTransaction(await wire(chain, user, [ataIx(t, user), buildCurveBuyExactSolInInstruction({ ...accountsInput(t, user.address), spendableSolIn: 2_000_000_000, minTokensOut: 0 })]), { commit: true });
    expect(buy.err).toBeNull();
    for (let s = 1; s <= 150; s += 5) {
      await chain.advanceTo(chain.opts.startTs + s * 1000);
      expect(supplyHeld(chain, t.mint)).toBe(TOKEN_SUPPLY);
    }
    const model = chain.curveTrades.filter((r) => r.mint === t.mint && r.source === "market");
    expect(model.length).toBeGreaterThan(3);
    const userAta = ataSync(user.address, t.mint, t.tokenProgram);
    const mine = tokensOf(chain, userAta);
    const traders = chain.state.tokenAccountsOf(t.mint).filter((a) => a.address !== t.associatedBondingCurve && a.amount > 0);
    const tradersHold = traders.reduce((s, a) => s + a.amount, 0);

    const migrated = await chain.launchToken({ mint: t.mint });
    expect(migrated.mint).toBe(t.mint);
    expect(migrated.coinCreator).toBe(t.creator);
    expect(supplyHeld(chain, t.mint)).toBe(TOKEN_SUPPLY);
    expect(tokensOf(chain, t.associatedBondingCurve)).toBe(0);
    expect(tokensOf(chain, chain.state.pools.get(migrated.pool)!.baseVault)).toBe(MIGRATION_BASE_RESERVE);
    expect(tokensOf(chain, userAta)).toBe(mine);
    for (const a of traders) expect(tokensOf(chain, a.address)).toBeGreaterThanOrEqual(a.amount);
    // The synthetic buyers got what neither the pool nor the curve's traders hold.
    const synthetic = TOKEN_SUPPLY - MIGRATION_BASE_RESERVE - tradersHold;
    expect(chain.state.tokenAccountsOf(t.mint).reduce((s, a) => s + a.amount, 0) - MIGRATION_BASE_RESERVE - tradersHold).toBe(synthetic);
    // The model's traders are among the pool's curve holders; the RPC wallet is not.
    const holders = new Set(chain.state.pools.get(migrated.pool)!.curveHolders);
    expect(holders.has(userAta)).toBe(false);
    expect(chain.state.curves.get(t.mint)!.migrated).toBe(true);
    expect(chain.curveAccount(t.mint)).toMatchObject({ complete: true, virtualTokenReserves: 0, realTokenReserves: 0 });
    // The flow stopped with the migration, and the program refuses further curve trades.
    const count = chain.curveTrades.length;
    await chain.advanceTo(chain.opts.startTs + 400_000);
    expect(chain.curveTrades.length).toBe(count);
    const late = await chain.submitTransaction(await wire(chain, user, [buildCurveSellInstruction({ ...accountsInput(t, user.address), amount: mine, minSolOutput: 0 })]), { commit: false });
    expect(plain(late.err)).toEqual({ InstructionError: [0, { Custom: PUMPFUN_ERRORS.BondingCurveComplete }] });
    await expect(chain.launchToken({ mint: t.mint })).rejects.toThrow(/not a coin on its bonding curve/);
  });

  test("market coins created during the run: curve traders keep their tokens through the market's migration and after", async () => {
    // Safe mints only: a transfer-fee mint withholds tokens on every transfer, outside any account.
    const chain = new Devchain({ seed: 8, migrationsPerDay: 20_000, trackSeconds: 60, idleStopSeconds: 30, createLookaheadMs: 3_600_000, curveLaunchesPerHour: 0, unsafeShare: 0 });
    const traded = () => chain.records.filter((r) => r.type === "migration" && r.token_created_ts !== undefined && chain.curveTrades.some((c) => c.mint === r.mint)).map((r) => r.mint as Address);
    for (let t = 0; t <= 900_000 && traded().length < 2; t += 5000) await chain.advanceTo(chain.opts.startTs + t);
    const mints = traded();
    expect(mints.length).toBeGreaterThanOrEqual(2);
    await chain.advanceTo(chain.now + 30_000); // market swaps on the new pools move tokens between holders
    for (const mint of mints) {
      expect(supplyHeld(chain, mint)).toBe(TOKEN_SUPPLY);
      expect(chain.curveAccount(mint)!.complete).toBe(true);
      expect(tokensOf(chain, chain.state.curves.get(mint)!.ata)).toBe(0);
    }
  }, 60_000);
});
