import { afterAll, describe, expect, test } from "bun:test";
import { getPublicKeyFromAddress, verifySignature, type SignatureBytes } from "@solana/kit";
import { chmodSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SignerError, TradingSigner } from "./signer.ts";
import { testKeypair, writeKeypairFile } from "./testing.ts";

const dir = mkdtempSync(join(tmpdir(), "ferrix-signer-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the signer", () => {
  const kp = testKeypair("signer");
  const file = join(dir, "id.json");
  writeKeypairFile(file, kp.secret);

  test("loads a 0600 keypair file and signs what kit verifies", async () => {
    const s = TradingSigner.fromKeypairFile(file);
    expect(s.address).toBe(kp.address);
    const msg = new TextEncoder().encode("ferrix");
    const sig = s.sign(msg);
    expect(await verifySignature(await getPublicKeyFromAddress(s.address), sig as SignatureBytes, msg)).toBe(true);
    expect(JSON.stringify(s)).toBe(JSON.stringify({ address: kp.address }));
    expect(String(s)).toBe(`TradingSigner(${kp.address})`);
  });

  test.each([["0640", 0o640], ["0604", 0o604], ["0644", 0o644], ["0660", 0o660], ["0720", 0o720]] as const)("refuses a key file with mode %s (group or others have access)", (_name, mode) => {
    const f = join(dir, `m${mode.toString(8)}.json`);
    writeKeypairFile(f, kp.secret, mode);
    expect(() => TradingSigner.fromKeypairFile(f)).toThrow(/accessible by group or others.*chmod 600/);
  });

  test("0400 is fine; a missing file, a directory and a symlink to an open file are refused", () => {
    const ro = join(dir, "ro.json");
    writeKeypairFile(ro, kp.secret, 0o400);
    expect(TradingSigner.fromKeypairFile(ro).address).toBe(kp.address);
    chmodSync(ro, 0o600);
    expect(() => TradingSigner.fromKeypairFile(join(dir, "nope.json"))).toThrow(/does not exist/);
    expect(() => TradingSigner.fromKeypairFile(dir)).toThrow(/not a regular file/);
    const open = join(dir, "open.json");
    writeKeypairFile(open, kp.secret, 0o644);
    const link = join(dir, "link.json");
    symlinkSync(open, link);
    expect(() => TradingSigner.fromKeypairFile(link)).toThrow(SignerError);
  });

  test("a keypair whose public half does not match its secret is refused", () => {
    const bad = new Uint8Array(kp.secret);
    bad[63] ^= 1;
    expect(() => TradingSigner.fromSecretKey(bad)).toThrow(/public half does not match/);
  });
});
