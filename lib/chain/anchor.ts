// Anchor framing over the Borsh codec: 8-byte discriminators (taken from the IDL) in front of
// accounts, events and instruction args.

import type { AccountMeta, AccountRole, Address } from "@solana/kit";
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

  /** An instruction's account names, in IDL order. */
  accountNames(name: string): readonly string[] {
    return Object.freeze(this.instructionDef(name).accounts.map((a) => a.name));
  }

  /** An instruction's account metas in IDL order, each address looked up by IDL account name. */
  accountMetas(name: string, named: Readonly<Record<string, Address>>, label: string): AccountMeta[] {
    return this.instructionDef(name).accounts.map((account) => {
      const address = named[account.name];
      if (address === undefined) throw new Error(`${label} ${name}: no address for IDL account ${account.name}`);
      return { address, role: idlAccountRole(account) };
    });
  }

  /** Names the accounts of an instruction as seen in a transaction: the IDL's by position, then the rest. */
  nameAccounts(name: string, accounts: readonly (Address | { address: Address })[], label: string): { accounts: Record<string, Address>; remainingAccounts: Address[] } {
    const defs = this.instructionDef(name).accounts;
    if (accounts.length < defs.length) throw new Error(`${label} ${name}: ${accounts.length} accounts, the IDL requires ${defs.length}`);
    const addresses = accounts.map((a) => (typeof a === "string" ? a : a.address));
    const named: Record<string, Address> = {};
    for (let i = 0; i < defs.length; i++) named[defs[i].name] = addresses[i];
    return { accounts: named, remainingAccounts: addresses.slice(defs.length) };
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

/** Role of an instruction account as declared in the IDL (kit's AccountRole: bit 1 signer, bit 0 writable). */
export function idlAccountRole(account: { writable?: boolean; signer?: boolean }): AccountRole {
  return ((account.signer ? 2 : 0) | (account.writable ? 1 : 0)) as AccountRole;
}
