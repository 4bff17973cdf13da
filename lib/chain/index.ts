// On-chain codecs: PumpSwap and Pump.fun layouts from their official IDLs, Anchor events, PDAs,
// SPL / Token-2022 mints, and the Yellowstone gRPC schema.

export * from "./constants.ts";
export { encodeBase58, decodeBase58, addressToBytes } from "./base58.ts";
export { BorshError, IdlCompiler, snakeToCamel, toHex, fromHex, concatBytes } from "./borsh.ts";
export type { Idl, IdlType, IdlField, IdlTypeDef, IdlInstruction, IdlInstructionAccount, CodecOptions, StructCodec } from "./borsh.ts";
export { AnchorCodecs, idlAccountRole } from "./anchor.ts";
export type { DiscriminatedCodec } from "./anchor.ts";
export * from "./pda.ts";
export * from "./pumpswap.ts";
export * from "./pumpfun.ts";
export * from "./events.ts";
export * from "./mint.ts";
export * from "./yellowstone.ts";
export { loadGeyserPackageDefinition, loadGeyserGrpc, GEYSER_PROTO_LOADER_OPTIONS } from "./proto.ts";
export type * as Geyser from "./proto.ts";
