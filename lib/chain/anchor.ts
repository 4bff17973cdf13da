// Anchor framing over the Borsh codec: 8-byte discriminators (taken from the IDL) in front of
// accounts, events and instruction args.

import { BorshError, IdlCompiler, bytesEqualAt, concatBytes, toHex, type CodecOptions, type Idl, type IdlInstruction, type StructCodec } from "./borsh.ts";

export interface DiscriminatedCodec<T> {
  readonly name: string;
  readonly discriminator: Uint8Array;
  /** The struct after the discriminator. */
  readonly body: StructCodec<T>;
  /** Whether `data` starts with this discriminator (at `offset`). */
  matches(data: Uint8Array, offset?: number): boolean;
  /** Decodes `discriminator ‖ body`; throws BorshError on a wrong discriminator or truncated field. */
  decode(data: Uint8Array): T;
  encode(value: T): Uint8Array;
}

function discriminated<T>(name: string, discriminator: number[], body: StructCodec<T>): DiscriminatedCodec<T> {
  const disc = Uint8Array.from(discriminator);
  if (disc.length !== 8) throw new Error(`${name}: discriminator has ${disc.length} bytes, expected 8`);
  return {
    name,
    discriminator: disc,
    body,
    matches: (data, offset = 0) => bytesEqualAt(data, offset, disc),
    decode: (data) => {
      if (!bytesEqualAt(data, 0, disc)) {
        throw new BorshError(name, `discriminator ${toHex(data.subarray(0, 8))} is not ${toHex(disc)}`);
      }
      return body.decode(data, 8);
    },
    encode: (value) => concatBytes(disc, body.encode(value)),
  };
}

/** Codecs for one Anchor program's IDL under one set of codec options. */
export class AnchorCodecs {
  readonly idl: Idl;
  readonly compiler: IdlCompiler;

  constructor(idl: Idl, options: CodecOptions = {}) {
    this.idl = idl;
    this.compiler = new IdlCompiler(idl, options);
  }

  instructionDef(name: string): IdlInstruction {
    const ix = this.idl.instructions.find((i) => i.name === name);
    if (!ix) throw new Error(`IDL ${this.idl.metadata.name} has no instruction ${name}`);
    return ix;
  }

  instruction<T = Record<string, unknown>>(name: string): DiscriminatedCodec<T> {
    const ix = this.instructionDef(name);
    return discriminated(name, ix.discriminator, this.compiler.fields<T>(name, ix.args));
  }

  account<T = Record<string, unknown>>(name: string): DiscriminatedCodec<T> {
    const entry = this.idl.accounts?.find((a) => a.name === name);
    if (!entry) throw new Error(`IDL ${this.idl.metadata.name} has no account ${name}`);
    return discriminated(name, entry.discriminator, this.compiler.struct<T>(name));
  }

  event<T = Record<string, unknown>>(name: string): DiscriminatedCodec<T> {
    const entry = this.idl.events?.find((e) => e.name === name);
    if (!entry) throw new Error(`IDL ${this.idl.metadata.name} has no event ${name}`);
    return discriminated(name, entry.discriminator, this.compiler.struct<T>(name));
  }
}

/** Role of an instruction account as declared in the IDL (0 readonly … 3 writable signer, as kit's AccountRole). */
export function idlAccountRole(account: { writable?: boolean; signer?: boolean }): 0 | 1 | 2 | 3 {
  return ((account.signer ? 2 : 0) | (account.writable ? 1 : 0)) as 0 | 1 | 2 | 3;
}
