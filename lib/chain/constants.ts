// Program ids and well-known accounts. The PDAs here are fixed by their seeds; pda.test.ts
// re-derives each one so a typo cannot survive.

import { address, type Address } from "@solana/kit";

export const PUMPSWAP_PROGRAM_ADDRESS = address("pAMMBay6oceH9fJKBRHGP5D4bD4sWpmSwMn52FMfXEA");
export const PUMPFUN_PROGRAM_ADDRESS = address("6EF8rrecthR5Dkzon8Nwu78hRvfCKubJ14M5uBEwF6P");
export const PUMP_FEE_PROGRAM_ADDRESS = address("pfeeUxB6jkeY1Hxd7CsFCAjcbHA9rWtchMGdZ6VojVZ");

export const SYSTEM_PROGRAM_ADDRESS = address("11111111111111111111111111111111");
export const TOKEN_PROGRAM_ADDRESS = address("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");
export const TOKEN_2022_PROGRAM_ADDRESS = address("TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb");
export const ASSOCIATED_TOKEN_PROGRAM_ADDRESS = address("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL");
export const RENT_SYSVAR_ADDRESS = address("SysvarRent111111111111111111111111111111111");
export const WSOL_MINT_ADDRESS = address("So11111111111111111111111111111111111111112");
/** The all-zero key; Pool.coin_creator holds it for pools without a coin creator. */
export const DEFAULT_ADDRESS = address("11111111111111111111111111111111");

/** PumpSwap GlobalConfig, PDA ["global_config"] under PumpSwap. */
export const PUMPSWAP_GLOBAL_CONFIG_ADDRESS = address("ADyA8hdefvWN2dbGGWFotbzWxrAvLW83WG6QCVXvJKqw");
/** PumpSwap event authority, PDA ["__event_authority"] under PumpSwap. */
export const PUMPSWAP_EVENT_AUTHORITY_ADDRESS = address("GS4CU59F31iL7aR2Q8zVS8DRrcRnXX1yjQ66TqNVQnaR");
/** PDA ["global_volume_accumulator"] under PumpSwap. */
export const PUMPSWAP_GLOBAL_VOLUME_ACCUMULATOR_ADDRESS = address("C2aFPdENg4A2HQsmrd5rTw5TaYBX5Ku887cWjbFKtZpw");
/** PumpSwap fee tiers, PDA ["fee_config", PumpSwap program id] under the pump fee program. */
export const PUMPSWAP_FEE_CONFIG_ADDRESS = address("5PHirr8joyTMp9JMm6nW7hNDVyEYdkzDqazxPD7RaTjx");

/** Pump.fun Global, PDA ["global"] under Pump.fun. */
export const PUMPFUN_GLOBAL_ADDRESS = address("4wTV1YmiEkRvAtNtsSGPtUrqRYQMe5SKy2uB4Jjaxnjf");
/** Pump.fun event authority, PDA ["__event_authority"] under Pump.fun. */
export const PUMPFUN_EVENT_AUTHORITY_ADDRESS = address("Ce6TQqeHC9p8KetsN6JsjHK7UTZk7nasjjnr7XxXp9F1");
/** Signs every migrate; bots filter migrations with account_include on it. */
export const PUMPFUN_WITHDRAW_AUTHORITY_ADDRESS = address("39azUYFWPz3VHgKCf3VChUwbpURdCHRxjWVowf5jUJjg");

/** Canonical (Pump.fun-migrated) pools use index 0. */
export const CANONICAL_POOL_INDEX = 0;

/**
 * The eight PumpSwap buyback fee recipients published with the 2026-04 fee-recipient upgrade
 * (pump-public-docs FEE_RECIPIENTS.md). The live source is GlobalConfig.buyback_fee_recipients;
 * this list is for offline use and the simulator.
 */
export const PUMPSWAP_BUYBACK_FEE_RECIPIENTS: readonly Address[] = [
  address("5YxQFdt3Tr9zJLvkFccqXVUwhdTWJQc1fFg2YPbxvxeD"),
  address("9M4giFFMxmFGXtc3feFzRai56WbBqehoSeRE5GK7gf7"),
  address("GXPFM2caqTtQYC2cJ5yJRi9VDkpsYZXzYdwYpGnLmtDL"),
  address("3BpXnfJaUTiwXnJNe7Ej1rcbzqTTQUvLShZaWazebsVR"),
  address("5cjcW9wExnJJiqgLjq7DEG75Pm6JBgE1hNv4B2vHXUW6"),
  address("EHAAiTxcdDwQ3U4bU6YcMsQGaekdzLS3B5SmYo46kJtL"),
  address("5eHhjP8JaYkz83CWwvGU2uMUXefd3AazWGx4gpcuEEYD"),
  address("A7hAgCzFw14fejgCp387JUJRMNyz4j89JKnhtKU8piqW"),
];

/**
 * Anchor's EVENT_IX_TAG_LE, which opens every self-CPI event instruction: the u64
 * 0x1d9acb512ea545e4 (the first 8 bytes of sha256("anchor:event") read big-endian) written
 * little-endian.
 */
export const ANCHOR_EVENT_IX_TAG = new Uint8Array([0xe4, 0x45, 0xa5, 0x2e, 0x51, 0xcb, 0x9a, 0x1d]);
