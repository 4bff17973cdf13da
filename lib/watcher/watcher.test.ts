import { describe, expect, test } from "bun:test";
import { getProgramDerivedAddress } from "@solana/kit";
import { PUMPFUN_PROGRAM_ADDRESS } from "../chain/constants.ts";
import { DEVCHAIN_FEE_CONFIG, DEVCHAIN_GLOBAL_CONFIG } from "../devchain/chain.ts";
import { feesFromConfig, PUMPFUN_MINT_AUTHORITY_ADDRESS } from "./index.ts";

describe("watcher config", () => {
  test("the Pump.fun mint-authority constant is the PDA ['mint-authority']", async () => {
    const [pda] = await getProgramDerivedAddress({ programAddress: PUMPFUN_PROGRAM_ADDRESS, seeds: ["mint-authority"] });
    expect(pda).toBe(PUMPFUN_MINT_AUTHORITY_ADDRESS);
  });

  test("canonical pools pay the FeeConfig market-cap tier, others GlobalConfig bps, no coin creator no creator fee", () => {
    const cfg = { feeConfig: DEVCHAIN_FEE_CONFIG, globalConfig: DEVCHAIN_GLOBAL_CONFIG };
    const fresh = { canonical: true, baseReserve: 206_900_000_000_000, quoteReserve: 84_990_359_055, supply: 1e15, coinCreator: "Creator1111111111111111111111111111111111111" };
    expect(feesFromConfig(cfg, fresh)).toEqual({ lpFeeBps: 2, protocolFeeBps: 93, creatorFeeBps: 30 });
    expect(feesFromConfig(cfg, { ...fresh, quoteReserve: 100_000_000_000 })).toEqual({ lpFeeBps: 20, protocolFeeBps: 5, creatorFeeBps: 95 });
    expect(feesFromConfig(cfg, { ...fresh, canonical: false })).toEqual({ lpFeeBps: 20, protocolFeeBps: 5, creatorFeeBps: 5 });
    expect(feesFromConfig(cfg, { ...fresh, coinCreator: "11111111111111111111111111111111" })?.creatorFeeBps).toBe(0);
    expect(feesFromConfig({ feeConfig: null, globalConfig: null }, fresh)).toBeNull();
  });
});
