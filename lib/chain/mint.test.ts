import { describe, expect, test } from "bun:test";
import type { Address } from "@solana/kit";
import {
  ExtensionType as SplExtensionType,
  TOKEN_2022_PROGRAM_ID,
  getDefaultAccountState,
  getExtensionTypes,
  getMetadataPointerState,
  getMintLen,
  getPermanentDelegate,
  getTransferFeeConfig,
  getTransferHook,
  unpackMint,
} from "@solana/spl-token";
import { unpack as unpackTokenMetadata } from "@solana/spl-token-metadata";
import { PublicKey } from "@solana/web3.js";
import { addressToBytes } from "./base58.ts";
import { concatBytes, fromHex, toHex } from "./borsh.ts";
import { ExtensionType, MintParseError, encodeMint, findMintExtension, parseMint, type MintExtension, type MintInfo } from "./mint.ts";
import { GOLDEN, sampleAddress } from "./test-samples.ts";

// Byte builders independent of mint.ts, so the vectors below are hand-made.
const u16 = (n: number) => new Uint8Array([n & 0xff, n >> 8]);
const u32 = (n: number) => new Uint8Array([n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24]);
const u64 = (n: bigint) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, n, true);
  return b;
};
const key = (a: string) => addressToBytes(a);
const zeros = (n: number) => new Uint8Array(n);
const str = (s: string) => {
  const b = new TextEncoder().encode(s);
  return concatBytes(u32(b.length), b);
};
const tlv = (type: number, value: Uint8Array) => concatBytes(u16(type), u16(value.length), value);

const AUTHORITY = sampleAddress("mint authority");
const FREEZER = sampleAddress("freeze authority");
const DELEGATE = sampleAddress("permanent delegate");
const HOOK_PROGRAM = sampleAddress("hook program");

function baseMint(mintAuthority: string | null, supply: bigint, decimals: number, freezeAuthority: string | null): Uint8Array {
  return concatBytes(
    u32(mintAuthority ? 1 : 0),
    mintAuthority ? key(mintAuthority) : zeros(32),
    u64(supply),
    new Uint8Array([decimals, 1]),
    u32(freezeAuthority ? 1 : 0),
    freezeAuthority ? key(freezeAuthority) : zeros(32),
  );
}

function token2022Mint(base: Uint8Array, ...tlvs: Uint8Array[]): Uint8Array {
  return concatBytes(base, zeros(165 - 82), new Uint8Array([1]), ...tlvs);
}

describe("SPL Token mint (82 bytes)", () => {
  test("renounced authorities", () => {
    const bytes = baseMint(null, 1_000_000_000_000_000n, 6, null);
    expect(bytes.length).toBe(82);
    expect(parseMint(bytes)).toEqual({ mintAuthority: null, supply: 1_000_000_000_000_000n, decimals: 6, isInitialized: true, freezeAuthority: null, extensions: [] });
    expect(encodeMint(parseMint(bytes))).toEqual(bytes);
  });

  test("live authorities, at the documented offsets", () => {
    const bytes = baseMint(AUTHORITY, 42n, 9, FREEZER);
    expect(toHex(bytes.subarray(0, 4))).toBe("01000000");
    expect(bytes[44]).toBe(9);
    expect(toHex(bytes.subarray(46, 50))).toBe("01000000");
    const info = parseMint(bytes);
    expect(info.mintAuthority).toBe(AUTHORITY);
    expect(info.freezeAuthority).toBe(FREEZER);
    expect(encodeMint(info)).toEqual(bytes);
    const spl = unpackMint(new PublicKey(GOLDEN.mint), { data: Buffer.from(bytes), executable: false, lamports: 1, owner: new PublicKey("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA") });
    expect(spl.mintAuthority?.toBase58()).toBe(AUTHORITY);
    expect(spl.freezeAuthority?.toBase58()).toBe(FREEZER);
  });

  test("bad data is rejected", () => {
    expect(() => parseMint(zeros(81))).toThrow(/81 bytes, expected at least 82/);
    const bytes = baseMint(AUTHORITY, 1n, 6, null);
    bytes[0] = 2;
    expect(() => parseMint(bytes)).toThrow(/Mint\.mint_authority: invalid COption tag 2/);
    expect(() => parseMint(concatBytes(baseMint(null, 1n, 6, null), zeros(10)))).toThrow(/too long for a base mint/);
  });
});

describe("Token-2022 mint with TLV extensions", () => {
  // A Pump.fun create_v2 coin: metadata pointer to itself plus on-mint metadata. Normal, safe.
  const metadataPointer = tlv(18, concatBytes(key(AUTHORITY), key(GOLDEN.mint)));
  const tokenMetadata = tlv(19, concatBytes(key(AUTHORITY), key(GOLDEN.mint), str("Ferrix Coin"), str("FRX"), str("https://example.invalid/frx.json"), u32(1), str("site"), str("ferrix")));
  const pumpCoin = token2022Mint(baseMint(null, 1_000_000_000_000_000n, 6, null), metadataPointer, tokenMetadata);

  test("a create_v2-style coin: metadata pointer + token metadata", () => {
    const info = parseMint(pumpCoin);
    expect(info.extensions).toEqual([
      { kind: "MetadataPointer", authority: AUTHORITY, metadataAddress: GOLDEN.mint },
      {
        kind: "TokenMetadata",
        updateAuthority: AUTHORITY,
        mint: GOLDEN.mint,
        name: "Ferrix Coin",
        symbol: "FRX",
        uri: "https://example.invalid/frx.json",
        additionalMetadata: [["site", "ferrix"]],
      },
    ]);
    expect(encodeMint(info)).toEqual(pumpCoin);
    expect(findMintExtension(info, "TokenMetadata")?.symbol).toBe("FRX");
    expect(findMintExtension(info, "TransferHook")).toBeUndefined();

    // Independent reading by @solana/spl-token and @solana/spl-token-metadata.
    const spl = unpackMint(new PublicKey(GOLDEN.mint), { data: Buffer.from(pumpCoin), executable: false, lamports: 1, owner: TOKEN_2022_PROGRAM_ID }, TOKEN_2022_PROGRAM_ID);
    expect(getExtensionTypes(spl.tlvData)).toEqual([SplExtensionType.MetadataPointer, SplExtensionType.TokenMetadata]);
    expect(getMetadataPointerState(spl)?.metadataAddress?.toBase58()).toBe(GOLDEN.mint);
    const md = unpackTokenMetadata(Buffer.from(tokenMetadata.subarray(4)));
    expect([md.name, md.symbol, md.uri, md.additionalMetadata]).toEqual(["Ferrix Coin", "FRX", "https://example.invalid/frx.json", [["site", "ferrix"]]]);
  });

  // An unsafe coin: transfer fee, permanent delegate, transfer hook, frozen by default, non-transferable, paused.
  const transferFee = tlv(
    1,
    concatBytes(key(AUTHORITY), zeros(32), u64(777n), u64(500n), u64(1_000_000n), u16(100), u64(501n), u64(5_000_000n), u16(2500)),
  );
  const permanentDelegate = tlv(12, key(DELEGATE));
  const transferHook = tlv(14, concatBytes(key(AUTHORITY), key(HOOK_PROGRAM)));
  const defaultFrozen = tlv(6, new Uint8Array([2]));
  const nonTransferable = tlv(9, zeros(0));
  const pausable = tlv(26, concatBytes(key(AUTHORITY), new Uint8Array([1])));
  const closeAuthority = tlv(3, zeros(32));
  const unsafeCoin = token2022Mint(baseMint(AUTHORITY, 5n, 6, FREEZER), transferFee, permanentDelegate, transferHook, defaultFrozen, nonTransferable, pausable, closeAuthority);

  const unsafeExtensions: MintExtension[] = [
    {
      kind: "TransferFeeConfig",
      transferFeeConfigAuthority: AUTHORITY,
      withdrawWithheldAuthority: null,
      withheldAmount: 777n,
      olderTransferFee: { epoch: 500n, maximumFee: 1_000_000n, transferFeeBasisPoints: 100 },
      newerTransferFee: { epoch: 501n, maximumFee: 5_000_000n, transferFeeBasisPoints: 2500 },
    },
    { kind: "PermanentDelegate", delegate: DELEGATE },
    { kind: "TransferHook", authority: AUTHORITY, programId: HOOK_PROGRAM },
    { kind: "DefaultAccountState", state: "Frozen" },
    { kind: "NonTransferable" },
    { kind: "Pausable", authority: AUTHORITY, paused: true },
    { kind: "MintCloseAuthority", closeAuthority: null },
  ];

  test("an unsafe coin: every risky extension decoded with its values", () => {
    const info = parseMint(unsafeCoin);
    expect(info.mintAuthority).toBe(AUTHORITY);
    expect(info.freezeAuthority).toBe(FREEZER);
    expect(info.extensions).toEqual(unsafeExtensions);
    expect(encodeMint(info)).toEqual(unsafeCoin);

    const spl = unpackMint(new PublicKey(GOLDEN.mint), { data: Buffer.from(unsafeCoin), executable: false, lamports: 1, owner: TOKEN_2022_PROGRAM_ID }, TOKEN_2022_PROGRAM_ID);
    const fee = getTransferFeeConfig(spl)!;
    expect(fee.newerTransferFee.transferFeeBasisPoints).toBe(2500);
    expect(fee.olderTransferFee.maximumFee).toBe(1_000_000n);
    expect(fee.withheldAmount).toBe(777n);
    expect(getPermanentDelegate(spl)?.delegate.toBase58()).toBe(DELEGATE);
    expect(getTransferHook(spl)?.programId.toBase58()).toBe(HOOK_PROGRAM);
    expect(getDefaultAccountState(spl)?.state).toBe(2);
  });

  test("encodeMint sizes agree with spl-token's getMintLen, including the multisig-size bump", () => {
    const sets: [MintExtension[], SplExtensionType[]][] = [
      [[unsafeExtensions[0]], [SplExtensionType.TransferFeeConfig]],
      [unsafeExtensions.slice(1, 4), [SplExtensionType.PermanentDelegate, SplExtensionType.TransferHook, SplExtensionType.DefaultAccountState]],
      // 166 + 112 + 68 + 5 + 4 = 355 = Multisig::LEN, so Token-2022 adds two bytes.
      [[unsafeExtensions[0], unsafeExtensions[2], unsafeExtensions[3], unsafeExtensions[4]], [SplExtensionType.TransferFeeConfig, SplExtensionType.TransferHook, SplExtensionType.DefaultAccountState, SplExtensionType.NonTransferable]],
    ];
    for (const [extensions, types] of sets) {
      const info: MintInfo = { mintAuthority: null, supply: 1n, decimals: 6, isInitialized: true, freezeAuthority: null, extensions };
      const bytes = encodeMint(info);
      expect(bytes.length).toBe(getMintLen(types));
      expect(parseMint(bytes).extensions).toEqual(extensions);
    }
    expect(getMintLen([SplExtensionType.TransferFeeConfig, SplExtensionType.TransferHook, SplExtensionType.DefaultAccountState, SplExtensionType.NonTransferable])).toBe(357);
  });

  test("other extensions: interest-bearing, scaled UI amount, groups, and unknown types kept raw", () => {
    const extensions: MintExtension[] = [
      { kind: "InterestBearingConfig", rateAuthority: AUTHORITY, initializationTimestamp: 1_700_000_000n, preUpdateAverageRate: -5, lastUpdateTimestamp: 1_700_000_100n, currentRate: 250 },
      { kind: "ScaledUiAmount", authority: null, multiplier: 1.5, newMultiplierEffectiveTimestamp: 0n, newMultiplier: 2.25 },
      { kind: "GroupPointer", authority: AUTHORITY, groupAddress: GOLDEN.mint },
      { kind: "TokenGroup", updateAuthority: AUTHORITY, mint: GOLDEN.mint, size: 3n, maxSize: 10n },
      { kind: "GroupMemberPointer", authority: null, memberAddress: GOLDEN.mint },
      { kind: "TokenGroupMember", mint: GOLDEN.mint, group: GOLDEN.pool, memberNumber: 2n },
      { kind: "Undecoded", extensionType: 4, name: "ConfidentialTransferMint", data: fromHex("ab".repeat(65)) },
      { kind: "Undecoded", extensionType: 99, name: undefined, data: fromHex("0102") },
    ];
    const info: MintInfo = { mintAuthority: null, supply: 10n, decimals: 0, isInitialized: true, freezeAuthority: null, extensions };
    const bytes = encodeMint(info);
    expect(parseMint(bytes)).toEqual(info);
    // InterestBearingConfig value layout: authority 32 | init ts i64 | pre-update rate i16 | last ts i64 | rate i16.
    const value = bytes.subarray(166 + 4, 166 + 4 + 52);
    expect(new DataView(value.buffer, value.byteOffset).getInt16(40, true)).toBe(-5);
    expect(new DataView(value.buffer, value.byteOffset).getInt16(50, true)).toBe(250);
  });

  test("malformed extension data is rejected with the place named", () => {
    const base = baseMint(null, 1n, 6, null);
    expect(() => parseMint(concatBytes(base, zeros(83), new Uint8Array([2])))).toThrow(/account type byte is 2, not 1/);
    // A TLV claiming more bytes than remain.
    expect(() => parseMint(token2022Mint(base, concatBytes(u16(12), u16(32), zeros(10))))).toThrow(/extension PermanentDelegate at offset 166 claims 32 bytes, only 10 remain/);
    // A fixed-size extension whose value is too short.
    expect(() => parseMint(token2022Mint(base, tlv(14, zeros(40))))).toThrow(MintParseError);
    expect(() => parseMint(token2022Mint(base, tlv(14, zeros(40))))).toThrow(/TransferHook\.program_id: needs 32 bytes at offset 32 of 40/);
    expect(() => parseMint(token2022Mint(base, tlv(6, new Uint8Array([7]))))).toThrow(/DefaultAccountState\.state: invalid account state 7/);
    // Zero padding after the last TLV (Uninitialized entries) ends the list.
    expect(parseMint(token2022Mint(base, permanentDelegate, zeros(12))).extensions).toEqual([{ kind: "PermanentDelegate", delegate: DELEGATE }]);
  });

  test("ExtensionType numbers match spl-token's", () => {
    expect(ExtensionType.TransferFeeConfig).toBe(SplExtensionType.TransferFeeConfig);
    expect(ExtensionType.PermanentDelegate).toBe(SplExtensionType.PermanentDelegate);
    expect(ExtensionType.TransferHook).toBe(SplExtensionType.TransferHook);
    expect(ExtensionType.NonTransferable).toBe(SplExtensionType.NonTransferable);
    expect(ExtensionType.DefaultAccountState).toBe(SplExtensionType.DefaultAccountState);
    expect(ExtensionType.MetadataPointer).toBe(SplExtensionType.MetadataPointer);
    expect(ExtensionType.TokenMetadata).toBe(SplExtensionType.TokenMetadata);
    expect(ExtensionType.ScaledUiAmount).toBe(SplExtensionType.ScaledUiAmountConfig);
    expect(ExtensionType.Pausable).toBe(SplExtensionType.PausableConfig);
    expect(ExtensionType.GroupMemberPointer).toBe(SplExtensionType.GroupMemberPointer);
    expect(ExtensionType.TokenGroupMember).toBe(SplExtensionType.TokenGroupMember);
  });

  test("addresses come back as base58 strings usable as kit Addresses", () => {
    const info = parseMint(unsafeCoin);
    const delegate: Address | null | undefined = findMintExtension(info, "PermanentDelegate")?.delegate;
    expect(delegate).toBe(DELEGATE);
  });
});
