/**
 * Account state of the chain simulator and the byte layouts it serves over JSON-RPC: SPL token
 * accounts (165 bytes, shared by SPL Token and Token-2022 accounts without extensions), rent, and
 * the mint profiles — a safe Pump.fun mint and the unsafe kinds a safety checker must catch.
 */
import type { Address } from "@solana/kit";
import { addressToBytes, encodeBase58 } from "../chain/base58.ts";
import { TOKEN_2022_PROGRAM_ADDRESS, TOKEN_PROGRAM_ADDRESS } from "../chain/constants.ts";
import { encodeMint, type MintExtension, type MintInfo } from "../chain/mint.ts";

export const TOKEN_ACCOUNT_SIZE = 165;
/** Rent-exempt minimum of a 165-byte token account (what the runtime charges at creation). */
export const TOKEN_ACCOUNT_RENT_LAMPORTS = 2_039_280;
export const MINT_RENT_LAMPORTS = 1_461_600;
/** Solana's rent-exemption formula: (128 + data length) · 3480 lamports/byte-year · 2 years. */
export const rentExemptLamports = (dataLength: number): number => (128 + dataLength) * 6_960;

export const enum TokenAccountStateCode {
  Uninitialized = 0,
  Initialized = 1,
  Frozen = 2,
}

export interface TokenAccount {
  address: Address;
  mint: Address;
  owner: Address;
  /** Raw token units (for WSOL: lamports wrapped). */
  amount: number;
  state: TokenAccountStateCode;
  /** WSOL account: lamports above rent are the balance after SyncNative. */
  isNative: boolean;
  lamports: number;
  /** SPL Token or Token-2022: the account's owner program. */
  program: Address;
}

/** The 165-byte SPL token account layout. */
export function encodeTokenAccount(a: TokenAccount): Uint8Array {
  const out = new Uint8Array(TOKEN_ACCOUNT_SIZE);
  const view = new DataView(out.buffer);
  out.set(addressToBytes(a.mint), 0);
  out.set(addressToBytes(a.owner), 32);
  view.setBigUint64(64, BigInt(a.amount), true);
  // delegate: COption none (72..108)
  out[108] = a.state;
  if (a.isNative) {
    view.setUint32(109, 1, true);
    view.setBigUint64(113, BigInt(TOKEN_ACCOUNT_RENT_LAMPORTS), true);
  }
  // delegated_amount 121, close_authority COption none 129..165
  return out;
}

export function decodeTokenAccount(address: Address, data: Uint8Array, lamports: number, program: Address): TokenAccount {
  if (data.length < TOKEN_ACCOUNT_SIZE) throw new Error(`token account ${address}: ${data.length} bytes`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return {
    address,
    mint: encodeBase58(data.subarray(0, 32)) as Address,
    owner: encodeBase58(data.subarray(32, 64)) as Address,
    amount: Number(view.getBigUint64(64, true)),
    state: data[108] as TokenAccountStateCode,
    isNative: view.getUint32(109, true) === 1,
    lamports,
    program,
  };
}

/** What a simulated mint looks like to a safety checker. */
export type MintProfile =
  | "safe"
  | "safe_token2022"
  | "mint_authority"
  | "freeze_authority"
  | "transfer_fee"
  | "permanent_delegate"
  | "transfer_hook"
  | "non_transferable"
  | "default_frozen"
  | "pausable";

export const MINT_PROFILES: readonly MintProfile[] = [
  "safe",
  "safe_token2022",
  "mint_authority",
  "freeze_authority",
  "transfer_fee",
  "permanent_delegate",
  "transfer_hook",
  "non_transferable",
  "default_frozen",
  "pausable",
];

/** Whether selling the token fails outright on this chain (honeypot-like). */
export const SELL_BLOCKED_PROFILES: ReadonlySet<MintProfile> = new Set(["transfer_hook", "non_transferable", "default_frozen", "pausable"]);

export interface SimMint {
  address: Address;
  info: MintInfo;
  program: Address;
  profile: MintProfile;
  /** Transfer fee in bps charged on every transfer (Token-2022 TransferFeeConfig), else 0. */
  transferFeeBps: number;
  data: Uint8Array;
}

const none = null;

/**
 * A mint of the given profile. `authority` stands for the dev's key wherever the unsafe profile
 * keeps one; `hookProgram` is a program the chain does not have, so hooked transfers fail.
 */
export function makeMint(address: Address, profile: MintProfile, opts: { supply: number; decimals: number; authority: Address; hookProgram: Address }): SimMint {
  const t22 = profile !== "safe" && profile !== "mint_authority" && profile !== "freeze_authority";
  const metadata: MintExtension[] = t22
    ? [
        { kind: "MetadataPointer", authority: none, metadataAddress: address },
        { kind: "TokenMetadata", updateAuthority: none, mint: address, name: "Sim", symbol: "SIM", uri: "https://example.invalid/sim.json", additionalMetadata: [] },
      ]
    : [];
  const extensions: MintExtension[] = [];
  let transferFeeBps = 0;
  switch (profile) {
    case "transfer_fee": {
      transferFeeBps = 5_000;
      const fee = { epoch: 0n, maximumFee: 2n ** 63n, transferFeeBasisPoints: transferFeeBps };
      extensions.push({ kind: "TransferFeeConfig", transferFeeConfigAuthority: opts.authority, withdrawWithheldAuthority: opts.authority, withheldAmount: 0n, olderTransferFee: fee, newerTransferFee: fee });
      break;
    }
    case "permanent_delegate":
      extensions.push({ kind: "PermanentDelegate", delegate: opts.authority });
      break;
    case "transfer_hook":
      extensions.push({ kind: "TransferHook", authority: opts.authority, programId: opts.hookProgram });
      break;
    case "non_transferable":
      extensions.push({ kind: "NonTransferable" });
      break;
    case "default_frozen":
      extensions.push({ kind: "DefaultAccountState", state: "Frozen" });
      break;
    case "pausable":
      extensions.push({ kind: "Pausable", authority: opts.authority, paused: true });
      break;
    default:
      break;
  }
  const info: MintInfo = {
    mintAuthority: profile === "mint_authority" ? opts.authority : null,
    supply: BigInt(opts.supply),
    decimals: opts.decimals,
    isInitialized: true,
    freezeAuthority: profile === "freeze_authority" || profile === "default_frozen" ? opts.authority : null,
    extensions: [...extensions, ...metadata],
  };
  return { address, info, program: t22 ? TOKEN_2022_PROGRAM_ADDRESS : TOKEN_PROGRAM_ADDRESS, profile, transferFeeBps, data: encodeMint(info) };
}
