// Realistic sample values for tests (and for the chain simulator's fixtures): a coin that just
// migrated from Pump.fun into its canonical PumpSwap pool. Addresses of the golden mint are real
// derivations (see pda.test.ts); other keys are deterministic stand-ins.

import type { Address } from "@solana/kit";
import { encodeBase58 } from "./base58.ts";
import { PUMPSWAP_BUYBACK_FEE_RECIPIENTS, WSOL_MINT_ADDRESS } from "./constants.ts";
import type { BondingCurveAccount, CompleteEvent, CompletePumpAmmMigrationEvent, CreateEvent, CreateV2Args, PumpFunGlobalAccount, TradeEvent } from "./pumpfun.ts";
import type { BuyEvent, CreatePoolArgs, CreatePoolEvent, FeeConfigAccount, GlobalConfigAccount, PoolAccount, SellEvent } from "./pumpswap.ts";

/** A deterministic 32-byte key derived from a label (not a real account). */
export function sampleAddress(label: string): Address {
  const bytes = new Uint8Array(32);
  let h = 2166136261;
  for (let i = 0; i < 32; i++) {
    h ^= label.charCodeAt(i % label.length) + i;
    h = Math.imul(h, 16777619) >>> 0;
    bytes[i] = h & 0xff;
  }
  return encodeBase58(bytes) as Address;
}

export const GOLDEN = {
  mint: "7LSsEoJGhLeZzGvDofTdNg7M3JttxQqGWNLo6vWMpump" as Address,
  poolAuthority: "9XDYTfQKwW8sHPqnFdUreMmtmffmkHVPGTNV2e3LKxNW" as Address,
  pool: "GseMAnNDvntR5uFePZ51yZBXzNSn7GdFPkfHwfr6d77J" as Address,
  poolBump: 254,
  poolBaseTokenAccount: "5jMpkf4JF4noHftLgNKyPNh6roVfPSGSjuEk3U4eLKRa" as Address,
  poolQuoteTokenAccount: "43DVcZR4kQFjh4Xm2i3DcneRxNjZp7HMud8yDrJWrDr8" as Address,
  lpMint: "6dpnPD6UWDw5hbJEuPQwnCCMba1JYwHANKuL6GQ6otAH" as Address,
  poolV2: "4Jjna3h73QbgmdqwnV5NJxjCidKWB7Q26jeuj9jtFetC" as Address,
} as const;

const user = sampleAddress("trader");
const coinCreator = sampleAddress("coin creator");

export const samplePool: PoolAccount = {
  poolBump: GOLDEN.poolBump,
  index: 0,
  creator: GOLDEN.poolAuthority,
  baseMint: GOLDEN.mint,
  quoteMint: WSOL_MINT_ADDRESS,
  lpMint: GOLDEN.lpMint,
  poolBaseTokenAccount: GOLDEN.poolBaseTokenAccount,
  poolQuoteTokenAccount: GOLDEN.poolQuoteTokenAccount,
  lpSupply: 4_193_388_379_375n,
  coinCreator,
  isMayhemMode: false,
  isCashbackCoin: false,
  virtualQuoteReserves: -1_250_000_000,
  creatorFeeBps: 30,
  canEditCreatorFee: true,
};

const protocolFeeRecipients = Array.from({ length: 8 }, (_, i) => sampleAddress(`protocol fee recipient ${i}`));

export const sampleGlobalConfig: GlobalConfigAccount = {
  admin: sampleAddress("amm admin"),
  lpFeeBasisPoints: 20,
  protocolFeeBasisPoints: 5,
  disableFlags: 0,
  protocolFeeRecipients,
  coinCreatorFeeBasisPoints: 5,
  adminSetCoinCreatorAuthority: sampleAddress("set coin creator authority"),
  whitelistPda: sampleAddress("whitelist"),
  reservedFeeRecipient: sampleAddress("reserved fee recipient"),
  mayhemModeEnabled: true,
  reservedFeeRecipients: Array.from({ length: 7 }, (_, i) => sampleAddress(`reserved ${i}`)),
  isCashbackEnabled: true,
  buybackFeeRecipients: [...PUMPSWAP_BUYBACK_FEE_RECIPIENTS],
  buybackBasisPoints: 10,
  boostAuthority: sampleAddress("boost authority"),
  boostEnabled: false,
  creatorFeeConfigurable: true,
  maxConfigurableCreatorFeeBps: 100,
};

export const sampleFeeConfig: FeeConfigAccount = {
  bump: 255,
  admin: sampleAddress("fee admin"),
  flatFees: { lpFeeBps: 25, protocolFeeBps: 5, creatorFeeBps: 0 },
  feeTiers: [
    { marketCapLamportsThreshold: 0n, fees: { lpFeeBps: 2, protocolFeeBps: 93, creatorFeeBps: 30 } },
    { marketCapLamportsThreshold: 420_000_000_000n, fees: { lpFeeBps: 20, protocolFeeBps: 5, creatorFeeBps: 95 } },
  ],
  stableFeeTiers: [{ marketCapLamportsThreshold: 59_000_000_000n, fees: { lpFeeBps: 20, protocolFeeBps: 5, creatorFeeBps: 95 } }],
  exoticFlatFees: { lpFeeBps: 30, protocolFeeBps: 10, creatorFeeBps: 5 },
};

export const sampleCreatePoolEvent: CreatePoolEvent = {
  timestamp: 1_763_700_000,
  index: 0,
  creator: GOLDEN.poolAuthority,
  baseMint: GOLDEN.mint,
  quoteMint: WSOL_MINT_ADDRESS,
  baseMintDecimals: 6,
  quoteMintDecimals: 9,
  baseAmountIn: 206_900_000_000_000,
  quoteAmountIn: 84_990_359_038,
  poolBaseAmount: 206_900_000_000_000,
  poolQuoteAmount: 84_990_359_038,
  minimumLiquidity: 100,
  initialLiquidity: 4_193_388_379_475,
  lpTokenAmountOut: 4_193_388_379_375,
  poolBump: GOLDEN.poolBump,
  pool: GOLDEN.pool,
  lpMint: GOLDEN.lpMint,
  userBaseTokenAccount: sampleAddress("pool authority base ata"),
  userQuoteTokenAccount: sampleAddress("pool authority wsol ata"),
  coinCreator,
  isMayhemMode: false,
  creatorFeeBps: 30,
  canEditCreatorFee: false,
};

export const sampleBuyEvent: BuyEvent = {
  timestamp: 1_763_700_003,
  baseAmountOut: 1_000_000_000,
  maxQuoteAmountIn: 100_000_000,
  userBaseTokenReserves: 0,
  userQuoteTokenReserves: 2_500_000_000,
  poolBaseTokenReserves: 206_900_000_000_000,
  poolQuoteTokenReserves: 84_990_359_038,
  quoteAmountIn: 410_780,
  lpFeeBasisPoints: 20,
  lpFee: 822,
  protocolFeeBasisPoints: 5,
  protocolFee: 206,
  quoteAmountInWithLpFee: 411_602,
  userQuoteAmountIn: 412_014,
  pool: GOLDEN.pool,
  user,
  userBaseTokenAccount: sampleAddress("trader base ata"),
  userQuoteTokenAccount: sampleAddress("trader wsol ata"),
  protocolFeeRecipient: protocolFeeRecipients[3],
  protocolFeeRecipientTokenAccount: sampleAddress("protocol fee recipient ata"),
  coinCreator,
  coinCreatorFeeBasisPoints: 5,
  coinCreatorFee: 206,
  trackVolume: true,
  totalUnclaimedTokens: 12_345,
  totalClaimedTokens: 0,
  currentSolVolume: 412_014,
  lastUpdateTimestamp: 1_763_700_003,
  minBaseAmountOut: 0,
  ixName: "buy",
  cashbackFeeBasisPoints: 0,
  cashback: 0,
  buybackFeeBasisPoints: 10,
  buybackFee: 411,
  virtualQuoteReserves: -1_250_000_000,
  canBoost: false,
  baseSupply: 1_000_000_000_000_000,
};

export const sampleSellEvent: SellEvent = {
  timestamp: 1_763_700_060,
  baseAmountIn: 1_000_000_000,
  minQuoteAmountOut: 350_000,
  userBaseTokenReserves: 1_000_000_000,
  userQuoteTokenReserves: 2_499_587_986,
  poolBaseTokenReserves: 206_899_000_000_000,
  poolQuoteTokenReserves: 84_990_770_640,
  quoteAmountOut: 410_779,
  lpFeeBasisPoints: 20,
  lpFee: 822,
  protocolFeeBasisPoints: 5,
  protocolFee: 206,
  quoteAmountOutWithoutLpFee: 409_957,
  userQuoteAmountOut: 408_929,
  pool: GOLDEN.pool,
  user,
  userBaseTokenAccount: sampleAddress("trader base ata"),
  userQuoteTokenAccount: sampleAddress("trader wsol ata"),
  protocolFeeRecipient: protocolFeeRecipients[5],
  protocolFeeRecipientTokenAccount: sampleAddress("protocol fee recipient ata 5"),
  coinCreator,
  coinCreatorFeeBasisPoints: 5,
  coinCreatorFee: 206,
  cashbackFeeBasisPoints: 0,
  cashback: 0,
  buybackFeeBasisPoints: 10,
  buybackFee: 410,
  virtualQuoteReserves: 0,
  canBoost: false,
  baseSupply: 1_000_000_000_000_000,
};

export const sampleCreatePoolArgs: CreatePoolArgs = {
  index: 0,
  baseAmountIn: 206_900_000_000_000,
  quoteAmountIn: 84_990_359_038,
  coinCreator,
  isMayhemMode: false,
  isCashbackCoin: false,
  creatorFeeBps: 30,
  canEditCreatorFee: false,
};

export const sampleBondingCurve: BondingCurveAccount = {
  virtualTokenReserves: 1_073_000_000_000_000,
  virtualQuoteReserves: 30_000_000_000,
  realTokenReserves: 793_100_000_000_000,
  realQuoteReserves: 0,
  tokenTotalSupply: 1_000_000_000_000_000,
  complete: false,
  creator: coinCreator,
  isMayhemMode: false,
  isCashbackCoin: true,
  quoteMint: "11111111111111111111111111111111" as Address,
  creatorFeeBps: 30,
  canEditCreatorFee: false,
  isHolderReward: false,
};

export const samplePumpFunGlobal: PumpFunGlobalAccount = {
  initialized: true,
  authority: sampleAddress("pump authority"),
  feeRecipient: sampleAddress("pump fee recipient"),
  initialVirtualTokenReserves: 1_073_000_000_000_000,
  initialVirtualSolReserves: 30_000_000_000,
  initialRealTokenReserves: 793_100_000_000_000,
  tokenTotalSupply: 1_000_000_000_000_000,
  feeBasisPoints: 95,
  withdrawAuthority: "39azUYFWPz3VHgKCf3VChUwbpURdCHRxjWVowf5jUJjg" as Address,
  enableMigrate: true,
  poolMigrationFee: 15_000_001,
  creatorFeeBasisPoints: 30,
  feeRecipients: Array.from({ length: 7 }, (_, i) => sampleAddress(`pump fee recipient ${i}`)),
  setCreatorAuthority: sampleAddress("set creator authority"),
  adminSetCreatorAuthority: sampleAddress("admin set creator authority"),
  createV2Enabled: true,
  whitelistPda: sampleAddress("pump whitelist"),
  reservedFeeRecipient: sampleAddress("pump reserved"),
  mayhemModeEnabled: false,
  reservedFeeRecipients: Array.from({ length: 7 }, (_, i) => sampleAddress(`pump reserved ${i}`)),
  isCashbackEnabled: true,
  buybackFeeRecipients: [...PUMPSWAP_BUYBACK_FEE_RECIPIENTS],
  buybackBasisPoints: 0,
  initialVirtualQuoteReserves: 30_000_000_000,
  whitelistedQuoteMints: [WSOL_MINT_ADDRESS],
  creatorFeeConfigurable: true,
  maxConfigurableCreatorFeeBps: 100,
  holderRewardClaimAuthority: sampleAddress("holder reward authority"),
  isHolderRewardEnabled: false,
};

export const sampleCompleteEvent: CompleteEvent = {
  user,
  mint: GOLDEN.mint,
  bondingCurve: sampleAddress("bonding curve"),
  timestamp: 1_763_699_990,
  quoteMint: "11111111111111111111111111111111" as Address,
};

export const sampleMigrationEvent: CompletePumpAmmMigrationEvent = {
  user: sampleAddress("migrator"),
  mint: GOLDEN.mint,
  mintAmount: 206_900_000_000_000,
  solAmount: 84_990_359_038,
  poolMigrationFee: 15_000_001,
  bondingCurve: sampleAddress("bonding curve"),
  timestamp: 1_763_700_000,
  pool: GOLDEN.pool,
  quoteMint: WSOL_MINT_ADDRESS,
};

export const sampleTradeEvent: TradeEvent = {
  mint: GOLDEN.mint,
  solAmount: 1_500_000_000,
  tokenAmount: 51_000_000_000_000,
  isBuy: true,
  user,
  timestamp: 1_763_699_990,
  virtualSolReserves: 115_005_359_038,
  virtualTokenReserves: 279_900_000_000_000,
  realSolReserves: 85_005_359_038,
  realTokenReserves: 0,
  feeRecipient: sampleAddress("pump fee recipient 2"),
  feeBasisPoints: 95,
  fee: 14_250_000,
  creator: coinCreator,
  creatorFeeBasisPoints: 30,
  creatorFee: 4_500_000,
  trackVolume: true,
  totalUnclaimedTokens: 0,
  totalClaimedTokens: 0,
  currentSolVolume: 1_500_000_000,
  lastUpdateTimestamp: 1_763_699_990,
  ixName: "buy_exact_sol_in",
  mayhemMode: false,
  cashbackFeeBasisPoints: 5,
  cashback: 750_000,
  buybackFeeBasisPoints: 0,
  buybackFee: 0,
  shareholders: [
    { address: coinCreator, shareBps: 7_000 },
    { address: sampleAddress("shareholder"), shareBps: 3_000 },
  ],
  quoteMint: "11111111111111111111111111111111" as Address,
  quoteAmount: 1_500_000_000,
  virtualQuoteReserves: 115_005_359_038,
  realQuoteReserves: 85_005_359_038,
  holderRewardsBps: 0,
  holderRewards: 0,
};

export const sampleCreateEvent: CreateEvent = {
  name: "Ferrix Test Coin 🚀",
  symbol: "FRX",
  uri: "https://ipfs.io/ipfs/bafkreib2x3ojtest",
  mint: GOLDEN.mint,
  bondingCurve: sampleAddress("bonding curve"),
  user: coinCreator,
  creator: coinCreator,
  timestamp: 1_763_690_000,
  virtualTokenReserves: 1_073_000_000_000_000,
  virtualSolReserves: 30_000_000_000,
  realTokenReserves: 793_100_000_000_000,
  tokenTotalSupply: 1_000_000_000_000_000,
  tokenProgram: "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb" as Address,
  isMayhemMode: false,
  isCashbackEnabled: true,
  quoteMint: "11111111111111111111111111111111" as Address,
  virtualQuoteReserves: 30_000_000_000,
  creatorFeeBps: 30,
  isHolderReward: false,
};

export const sampleCreateV2Args: CreateV2Args = {
  name: "Ferrix Test Coin 🚀",
  symbol: "FRX",
  uri: "https://ipfs.io/ipfs/bafkreib2x3ojtest",
  creator: coinCreator,
  isMayhemMode: false,
  isCashbackEnabled: true,
  creatorFeeBps: 30,
  isHolderReward: false,
};

export const sampleUser = user;
export const sampleCoinCreator = coinCreator;
