// Test helper: Anchor's decoded values next to ours, for the SDK cross-checks in pumpfun.test.ts
// and pumpswap.test.ts.

import { BN } from "@coral-xyz/anchor";
import { PublicKey } from "@solana/web3.js";

/** Anchor's decoded values (BN, PublicKey, {0: x} newtypes) and ours, as comparable strings. */
export function normalize(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === "bigint" || typeof value === "number") return String(value);
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (BN.isBN(value)) return String(value);
  if (value instanceof PublicKey) return value.toBase58();
  if (Array.isArray(value)) return value.map(normalize);
  if (typeof value === "object") {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === "0") return normalize((value as Record<string, unknown>)["0"]);
    return Object.fromEntries(keys.map((k) => [k, normalize((value as Record<string, unknown>)[k])]));
  }
  return value;
}
