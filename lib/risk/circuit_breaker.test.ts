import { describe, expect, test } from "bun:test";
import { CircuitBreaker, DEFAULT_CIRCUIT_BREAKER, RiskTier } from "./index";

const MIN = 60_000;
const cfg = { ...DEFAULT_CIRCUIT_BREAKER, cooldownMs: 10 * MIN };
const T0 = Date.UTC(2026, 0, 5, 12);

describe("circuit breaker tiers", () => {
  test("drawdown walks Normal → Warning → Critical → Emergency with sizes 1, 0.5, 0, 0", () => {
    const cb = new CircuitBreaker(cfg, T0);
    expect([cb.tier, cb.sizeMultiplier, cb.allowsEntries]).toEqual([RiskTier.Normal, 1, true]);
    cb.recordTradePnl(0.5, T0);
    expect(cb.recordTradePnl(-1.2, T0 + 1)).toMatchObject({ from: RiskTier.Normal, to: RiskTier.Warning });
    expect([cb.sizeMultiplier, cb.allowsEntries]).toEqual([0.5, true]);
    expect(cb.recordTradePnl(-0.9, T0 + 2)?.to).toBe(RiskTier.Critical);
    expect([cb.sizeMultiplier, cb.allowsEntries]).toEqual([0, false]);
    expect(cb.recordTradePnl(-2.0, T0 + 3)?.to).toBe(RiskTier.Emergency);
  });

  test("daily loss cap stops entries; the next UTC day starts a new budget", () => {
    const cb = new CircuitBreaker({ ...cfg, drawdownSol: [100, 200, 300] }, T0);
    cb.recordTradePnl(-2.9, T0);
    expect(cb.tier).toBe(RiskTier.Normal);
    const ev = cb.recordTradePnl(-0.2, T0 + 1)!;
    expect(ev.to).toBe(RiskTier.Critical);
    expect(ev.reason).toContain("daily loss");
    // Next day the loss budget resets; relief comes one tier per cooldown.
    const nextDay = Date.UTC(2026, 0, 6, 0, 1);
    expect(cb.tick(nextDay)?.to).toBe(RiskTier.Warning);
    expect(cb.tick(nextDay + 5 * MIN)).toBeNull();
    expect(cb.tick(nextDay + 10 * MIN)?.to).toBe(RiskTier.Normal);
  });

  test("1.5× the daily cap halts", () => {
    const cb = new CircuitBreaker({ ...cfg, drawdownSol: [100, 200, 300] }, T0);
    expect(cb.recordTradePnl(-4.6, T0)?.to).toBe(RiskTier.Emergency);
  });

  test("consecutive failures escalate; a success resets the streak but relief waits for the cooldown", () => {
    const cb = new CircuitBreaker({ ...cfg, errorRateMinSamples: 1000 }, T0);
    for (let i = 0; i < 2; i++) expect(cb.recordExecution(false, T0 + i)).toBeNull();
    expect(cb.recordExecution(false, T0 + 3)?.to).toBe(RiskTier.Warning);
    cb.recordExecution(false, T0 + 4);
    expect(cb.recordExecution(false, T0 + 5)?.to).toBe(RiskTier.Critical);
    expect(cb.recordExecution(true, T0 + 6)).toBeNull();
    expect(cb.tier).toBe(RiskTier.Critical);
    expect(cb.tick(T0 + 5 + 10 * MIN)?.to).toBe(RiskTier.Warning);
  });

  test("error rate over the window", () => {
    const cb = new CircuitBreaker({ ...cfg, consecutiveFailures: [99, 99, 99] }, T0);
    let last = null;
    for (let i = 0; i < 10; i++) last = cb.recordExecution(i % 3 === 0, T0 + i) ?? last; // 6 of 10 fail
    expect(cb.tier).toBe(RiskTier.Critical);
    expect(last?.reason).toContain("error rate");
  });

  test("Emergency never cools down by itself; manual reset returns to Normal", () => {
    const cb = new CircuitBreaker(cfg, T0);
    cb.recordTradePnl(-5, T0);
    expect(cb.tier).toBe(RiskTier.Emergency);
    expect(cb.tick(T0 + 24 * 60 * MIN)).toBeNull();
    const ev = cb.manualReset(T0 + 25 * 60 * MIN, "alice")!;
    expect(ev).toMatchObject({ from: RiskTier.Emergency, to: RiskTier.Normal });
    expect(ev.reason).toContain("alice");
    expect(cb.allowsEntries).toBe(true);
  });

  test("snapshot round trip keeps the state", () => {
    const cb = new CircuitBreaker(cfg, T0);
    cb.recordTradePnl(-1.5, T0);
    cb.recordExecution(false, T0);
    const copy = new CircuitBreaker(cfg, 0, cb.snapshot());
    expect(copy.tier).toBe(cb.tier);
    expect(copy.figures(T0)).toEqual(cb.figures(T0));
  });
});
