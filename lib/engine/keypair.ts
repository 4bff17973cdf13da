/**
 * The live wallet's keypair file (Solana CLI format: a JSON array of the 64 secret-key bytes).
 *
 * A key readable by group or others is refused outright (as ssh does): on a shared box that is
 * someone else's wallet too. Nothing derived from the file's content ever reaches an error
 * message or a log line — not even a JSON parser's message, which can quote the text — and the
 * byte buffer is zeroed once the signer holds a non-extractable key.
 */
import { createKeyPairSignerFromBytes, type KeyPairSigner } from "@solana/kit";
import { readFileSync, statSync } from "node:fs";

export class KeypairFileError extends Error {
  override name = "KeypairFileError";
}

/** Throws unless `path` is a regular file without group/other permissions. */
export function checkKeypairFilePermissions(path: string): void {
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new KeypairFileError(code === "ENOENT" ? `keypair file ${path} does not exist` : `cannot stat keypair file ${path} (${code ?? "error"})`);
  }
  if (!st.isFile()) throw new KeypairFileError(`keypair file ${path} is not a regular file`);
  const mode = st.mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new KeypairFileError(
      `keypair file ${path} is accessible by group or others (mode ${mode.toString(8).padStart(4, "0")}); refusing to use it. Run: chmod 600 ${path}`,
    );
  }
}

/** Permission check, then the signer. Errors say what is wrong with the file, never what is in it. */
export async function loadKeypairSigner(path: string): Promise<KeyPairSigner> {
  checkKeypairFilePermissions(path);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    throw new KeypairFileError(`keypair file ${path} is not valid JSON (expected an array of 64 byte values)`);
  }
  if (!Array.isArray(parsed) || parsed.length !== 64 || !parsed.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) {
    throw new KeypairFileError(`keypair file ${path} does not hold an array of 64 byte values`);
  }
  const bytes = Uint8Array.from(parsed as number[]);
  (parsed as number[]).fill(0);
  try {
    return await createKeyPairSignerFromBytes(bytes);
  } catch {
    throw new KeypairFileError(`keypair file ${path} does not hold a valid ed25519 keypair (public half does not match the secret)`);
  } finally {
    bytes.fill(0);
  }
}
