import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AnchorCodecs } from "./anchor.ts";
import { toHex, type Idl } from "./borsh.ts";
import { ANCHOR_EVENT_IX_TAG } from "./constants.ts";
import { PUMPFUN_IDL, pumpFunCodecs } from "./pumpfun.ts";
import { PUMPSWAP_IDL, pumpSwapCodecs } from "./pumpswap.ts";

const root = join(import.meta.dir, "..", "..");

function anchorDiscriminator(preimage: string): string {
  return createHash("sha256").update(preimage).digest("hex").slice(0, 16);
}

describe("IDL copies", () => {
  test.each([
    ["data/idl/pump_amm.json", "node_modules/@pump-fun/pump-swap-sdk/src/idl/pump_amm.json"],
    ["data/idl/pump.json", "node_modules/@pump-fun/pump-sdk/src/idl/pump.json"],
  ])("%s is byte-equal to the SDK's %s", (ours, theirs) => {
    const a = readFileSync(join(root, ours));
    const b = readFileSync(join(root, theirs));
    expect(a.length).toBe(b.length);
    expect(a.equals(b)).toBe(true);
  });

  test("program addresses", () => {
    expect(PUMPSWAP_IDL.address).toBe("pAMMBay6oceH9fJKBRHGP5D4bD4sWpmSwMn52FMfXEA");
    expect(PUMPFUN_IDL.address).toBe("6EF8rrecthR5Dkzon8Nwu78hRvfCKubJ14M5uBEwF6P");
  });
});

describe("discriminators", () => {
  // Hex values from shared/reference/solana_facts.md.
  const facts: [string, string][] = [
    [toHex(pumpSwapCodecs.buy.discriminator), "66063d1201daebea"],
    [toHex(pumpSwapCodecs.sell.discriminator), "33e685a4017f83ad"],
    [toHex(pumpSwapCodecs.buyExactQuoteIn.discriminator), "c62e1552b4d9e870"],
    [toHex(pumpSwapCodecs.createPool.discriminator), "e992d18ecf6840bc"],
    [toHex(pumpSwapCodecs.pool.discriminator), "f19a6d0411b16dbc"],
    [toHex(pumpSwapCodecs.globalConfig.discriminator), "95089ccaa0fcb0d9"],
    [toHex(pumpSwapCodecs.buyEvent.discriminator), "67f4521f2cf57777"],
    [toHex(pumpSwapCodecs.sellEvent.discriminator), "3e2f370aa503dc2a"],
    [toHex(pumpSwapCodecs.createPoolEvent.discriminator), "b1310cd2a076a774"],
    [toHex(pumpFunCodecs.migrate.discriminator), "9beae792ec9ea21e"],
    [toHex(pumpFunCodecs.bondingCurve.discriminator), "17b7f83760d8ac60"],
    [toHex(pumpFunCodecs.completeEvent.discriminator), "5f72619cd42e9808"],
    [toHex(pumpFunCodecs.completePumpAmmMigrationEvent.discriminator), "bde95db95c94ea94"],
    [toHex(pumpFunCodecs.tradeEvent.discriminator), "bddb7fd34ee661ee"],
  ];
  test.each(facts)("%s matches solana_facts.md (%s)", (ours, expected) => {
    expect(ours).toBe(expected);
  });

  function checkAll(idl: Idl) {
    for (const ix of idl.instructions) expect([ix.name, toHex(Uint8Array.from(ix.discriminator))]).toEqual([ix.name, anchorDiscriminator(`global:${ix.name}`)]);
    for (const a of idl.accounts ?? []) expect([a.name, toHex(Uint8Array.from(a.discriminator))]).toEqual([a.name, anchorDiscriminator(`account:${a.name}`)]);
    for (const e of idl.events ?? []) expect([e.name, toHex(Uint8Array.from(e.discriminator))]).toEqual([e.name, anchorDiscriminator(`event:${e.name}`)]);
  }

  test("every IDL discriminator is Anchor's sha256 prefix (PumpSwap)", () => checkAll(PUMPSWAP_IDL));
  test("every IDL discriminator is Anchor's sha256 prefix (Pump.fun)", () => checkAll(PUMPFUN_IDL));

  test("Anchor event-CPI tag is sha256('anchor:event')[..8] as a u64, little-endian", () => {
    expect(toHex(ANCHOR_EVENT_IX_TAG.slice().reverse())).toBe(anchorDiscriminator("anchor:event"));
    expect(toHex(ANCHOR_EVENT_IX_TAG)).toBe("e445a52e51cb9a1d");
  });
});

describe("every IDL construct compiles and round-trips its zero value", () => {
  for (const idl of [PUMPSWAP_IDL, PUMPFUN_IDL]) {
    test(`${idl.metadata.name}: all instructions, accounts and events`, () => {
      for (const codecs of [new AnchorCodecs(idl), new AnchorCodecs(idl, { integers: "number", keys: "camel", trailing: "zero" })]) {
        const all = [
          ...idl.instructions.map((i) => codecs.instruction(i.name)),
          ...(idl.accounts ?? []).map((a) => codecs.account(a.name)),
          ...(idl.events ?? []).map((e) => codecs.event(e.name)),
        ];
        for (const codec of all) {
          const zero = codec.body.zero();
          const bytes = codec.encode(zero);
          expect(codec.decode(bytes)).toEqual(zero);
          if (codec.body.fixedSize !== null) expect(bytes.length).toBe(8 + codec.body.fixedSize);
        }
      }
    });
  }
});
