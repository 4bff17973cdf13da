// The simulator's fidelity to mainnet where other code depends on it: Pool account sizes and
// PumpSwap extend_account, bonding-curve holders as real token accounts, the coin-creator vault
// checks and the control that changes a pool's coin creator, and fee accounting.
import { describe, expect, test } from "bun:test";
import { getSetComputeUnitLimitInstruction, getSetComputeUnitPriceInstruction } from "@solana-program/compute-budget";
import { getTransferSolInstruction } from "@solana-program/system";
import { getCloseAccountInstruction, getCreateAssociatedTokenIdempotentInstruction, getSyncNativeInstruction } from "@solana-program/token";
import {
  AccountRole,
  appendTransactionMessageInstructions,
  compileTransaction,
  createTransactionMessage,
  generateKeyPairSigner,
  getBase64EncodedWireTransaction,
  pipe,
  setTransactionMessageFeePayer,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  signTransactionMessageWithSigners,
  type Address,
  type Instruction,
  type KeyPairSigner,
} from "@solana/kit";
import { quoteBuyExactBase } from "../amm/index.ts";
import { AnchorCodecs } from "../chain/anchor.ts";
import { associatedTokenAddress, findCoinCreatorVaultAuthorityPda } from "../chain/pda.ts";
import {
  buildBuyInstruction,
  buildExtendAccountInstruction,
  buildSellInstruction,
  decodePool,
  POOL_ACCOUNT_EXTENDED_SIZE,
  PUMPSWAP_IDL,
  type PoolAccount,
} from "../chain/pumpswap.ts";
import { PUMPSWAP_GLOBAL_CONFIG_ADDRESS, SYSTEM_PROGRAM_ADDRESS, TOKEN_PROGRAM_ADDRESS, WSOL_MINT_ADDRESS } from "../chain/constants.ts";
import { eventsFromLogs } from "../chain/events.ts";
import { TOKEN_SUPPLY } from "../market/index.ts";
import { createRng } from "../util/rng.ts";
import { randomAddress } from "../market/ids.ts";
import { decodeTokenAccount, rentExemptLamports, TOKEN_ACCOUNT_RENT_LAMPORTS, type MintProfile } from "./accounts.ts";
import {
  AnchorError,
  ataSync,
  coinCreatorVaultAuthoritySync,
  curveHolderDistribution,
  Devchain,
  DEVCHAIN_GLOBAL_CONFIG,
  POOL_STRUCT_SIZE,
  PumpSwapError,
  RpcError,
  type LaunchedToken,
} from "./index.ts";

const ammCodecs = new AnchorCodecs(PUMPSWAP_IDL, { integers: "number", keys: "camel" });

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

async function trader(chain: Devchain, lamports = 3_000_000_000): Promise<KeyPairSigner> {
  const s = await generateKeyPairSigner();
  chain.airdrop(s.address, lamports);
  return s;
}

function poolOf(chain: Devchain, t: LaunchedToken): PoolAccount {
  return decodePool(chain.getAccount(t.pool)!.data);
}

function swapInput(chain: Devchain, t: LaunchedToken, user: Address, poolState = poolOf(chain, t)) {
  return { pool: t.pool, poolState, user, baseTokenProgram: t.baseTokenProgram, protocolFeeRecipient: DEVCHAIN_GLOBAL_CONFIG.protocolFeeRecipients[0], buybackFeeRecipient: DEVCHAIN_GLOBAL_CONFIG.buybackFeeRecipients[0] };
}

/** The official SDK's buy wrapper: [extend_account] · base ATA · WSOL ATA · wrap · buy · close WSOL. */
async function buyInstructions(chain: Devchain, t: LaunchedToken, user: KeyPairSigner, baseOut: number, o: { extend: boolean; budget?: { units: number; microLamports: number } }): Promise<Instruction[]> {
  const reserves = chain.state.reserves(chain.state.pools.get(t.pool)!);
  const q = quoteBuyExactBase(reserves, baseOut, { lpFeeBps: 2, protocolFeeBps: 93, creatorFeeBps: 30 })!;
  const maxQuote = Math.ceil(q.totalQuoteIn * 1.05);
  const [baseAta, quoteAta] = await Promise.all([associatedTokenAddress(user.address, t.mint, t.baseTokenProgram), associatedTokenAddress(user.address, WSOL_MINT_ADDRESS)]);
  const ixs: Instruction[] = [];
  if (o.budget) ixs.push(getSetComputeUnitLimitInstruction({ units: o.budget.units }), getSetComputeUnitPriceInstruction({ microLamports: o.budget.microLamports }));
  if (o.extend) ixs.push(buildExtendAccountInstruction({ account: t.pool, user: user.address }));
  ixs.push(
    getCreateAssociatedTokenIdempotentInstruction({ payer: user, ata: baseAta, owner: user.address, mint: t.mint, tokenProgram: t.baseTokenProgram }),
    getCreateAssociatedTokenIdempotentInstruction({ payer: user, ata: quoteAta, owner: user.address, mint: WSOL_MINT_ADDRESS, tokenProgram: TOKEN_PROGRAM_ADDRESS }),
    getTransferSolInstruction({ source: user, destination: quoteAta, amount: maxQuote }),
    getSyncNativeInstruction({ account: quoteAta }),
    await buildBuyInstruction({ ...swapInput(chain, t, user.address), baseAmountOut: baseOut, maxQuoteAmountIn: maxQuote }),
    getCloseAccountInstruction({ account: quoteAta, destination: user.address, owner: user }),
  );
  return ixs;
}

const plain = (v: unknown) => JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? Number(x) : x)));

describe("sync PDAs", () => {
  test("ATAs and coin-creator vault authorities match @solana/kit's derivation", async () => {
    const r = createRng(5);
    for (let i = 0; i < 200; i++) {
      const owner = randomAddress(r) as Address;
      const mint = randomAddress(r) as Address;
      const program = i % 2 ? TOKEN_PROGRAM_ADDRESS : ("TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb" as Address);
      expect(ataSync(owner, mint, program)).toBe(await associatedTokenAddress(owner, mint, program));
      expect(coinCreatorVaultAuthoritySync(owner)).toBe((await findCoinCreatorVaultAuthorityPda(owner))[0]);
    }
  });
});

describe("Pool size and extend_account", () => {
  test("new pools are 300-byte, rent-exempt accounts; older sizes can be launched and decode with zeros past their end", async () => {
    const chain = new Devchain({ seed: 1, market: false });
    const t = await chain.launchToken();
    expect(t.poolDataLength).toBe(POOL_ACCOUNT_EXTENDED_SIZE);
    const acc = chain.getAccount(t.pool)!;
    expect(acc.data.length).toBe(300);
    expect(acc.lamports).toBe(rentExemptLamports(300));
    expect(poolOf(chain, t)).toMatchObject({ baseMint: t.mint, coinCreator: t.coinCreator, creatorFeeBps: 30 });
    expect(POOL_STRUCT_SIZE).toBe(270);

    for (const len of [243, 245, 261, 270]) {
      const old = await chain.launchToken({ poolDataLength: len });
      const data = chain.getAccount(old.pool)!.data;
      expect(data.length).toBe(len);
      const p = decodePool(data);
      expect(p.coinCreator).toBe(old.coinCreator);
      expect(p.creatorFeeBps).toBe(len >= 269 ? 30 : 0);
    }
    await expect(chain.launchToken({ poolDataLength: 211 })).rejects.toThrow(/poolDataLength/);
  });

  test("a swap on a pool shorter than the Pool struct fails to deserialize; the SDK's extend_account first grows it, the user paying the rent", async () => {
    const chain = new Devchain({ seed: 2, market: false });
    const t = await chain.launchToken({ poolDataLength: 245 });
    const user = await trader(chain);

    const bare = await chain.submitTransaction(await wire(chain, user, await buyInstructions(chain, t, user, 1_000_000_000_000, { extend: false })), { commit: false });
    expect(plain(bare.err)).toEqual({ InstructionError: [4, { Custom: AnchorError.AccountDidNotDeserialize }] });
    expect(bare.logs.some((l) => l.includes("AnchorError caused by account: pool. Error Code: AccountDidNotDeserialize. Error Number: 3003"))).toBe(true);

    const before = chain.getAccount(user.address)!.lamports;
    const poolLamports = chain.getAccount(t.pool)!.lamports;
    const shortPool = poolOf(chain, t);
    const res = await chain.submitTransaction(await wire(chain, user, await buyInstructions(chain, t, user, 1_000_000_000_000, { extend: true })), { commit: true });
    expect(res.err).toBeNull();
    const grown = chain.getAccount(t.pool)!;
    expect(grown.data.length).toBe(300);
    expect(grown.lamports).toBe(rentExemptLamports(300));
    expect(decodePool(grown.data)).toEqual(shortPool);
    expect(grown.data.subarray(245).every((b) => b === 0)).toBe(true);
    const rent = rentExemptLamports(300) - poolLamports;
    expect(rent).toBe((300 - 245) * 6_960);
    // The wallet paid the fee, the extension's rent, the base ATA's rent and the buy.
    const flow = chain.records.find((r) => r.type === "flow" && r.sig === res.signature) as { quote: number };
    expect(before - chain.getAccount(user.address)!.lamports).toBe(5_000 + rent + TOKEN_ACCOUNT_RENT_LAMPORTS + flow.quote);
    // ExtendAccountEvent in the logs and as the self-CPI.
    const ev = res.logs.find((l) => l.startsWith("Program data: "))!;
    const decoded = ammCodecs.event("ExtendAccountEvent").decode(Buffer.from(ev.slice("Program data: ".length), "base64"));
    expect(decoded).toMatchObject({ account: t.pool, user: user.address, currentSize: 245, newSize: 300 });
    const inner = chain.committedTransaction(res.signature)!.info.meta!.inner_instructions.find((g) => g.index === 0)!;
    expect(inner.instructions.length).toBe(2); // system transfer of the rent + event CPI

    // Once grown, the SDK sends no extend_account; sent anyway it changes nothing and costs no rent.
    const again = await chain.submitTransaction(await wire(chain, user, [buildExtendAccountInstruction({ account: t.pool, user: user.address })]), { commit: false });
    expect(again.err).toBeNull();
    expect(chain.getAccount(t.pool)!.data.length).toBe(300);
  });

  test("extend_account refuses what it cannot grow: not a Pool (6027), unsigned", async () => {
    const chain = new Devchain({ seed: 3, market: false });
    const user = await trader(chain);
    const notPool = await chain.submitTransaction(await wire(chain, user, [buildExtendAccountInstruction({ account: PUMPSWAP_GLOBAL_CONFIG_ADDRESS, user: user.address })]), { commit: false });
    expect(plain(notPool.err)).toEqual({ InstructionError: [0, { Custom: PumpSwapError.AccountTypeNotSupported }] });
    // The paying user must sign (here the fee payer signs, the extend_account user does not).
    const t = await chain.launchToken({ poolDataLength: 261 });
    const other = await trader(chain);
    const ix = buildExtendAccountInstruction({ account: t.pool, user: other.address });
    const unsignedUser = { ...ix, accounts: ix.accounts.map((a, i) => (i === 1 ? { ...a, role: AccountRole.WRITABLE } : a)) };
    const unsigned = await chain.submitTransaction(await wire(chain, user, [unsignedUser]), { commit: false });
    expect(plain(unsigned.err)).toEqual({ InstructionError: [0, "MissingRequiredSignature"] });
    expect(chain.getAccount(t.pool)!.data.length).toBe(261);
  });
});

describe("bonding-curve holders", () => {
  test("the buyers are real token accounts of distinct funded wallets; the largest accounts read back as such", async () => {
    const chain = new Devchain({ seed: 4, market: false });
    const t = await chain.launchToken();
    const pool = chain.state.pools.get(t.pool)!;
    const top = await chain.tokenLargestAccounts(t.mint);
    expect(top.length).toBe(20);
    expect(top[0]).toEqual({ address: pool.baseVault, amount: 206_900_000_000_000 });
    const owners = new Set<string>();
    for (const h of top.slice(1)) {
      const acc = chain.getAccount(h.address)!;
      expect(acc.owner).toBe(t.baseTokenProgram);
      const ta = decodeTokenAccount(h.address, acc.data, acc.lamports, acc.owner);
      expect(ta).toMatchObject({ mint: t.mint, amount: h.amount, state: 1 });
      expect(h.address).toBe(ataSync(ta.owner, t.mint, t.baseTokenProgram));
      const wallet = chain.getAccount(ta.owner)!;
      expect(wallet.owner).toBe(SYSTEM_PROGRAM_ADDRESS);
      expect(wallet.lamports).toBeGreaterThan(0);
      owners.add(ta.owner);
    }
    expect(owners.size).toBe(19);
    // The whole supply is accounted for by token accounts: pool vault plus 100+ holders.
    const all = chain.state.tokenAccountsOf(t.mint);
    expect(all.length).toBeGreaterThanOrEqual(101);
    expect(all.reduce((s, a) => s + a.amount, 0)).toBe(TOKEN_SUPPLY);
    // A realistic spread: no holder outside the pool above 5 %, the ten largest well under half.
    const outside = top.slice(1).map((h) => h.amount / TOKEN_SUPPLY);
    expect(outside[0]).toBeLessThan(0.05);
    expect(outside.slice(0, 10).reduce((s, x) => s + x, 0)).toBeLessThan(0.35);
  });

  test("a concentrated profile keeps one insider wallet with a third or more of supply", async () => {
    const chain = new Devchain({ seed: 4, market: false });
    const t = await chain.launchToken({ holders: "concentrated" });
    expect(t.holderProfile).toBe("concentrated");
    const vault = chain.state.pools.get(t.pool)!.baseVault;
    const top = (await chain.tokenLargestAccounts(t.mint)).filter((h) => h.address !== vault);
    expect(top[0].amount / TOKEN_SUPPLY).toBeGreaterThanOrEqual(0.3);
  });

  test("the distribution sums exactly and is capped as documented over many seeds", () => {
    for (let i = 0; i < 200; i++) {
      const total = TOKEN_SUPPLY - 206_900_000_000_000;
      const h = curveHolderDistribution(createRng(i), { total, supply: TOKEN_SUPPLY, creator: "11111111111111111111111111111111" as Address, profile: "distributed" });
      expect(h.reduce((s, x) => s + x.amount, 0)).toBe(total);
      expect(new Set(h.map((x) => x.owner)).size).toBe(h.length);
      const sorted = h.map((x) => x.amount).sort((a, b) => b - a);
      expect(sorted[0] / TOKEN_SUPPLY).toBeLessThanOrEqual(0.045);
      expect(sorted.slice(0, 10).reduce((s, x) => s + x, 0) / TOKEN_SUPPLY).toBeLessThan(0.35);
      expect(h.filter((x) => x.role === "small").length).toBeGreaterThanOrEqual(100);
    }
  });

  test("a simulated sell by one of the largest holders succeeds on a safe mint and fails on sell-blocked ones", async () => {
    const chain = new Devchain({ seed: 6, market: false });
    const cases: [MintProfile, unknown][] = [
      ["safe", null],
      ["safe_token2022", null],
      ["pausable", { Custom: 67 }],
      ["non_transferable", { Custom: 37 }],
      ["transfer_hook", "MissingAccount"],
    ];
    for (const [profile, err] of cases) {
      const t = await chain.launchToken({ profile });
      const top = await chain.tokenLargestAccounts(t.mint);
      const holder = decodeTokenAccount(top[1].address, chain.getAccount(top[1].address)!.data, 0, t.baseTokenProgram);
      const wsol = await associatedTokenAddress(holder.owner, WSOL_MINT_ADDRESS);
      const ixs = [
        getCreateAssociatedTokenIdempotentInstruction({ payer: { address: holder.owner } as never, ata: wsol, owner: holder.owner, mint: WSOL_MINT_ADDRESS, tokenProgram: TOKEN_PROGRAM_ADDRESS }),
        await buildSellInstruction({ ...swapInput(chain, t, holder.owner), userBaseTokenAccount: top[1].address, baseAmountIn: Math.floor(holder.amount / 100), minQuoteAmountOut: 0 } as never),
      ];
      // Unsigned (sigVerify off), as a checker simulates a holder's sell.
      const bh = chain.latestBlockhash();
      const msg = pipe(
        createTransactionMessage({ version: 0 }),
        (m) => setTransactionMessageFeePayer(holder.owner, m),
        (m) => setTransactionMessageLifetimeUsingBlockhash({ blockhash: bh.blockhash as never, lastValidBlockHeight: 0n }, m),
        (m) => appendTransactionMessageInstructions(ixs as Instruction[], m),
      );
      const sim = await chain.submitTransaction(Buffer.from(getBase64EncodedWireTransaction(compileTransaction(msg)), "base64"), { commit: false, sigVerify: false });
      if (err === null) expect({ profile, err: sim.err }).toEqual({ profile, err: null });
      else expect({ profile, err: plain(sim.err) }).toEqual({ profile, err: { InstructionError: [1, err] } });
    }
  });

  test("market trading moves real token accounts and never creates or loses a token", async () => {
    const chain = new Devchain({ seed: 8, migrationsPerDay: 6000, trackSeconds: 120, idleStopSeconds: 60, createLookaheadMs: 600_000 });
    for (let t = 0; t <= 240_000; t += 5_000) await chain.advanceTo(chain.opts.startTs + t);
    expect(chain.counters.marketSwaps).toBeGreaterThan(200);
    let checked = 0;
    for (const pool of chain.state.pools.values()) {
      const mint = chain.state.mints.get(pool.mint)!;
      if (mint.transferFeeBps > 0) continue; // fees withheld on transfer leave the accounts
      expect(chain.state.tokenAccountsOf(pool.mint).reduce((s, a) => s + a.amount, 0)).toBe(TOKEN_SUPPLY);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(3);
    // Traders' buys landed in their ATAs (funded wallets): some market user is now a holder.
    const flows = chain.records.filter((r) => r.type === "flow" && r.side === "buy") as { user: string; mint: string }[];
    const f = flows[0];
    const pool = chain.state.poolsByMint.get(f.mint as Address)!;
    const ata = ataSync(f.user as Address, pool.mint, pool.baseTokenProgram);
    expect(chain.getAccount(ata)).not.toBeNull();
    expect(chain.getAccount(f.user as Address)!.owner).toBe(SYSTEM_PROGRAM_ADDRESS);
  }, 60_000);
});

describe("coin creator", () => {
  test("swaps must pass the vault of Pool.coin_creator: a stale vault fails ConstraintSeeds (2006), a wrong vault ATA 3014", async () => {
    const chain = new Devchain({ seed: 9, market: false });
    const t = await chain.launchToken();
    const user = await trader(chain);
    await chain.fundTokenAccount(user.address, t.mint, 5_000_000_000);
    await chain.fundTokenAccount(user.address, WSOL_MINT_ADDRESS, 10_000_000);
    const stale = poolOf(chain, t);
    const sell = async (poolState: PoolAccount) => buildSellInstruction({ ...swapInput(chain, t, user.address, poolState), baseAmountIn: 1_000_000_000, minQuoteAmountOut: 0 });
    expect((await chain.submitTransaction(await wire(chain, user, [await sell(stale)]), { commit: false })).err).toBeNull();

    const newCreator = (await generateKeyPairSigner()).address;
    const changed = await chain.setCoinCreator(t.pool, newCreator);
    expect(changed).toMatchObject({ pool: t.pool, previous: t.coinCreator });
    const data = chain.getAccount(t.pool)!.data;
    expect(data.length).toBe(300);
    expect(decodePool(data)).toEqual({ ...stale, coinCreator: newCreator });
    expect(chain.state.pools.get(t.pool)!.coinCreator).toBe(newCreator);
    // Streamed as PumpSwap admin_set_coin_creator with its event.
    const tx = chain.committedTransaction(changed.signature)!;
    const ev = tx.info.meta!.log_messages.find((l) => l.startsWith("Program data: "))!;
    expect(ammCodecs.event("AdminSetCoinCreatorEvent").decode(Buffer.from(ev.slice(14), "base64"))).toMatchObject({ pool: t.pool, baseMint: t.mint, oldCoinCreator: t.coinCreator, newCoinCreator: newCreator });

    // Built from the stale pool: the vault authority no longer matches its seeds.
    const failed = await chain.submitTransaction(await wire(chain, user, [await sell(stale)]), { commit: false });
    expect(plain(failed.err)).toEqual({ InstructionError: [0, { Custom: AnchorError.ConstraintSeeds }] });
    expect(failed.logs).toContain(`Program log: AnchorError caused by account: coin_creator_vault_authority. Error Code: ConstraintSeeds. Error Number: 2006. Error Message: A seeds constraint was violated.`);
    expect(failed.logs).toContain(`Program log: ${coinCreatorVaultAuthoritySync(newCreator)}`);
    // Preflight refuses it with the same error; sent without preflight it lands failed and is charged.
    const refused = await chain.submitTransaction(await wire(chain, user, [await sell(stale)]), { commit: true }).catch((e) => e);
    expect(refused).toBeInstanceOf(RpcError);
    expect(plain((refused as RpcError).data)).toMatchObject({ err: { InstructionError: [0, { Custom: 2006 }] } });
    const before = chain.getAccount(user.address)!.lamports;
    const landed = await chain.submitTransaction(await wire(chain, user, [await sell(stale)]), { commit: true, skipPreflight: true });
    expect(chain.signatureStatus(landed.signature)!.err).toEqual({ InstructionError: [0, { Custom: 2006 }] });
    expect(before - chain.getAccount(user.address)!.lamports).toBe(5_000);

    // Re-read: the sell lands and its event names the new creator.
    const ok = await chain.submitTransaction(await wire(chain, user, [await sell(poolOf(chain, t))]), { commit: true });
    expect(ok.err).toBeNull();
    const sellEvent = eventsFromLogs(ok.logs).events.find((e) => e.name === "SellEvent")!;
    expect((sellEvent.event as { coinCreator: string }).coinCreator).toBe(newCreator);

    // A vault ATA that is not the ATA of the (right) vault authority.
    const wrongAta = await sell(poolOf(chain, t));
    const accounts = wrongAta.accounts.map((a, i) => (i === 17 ? { ...a, address: ataSync(user.address, WSOL_MINT_ADDRESS) } : a));
    const bad = await chain.submitTransaction(await wire(chain, user, [{ ...wrongAta, accounts }]), { commit: false });
    expect(plain(bad.err)).toEqual({ InstructionError: [0, { Custom: AnchorError.AccountNotAssociatedTokenAccount }] });
  });

  test("changing the coin creator of an older, short pool grows it first (the program writes the whole Pool back)", async () => {
    const chain = new Devchain({ seed: 10, market: false });
    const t = await chain.launchToken({ poolDataLength: 243 });
    const newCreator = (await generateKeyPairSigner()).address;
    await chain.setCoinCreator(t.mint, newCreator);
    const data = chain.getAccount(t.pool)!.data;
    expect(data.length).toBe(300);
    expect(decodePool(data).coinCreator).toBe(newCreator);
    expect(chain.getAccount(t.pool)!.lamports).toBe(rentExemptLamports(300));
  });
});

describe("fees", () => {
  test("with priorityFees the fee payer pays 5,000 per signature plus ceil(price × limit / 10⁶), landed or failed; meta.fee says so", async () => {
    const chain = new Devchain({ seed: 12, market: false, priorityFees: true });
    const t = await chain.launchToken();
    const user = await trader(chain);
    const before = chain.getAccount(user.address)!.lamports;
    const budget = { units: 250_000, microLamports: 40_001 };
    const res = await chain.submitTransaction(await wire(chain, user, await buyInstructions(chain, t, user, 1_000_000_000_000, { extend: false, budget })), { commit: true });
    expect(res.err).toBeNull();
    const priority = Math.ceil((250_000 * 40_001) / 1_000_000);
    expect(priority).toBe(10_001);
    const fee = Number(chain.committedTransaction(res.signature)!.info.meta!.fee);
    expect(fee).toBe(5_000 + priority);
    const flow = chain.records.find((r) => r.type === "flow" && r.sig === res.signature) as { quote: number };
    expect(before - chain.getAccount(user.address)!.lamports).toBe(fee + TOKEN_ACCOUNT_RENT_LAMPORTS + flow.quote);

    // A landed failure pays the same fee.
    const mid = chain.getAccount(user.address)!.lamports;
    const sellAll = await buildSellInstruction({ ...swapInput(chain, t, user.address), baseAmountIn: 1_000_000_000_000, minQuoteAmountOut: Number.MAX_SAFE_INTEGER });
    const failed = await chain.submitTransaction(await wire(chain, user, [getSetComputeUnitLimitInstruction({ units: 100_000 }), getSetComputeUnitPriceInstruction({ microLamports: 1_000_000 }), sellAll]), { commit: true, skipPreflight: true });
    expect(plain(failed.err)).toEqual({ InstructionError: [2, { Custom: PumpSwapError.ExceededSlippage }] });
    expect(mid - chain.getAccount(user.address)!.lamports).toBe(5_000 + 100_000);
    expect(Number(chain.committedTransaction(failed.signature)!.info.meta!.fee)).toBe(105_000);

    // No limit instruction: 200k per other instruction.
    const noLimit = await chain.submitTransaction(await wire(chain, user, [getSetComputeUnitPriceInstruction({ microLamports: 1_000 }), getTransferSolInstruction({ source: user, destination: user.address, amount: 1 })]), { commit: true });
    expect(Number(chain.committedTransaction(noLimit.signature)!.info.meta!.fee)).toBe(5_000 + 200);

    // A repeated budget instruction is refused before anything is charged.
    const dup = await chain.submitTransaction(await wire(chain, user, [getSetComputeUnitPriceInstruction({ microLamports: 1 }), getSetComputeUnitPriceInstruction({ microLamports: 2 })]), { commit: true }).catch((e) => e);
    expect(dup).toBeInstanceOf(RpcError);
    expect((dup as RpcError).data).toMatchObject({ err: { DuplicateInstruction: 1 } });
  });

  test("with priorityFees off only the signature fee is charged; an unfunded payer is refused", async () => {
    const chain = new Devchain({ seed: 13, market: false, priorityFees: false });
    const t = await chain.launchToken();
    const user = await trader(chain);
    const res = await chain.submitTransaction(await wire(chain, user, await buyInstructions(chain, t, user, 1_000_000_000, { extend: false, budget: { units: 250_000, microLamports: 40_000 } })), { commit: true });
    expect(Number(chain.committedTransaction(res.signature)!.info.meta!.fee)).toBe(5_000);
    const broke = await generateKeyPairSigner();
    const refused = await chain.submitTransaction(await wire(chain, broke, [getTransferSolInstruction({ source: broke, destination: user.address, amount: 1 })]), { commit: false });
    expect(refused.err).toBe("AccountNotFound");
    chain.airdrop(broke.address, 4_000);
    const poor = await chain.submitTransaction(await wire(chain, broke, [getTransferSolInstruction({ source: broke, destination: user.address, amount: 1 })]), { commit: false });
    expect(poor.err).toBe("InsufficientFundsForFee");
  });
});
