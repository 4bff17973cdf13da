/**
 * Test helpers of the trading stages (not used by production code): deterministic throwaway
 * keypairs and keypair files.
 */
import { createHash, createPrivateKey, createPublicKey } from "node:crypto";
import { chmodSync, writeFileSync } from "node:fs";
import type { Address } from "@solana/kit";
import { encodeBase58 } from "../chain/base58.ts";

/** 64 secret-key bytes (seed ‖ public key) from a label: a throwaway test wallet, never a real one. */
export function testKeypair(label: string): { secret: Uint8Array; address: Address } {
  const seed = createHash("sha256").update(`ferrix test wallet ${label}`).digest();
  const der = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]);
  const spki = createPublicKey(createPrivateKey({ key: der, format: "der", type: "pkcs8" })).export({ format: "der", type: "spki" }) as Buffer;
  const pub = spki.subarray(spki.length - 32);
  const secret = new Uint8Array(64);
  secret.set(seed);
  secret.set(pub, 32);
  return { secret, address: encodeBase58(pub) as Address };
}

/** Writes a Solana CLI keypair file (JSON array) with the given mode. */
export function writeKeypairFile(path: string, secret: Uint8Array, mode = 0o600): void {
  writeFileSync(path, JSON.stringify(Array.from(secret)), { mode });
  chmodSync(path, mode);
}
