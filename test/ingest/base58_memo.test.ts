// lib/chain/base58's encoder on the ingest hot path: the reused scratch buffers and the memo of
// 32-byte keys (a direct-mapped table that keys evict from) must never change a result.
import { describe, expect, test } from "bun:test";
import { getBase58Codec } from "@solana/kit";
import { encodeAddressAt, encodeBase58 } from "../../lib/chain/base58.ts";
import { createRng } from "../../lib/util/rng.ts";

const reference = getBase58Codec();

describe("base58 encoder with the address memo", () => {
  test("20,000 keys (more than the memo holds), revisited in random order, near-duplicates included", () => {
    const rng = createRng(17);
    const keys: Uint8Array[] = [];
    for (let i = 0; i < 20_000; i++) {
      const k = Uint8Array.from({ length: 32 }, () => Math.floor(rng.next() * 256));
      if (i % 7 === 0) k.fill(0, 0, 1 + (i % 5)); // leading zeros
      if (i % 11 === 0 && keys.length > 0) {
        // Same bytes as an earlier key except one in the middle: same memo slot, different key.
        k.set(keys[keys.length - 1]);
        k[16] ^= 0x5a;
      }
      keys.push(k);
    }
    const expected = keys.map((k) => reference.decode(k));
    for (let round = 0; round < 3; round++) {
      for (let n = 0; n < keys.length; n++) {
        const i = Math.floor(rng.next() * keys.length);
        expect(encodeBase58(keys[i])).toBe(expected[i]);
      }
    }
    expect(encodeBase58(new Uint8Array(32))).toBe("11111111111111111111111111111111");
  });

  test("encodeAddressAt reads 32 bytes at an offset; other lengths are not memoised", () => {
    const rng = createRng(3);
    const big = Uint8Array.from({ length: 4096 }, () => Math.floor(rng.next() * 256));
    for (let at = 0; at + 32 <= big.length; at += 13) expect(encodeAddressAt(big, at)).toBe(reference.decode(big.subarray(at, at + 32)));
    expect(() => encodeAddressAt(big, big.length - 31)).toThrow(RangeError);
    expect(() => encodeAddressAt(big, -1)).toThrow(RangeError);
    for (let length = 0; length <= 160; length++) {
      const bytes = big.subarray(100, 100 + length);
      expect(encodeBase58(bytes)).toBe(reference.decode(bytes));
    }
  });
});
