// IDL-driven Borsh codec. Each IDL type is compiled once into decoder/encoder closures (the
// ingest path decodes thousands of events a second, so nothing is interpreted per call), and
// every closure carries the path of the field it reads so errors name the struct and field.
//
// Values: u8..u32/i8..i32/f32/f64 → number; u64/i64/u128/i128 → bigint (or number in "number"
// mode, checked to be a safe integer); bool → boolean; pubkey → base58 string; string → string;
// bytes → Uint8Array; option/coption → value | null; vec/array → array; named struct → record;
// single-field tuple struct (OptionBool, OptionU64) → its inner value; longer tuple struct →
// array; enum → { kind: variant, ...named fields } or { kind, fields: [...] } for tuple variants.
//
// Pump.fun grows accounts and events by appending fields, so a top-level struct whose data ends
// exactly on a field boundary decodes with the trailing fields absent (or zero, on request).
// Data that ends inside a field is an error.

import { addressToBytes, encodeBase58 } from "./base58.ts";

export type IdlType =
  | string
  | { option: IdlType }
  | { coption: IdlType }
  | { vec: IdlType }
  | { array: [IdlType, number] }
  | { defined: { name: string } | string };

export interface IdlField {
  name: string;
  type: IdlType;
  docs?: string[];
}

export interface IdlEnumVariant {
  name: string;
  fields?: (IdlField | IdlType)[];
}

export interface IdlTypeDef {
  name: string;
  docs?: string[];
  type: { kind: "struct"; fields?: (IdlField | IdlType)[] } | { kind: "enum"; variants: IdlEnumVariant[] } | { kind: string };
  generics?: unknown[];
}

export interface IdlInstructionAccount {
  name: string;
  writable?: boolean;
  signer?: boolean;
  optional?: boolean;
  address?: string;
  docs?: string[];
  relations?: string[];
  pda?: unknown;
  accounts?: IdlInstructionAccount[];
}

export interface IdlInstruction {
  name: string;
  discriminator: number[];
  accounts: IdlInstructionAccount[];
  args: IdlField[];
  docs?: string[];
}

export interface Idl {
  address: string;
  metadata: { name: string; version: string; spec: string; description?: string };
  instructions: IdlInstruction[];
  accounts?: { name: string; discriminator: number[] }[];
  events?: { name: string; discriminator: number[] }[];
  errors?: { code: number; name: string; msg?: string }[];
  types?: IdlTypeDef[];
}

export class BorshError extends Error {
  /** Dotted path of the field being read or written, rooted at the type name (`Pool.lp_supply`). */
  readonly path: string;
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = "BorshError";
    this.path = path;
  }
}

export interface CodecOptions {
  /** How 64/128-bit integers surface: bigint (default) or number, checked to be a safe integer. */
  integers?: "bigint" | "number";
  /** Record keys as in the IDL (snake_case, default) or camelCase. */
  keys?: "idl" | "camel";
  /** Trailing fields missing from short data: left out of the record (default) or zero-filled. */
  trailing?: "absent" | "zero";
  /** In "number" mode, integer fields kept as bigint, as `TypeName.field_name` (IDL names). */
  bigintFields?: readonly string[];
}

export interface StructCodec<T> {
  readonly typeName: string;
  /** Size in bytes when every field is fixed-size, else null. */
  readonly fixedSize: number | null;
  /** Field names in layout order (as output keys). */
  readonly fieldKeys: readonly string[];
  /** Decodes from `offset` (default 0); the struct may end before the data does. */
  decode(data: Uint8Array, offset?: number): T;
  /** Like decode, also reporting where the struct ended. */
  decodeWithEnd(data: Uint8Array, offset?: number): { value: T; end: number };
  encode(value: T): Uint8Array;
  /** The value with every field zero (what the program reads for fields it has not written). */
  zero(): T;
}

interface Reader {
  bytes: Uint8Array;
  view: DataView;
  offset: number;
}

interface Writer {
  bytes: Uint8Array;
  view: DataView;
  offset: number;
}

type Decoder = (r: Reader) => unknown;
type Encoder = (w: Writer, value: unknown) => void;

interface Compiled {
  decode: Decoder;
  encode: Encoder;
  zero: () => unknown;
  size: number | null;
}

const TWO_32 = 4_294_967_296;
const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;
const U128_MAX = (1n << 128n) - 1n;
const I128_MIN = -(1n << 127n);
const I128_MAX = (1n << 127n) - 1n;
const DEFAULT_PUBKEY = "11111111111111111111111111111111";

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder("utf-8", { fatal: true });

export function snakeToCamel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function truncated(path: string, r: Reader, need: number): BorshError {
  return new BorshError(path, `needs ${need} bytes at offset ${r.offset} but the data ends at ${r.bytes.length}`);
}

function ensure(w: Writer, need: number): void {
  if (w.offset + need <= w.bytes.length) return;
  let size = Math.max(64, w.bytes.length * 2);
  while (size < w.offset + need) size *= 2;
  const next = new Uint8Array(size);
  next.set(w.bytes.subarray(0, w.offset));
  w.bytes = next;
  w.view = new DataView(next.buffer);
}

function toBigInt(path: string, value: unknown): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
  throw new BorshError(path, `expected an integer (bigint or safe-integer number), got ${describe(value)}`);
}

function describe(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (value instanceof Uint8Array) return `Uint8Array(${value.length})`;
  if (Array.isArray(value)) return `array(${value.length})`;
  return String(value);
}

function smallInt(path: string, size: 1 | 2 | 4, signed: boolean): Compiled {
  const min = signed ? -(2 ** (size * 8 - 1)) : 0;
  const max = signed ? 2 ** (size * 8 - 1) - 1 : 2 ** (size * 8) - 1;
  const read: (r: Reader) => number =
    size === 1
      ? signed
        ? (r) => r.view.getInt8(r.offset)
        : (r) => r.bytes[r.offset]
      : size === 2
        ? signed
          ? (r) => r.view.getInt16(r.offset, true)
          : (r) => r.view.getUint16(r.offset, true)
        : signed
          ? (r) => r.view.getInt32(r.offset, true)
          : (r) => r.view.getUint32(r.offset, true);
  const write: (w: Writer, v: number) => void =
    size === 1
      ? (w, v) => {
          w.bytes[w.offset] = v & 0xff;
        }
      : size === 2
        ? (w, v) => (signed ? w.view.setInt16(w.offset, v, true) : w.view.setUint16(w.offset, v, true))
        : (w, v) => (signed ? w.view.setInt32(w.offset, v, true) : w.view.setUint32(w.offset, v, true));
  return {
    size,
    zero: () => 0,
    decode: (r) => {
      if (r.offset + size > r.bytes.length) throw truncated(path, r, size);
      const v = read(r);
      r.offset += size;
      return v;
    },
    encode: (w, value) => {
      if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
        throw new BorshError(path, `expected an integer in [${min}, ${max}], got ${describe(value)}`);
      }
      ensure(w, size);
      write(w, value);
      w.offset += size;
    },
  };
}

function float(path: string, size: 4 | 8): Compiled {
  return {
    size,
    zero: () => 0,
    decode: (r) => {
      if (r.offset + size > r.bytes.length) throw truncated(path, r, size);
      const v = size === 4 ? r.view.getFloat32(r.offset, true) : r.view.getFloat64(r.offset, true);
      r.offset += size;
      return v;
    },
    encode: (w, value) => {
      if (typeof value !== "number") throw new BorshError(path, `expected a number, got ${describe(value)}`);
      ensure(w, size);
      if (size === 4) w.view.setFloat32(w.offset, value, true);
      else w.view.setFloat64(w.offset, value, true);
      w.offset += size;
    },
  };
}

function int64(path: string, signed: boolean, asNumber: boolean): Compiled {
  const min = signed ? I64_MIN : 0n;
  const max = signed ? I64_MAX : U64_MAX;
  const decode: Decoder = asNumber
    ? (r) => {
        if (r.offset + 8 > r.bytes.length) throw truncated(path, r, 8);
        const lo = r.view.getUint32(r.offset, true);
        const hi = signed ? r.view.getInt32(r.offset + 4, true) : r.view.getUint32(r.offset + 4, true);
        // |hi| ≤ 2^21 keeps hi·2^32 + lo exact; isSafeInteger then rejects ±2^53 itself.
        const v = hi * TWO_32 + lo;
        if (hi > 0x200000 || hi < -0x200000 || !Number.isSafeInteger(v)) {
          throw new BorshError(path, `value ${signed ? r.view.getBigInt64(r.offset, true) : r.view.getBigUint64(r.offset, true)} exceeds 2^53; decode with integers: "bigint"`);
        }
        r.offset += 8;
        return v;
      }
    : (r) => {
        if (r.offset + 8 > r.bytes.length) throw truncated(path, r, 8);
        const v = signed ? r.view.getBigInt64(r.offset, true) : r.view.getBigUint64(r.offset, true);
        r.offset += 8;
        return v;
      };
  return {
    size: 8,
    zero: asNumber ? () => 0 : () => 0n,
    decode,
    encode: (w, value) => {
      const v = toBigInt(path, value);
      if (v < min || v > max) throw new BorshError(path, `${v} is out of range for ${signed ? "i64" : "u64"}`);
      ensure(w, 8);
      if (signed) w.view.setBigInt64(w.offset, v, true);
      else w.view.setBigUint64(w.offset, v, true);
      w.offset += 8;
    },
  };
}

function int128(path: string, signed: boolean, asNumber: boolean): Compiled {
  const min = signed ? I128_MIN : 0n;
  const max = signed ? I128_MAX : U128_MAX;
  return {
    size: 16,
    zero: asNumber ? () => 0 : () => 0n,
    decode: (r) => {
      if (r.offset + 16 > r.bytes.length) throw truncated(path, r, 16);
      const lo = r.view.getBigUint64(r.offset, true);
      const hi = signed ? r.view.getBigInt64(r.offset + 8, true) : r.view.getBigUint64(r.offset + 8, true);
      const v = (hi << 64n) + lo;
      if (asNumber) {
        if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
          throw new BorshError(path, `value ${v} exceeds 2^53; decode with integers: "bigint"`);
        }
        r.offset += 16;
        return Number(v);
      }
      r.offset += 16;
      return v;
    },
    encode: (w, value) => {
      const v = toBigInt(path, value);
      if (v < min || v > max) throw new BorshError(path, `${v} is out of range for ${signed ? "i128" : "u128"}`);
      ensure(w, 16);
      w.view.setBigUint64(w.offset, BigInt.asUintN(64, v), true);
      w.view.setBigUint64(w.offset + 8, BigInt.asUintN(64, v >> 64n), true);
      w.offset += 16;
    },
  };
}

function bool(path: string): Compiled {
  return {
    size: 1,
    zero: () => false,
    decode: (r) => {
      if (r.offset + 1 > r.bytes.length) throw truncated(path, r, 1);
      const b = r.bytes[r.offset];
      if (b > 1) throw new BorshError(path, `invalid bool byte ${b} at offset ${r.offset}`);
      r.offset += 1;
      return b === 1;
    },
    encode: (w, value) => {
      if (typeof value !== "boolean") throw new BorshError(path, `expected a boolean, got ${describe(value)}`);
      ensure(w, 1);
      w.bytes[w.offset++] = value ? 1 : 0;
    },
  };
}

function pubkey(path: string): Compiled {
  return {
    size: 32,
    zero: () => DEFAULT_PUBKEY,
    decode: (r) => {
      if (r.offset + 32 > r.bytes.length) throw truncated(path, r, 32);
      const v = encodeBase58(r.bytes.subarray(r.offset, r.offset + 32));
      r.offset += 32;
      return v;
    },
    encode: (w, value) => {
      let bytes: Uint8Array;
      try {
        if (value instanceof Uint8Array && value.length === 32) bytes = value;
        else if (typeof value === "string") bytes = addressToBytes(value);
        else throw new Error(`expected a base58 address, got ${describe(value)}`);
      } catch (e) {
        throw new BorshError(path, (e as Error).message);
      }
      ensure(w, 32);
      w.bytes.set(bytes, w.offset);
      w.offset += 32;
    },
  };
}

function readLength(path: string, r: Reader): number {
  if (r.offset + 4 > r.bytes.length) throw truncated(path, r, 4);
  const n = r.view.getUint32(r.offset, true);
  r.offset += 4;
  return n;
}

function writeLength(w: Writer, n: number): void {
  ensure(w, 4);
  w.view.setUint32(w.offset, n, true);
  w.offset += 4;
}

function string(path: string): Compiled {
  return {
    size: null,
    zero: () => "",
    decode: (r) => {
      const n = readLength(path, r);
      if (r.offset + n > r.bytes.length) throw truncated(path, r, n);
      let v: string;
      try {
        v = textDecoder.decode(r.bytes.subarray(r.offset, r.offset + n));
      } catch {
        throw new BorshError(path, `invalid UTF-8 in a ${n}-byte string at offset ${r.offset}`);
      }
      r.offset += n;
      return v;
    },
    encode: (w, value) => {
      if (typeof value !== "string") throw new BorshError(path, `expected a string, got ${describe(value)}`);
      const bytes = textEncoder.encode(value);
      writeLength(w, bytes.length);
      ensure(w, bytes.length);
      w.bytes.set(bytes, w.offset);
      w.offset += bytes.length;
    },
  };
}

function byteVec(path: string): Compiled {
  return {
    size: null,
    zero: () => new Uint8Array(0),
    decode: (r) => {
      const n = readLength(path, r);
      if (r.offset + n > r.bytes.length) throw truncated(path, r, n);
      const v = r.bytes.slice(r.offset, r.offset + n);
      r.offset += n;
      return v;
    },
    encode: (w, value) => {
      if (!(value instanceof Uint8Array)) throw new BorshError(path, `expected a Uint8Array, got ${describe(value)}`);
      writeLength(w, value.length);
      ensure(w, value.length);
      w.bytes.set(value, w.offset);
      w.offset += value.length;
    },
  };
}

function option(path: string, inner: Compiled, tagSize: 1 | 4): Compiled {
  return {
    size: inner.size === null ? null : tagSize === 4 ? 4 + inner.size : null,
    zero: () => null,
    decode: (r) => {
      if (r.offset + tagSize > r.bytes.length) throw truncated(path, r, tagSize);
      const tag = tagSize === 1 ? r.bytes[r.offset] : r.view.getUint32(r.offset, true);
      if (tag > 1) throw new BorshError(path, `invalid option tag ${tag} at offset ${r.offset}`);
      r.offset += tagSize;
      if (tag === 0) {
        // COption always reserves room for the value.
        if (tagSize === 4 && inner.size !== null) {
          if (r.offset + inner.size > r.bytes.length) throw truncated(path, r, inner.size);
          r.offset += inner.size;
        }
        return null;
      }
      return inner.decode(r);
    },
    encode: (w, value) => {
      const present = value !== null && value !== undefined;
      ensure(w, tagSize);
      if (tagSize === 1) w.bytes[w.offset] = present ? 1 : 0;
      else w.view.setUint32(w.offset, present ? 1 : 0, true);
      w.offset += tagSize;
      if (present) inner.encode(w, value);
      else if (tagSize === 4 && inner.size !== null) {
        ensure(w, inner.size);
        w.bytes.fill(0, w.offset, w.offset + inner.size);
        w.offset += inner.size;
      }
    },
  };
}

function vec(path: string, inner: Compiled): Compiled {
  return {
    size: null,
    zero: () => [],
    decode: (r) => {
      const n = readLength(path, r);
      // A corrupt length must not allocate gigabytes: each element takes at least one byte unless zero-sized.
      if (inner.size !== 0 && n > r.bytes.length - r.offset) throw truncated(path, r, n * (inner.size ?? 1));
      const out = new Array<unknown>(n);
      for (let i = 0; i < n; i++) out[i] = inner.decode(r);
      return out;
    },
    encode: (w, value) => {
      if (!Array.isArray(value)) throw new BorshError(path, `expected an array, got ${describe(value)}`);
      writeLength(w, value.length);
      for (const item of value) inner.encode(w, item);
    },
  };
}

function array(path: string, inner: Compiled, length: number): Compiled {
  return {
    size: inner.size === null ? null : inner.size * length,
    zero: () => Array.from({ length }, () => inner.zero()),
    decode: (r) => {
      const out = new Array<unknown>(length);
      for (let i = 0; i < length; i++) out[i] = inner.decode(r);
      return out;
    },
    encode: (w, value) => {
      if (!Array.isArray(value) || value.length !== length) {
        throw new BorshError(path, `expected an array of length ${length}, got ${describe(value)}`);
      }
      for (const item of value) inner.encode(w, item);
    },
  };
}

interface FieldPlan {
  key: string;
  codec: Compiled;
}

function isNamedField(f: IdlField | IdlType): f is IdlField {
  return typeof f === "object" && f !== null && "name" in f && "type" in f;
}

function sumSizes(fields: readonly Compiled[]): number | null {
  let total = 0;
  for (const f of fields) {
    if (f.size === null) return null;
    total += f.size;
  }
  return total;
}

/** Compiles IDL types to codecs. One compiler per IDL and option set; types compile lazily per use site. */
export class IdlCompiler {
  readonly idl: Idl;
  private readonly options: Required<Omit<CodecOptions, "bigintFields">> & { bigintFields: ReadonlySet<string> };
  private readonly typeDefs: Map<string, IdlTypeDef>;
  private depth = 0;

  constructor(idl: Idl, options: CodecOptions = {}) {
    this.idl = idl;
    this.options = {
      integers: options.integers ?? "bigint",
      keys: options.keys ?? "idl",
      trailing: options.trailing ?? "absent",
      bigintFields: new Set(options.bigintFields ?? []),
    };
    this.typeDefs = new Map((idl.types ?? []).map((t) => [t.name, t]));
  }

  typeDef(name: string): IdlTypeDef {
    const def = this.typeDefs.get(name);
    if (!def) throw new Error(`IDL ${this.idl.metadata.name} has no type ${name}`);
    return def;
  }

  /** A codec for a named struct type (account, event or any defined struct). */
  struct<T = Record<string, unknown>>(typeName: string): StructCodec<T> {
    const def = this.typeDef(typeName);
    if (def.type.kind !== "struct") throw new Error(`${typeName} is a ${def.type.kind}, not a struct`);
    const fields = (def.type as { fields?: (IdlField | IdlType)[] }).fields ?? [];
    if (!fields.every(isNamedField)) throw new Error(`${typeName} is a tuple struct; use a named struct`);
    return this.fields<T>(typeName, fields as IdlField[]);
  }

  /** A codec for a list of named fields, e.g. an instruction's args. */
  fields<T = Record<string, unknown>>(rootName: string, fields: readonly IdlField[]): StructCodec<T> {
    const plans: FieldPlan[] = fields.map((f) => ({
      key: this.key(f.name),
      codec: this.compile(f.type, `${rootName}.${f.name}`, `${rootName}.${f.name}`),
    }));
    return topLevelStruct<T>(rootName, plans, this.options.trailing);
  }

  private key(name: string): string {
    return this.options.keys === "camel" ? snakeToCamel(name) : name;
  }

  /** `qualified` is `TypeName.field` of the innermost struct field, used for bigintFields. */
  private compile(type: IdlType, path: string, qualified: string): Compiled {
    const asNumber = this.options.integers === "number" && !this.options.bigintFields.has(qualified);
    if (typeof type === "string") {
      switch (type) {
        case "u8":
          return smallInt(path, 1, false);
        case "i8":
          return smallInt(path, 1, true);
        case "u16":
          return smallInt(path, 2, false);
        case "i16":
          return smallInt(path, 2, true);
        case "u32":
          return smallInt(path, 4, false);
        case "i32":
          return smallInt(path, 4, true);
        case "u64":
          return int64(path, false, asNumber);
        case "i64":
          return int64(path, true, asNumber);
        case "u128":
          return int128(path, false, asNumber);
        case "i128":
          return int128(path, true, asNumber);
        case "f32":
          return float(path, 4);
        case "f64":
          return float(path, 8);
        case "bool":
          return bool(path);
        case "pubkey":
        case "publicKey":
          return pubkey(path);
        case "string":
          return string(path);
        case "bytes":
          return byteVec(path);
        default:
          throw new Error(`${path}: unsupported IDL type ${type}`);
      }
    }
    if ("option" in type) return option(path, this.compile(type.option, path, qualified), 1);
    if ("coption" in type) return option(path, this.compile(type.coption, path, qualified), 4);
    if ("vec" in type) return vec(path, this.compile(type.vec, `${path}[]`, qualified));
    if ("array" in type) {
      const [inner, length] = type.array;
      if (typeof length !== "number") throw new Error(`${path}: generic array lengths are not supported`);
      return array(path, this.compile(inner, `${path}[]`, qualified), length);
    }
    if ("defined" in type) {
      const name = typeof type.defined === "string" ? type.defined : type.defined.name;
      return this.compileDefined(name, path);
    }
    throw new Error(`${path}: unsupported IDL type ${JSON.stringify(type)}`);
  }

  private compileDefined(name: string, path: string): Compiled {
    const def = this.typeDef(name);
    if (def.generics && def.generics.length > 0) throw new Error(`${path}: generic type ${name} is not supported`);
    if (++this.depth > 32) throw new Error(`${path}: type nesting deeper than 32 (recursive type ${name}?)`);
    try {
      if (def.type.kind === "struct") {
        const fields = (def.type as { fields?: (IdlField | IdlType)[] }).fields ?? [];
        if (fields.every(isNamedField)) {
          const plans = (fields as IdlField[]).map((f) => ({
            key: this.key(f.name),
            codec: this.compile(f.type, `${path}.${f.name}`, `${name}.${f.name}`),
          }));
          return nestedStruct(plans);
        }
        const items = (fields as IdlType[]).map((t, i) => this.compile(t, `${path}.${i}`, `${name}.${i}`));
        return items.length === 1 ? items[0] : tuple(path, items);
      }
      if (def.type.kind === "enum") {
        return this.compileEnum(def.type as { kind: "enum"; variants: IdlEnumVariant[] }, path, name);
      }
      throw new Error(`${path}: unsupported type kind ${def.type.kind} of ${name}`);
    } finally {
      this.depth--;
    }
  }

  private compileEnum(type: { variants: IdlEnumVariant[] }, path: string, name: string): Compiled {
    const variants = type.variants.map((v) => {
      const fields = v.fields ?? [];
      const named = fields.length > 0 && fields.every(isNamedField);
      const codecs = fields.map((f, i) =>
        isNamedField(f)
          ? { key: this.key(f.name), codec: this.compile(f.type, `${path}.${v.name}.${f.name}`, `${name}.${f.name}`) }
          : { key: String(i), codec: this.compile(f, `${path}.${v.name}.${i}`, `${name}.${i}`) },
      );
      return { name: v.name, named, codecs };
    });
    const byName = new Map(variants.map((v, i) => [v.name, i]));
    const allUnit = variants.every((v) => v.codecs.length === 0);
    return {
      size: allUnit ? 1 : null,
      zero: () => ({ kind: variants[0].name }),
      decode: (r) => {
        if (r.offset + 1 > r.bytes.length) throw truncated(path, r, 1);
        const index = r.bytes[r.offset];
        const v = variants[index];
        if (!v) throw new BorshError(path, `invalid ${name} variant index ${index} at offset ${r.offset}`);
        r.offset += 1;
        const out: Record<string, unknown> = { kind: v.name };
        if (v.named) for (const c of v.codecs) out[c.key] = c.codec.decode(r);
        else if (v.codecs.length > 0) out.fields = v.codecs.map((c) => c.codec.decode(r));
        return out;
      },
      encode: (w, value) => {
        const kind = (value as { kind?: unknown } | null)?.kind;
        const index = typeof kind === "string" ? byName.get(kind) : undefined;
        if (index === undefined) throw new BorshError(path, `expected a ${name} variant { kind }, got ${describe(kind)}`);
        ensure(w, 1);
        w.bytes[w.offset++] = index;
        const v = variants[index];
        const record = value as Record<string, unknown>;
        if (v.named) for (const c of v.codecs) c.codec.encode(w, record[c.key]);
        else if (v.codecs.length > 0) {
          const items = record.fields;
          if (!Array.isArray(items) || items.length !== v.codecs.length) {
            throw new BorshError(path, `${v.name} needs fields: [${v.codecs.length} values]`);
          }
          v.codecs.forEach((c, i) => c.codec.encode(w, items[i]));
        }
      },
    };
  }
}

function tuple(path: string, items: Compiled[]): Compiled {
  return {
    size: sumSizes(items),
    zero: () => items.map((c) => c.zero()),
    decode: (r) => items.map((c) => c.decode(r)),
    encode: (w, value) => {
      if (!Array.isArray(value) || value.length !== items.length) {
        throw new BorshError(path, `expected a tuple of ${items.length} values, got ${describe(value)}`);
      }
      items.forEach((c, i) => c.encode(w, value[i]));
    },
  };
}

function nestedStruct(plans: FieldPlan[]): Compiled {
  const n = plans.length;
  return {
    size: sumSizes(plans.map((p) => p.codec)),
    zero: () => {
      const out: Record<string, unknown> = {};
      for (const p of plans) out[p.key] = p.codec.zero();
      return out;
    },
    decode: (r) => {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) out[plans[i].key] = plans[i].codec.decode(r);
      return out;
    },
    encode: (w, value) => {
      const record = value as Record<string, unknown>;
      for (let i = 0; i < n; i++) plans[i].codec.encode(w, record[plans[i].key]);
    },
  };
}

function topLevelStruct<T>(rootName: string, plans: FieldPlan[], trailing: "absent" | "zero"): StructCodec<T> {
  const n = plans.length;
  const fixedSize = sumSizes(plans.map((p) => p.codec));
  const zeroFill = trailing === "zero";
  const decodeAt = (data: Uint8Array, offset: number): { value: T; end: number } => {
    const r: Reader = { bytes: data, view: new DataView(data.buffer, data.byteOffset, data.byteLength), offset };
    const out: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) {
      if (r.offset === data.length) {
        // Older layout: everything from here on was appended by a later program version.
        if (zeroFill) for (let j = i; j < n; j++) out[plans[j].key] = plans[j].codec.zero();
        break;
      }
      out[plans[i].key] = plans[i].codec.decode(r);
    }
    return { value: out as T, end: r.offset };
  };
  return {
    typeName: rootName,
    fixedSize,
    fieldKeys: plans.map((p) => p.key),
    decode: (data, offset = 0) => decodeAt(data, offset).value,
    decodeWithEnd: (data, offset = 0) => decodeAt(data, offset),
    encode: (value) => {
      const record = value as Record<string, unknown>;
      // Trailing fields left undefined are not written, so older (shorter) layouts can be built.
      let last = n;
      while (last > 0 && record[plans[last - 1].key] === undefined) last--;
      const bytes = new Uint8Array(fixedSize ?? 256);
      const w: Writer = { bytes, view: new DataView(bytes.buffer), offset: 0 };
      for (let i = 0; i < last; i++) {
        const v = record[plans[i].key];
        if (v === undefined) throw new BorshError(`${rootName}.${plans[i].key}`, "missing (only trailing fields may be left out)");
        plans[i].codec.encode(w, v);
      }
      return w.bytes.slice(0, w.offset);
    },
    zero: () => {
      const out: Record<string, unknown> = {};
      for (const p of plans) out[p.key] = p.codec.zero();
      return out as T;
    },
  };
}

/** Writes `prefix ‖ body` into one new array. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function bytesEqualAt(data: Uint8Array, offset: number, expected: Uint8Array): boolean {
  if (data.length < offset + expected.length) return false;
  for (let i = 0; i < expected.length; i++) if (data[offset + i] !== expected[i]) return false;
  return true;
}

export function toHex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, "");
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) throw new Error(`invalid hex: ${hex}`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}
