/**
 * Wire transactions as sendTransaction / simulateTransaction receive them: decoded with
 * @solana/kit's codecs (legacy and v0 messages), ed25519 signatures verified with WebCrypto, and
 * instructions resolved to addresses and roles from the message header.
 */
import { AccountRole, getCompiledTransactionMessageDecoder, getPublicKeyFromAddress, getTransactionDecoder, verifySignature, type Address, type SignatureBytes } from "@solana/kit";
import { encodeBase58 } from "../chain/base58.ts";
import type { SimInstruction } from "./txbuild.ts";

export interface DecodedWireTransaction {
  /** Fee payer's signature in base58: the transaction id. */
  signature: string;
  signatures: { address: Address; bytes: Uint8Array | null }[];
  messageBytes: Uint8Array;
  version: "legacy" | 0 | 1;
  recentBlockhash: string;
  accountKeys: Address[];
  feePayer: Address;
  signers: Set<Address>;
  instructions: SimInstruction[];
}

export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WireError";
  }
}

const txDecoder = getTransactionDecoder();
const messageDecoder = getCompiledTransactionMessageDecoder();

export function decodeWireTransaction(bytes: Uint8Array): DecodedWireTransaction {
  let tx;
  let message;
  try {
    tx = txDecoder.decode(bytes);
    message = messageDecoder.decode(tx.messageBytes as unknown as Uint8Array);
  } catch (err) {
    throw new WireError(`failed to deserialize transaction: ${(err as Error).message}`);
  }
  const m = message as unknown as {
    version: "legacy" | 0 | 1;
    header: { numSignerAccounts: number; numReadonlySignerAccounts: number; numReadonlyNonSignerAccounts: number };
    staticAccounts: Address[];
    lifetimeToken: string;
    instructions: { programAddressIndex: number; accountIndices?: number[]; data?: Uint8Array }[];
    addressTableLookups?: unknown[];
  };
  if (m.addressTableLookups && m.addressTableLookups.length > 0) throw new WireError("address table lookups are not supported by the simulator");
  const keys = m.staticAccounts;
  const nSigners = m.header.numSignerAccounts;
  const roleOf = (i: number): AccountRole => {
    const signer = i < nSigners;
    const writable = signer ? i < nSigners - m.header.numReadonlySignerAccounts : i < keys.length - m.header.numReadonlyNonSignerAccounts;
    return signer ? (writable ? AccountRole.WRITABLE_SIGNER : AccountRole.READONLY_SIGNER) : writable ? AccountRole.WRITABLE : AccountRole.READONLY;
  };
  const instructions: SimInstruction[] = m.instructions.map((ix) => {
    const programAddress = keys[ix.programAddressIndex];
    if (programAddress === undefined) throw new WireError(`program index ${ix.programAddressIndex} is outside the account keys`);
    return {
      programAddress,
      accounts: (ix.accountIndices ?? []).map((i) => {
        if (keys[i] === undefined) throw new WireError(`account index ${i} is outside the account keys`);
        return { address: keys[i], role: roleOf(i) };
      }),
      data: (ix.data ?? new Uint8Array()) as Uint8Array,
    };
  });
  const signatures = Object.entries(tx.signatures).map(([address, sig]) => ({ address: address as Address, bytes: (sig as Uint8Array | null) ?? null }));
  const first = signatures[0]?.bytes;
  return {
    signature: first ? encodeBase58(first) : "1111111111111111111111111111111111111111111111111111111111111111",
    signatures,
    messageBytes: tx.messageBytes as unknown as Uint8Array,
    version: m.version,
    recentBlockhash: m.lifetimeToken,
    accountKeys: keys,
    feePayer: keys[0],
    signers: new Set(keys.slice(0, nSigners)),
    instructions,
  };
}

/** Every required signature present and valid over the message bytes. */
export async function verifyWireSignatures(tx: DecodedWireTransaction): Promise<boolean> {
  for (const s of tx.signatures) {
    if (!s.bytes || s.bytes.length !== 64) return false;
    let key: CryptoKey;
    try {
      key = await getPublicKeyFromAddress(s.address);
    } catch {
      return false;
    }
    if (!(await verifySignature(key, s.bytes as SignatureBytes, tx.messageBytes))) return false;
  }
  return true;
}
