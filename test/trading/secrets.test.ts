/**
 * No byte of the secret key leaves the signer: after a live round trip on the devchain (buy, sell,
 * a failing buy), bad key files, and deliberate attempts to log the signer, the secret key — in
 * base58, hex, JSON-array and base64 forms, whole and as its 32-byte seed — appears in no log line,
 * decision record, telemetry line, error message or metrics exposition.
 */
import { afterAll, expect, test } from "bun:test";
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { encodeBase58 } from "../../lib/chain/base58.ts";
import { createLogger } from "../../lib/log/index.ts";
import { JsonlAppender } from "../../lib/engine/jsonl_sink.ts";
import { SignerError, TradingSigner, type TradeRow } from "../../lib/trading/index.ts";
import { testKeypair, writeKeypairFile } from "../../lib/trading/testing.ts";
import { startLiveRig, until } from "./live_rig.ts";

const dir = mkdtempSync(join(tmpdir(), "ferrix-secrets-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function forms(secret: Uint8Array): string[] {
  const seed = secret.subarray(0, 32);
  const out: string[] = [];
  for (const b of [secret, seed, seed.subarray(0, 16)]) {
    const buf = Buffer.from(b);
    out.push(encodeBase58(b), buf.toString("hex"), buf.toString("hex").toUpperCase(), buf.toString("base64"), buf.toString("base64url"), JSON.stringify(Array.from(b)), Array.from(b).join(", "));
  }
  return out;
}

test("the secret key never appears in logs, decision records, telemetry, errors or metrics", async () => {
  const kp = testKeypair("secrets");
  const secret = new Uint8Array(kp.secret);
  const keyFile = join(dir, "wallet.json");
  writeKeypairFile(keyFile, kp.secret);
  const logFile = join(dir, "ferrix.log");
  const decisionsFile = join(dir, "decisions.jsonl");
  const logger = createLogger({ name: "ferrix", level: "trace", destination: logFile });
  const errors: string[] = [];

  // Key files that must be refused, with messages that say what is wrong and nothing of the content.
  const open = join(dir, "open.json");
  copyFileSync(keyFile, open);
  chmodSync(open, 0o644);
  const corrupt = join(dir, "corrupt.json");
  writeFileSync(corrupt, `[${Array.from(secret).join(",")}, oops ${Buffer.from(secret).toString("hex")}]`, { mode: 0o600 });
  const mismatched = join(dir, "mismatched.json");
  const wrong = new Uint8Array(secret);
  wrong[40] ^= 0xff;
  writeKeypairFile(mismatched, wrong);
  const short = join(dir, "short.json");
  writeFileSync(short, JSON.stringify(Array.from(secret.subarray(0, 63))), { mode: 0o600 });
  for (const f of [open, corrupt, mismatched, short]) {
    try {
      TradingSigner.fromKeypairFile(f);
      throw new Error(`${f} was accepted`);
    } catch (err) {
      expect(err).toBeInstanceOf(SignerError);
      errors.push(String(err), (err as Error).stack ?? "", JSON.stringify({ message: (err as Error).message }));
      logger.error({ err }, "keypair refused");
    }
  }

  // The signer itself, as careless code might print it.
  const signer = TradingSigner.fromKeypairFile(keyFile);
  expect(signer.address).toBe(kp.address);
  logger.info({ signer, wallet: signer }, "signer loaded");
  errors.push(String(signer), inspect(signer, { depth: 10, showHidden: true }), Bun.inspect(signer), JSON.stringify({ signer }), JSON.stringify(Object.getOwnPropertyNames(signer).map((k) => (signer as never)[k])));

  // A live round trip through the stages, which load the key from the file themselves.
  const decisions = new JsonlAppender(decisionsFile, { flushIntervalMs: 10 });
  const rig = await startLiveRig({ walletLabel: "secrets", logger, stages: { signer: undefined, keypairPath: keyFile, decisions } });
  try {
    expect(rig.wallet).toBe(kp.address);
    await rig.dev.chain.launchToken();
    await until(() => (rig.stages.persistence.flush(), (rig.db.query("SELECT status FROM trades").all() as TradeRow[]).some((t) => t.status === "closed")), 20_000, "a closed trade");
    // A buy that fails (the wallet is drained): error paths log too.
    const balance = rig.dev.chain.getAccount(kp.address)!.lamports;
    rig.dev.chain.state.lamports.set(kp.address, 10_000);
    await rig.dev.chain.launchToken();
    await until(() => (rig.stages.persistence.flush(), (rig.db.query("SELECT status FROM trades").all() as TradeRow[]).some((t) => t.status === "failed")), 20_000, "a failed buy");
    rig.dev.chain.state.lamports.set(kp.address, balance);
    decisions.flush();
    const telemetry = rig.events.map((e) => JSON.stringify(e)).join("\n");
    const metrics = await rig.metrics.registry.metrics();
    const failures = (rig.db.query("SELECT exit_reason FROM trades WHERE status = 'failed'").all() as { exit_reason: string }[]).map((r) => r.exit_reason);
    expect(failures.length).toBeGreaterThan(0);
    logger.flush?.();
    const haystacks: Record<string, string> = {
      log: readFileSync(logFile, "utf8"),
      decisions: readFileSync(decisionsFile, "utf8"),
      telemetry,
      metrics,
      errors: errors.join("\n"),
      trades: JSON.stringify(rig.db.query("SELECT * FROM trades").all()),
    };
    expect(haystacks.log).toContain(kp.address); // the public key is fine, and it is there
    expect(haystacks.decisions.length).toBeGreaterThan(100);
    expect(haystacks.errors).toContain("accessible by group or others");
    for (const [where, text] of Object.entries(haystacks)) {
      for (const f of forms(secret)) {
        if (text.includes(f)) throw new Error(`secret key material (${f.slice(0, 6)}…) found in ${where}`);
      }
    }
  } finally {
    await rig.stop();
    decisions.close();
  }
}, 60_000);
