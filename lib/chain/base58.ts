// Base58 (Bitcoin alphabet) for Solana addresses. @solana/kit's codec is correct but costs ~5 µs
// per 32-byte key to encode and ~19 µs to decode; the ingest path turns 7+ keys per event into
// strings, so this works in limbs of 58^5 / 2^16 instead of digit by digit (~20x faster); the
// encoder divides by multiplying and reuses its scratch buffers (~0.5 µs per key, ~1.7 µs per
// 64-byte signature), and recently seen 32-byte keys come from a memo (below).

const ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const ALPHABET_CODES = Array.from(ALPHABET, (c) => c.charCodeAt(0));
const DIGIT_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DIGIT_VALUE[ALPHABET.charCodeAt(i)] = i;

const LIMB = 656_356_768; // 58^5
const LIMB_DIGITS = 5;
const POW58 = [1, 58, 3364, 195_112, 11_316_496, LIMB];

// Encoder scratch: limbs and output characters, grown on demand and reused (no per-call arrays);
// the text is cut from the output buffer with latin1Slice (base58 is ASCII).
const INV_LIMB = 1 / LIMB;
const ALPHABET_BYTES = Uint8Array.from(ALPHABET_CODES);
let encLimbs = new Float64Array(32);
// Buffer#latin1Slice (Node and Bun; not in the typings).
type SliceableBuffer = Buffer & { latin1Slice(start: number, end: number): string };
let encOut = Buffer.allocUnsafe(256) as SliceableBuffer;

function encodeRange(bytes: Uint8Array, start: number, n: number): string {
  let zeros = start;
  while (zeros < n && bytes[zeros] === 0) zeros++;
  // Little-endian limbs in base 58^5; limb * 2^16 + carry stays below 2^46, exact in a double.
  const maxLimbs = Math.ceil(((n - zeros) * 8) / 29) + 1;
  const leading = zeros - start;
  if (encLimbs.length < maxLimbs) encLimbs = new Float64Array(maxLimbs * 2);
  const limbs = encLimbs;
  let len = 0;
  let i = zeros;
  if ((n - zeros) % 2 === 1) {
    limbs[0] = bytes[i];
    len = 1;
    i++;
  }
  for (; i < n; i += 2) {
    let carry = (bytes[i] << 8) | bytes[i + 1];
    for (let j = 0; j < len; j++) {
      const x = limbs[j] * 65_536 + carry;
      // x / 58^5 by a multiplication: the product is within one of the quotient, fixed below.
      let q = Math.floor(x * INV_LIMB);
      let r = x - q * LIMB;
      if (r < 0) {
        q--;
        r += LIMB;
      } else if (r >= LIMB) {
        q++;
        r -= LIMB;
      }
      limbs[j] = r;
      carry = q;
    }
    while (carry > 0) {
      const next = Math.floor(carry / LIMB);
      limbs[len++] = carry - next * LIMB;
      carry = next;
    }
  }
  // Digits least-significant first, written backwards from the end of the output buffer.
  const need = leading + len * LIMB_DIGITS;
  if (encOut.length < need) encOut = Buffer.allocUnsafe(need * 2) as SliceableBuffer;
  const out = encOut;
  let p = out.length;
  for (let j = 0; j < len - 1; j++) {
    let limb = limbs[j] | 0;
    for (let d = 0; d < LIMB_DIGITS; d++) {
      const q = (limb / 58) | 0;
      out[--p] = ALPHABET_BYTES[limb - q * 58];
      limb = q;
    }
  }
  if (len > 0) {
    // No leading '1' digits from the top limb.
    let limb = limbs[len - 1] | 0;
    while (limb > 0) {
      const q = (limb / 58) | 0;
      out[--p] = ALPHABET_BYTES[limb - q * 58];
      limb = q;
    }
  }
  for (let k = 0; k < leading; k++) out[--p] = 49;
  return out.latin1Slice(p, out.length);
}


// Addresses repeat constantly on the ingest path (programs, pools, fee recipients, the same keys
// again in a transaction's account list and in its events), so 32-byte encodings are memoised in
// a small direct-mapped table: the slot comes from a hash of the key's bytes, a hit is confirmed
// by comparing all 32 bytes, a miss overwrites the slot. Bounded memory (MEMO_SLOTS keys), no
// string built to look a key up.
const MEMO_SLOTS = 8192;
const MEMO_SHIFT = 32 - 13; // log2(MEMO_SLOTS) bits of the hash
const memoKeys = new Uint8Array(MEMO_SLOTS * 32);
const memoTexts: (string | undefined)[] = new Array<string | undefined>(MEMO_SLOTS).fill(undefined);

/** base58 of the 32 bytes at `offset` (an address), memoised. */
export function encodeAddressAt(bytes: Uint8Array, offset: number): string {
  if (offset < 0 || offset + 32 > bytes.length) throw new RangeError(`encodeAddressAt: 32 bytes at ${offset} exceed ${bytes.length}`);
  const w0 = bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24);
  const w1 = bytes[offset + 28] | (bytes[offset + 29] << 8) | (bytes[offset + 30] << 16) | (bytes[offset + 31] << 24);
  const slot = Math.imul(w0 ^ Math.imul(w1, 0x85ebca6b), 0x9e3779b1) >>> MEMO_SHIFT;
  const base = slot * 32;
  const cached = memoTexts[slot];
  if (cached !== undefined) {
    let i = 0;
    while (i < 32 && memoKeys[base + i] === bytes[offset + i]) i++;
    if (i === 32) return cached;
  }
  const text = encodeRange(bytes, offset, offset + 32);
  for (let i = 0; i < 32; i++) memoKeys[base + i] = bytes[offset + i];
  memoTexts[slot] = text;
  return text;
}

export function encodeBase58(bytes: Uint8Array): string {
  return bytes.length === 32 ? encodeAddressAt(bytes, 0) : encodeRange(bytes, 0, bytes.length);
}

/** Decodes base58; throws on characters outside the alphabet. */
export function decodeBase58(text: string): Uint8Array {
  let ones = 0;
  while (ones < text.length && text.charCodeAt(ones) === 49) ones++;
  // Little-endian limbs in base 2^16; limb * 58^5 + carry stays below 2^46.
  const limbs: number[] = [];
  const rest = text.length - ones;
  let i = ones;
  let groupLength = rest % LIMB_DIGITS || LIMB_DIGITS;
  while (i < text.length) {
    let group = 0;
    for (let k = 0; k < groupLength; k++) {
      const code = text.charCodeAt(i + k);
      const value = code < 128 ? DIGIT_VALUE[code] : -1;
      if (value < 0) throw new Error(`invalid base58 character ${JSON.stringify(text[i + k])} in ${JSON.stringify(text)}`);
      group = group * 58 + value;
    }
    const multiplier = POW58[groupLength];
    let carry = group;
    for (let j = 0; j < limbs.length; j++) {
      const x = limbs[j] * multiplier + carry;
      carry = Math.floor(x / 65_536);
      limbs[j] = x - carry * 65_536;
    }
    while (carry > 0) {
      const next = Math.floor(carry / 65_536);
      limbs.push(carry - next * 65_536);
      carry = next;
    }
    i += groupLength;
    groupLength = LIMB_DIGITS;
  }
  let significant = limbs.length * 2;
  if (limbs.length > 0 && limbs[limbs.length - 1] < 256) significant--;
  const out = new Uint8Array(ones + significant);
  let p = out.length - 1;
  for (let j = 0; j < limbs.length; j++) {
    out[p--] = limbs[j] & 0xff;
    if (p >= ones) out[p--] = limbs[j] >>> 8;
  }
  return out;
}

/** Decodes a base58 Solana address into its 32 bytes; throws unless it is exactly 32 bytes. */
export function addressToBytes(text: string): Uint8Array {
  const bytes = decodeBase58(text);
  if (bytes.length !== 32) throw new Error(`not a 32-byte address: ${JSON.stringify(text)} (${bytes.length} bytes)`);
  return bytes;
}
