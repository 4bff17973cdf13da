import { describe, expect, test } from "bun:test";
import {
  AccountRole,
  createNoopSigner,
  getAddressDecoder,
  getCompiledTransactionMessageDecoder,
  getProgramDerivedAddress,
  getPublicKeyFromAddress,
  getTransactionDecoder,
  isOffCurveAddress,
  verifySignature,
  type Address,
  type SignatureBytes,
} from "@solana/kit";
import { getSetComputeUnitLimitInstruction, getSetComputeUnitPriceInstruction } from "@solana-program/compute-budget";
import { getTransferSolInstruction } from "@solana-program/system";
import { getCloseAccountInstruction, getCreateAssociatedTokenIdempotentInstruction, getSyncNativeInstruction } from "@solana-program/token";
import type { Instruction } from "@solana/kit";
import { encodeBase58 } from "../chain/base58.ts";
import {
  ASSOCIATED_TOKEN_PROGRAM_ADDRESS,
  DEFAULT_ADDRESS,
  TOKEN_2022_PROGRAM_ADDRESS,
  TOKEN_PROGRAM_ADDRESS,
  WSOL_MINT_ADDRESS,
} from "../chain/constants.ts";
import { associatedTokenAddress, buildSwapAccountMetas, findCoinCreatorVaultAuthorityPda, findPoolV2Pda, findUserVolumeAccumulatorPda, pumpSwapCodecs } from "../chain/index.ts";
import { createRng } from "../util/rng.ts";
import { compileMessage } from "./message.ts";
import { ataSync, coinCreatorVaultAuthoritySync, isOnCurve, poolV2Sync, userVolumeAccumulatorSync } from "../chain/pda_sync.ts";
import { TradingSigner } from "./signer.ts";
import { testKeypair } from "./testing.ts";
import { buildBuyInstructions, buildSellInstructions, signTransaction, swapAccountMetas, type PoolInfo } from "./txbuild.ts";

const rng = createRng(2024);
const randomBytes = (n: number) => Uint8Array.from({ length: n }, () => rng.int(256));
const randomAddress = () => encodeBase58(randomBytes(32)) as Address;

describe("synchronous PDAs", () => {
  test("the curve check decides as @solana/kit does", () => {
    const dec = getAddressDecoder();
    for (let i = 0; i < 3000; i++) {
      const b = randomBytes(32);
      if (i % 500 === 0) b.fill(0);
      if (i % 500 === 1) (b.fill(0), (b[0] = 1), (b[31] = 0x80));
      expect(isOnCurve(b)).toBe(!isOffCurveAddress(dec.decode(b)));
    }
  });

  test("ATA, pool-v2, creator vault and user volume PDAs equal kit's derivation", async () => {
    for (let i = 0; i < 40; i++) {
      const owner = randomAddress();
      const mint = randomAddress();
      const program = i % 2 ? TOKEN_2022_PROGRAM_ADDRESS : TOKEN_PROGRAM_ADDRESS;
      expect(ataSync(owner, mint, program)).toBe(await associatedTokenAddress(owner, mint, program));
      expect(poolV2Sync(mint)).toBe((await findPoolV2Pda(mint))[0]);
      expect(coinCreatorVaultAuthoritySync(owner)).toBe((await findCoinCreatorVaultAuthorityPda(owner))[0]);
      expect(userVolumeAccumulatorSync(owner)).toBe((await findUserVolumeAccumulatorPda(owner))[0]);
    }
    const [viaKit] = await getProgramDerivedAddress({ programAddress: ASSOCIATED_TOKEN_PROGRAM_ADDRESS, seeds: [randomBytes(0)] });
    expect(typeof viaKit).toBe("string");
  });
});

function pool(over: Partial<PoolInfo> = {}): PoolInfo {
  const poolAddr = randomAddress();
  const mint = randomAddress();
  const baseTokenProgram = over.baseTokenProgram ?? TOKEN_PROGRAM_ADDRESS;
  return {
    pool: poolAddr,
    mint,
    quoteMint: WSOL_MINT_ADDRESS,
    baseTokenProgram,
    quoteTokenProgram: TOKEN_PROGRAM_ADDRESS,
    poolBaseTokenAccount: ataSync(poolAddr, mint, baseTokenProgram),
    poolQuoteTokenAccount: ataSync(poolAddr, WSOL_MINT_ADDRESS),
    coinCreator: randomAddress(),
    isCashbackCoin: false,
    isMayhemMode: false,
    fees: { lpFeeBps: 20, protocolFeeBps: 5, creatorFeeBps: 5 },
    baseDecimals: 6,
    ...over,
  };
}

describe("swap accounts", () => {
  test.each([
    ["buy", false, false],
    ["buy_exact_quote_in", false, false],
    ["sell", false, false],
    ["buy", true, false],
    ["sell", true, false],
    ["buy_exact_quote_in", false, true],
    ["sell", true, true],
  ] as const)("%s (cashback %p, no coin creator %p) equals lib/chain's list", async (ix, cashback, noCreator) => {
    const p = pool({ isCashbackCoin: cashback, baseTokenProgram: cashback ? TOKEN_2022_PROGRAM_ADDRESS : TOKEN_PROGRAM_ADDRESS });
    if (noCreator) p.coinCreator = DEFAULT_ADDRESS;
    const user = randomAddress();
    const recipients = { protocolFeeRecipient: randomAddress(), buybackFeeRecipient: randomAddress() };
    const mine = swapAccountMetas(ix, user, p, recipients);
    const theirs = await buildSwapAccountMetas(ix, {
      pool: p.pool,
      poolState: { baseMint: p.mint, quoteMint: p.quoteMint, poolBaseTokenAccount: p.poolBaseTokenAccount, poolQuoteTokenAccount: p.poolQuoteTokenAccount, coinCreator: p.coinCreator, isCashbackCoin: p.isCashbackCoin },
      user,
      baseTokenProgram: p.baseTokenProgram,
      protocolFeeRecipient: recipients.protocolFeeRecipient,
      buybackFeeRecipient: recipients.buybackFeeRecipient,
    });
    expect(mine).toEqual(theirs);
    // Totals of the current program (solana_facts §1): buy 23 + 3, sell 21 + 3 (+1/+2 cashback).
    const fixed = ix === "sell" ? 21 : 23;
    expect(mine.length).toBe(fixed + (noCreator ? 2 : 3) + (cashback ? (ix === "sell" ? 2 : 1) : 0));
  });
});

describe("transactions", () => {
  const { secret } = testKeypair("txbuild");
  const signer = TradingSigner.fromSecretKey(secret);
  const blockhash = encodeBase58(randomBytes(32));

  test("a Token-2022 buy: ATAs under the right programs, WSOL wrapped and closed, kit decodes what we signed", async () => {
    const p = pool({ baseTokenProgram: TOKEN_2022_PROGRAM_ADDRESS });
    const recipients = { protocolFeeRecipient: randomAddress(), buybackFeeRecipient: randomAddress() };
    const ixs = buildBuyInstructions({ user: signer.address, pool: p, recipients, order: { kind: "exact_quote_in", spendLamports: 100_000_000, minBaseOut: 123 }, budget: { units: 250_000, microLamportsPerUnit: 400_000 } });
    const programs = ixs.map((i) => i.programAddress);
    expect(programs).toEqual([
      "ComputeBudget111111111111111111111111111111",
      "ComputeBudget111111111111111111111111111111",
      ASSOCIATED_TOKEN_PROGRAM_ADDRESS,
      "11111111111111111111111111111111",
      TOKEN_PROGRAM_ADDRESS,
      ASSOCIATED_TOKEN_PROGRAM_ADDRESS,
      "pAMMBay6oceH9fJKBRHGP5D4bD4sWpmSwMn52FMfXEA",
      TOKEN_PROGRAM_ADDRESS,
    ] as Address[]);
    // base ATA created with Token-2022 as its token program, for the Token-2022 address
    const createBase = ixs[5];
    expect(createBase.accounts![1].address).toBe(ataSync(signer.address, p.mint, TOKEN_2022_PROGRAM_ADDRESS));
    expect(createBase.accounts![5].address).toBe(TOKEN_2022_PROGRAM_ADDRESS);
    expect(pumpSwapCodecs.buyExactQuoteIn.decode(ixs[6].data as Uint8Array)).toEqual({ spendableQuoteIn: 100_000_000, minBaseAmountOut: 123, trackVolume: true });

    const signed = signTransaction(signer, ixs, blockhash);
    const tx = getTransactionDecoder().decode(signed.wire);
    const msg = getCompiledTransactionMessageDecoder().decode(tx.messageBytes) as unknown as {
      version: number;
      header: { numSignerAccounts: number; numReadonlySignerAccounts: number; numReadonlyNonSignerAccounts: number };
      staticAccounts: Address[];
      lifetimeToken: string;
      instructions: { programAddressIndex: number; accountIndices?: number[]; data?: Uint8Array }[];
    };
    expect(msg.version).toBe(0);
    expect(msg.lifetimeToken).toBe(blockhash);
    expect(msg.staticAccounts[0]).toBe(signer.address);
    expect(msg.header.numSignerAccounts).toBe(1);
    const keys = msg.staticAccounts;
    const n = keys.length;
    const roleOf = (i: number) => {
      const signerKey = i < msg.header.numSignerAccounts;
      const writable = signerKey ? i < msg.header.numSignerAccounts - msg.header.numReadonlySignerAccounts : i < n - msg.header.numReadonlyNonSignerAccounts;
      return { signerKey, writable };
    };
    msg.instructions.forEach((ci, k) => {
      const ix = ixs[k];
      expect(keys[ci.programAddressIndex]).toBe(ix.programAddress);
      expect(Array.from(ci.data ?? [])).toEqual(Array.from((ix.data ?? new Uint8Array()) as Uint8Array));
      (ci.accountIndices ?? []).forEach((ai, j) => {
        const meta = ix.accounts![j];
        expect(keys[ai]).toBe(meta.address);
        const r = roleOf(ai);
        if (meta.role === AccountRole.WRITABLE || meta.role === AccountRole.WRITABLE_SIGNER) expect(r.writable).toBe(true);
        if (meta.role === AccountRole.WRITABLE_SIGNER || meta.role === AccountRole.READONLY_SIGNER) expect(r.signerKey).toBe(true);
      });
    });
    const key = await getPublicKeyFromAddress(signer.address);
    expect(await verifySignature(key, tx.signatures[signer.address] as SignatureBytes, tx.messageBytes)).toBe(true);
    expect(signed.signature).toBe(encodeBase58(tx.signatures[signer.address] as Uint8Array));
  });

  test("a sell closes the WSOL ATA and, when asked, the emptied base ATA under its own program", () => {
    const p = pool({ baseTokenProgram: TOKEN_2022_PROGRAM_ADDRESS });
    const recipients = { protocolFeeRecipient: randomAddress(), buybackFeeRecipient: randomAddress() };
    const ixs = buildSellInstructions({ user: signer.address, pool: p, recipients, baseAmountIn: 5, minQuoteOut: 4, budget: { units: 1, microLamportsPerUnit: 0 }, closeBaseAccount: true });
    expect(ixs.at(-1)!.programAddress).toBe(TOKEN_2022_PROGRAM_ADDRESS);
    expect(ixs.at(-1)!.accounts![0].address).toBe(ataSync(signer.address, p.mint, TOKEN_2022_PROGRAM_ADDRESS));
    expect(pumpSwapCodecs.sell.decode(ixs[3].data as Uint8Array)).toEqual({ baseAmountIn: 5, minQuoteAmountOut: 4 });
    const short = buildSellInstructions({ user: signer.address, pool: { ...p, poolDataLength: 270 }, recipients, baseAmountIn: 5, minQuoteOut: 4, budget: { units: 1, microLamportsPerUnit: 0 }, closeBaseAccount: false });
    expect(short[2].programAddress).toBe("pAMMBay6oceH9fJKBRHGP5D4bD4sWpmSwMn52FMfXEA" as Address); // extend_account first
    expect(compileMessage(signer.address, short, blockhash, "legacy").bytes[0]).toBe(1);
  });
});

describe("system, token and compute-budget instructions", () => {
  /** What the message compiler reads of an instruction. */
  const shape = (ixs: readonly Instruction[]) =>
    ixs.map((ix) => ({ program: ix.programAddress, accounts: (ix.accounts ?? []).map((m) => ({ address: m.address, role: m.role })), data: Array.from((ix.data ?? new Uint8Array()) as Uint8Array) }));

  test.each([
    ["exact_quote_in", TOKEN_PROGRAM_ADDRESS, false],
    ["exact_base_out", TOKEN_2022_PROGRAM_ADDRESS, true],
  ] as const)("a buy (%s, base under %s, tip %p) equals what the @solana-program builders write", (kind, baseProgram, tipped) => {
    const p = pool({ baseTokenProgram: baseProgram });
    const user = randomAddress();
    const recipients = { protocolFeeRecipient: randomAddress(), buybackFeeRecipient: randomAddress() };
    const tip = tipped ? { account: randomAddress(), lamports: 12_345 } : null;
    const order = kind === "exact_quote_in" ? ({ kind, spendLamports: 100_000_000, minBaseOut: 7 } as const) : ({ kind, baseOut: 5_000, maxQuoteIn: 123_456_789 } as const);
    const budget = { units: 250_000, microLamportsPerUnit: 400_000.7 };
    const mine = buildBuyInstructions({ user, pool: p, recipients, order, budget, tip });
    const payer = createNoopSigner(user);
    const wsolAta = ataSync(user, p.quoteMint, p.quoteTokenProgram);
    const wrap = kind === "exact_quote_in" ? 100_000_000 : 123_456_789;
    const theirs: Instruction[] = [
      getSetComputeUnitLimitInstruction({ units: 250_000 }),
      getSetComputeUnitPriceInstruction({ microLamports: 400_000n }),
      getCreateAssociatedTokenIdempotentInstruction({ payer, ata: wsolAta, owner: user, mint: p.quoteMint, tokenProgram: p.quoteTokenProgram }),
      getTransferSolInstruction({ source: payer, destination: wsolAta, amount: BigInt(wrap) }),
      getSyncNativeInstruction({ account: wsolAta }, { programAddress: p.quoteTokenProgram as typeof TOKEN_PROGRAM_ADDRESS }),
      getCreateAssociatedTokenIdempotentInstruction({ payer, ata: ataSync(user, p.mint, baseProgram), owner: user, mint: p.mint, tokenProgram: baseProgram }),
      mine[6],
      getCloseAccountInstruction({ account: wsolAta, destination: user, owner: payer }, { programAddress: p.quoteTokenProgram as typeof TOKEN_PROGRAM_ADDRESS }),
      ...(tip ? [getTransferSolInstruction({ source: payer, destination: tip.account, amount: BigInt(tip.lamports) })] : []),
    ];
    expect(shape(mine)).toEqual(shape(theirs));
  });

  test("a sell closing the base ATA equals what the @solana-program builders write", () => {
    const p = pool({ baseTokenProgram: TOKEN_2022_PROGRAM_ADDRESS });
    const user = randomAddress();
    const recipients = { protocolFeeRecipient: randomAddress(), buybackFeeRecipient: randomAddress() };
    const mine = buildSellInstructions({ user, pool: p, recipients, baseAmountIn: 5, minQuoteOut: 4, budget: { units: 200_000, microLamportsPerUnit: 500_000 }, closeBaseAccount: true });
    const payer = createNoopSigner(user);
    const wsolAta = ataSync(user, p.quoteMint, p.quoteTokenProgram);
    const theirs: Instruction[] = [
      getSetComputeUnitLimitInstruction({ units: 200_000 }),
      getSetComputeUnitPriceInstruction({ microLamports: 500_000n }),
      getCreateAssociatedTokenIdempotentInstruction({ payer, ata: wsolAta, owner: user, mint: p.quoteMint, tokenProgram: p.quoteTokenProgram }),
      mine[3],
      getCloseAccountInstruction({ account: wsolAta, destination: user, owner: payer }, { programAddress: p.quoteTokenProgram as typeof TOKEN_PROGRAM_ADDRESS }),
      getCloseAccountInstruction({ account: ataSync(user, p.mint, TOKEN_2022_PROGRAM_ADDRESS), destination: user, owner: payer }, { programAddress: TOKEN_2022_PROGRAM_ADDRESS }),
    ];
    expect(shape(mine)).toEqual(shape(theirs));
  });
});
