/**
 * The signer: the one component of the trading stages that touches key material (DESIGN §4, the
 * isolated signer of the MemeSnipe doc, IronCrab's single signer). Strategies, the actor and the
 * processors produce intents; the executor hands compiled message bytes here and gets a
 * signature back.
 *
 * The keypair file (Solana CLI format: a JSON array of the 64 secret-key bytes) is refused when
 * group or others have any permission on it, as ssh refuses a private key. The secret half
 * becomes a node:crypto KeyObject (signing is synchronous, ~25 µs, no WebCrypto round trip on the
 * hot path); the public half is checked against it; every buffer that held key bytes is zeroed.
 * Nothing derived from the file's content reaches an error message or a log line — not even a
 * JSON parser's message, which can quote the text — and the signer itself serialises as its
 * address only (`toJSON`, `toString`, `util.inspect`).
 */
import type { Address } from "@solana/kit";
import { createPrivateKey, createPublicKey, sign as edSign, type KeyObject } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { encodeBase58 } from "../chain/base58.ts";

export class SignerError extends Error {
  override name = "SignerError";
}

const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/** Throws unless `path` is a regular file without group/other permissions. */
export function checkKeyFilePermissions(path: string): void {
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new SignerError(code === "ENOENT" ? `keypair file ${path} does not exist` : `cannot stat keypair file ${path} (${code ?? "error"})`);
  }
  if (!st.isFile()) throw new SignerError(`keypair file ${path} is not a regular file`);
  const mode = st.mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new SignerError(`keypair file ${path} is accessible by group or others (mode ${mode.toString(8).padStart(4, "0")}); refusing to use it. Run: chmod 600 ${path}`);
  }
}

export class TradingSigner {
  readonly address: Address;
  /** Signatures made (for metrics and tests). */
  signatures = 0;
  readonly #key: KeyObject;

  private constructor(address: Address, key: KeyObject) {
    this.address = address;
    this.#key = key;
  }

  /** Loads a Solana CLI keypair file (permission check first). */
  static fromKeypairFile(path: string): TradingSigner {
    checkKeyFilePermissions(path);
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (err) {
      throw new SignerError(`cannot read keypair file ${path} (${(err as { code?: string }).code ?? "error"})`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new SignerError(`keypair file ${path} is not valid JSON (expected an array of 64 byte values)`);
    } finally {
      text = "";
    }
    if (!Array.isArray(parsed) || parsed.length !== 64 || !parsed.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) {
      if (Array.isArray(parsed)) parsed.fill(0);
      throw new SignerError(`keypair file ${path} does not hold an array of 64 byte values`);
    }
    const bytes = Uint8Array.from(parsed as number[]);
    (parsed as number[]).fill(0);
    try {
      return TradingSigner.fromSecretKey(bytes, `keypair file ${path}`);
    } finally {
      bytes.fill(0);
    }
  }

  /**
   * From 64 secret-key bytes (seed ‖ public key). The caller keeps ownership of `bytes` (zero it
   * afterwards); `what` names the source in errors.
   */
  static fromSecretKey(bytes: Uint8Array, what = "secret key"): TradingSigner {
    if (bytes.length !== 64) throw new SignerError(`${what}: expected 64 bytes`);
    const der = Buffer.alloc(PKCS8_ED25519_PREFIX.length + 32);
    PKCS8_ED25519_PREFIX.copy(der, 0);
    der.set(bytes.subarray(0, 32), PKCS8_ED25519_PREFIX.length);
    let key: KeyObject;
    try {
      key = createPrivateKey({ key: der, format: "der", type: "pkcs8" });
    } catch {
      throw new SignerError(`${what} is not a valid ed25519 secret key`);
    } finally {
      der.fill(0);
    }
    const spki = createPublicKey(key).export({ format: "der", type: "spki" }) as Buffer;
    const pub = spki.subarray(spki.length - 32);
    let same = true;
    for (let i = 0; i < 32; i++) if (pub[i] !== bytes[32 + i]) same = false;
    if (!same) throw new SignerError(`${what} does not hold a valid ed25519 keypair (public half does not match the secret)`);
    return new TradingSigner(encodeBase58(pub) as Address, key);
  }

  /** Ed25519 signature of `message` (synchronous). */
  sign(message: Uint8Array): Uint8Array {
    this.signatures++;
    return new Uint8Array(edSign(null, message, this.#key));
  }

  toJSON(): { address: Address } {
    return { address: this.address };
  }

  toString(): string {
    return `TradingSigner(${this.address})`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}
