// sendTransaction / simulateTransaction against the devchain's JSON-RPC with @solana/kit: signed
// PumpSwap buys are verified, applied and streamed back; bad signatures are refused; sells of
// honeypot-like mints fail in simulation.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  appendTransactionMessageInstructions,
  createSolanaRpc,
  createTransactionMessage,
  generateKeyPairSigner,
  getBase64EncodedWireTransaction,
  getSignatureFromTransaction,
  pipe,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  signTransactionMessageWithSigners,
  type Address,
  type Instruction,
  type KeyPairSigner,
} from "@solana/kit";
import { getCreateAssociatedTokenIdempotentInstruction } from "@solana-program/token";
import { associatedTokenAddress, buildBuyInstruction, buildSellInstruction, decodePool, WSOL_MINT_ADDRESS } from "../../lib/chain/index.ts";
import { DEVCHAIN_GLOBAL_CONFIG, PumpSwapError, type MintProfile } from "../../lib/devchain/index.ts";
import { quoteBuyExactBase, maxQuoteWithSlippage } from "../../lib/amm/index.ts";
import { parseLines, startRig, until, type Rig } from "./helpers.ts";

let rig: Rig;
let rpc: ReturnType<typeof createSolanaRpc>;

beforeAll(async () => {
  rig = await startRig({ market: false, speed: 1 });
  rpc = createSolanaRpc(rig.dev.rpcUrl);
  await until(() => rig.client.state === "streaming" || rig.client.stats.slots > 0, 5_000, "stream");
});
afterAll(async () => rig.stop());

async function poolInput(pool: Address, user: Address) {
  const info = await rpc.getAccountInfo(pool, { encoding: "base64" }).send();
  const poolState = decodePool(Buffer.from(info.value!.data[0], "base64"));
  const mintInfo = await rpc.getAccountInfo(poolState.baseMint, { encoding: "base64" }).send();
  return {
    pool,
    poolState,
    user,
    baseTokenProgram: mintInfo.value!.owner,
    protocolFeeRecipient: DEVCHAIN_GLOBAL_CONFIG.protocolFeeRecipients[0],
    buybackFeeRecipient: DEVCHAIN_GLOBAL_CONFIG.buybackFeeRecipients[0],
  };
}

async function signedWire(signer: KeyPairSigner, ixs: Instruction[]): Promise<{ wire: string; signature: string }> {
  const { value: bh } = await rpc.getLatestBlockhash().send();
  const msg = pipe(
    createTransactionMessage({ version: 0 }),
    (m) => setTransactionMessageFeePayerSigner(signer, m),
    (m) => setTransactionMessageLifetimeUsingBlockhash(bh, m),
    (m) => appendTransactionMessageInstructions(ixs, m),
  );
  const tx = await signTransactionMessageWithSigners(msg);
  return { wire: getBase64EncodedWireTransaction(tx), signature: getSignatureFromTransaction(tx) };
}

async function trader(): Promise<KeyPairSigner> {
  const s = await generateKeyPairSigner();
  rig.dev.chain.airdrop(s.address, 2_000_000_000);
  await rig.dev.chain.fundTokenAccount(s.address, WSOL_MINT_ADDRESS, 1_000_000_000);
  return s;
}

describe("devchain JSON-RPC transactions", () => {
  test("a signed buy is verified, applied, streamed back; a bad signature is refused", async () => {
    const token = await rig.dev.chain.launchToken({ profile: "safe" });
    await until(() => rig.watcher.stats.migrations >= 1, 5_000, "migration on the stream");
    const user = await trader();
    const input = await poolInput(token.pool, user.address);
    const baseAta = await associatedTokenAddress(user.address, token.mint, token.baseTokenProgram);
    const reserves = { baseReserve: 206_900_000_000_000, quoteReserve: 84_990_359_055 };
    const q = quoteBuyExactBase(reserves, 1_000_000_000_000, { lpFeeBps: 2, protocolFeeBps: 93, creatorFeeBps: 30 })!;
    const buy = await buildBuyInstruction({ ...input, baseAmountOut: 1_000_000_000_000, maxQuoteAmountIn: maxQuoteWithSlippage(q.totalQuoteIn, 100) });
    const ata = getCreateAssociatedTokenIdempotentInstruction({ payer: user, ata: baseAta, owner: user.address, mint: token.mint, tokenProgram: token.baseTokenProgram });
    const { wire, signature } = await signedWire(user, [ata, buy]);

    // A flipped bit in the signature: refused before execution.
    const bad = Buffer.from(wire, "base64");
    bad[5] ^= 0xff;
    const refused = await fetch(rig.dev.rpcUrl, { method: "POST", body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "sendTransaction", params: [bad.toString("base64"), { encoding: "base64" }] }) }).then((r) => r.json() as Promise<{ error: { code: number } }>);
    expect(refused.error.code).toBe(-32003);

    const sent = await rpc.sendTransaction(wire as never, { encoding: "base64" }).send();
    expect(sent).toBe(signature as never);
    const status = await rpc.getSignatureStatuses([signature as never]).send();
    expect(status.value[0]?.err).toBeNull();
    const bal = await rpc.getTokenAccountBalance(baseAta).send();
    expect(String(bal.value.amount)).toBe("1000000000000");
    await until(() => parseLines(rig.sink.lines).some((l) => l.sig === signature), 5_000, "the buy on the stream");
    const flow = parseLines(rig.sink.lines).find((l) => l.sig === signature)!;
    expect(flow).toMatchObject({ type: "flow", side: "buy", user: user.address, base: 1_000_000_000_000, quote: q.totalQuoteIn, base_reserve: q.after.baseReserve, quote_reserve: q.after.quoteReserve });
    const tx = await rpc.getTransaction(signature as never, { maxSupportedTransactionVersion: 0, encoding: "json" }).send();
    expect(tx?.meta?.logMessages?.some((l) => l.startsWith("Program data: "))).toBe(true);
  }, 30_000);

  test("a buy past its slippage bound fails with ExceededSlippage (6004)", async () => {
    const token = await rig.dev.chain.launchToken({ profile: "safe" });
    const user = await trader();
    const input = await poolInput(token.pool, user.address);
    const baseAta = await associatedTokenAddress(user.address, token.mint, token.baseTokenProgram);
    const buy = await buildBuyInstruction({ ...input, baseAmountOut: 1_000_000_000_000, maxQuoteAmountIn: 1_000 });
    const ata = getCreateAssociatedTokenIdempotentInstruction({ payer: user, ata: baseAta, owner: user.address, mint: token.mint, tokenProgram: token.baseTokenProgram });
    const { wire } = await signedWire(user, [ata, buy]);
    const sim = await rpc.simulateTransaction(wire as never, { encoding: "base64" }).send();
    expect(JSON.parse(JSON.stringify(sim.value.err, (_k, v) => (typeof v === "bigint" ? Number(v) : v)))).toEqual({ InstructionError: [1, { Custom: PumpSwapError.ExceededSlippage }] } as never);
  }, 30_000);

  const cases: [MintProfile, boolean][] = [
    ["safe", true],
    ["mint_authority", true],
    ["permanent_delegate", true],
    ["non_transferable", false],
    ["default_frozen", false],
    ["pausable", false],
    ["transfer_hook", false],
  ];
  for (const [profile, sells] of cases) {
    test(`simulated sell of a ${profile} mint ${sells ? "succeeds" : "fails"}`, async () => {
      const token = await rig.dev.chain.launchToken({ profile });
      const user = await trader();
      await rig.dev.chain.fundTokenAccount(user.address, token.mint, 5_000_000_000);
      const input = await poolInput(token.pool, user.address);
      const sell = await buildSellInstruction({ ...input, baseAmountIn: 5_000_000_000, minQuoteAmountOut: 0 });
      const { wire } = await signedWire(user, [sell]);
      const sim = await rpc.simulateTransaction(wire as never, { encoding: "base64" }).send();
      if (sells) expect(sim.value.err).toBeNull();
      else expect(sim.value.err).not.toBeNull();
    }, 30_000);
  }
});
