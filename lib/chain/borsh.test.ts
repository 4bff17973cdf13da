import { describe, expect, test } from "bun:test";
import { BorshError, IdlCompiler, fromHex, snakeToCamel, toHex, type Idl } from "./borsh.ts";

// A synthetic IDL that exercises every construct the codec supports.
const idl: Idl = {
  address: "11111111111111111111111111111111",
  metadata: { name: "synthetic", version: "0.0.0", spec: "0.1.0" },
  instructions: [],
  types: [
    { name: "Flag", type: { kind: "struct", fields: ["bool"] } },
    { name: "Pair", type: { kind: "struct", fields: ["u8", "u16"] } },
    {
      name: "Shape",
      type: {
        kind: "enum",
        variants: [
          { name: "Empty" },
          { name: "Circle", fields: [{ name: "radius_mm", type: "u32" }] },
          { name: "Segment", fields: ["i16", "i16"] },
        ],
      },
    },
    { name: "Status", type: { kind: "enum", variants: [{ name: "Paused" }, { name: "Active" }] } },
    { name: "Inner", type: { kind: "struct", fields: [{ name: "lamports", type: "u64" }, { name: "owner", type: "pubkey" }] } },
    {
      name: "Everything",
      type: {
        kind: "struct",
        fields: [
          { name: "a_u8", type: "u8" },
          { name: "a_i8", type: "i8" },
          { name: "a_u16", type: "u16" },
          { name: "a_i16", type: "i16" },
          { name: "a_u32", type: "u32" },
          { name: "a_i32", type: "i32" },
          { name: "a_u64", type: "u64" },
          { name: "a_i64", type: "i64" },
          { name: "a_u128", type: "u128" },
          { name: "a_i128", type: "i128" },
          { name: "a_f32", type: "f32" },
          { name: "a_f64", type: "f64" },
          { name: "a_bool", type: "bool" },
          { name: "a_key", type: "pubkey" },
          { name: "a_string", type: "string" },
          { name: "a_bytes", type: "bytes" },
          { name: "maybe", type: { option: "u16" } },
          { name: "c_maybe", type: { coption: "pubkey" } },
          { name: "list", type: { vec: { defined: { name: "Inner" } } } },
          { name: "fixed", type: { array: ["u8", 3] } },
          { name: "flag", type: { defined: { name: "Flag" } } },
          { name: "pair", type: { defined: { name: "Pair" } } },
          { name: "shapes", type: { vec: { defined: { name: "Shape" } } } },
          { name: "status", type: { defined: { name: "Status" } } },
        ],
      },
    },
    {
      name: "Versioned",
      type: {
        kind: "struct",
        fields: [
          { name: "amount", type: "u64" },
          { name: "label", type: "string" },
          { name: "added_later", type: "u16" },
          { name: "added_last", type: { defined: { name: "Inner" } } },
        ],
      },
    },
  ],
};

const KEY = "GseMAnNDvntR5uFePZ51yZBXzNSn7GdFPkfHwfr6d77J";

const everything = {
  a_u8: 255,
  a_i8: -128,
  a_u16: 65535,
  a_i16: -32768,
  a_u32: 4_294_967_295,
  a_i32: -2_147_483_648,
  a_u64: 18_446_744_073_709_551_615n,
  a_i64: -9_223_372_036_854_775_808n,
  a_u128: (1n << 128n) - 1n,
  a_i128: -(1n << 127n),
  a_f32: 1.5,
  a_f64: -0.1,
  a_bool: true,
  a_key: KEY,
  a_string: "héllo",
  a_bytes: new Uint8Array([1, 2, 3]),
  maybe: 7,
  c_maybe: null,
  list: [
    { lamports: 5n, owner: KEY },
    { lamports: 0n, owner: "11111111111111111111111111111111" },
  ],
  fixed: [1, 2, 3],
  flag: true,
  pair: [9, 513],
  shapes: [{ kind: "Empty" }, { kind: "Circle", radius_mm: 12 }, { kind: "Segment", fields: [-1, 2] }],
  status: { kind: "Active" },
};

describe("IdlCompiler", () => {
  const raw = new IdlCompiler(idl).struct("Everything");

  test("round-trips every supported type", () => {
    const bytes = raw.encode(everything);
    expect(raw.decode(bytes)).toEqual(everything);
    expect(raw.fixedSize).toBeNull();
  });

  test("writes little-endian Borsh byte for byte", () => {
    const inner = new IdlCompiler(idl).struct("Inner");
    expect(toHex(inner.encode({ lamports: 0x0102030405060708n, owner: "11111111111111111111111111111111" }))).toBe(
      "0807060504030201" + "00".repeat(32),
    );
    const v = new IdlCompiler(idl).struct("Versioned");
    expect(toHex(v.encode({ amount: 1n, label: "ab", added_later: 0x0203, added_last: { lamports: 0n, owner: KEY } }).subarray(0, 16))).toBe(
      "0100000000000000" + "020000006162" + "0302",
    );
  });

  test("COption reserves the value's bytes even when none", () => {
    const c = new IdlCompiler({ ...idl, types: [{ name: "C", type: { kind: "struct", fields: [{ name: "k", type: { coption: "pubkey" } }, { name: "x", type: "u8" }] } }] }).struct("C");
    expect(c.fixedSize).toBe(37);
    const bytes = c.encode({ k: null, x: 9 });
    expect(bytes.length).toBe(37);
    expect(bytes[36]).toBe(9);
    expect(c.decode(bytes)).toEqual({ k: null, x: 9 });
    expect(c.decode(c.encode({ k: KEY, x: 1 }))).toEqual({ k: KEY, x: 1 });
  });

  test("camelCase keys and number mode", () => {
    const typed = new IdlCompiler(idl, { keys: "camel", integers: "number" }).struct("Versioned");
    const value = { amount: 2 ** 53 - 1, label: "x", addedLater: 1, addedLast: { lamports: 42, owner: KEY } };
    expect(typed.decode(typed.encode(value))).toEqual(value);
    expect(typed.fieldKeys).toEqual(["amount", "label", "addedLater", "addedLast"]);
    expect(snakeToCamel("quote_amount_in_with_lp_fee")).toBe("quoteAmountInWithLpFee");
  });

  test("number mode refuses values above 2^53 and names the field", () => {
    const raw64 = new IdlCompiler(idl).struct("Inner");
    const typed = new IdlCompiler(idl, { integers: "number" }).struct("Inner");
    const big = raw64.encode({ lamports: 2n ** 53n, owner: KEY });
    expect(() => typed.decode(big)).toThrow(/Inner\.lamports: value 9007199254740992 exceeds 2\^53/);
    const ok = raw64.encode({ lamports: 2n ** 53n - 1n, owner: KEY });
    expect(typed.decode(ok)).toEqual({ lamports: 2 ** 53 - 1, owner: KEY });
  });

  test("number mode handles negative i64 and i128", () => {
    const i = new IdlCompiler({ ...idl, types: [{ name: "S", type: { kind: "struct", fields: [{ name: "a", type: "i64" }, { name: "b", type: "i128" }] } }] }, { integers: "number" }).struct("S");
    for (const v of [{ a: -1, b: -1 }, { a: -(2 ** 53 - 1), b: -(2 ** 40) }, { a: 2 ** 40 + 7, b: 0 }]) expect(i.decode(i.encode(v))).toEqual(v);
    const rawS = new IdlCompiler({ ...idl, types: [{ name: "S", type: { kind: "struct", fields: [{ name: "a", type: "i64" }, { name: "b", type: "i128" }] } }] }).struct("S");
    expect(() => i.decode(rawS.encode({ a: 0n, b: -(2n ** 60n) }))).toThrow(/S\.b: value -1152921504606846976 exceeds 2\^53/);
  });

  test("bigintFields keeps chosen fields bigint in number mode", () => {
    const c = new IdlCompiler(idl, { integers: "number", bigintFields: ["Inner.lamports"] }).struct("Versioned");
    const v = { amount: 3, label: "", added_later: 0, added_last: { lamports: 2n ** 63n, owner: KEY } };
    expect(c.decode(c.encode(v))).toEqual(v);
  });

  test("encode range checks name the field", () => {
    const inner = new IdlCompiler(idl).struct("Inner");
    expect(() => inner.encode({ lamports: -1n, owner: KEY })).toThrow(/Inner\.lamports: -1 is out of range for u64/);
    expect(() => inner.encode({ lamports: 1.5, owner: KEY })).toThrow(/Inner\.lamports: expected an integer/);
    expect(() => inner.encode({ lamports: 1n, owner: "not-base58-0OIl" })).toThrow(/Inner\.owner: invalid base58/);
    expect(() => raw.encode({ ...everything, a_u8: 256 })).toThrow(/Everything\.a_u8: expected an integer in \[0, 255\]/);
    expect(() => raw.encode({ ...everything, fixed: [1, 2] })).toThrow(/Everything\.fixed: expected an array of length 3/);
    expect(() => raw.encode({ ...everything, status: { kind: "Sleeping" } })).toThrow(/Everything\.status: expected a Status variant/);
  });

  test("invalid bytes are rejected with the field named", () => {
    const bytes = raw.encode(everything);
    const boolOffset = 1 + 1 + 2 + 2 + 4 + 4 + 8 + 8 + 16 + 16 + 4 + 8;
    expect(bytes[boolOffset]).toBe(1);
    bytes[boolOffset] = 2;
    expect(() => raw.decode(bytes)).toThrow(/Everything\.a_bool: invalid bool byte 2/);
  });

  test("corrupt string and vec lengths fail fast and name the field", () => {
    const bytes = raw.encode(everything);
    const stringOffset = 1 + 1 + 2 + 2 + 4 + 4 + 8 + 8 + 16 + 16 + 4 + 8 + 1 + 32;
    new DataView(bytes.buffer).setUint32(stringOffset, 0xffffffff, true);
    expect(() => raw.decode(bytes)).toThrow(/Everything\.a_string: needs 4294967295 bytes/);
    const types = [{ name: "L", type: { kind: "struct" as const, fields: [{ name: "items", type: { vec: { defined: { name: "Inner" } } } }] } }, idl.types![4]];
    const l = new IdlCompiler({ ...idl, types }).struct("L");
    const encoded = l.encode({ items: [{ lamports: 1n, owner: KEY }] });
    expect(l.decode(encoded)).toEqual({ items: [{ lamports: 1n, owner: KEY }] });
    new DataView(encoded.buffer).setUint32(0, 1_000_000_000, true);
    expect(() => l.decode(encoded)).toThrow(/L\.items: needs/);
  });
});

describe("older and truncated layouts", () => {
  const absent = new IdlCompiler(idl).struct("Versioned");
  const zero = new IdlCompiler(idl, { trailing: "zero" }).struct("Versioned");
  const full = { amount: 10n, label: "v1", added_later: 7, added_last: { lamports: 1n, owner: KEY } };
  const bytes = absent.encode(full);
  const v1Length = 8 + 4 + 2; // amount + label

  test("data ending on a field boundary leaves the later fields absent", () => {
    const v1 = bytes.subarray(0, v1Length);
    const decoded = absent.decode(v1);
    expect(decoded).toEqual({ amount: 10n, label: "v1" });
    expect("added_later" in decoded).toBe(false);
    expect(absent.decode(bytes.subarray(0, v1Length + 2))).toEqual({ amount: 10n, label: "v1", added_later: 7 });
  });

  test("or zero-filled, as the program reads them", () => {
    expect(zero.decode(bytes.subarray(0, v1Length))).toEqual({
      amount: 10n,
      label: "v1",
      added_later: 0,
      added_last: { lamports: 0n, owner: "11111111111111111111111111111111" },
    });
  });

  test("data ending inside a field is an error naming the struct and field", () => {
    expect(() => absent.decode(bytes.subarray(0, 5))).toThrow(BorshError);
    expect(() => absent.decode(bytes.subarray(0, 5))).toThrow(/^Versioned\.amount: needs 8 bytes at offset 0 but the data ends at 5$/);
    expect(() => absent.decode(bytes.subarray(0, v1Length + 1))).toThrow(/Versioned\.added_later: needs 2 bytes at offset 14/);
    expect(() => absent.decode(bytes.subarray(0, v1Length + 2 + 20))).toThrow(/Versioned\.added_last\.owner: needs 32 bytes at offset 24/);
    expect(() => absent.decode(bytes.subarray(0, 13))).toThrow(/Versioned\.label: needs 2 bytes at offset 12 but the data ends at 13/);
    expect(() => absent.decode(bytes.subarray(0, 10))).toThrow(/Versioned\.label: needs 4 bytes at offset 8/);
    try {
      absent.decode(bytes.subarray(0, v1Length + 1));
    } catch (e) {
      expect((e as BorshError).path).toBe("Versioned.added_later");
    }
  });

  test("longer data (an extended account) is fine", () => {
    const padded = new Uint8Array(bytes.length + 30);
    padded.set(bytes);
    expect(absent.decodeWithEnd(padded)).toEqual({ value: full, end: bytes.length });
  });

  test("encoding may leave trailing fields out, but not middle ones", () => {
    expect(absent.encode({ amount: 10n, label: "v1" })).toEqual(bytes.subarray(0, v1Length));
    expect(() => absent.encode({ amount: 10n, added_later: 1 })).toThrow(/Versioned\.label: missing/);
  });

  test("hex helpers", () => {
    expect(toHex(fromHex("00ff10"))).toBe("00ff10");
    expect(() => fromHex("0g")).toThrow();
  });
});
