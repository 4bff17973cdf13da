import { afterAll, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKeyPairSync } from "node:crypto";
import { checkKeypairFilePermissions, KeypairFileError, loadKeypairSigner } from "./keypair.ts";

const dir = mkdtempSync(join(tmpdir(), "ferrix-key-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A Solana CLI keypair file: 32 secret-seed bytes then the 32 public-key bytes. */
export function solanaKeypairJson(): { json: string; bytes: number[] } {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const seed = privateKey.export({ format: "der", type: "pkcs8" }).subarray(-32);
  const pub = publicKey.export({ format: "der", type: "spki" }).subarray(-32);
  const bytes = [...seed, ...pub];
  return { json: JSON.stringify(bytes), bytes };
}

function write(name: string, text: string, mode: number): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  chmodSync(p, mode);
  return p;
}

test("a 0600 Solana CLI keypair loads", async () => {
  const p = write("ok.json", solanaKeypairJson().json, 0o600);
  const signer = await loadKeypairSigner(p);
  expect(signer.address).toMatch(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/);
});

test.each([0o644, 0o640, 0o604, 0o660])("mode %o is refused, naming the fix and not the content", async (mode) => {
  const { json, bytes } = solanaKeypairJson();
  const p = write(`open-${mode.toString(8)}.json`, json, mode);
  const err = await loadKeypairSigner(p).catch((e) => e);
  expect(err).toBeInstanceOf(KeypairFileError);
  expect(err.message).toContain(`mode 0${mode.toString(8)}`);
  expect(err.message).toContain(`chmod 600 ${p}`);
  expect(err.message).not.toContain(String(bytes.slice(0, 4)));
  expect(() => checkKeypairFilePermissions(p)).toThrow(KeypairFileError);
});

test("unusable content is described, never quoted", async () => {
  const secretish = "[12,34,56,SECRETWORD";
  for (const [name, text, msg] of [
    ["broken.json", secretish, /not valid JSON/],
    ["short.json", "[1,2,3]", /array of 64 byte values/],
    ["mismatch.json", JSON.stringify([...Array(32).fill(7), ...Array(32).fill(9)]), /valid ed25519 keypair/],
  ] as const) {
    const err = await loadKeypairSigner(write(name, text, 0o600)).catch((e) => e);
    expect(err).toBeInstanceOf(KeypairFileError);
    expect(err.message).toMatch(msg);
    expect(err.message).not.toContain("SECRETWORD");
    expect(err.message).not.toContain("7,7,7");
  }
  expect(() => checkKeypairFilePermissions(join(dir, "missing.json"))).toThrow(/does not exist/);
});
