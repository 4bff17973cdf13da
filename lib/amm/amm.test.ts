import { describe, expect, test } from "bun:test";
import { feeOf, quoteBuyExactBase, quoteBuyExactQuote, quoteSell, spotPriceSol } from "./index";

// A freshly migrated pool: 206.9M tokens (6 decimals) against ~84.99 SOL.
const pool = { baseReserve: 206_900_000_000_000, quoteReserve: 84_990_000_000 };
const fees = { lpFeeBps: 20, protocolFeeBps: 5, creatorFeeBps: 5 };

describe("PumpSwap AMM math", () => {
  test("fees round up", () => {
    expect(feeOf(1, 20)).toBe(1);
    expect(feeOf(10_000, 20)).toBe(20);
    expect(feeOf(10_001, 20)).toBe(21);
    expect(feeOf(123, 0)).toBe(0);
  });

  test("buy exactly 1,000,000 tokens: hand-computed lamports", () => {
    const q = quoteBuyExactBase(pool, 1_000_000_000_000, fees)!;
    // ceil(84_990_000_000 · 1e12 / (206.9e12 − 1e12)) = ceil(412_773_190.8693...) 
    expect(q.quoteIn).toBe(412_773_191);
    expect(q.lpFee).toBe(825_547); // ceil(412_773_191 · 20 / 10_000) = ceil(825_546.382)
    expect(q.protocolFee).toBe(206_387); // ceil(206_386.5955)
    expect(q.creatorFee).toBe(206_387);
    expect(q.totalQuoteIn).toBe(412_773_191 + 825_547 + 206_387 + 206_387);
    expect(q.after).toEqual({ baseReserve: 205_900_000_000_000, quoteReserve: 84_990_000_000 + 412_773_191 + 825_547 });
  });

  test("sell 1,000,000 tokens: hand-computed lamports", () => {
    const s = quoteSell(pool, 1_000_000_000_000, fees)!;
    // floor(84_990_000_000 · 1e12 / 207.9e12) = floor(408_802_308.8023...)
    expect(s.quoteOut).toBe(408_802_308);
    expect(s.lpFee).toBe(817_605); // ceil(817_604.616)
    expect(s.protocolFee).toBe(204_402); // ceil(204_401.154)
    expect(s.netQuoteOut).toBe(408_802_308 - 817_605 - 2 * 204_402);
    expect(s.after.quoteReserve).toBe(84_990_000_000 - 408_802_308 + 817_605);
  });

  test("spend-exact buy never exceeds the budget and uses nearly all of it", () => {
    for (const spend of [1, 1_000, 100_000_000, 1_000_000_000, 5_000_000_000]) {
      const q = quoteBuyExactQuote(pool, spend, fees);
      if (!q) {
        expect(spend).toBeLessThan(1_000);
        continue;
      }
      expect(q.totalQuoteIn).toBeLessThanOrEqual(spend);
      expect(spend - q.totalQuoteIn).toBeLessThanOrEqual(4);
    }
  });

  test("a round trip loses the fees plus impact, never gains", () => {
    const b = quoteBuyExactQuote(pool, 1_000_000_000, fees)!;
    const s = quoteSell(b.after, b.baseOut, fees)!;
    expect(s.netQuoteOut).toBeLessThan(1_000_000_000);
    expect(s.netQuoteOut).toBeGreaterThan(1_000_000_000 * (1 - 0.0065));
  });

  test("constant product never decreases across swaps", () => {
    const k0 = pool.baseReserve * pool.quoteReserve;
    const b = quoteBuyExactBase(pool, 5e12, fees)!;
    expect(b.after.baseReserve * b.after.quoteReserve).toBeGreaterThanOrEqual(k0);
    const s = quoteSell(pool, 5e12, fees)!;
    expect(s.after.baseReserve * s.after.quoteReserve).toBeGreaterThanOrEqual(k0);
  });

  test("impossible trades are refused", () => {
    expect(quoteBuyExactBase(pool, pool.baseReserve, fees)).toBeNull();
    expect(quoteBuyExactBase(pool, 0, fees)).toBeNull();
    expect(quoteSell(pool, 0, fees)).toBeNull();
  });

  test("spot price in SOL per token", () => {
    expect(spotPriceSol(pool)).toBeCloseTo(84.99 / 206_900_000, 15);
  });
});
