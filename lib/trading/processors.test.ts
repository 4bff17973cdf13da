import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import type { Address } from "@solana/kit";
import type { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock } from "../ingest/clock.ts";
import { createMetrics } from "../metrics/index.ts";
import { RiskTier } from "../risk/index.ts";
import { openTradesDb } from "../store/index.ts";
import { MemoryDecisions } from "./decisions.ts";
import type { Executor, SellAttempt } from "./executor.ts";
import { createTradingMetrics } from "./metrics.ts";
import { loadTradingState, PersistenceQueue } from "./persistence.ts";
import { SellOrderProcessor, TradeSignalProcessor } from "./processors.ts";
import { RiskGate } from "./risk.ts";
import type { BuyIntent, ExecResult, PositionCommand, SellOrder } from "./types.ts";

let dir: string;
let db: Database;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "ferrix-proc-"));
  db = openTradesDb(join(dir, "trades.db"));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const flush = () => new Promise((r) => setTimeout(r, 0));

function intent(id: string, spend = 100_000_000): BuyIntent {
  return {
    positionId: id,
    mint: `Mint${id}` as Address,
    pool: `Pool${id}` as Address,
    creator: "Creator" as Address,
    t0: 0,
    decisionRow: 3,
    decisionTs: 4000,
    reserves: { baseReserve: 206_900_000_000_000, quoteReserve: 84_990_000_000 },
    fees: { lpFeeBps: 20, protocolFeeBps: 5, creatorFeeBps: 5 },
    baseDecimals: 6,
    spendLamports: spend,
    slippageBps: 500,
    reason: "observer_enter",
  };
}

class FakeExecutor implements Executor {
  readonly mode = "paper" as const;
  spends: number[] = [];
  sells: SellAttempt[] = [];
  script: ExecResult[] = [];
  async buy(i: BuyIntent, spend: number): Promise<ExecResult> {
    this.spends.push(spend);
    return this.script.shift() ?? { ok: true, fill: { signature: null, slot: null, landedTs: i.decisionTs, tokens: spend * 2, lamports: spend, feesLamports: 5_000, rentLamports: 0, closeable: true } };
  }
  async sell(o: SellOrder, a: SellAttempt): Promise<ExecResult> {
    this.sells.push(a);
    return this.script.shift() ?? { ok: true, fill: { signature: null, slot: null, landedTs: o.decisionTs, tokens: o.tokens, lamports: 1, feesLamports: 5_000, rentLamports: 0 } };
  }
  async freshReserves() {
    return { baseReserve: 1, quoteReserve: 1 };
  }
  async refreshPool() {
    return true;
  }
}

function rig(restoredDb?: Database) {
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
  const metrics = createTradingMetrics(createMetrics({ defaultMetrics: false }));
  const persist = new PersistenceQueue(restoredDb ?? db, { metrics });
  const decisions = new MemoryDecisions();
  const state = loadTradingState(restoredDb ?? db);
  const risk = new RiskGate({ config: { drawdownSol: [1, 2, 4], dailyLossCapSol: 100, consecutiveFailures: [3, 5, 10], errorRate: [0.9, 0.95], errorWindow: 20, errorRateMinSamples: 20, cooldownMs: 600_000 }, restored: state.breaker, nowMs: () => clock.nowMs(), persist, metrics, decisions });
  const exec = new FakeExecutor();
  const commands: PositionCommand[] = [];
  const deps = { executor: exec, risk, command: (c: PositionCommand) => commands.push(c), persist, mode: "paper" as const, paramsHash: "h", nowMs: () => clock.nowMs(), monoMs: () => clock.monoMs(), metrics };
  return { clock, metrics, persist, decisions, risk, exec, commands, proc: new TradeSignalProcessor(deps), sells: new SellOrderProcessor(deps, { maxRetries: 2, widenFactor: 2, maxSlippageBps: 1500, maxCreatorRefreshes: 1, unboundedLastResort: true }) };
}

describe("the circuit breaker as the trade signal processor's final gate", () => {
  test("Normal 1×, Warning 0.5×, Critical no entries, Emergency halt (no cooldown relief), manual reset; every change in circuit_breaker_events", async () => {
    const r = rig();
    const buy = async (id: string) => {
      r.proc.submit(intent(id));
      await flush();
      return r.commands.at(-1)!;
    };
    expect((await buy("a")).kind).toBe("buy_confirmed");
    expect(r.exec.spends).toEqual([100_000_000]);

    r.risk.recordTradePnl(-1.2e9); // drawdown 1.2 SOL → Warning
    expect(r.risk.tier).toBe(RiskTier.Warning);
    const c = await buy("b");
    expect(c).toMatchObject({ kind: "buy_confirmed", sizeMultiplier: 0.5, spendLamports: 50_000_000 });
    expect(r.exec.spends.at(-1)).toBe(50_000_000);

    r.risk.recordTradePnl(-1e9); // 2.2 → Critical: exits still run, no new entries
    expect(await buy("c")).toEqual({ kind: "buy_rejected", positionId: "c", reason: "circuit_breaker_critical", tier: "critical" });
    r.sells.submit({ ...intent("a"), tokens: 10, closeBaseAccount: false, reason: "max_hold", phase: "chaos" } as unknown as SellOrder);
    await flush();
    expect(r.commands.at(-1)!.kind).toBe("sell_confirmed");

    r.risk.recordTradePnl(-2e9); // 4.2 → Emergency
    expect(await buy("d")).toMatchObject({ kind: "buy_rejected", reason: "circuit_breaker_emergency" });
    r.clock.advance(6 * 3_600_000);
    r.risk.tick();
    expect(r.risk.tier).toBe(RiskTier.Emergency); // only a person clears it
    expect(r.exec.spends.length).toBe(2);

    r.risk.manualReset("test operator");
    expect(r.risk.tier).toBe(RiskTier.Normal);
    expect((await buy("e")).kind).toBe("buy_confirmed");
    expect(r.exec.spends.at(-1)).toBe(100_000_000);

    r.persist.flush();
    const events = db.query("SELECT from_tier, to_tier, reason FROM circuit_breaker_events ORDER BY id").all() as { from_tier: string; to_tier: string; reason: string }[];
    expect(events.map((e) => `${e.from_tier}→${e.to_tier}`)).toEqual(["normal→warning", "warning→critical", "critical→emergency", "emergency→normal"]);
    expect(events[3].reason).toBe("manual_reset by test operator");
    const text = await r.metrics.registry.metrics();
    expect(text).toContain("ferrix_circuit_breaker_tier 0");
    expect(text).toContain('ferrix_circuit_breaker_transitions_total{to="emergency"} 1');
    expect(r.decisions.records.filter((d) => d.type === "circuit_breaker").length).toBe(4);
    // Rejected buys never reached trades.db; accepted ones are recorded as opening.
    const ids = (db.query("SELECT position_id FROM trades ORDER BY id").all() as { position_id: string }[]).map((x) => x.position_id);
    expect(ids).toEqual(["a", "b", "e"]);
  });

  test("consecutive execution failures raise the tier; the tier survives a restart (Emergency included)", async () => {
    const r = rig();
    r.exec.script = [1, 2, 3].map(() => ({ ok: false as const, failure: { kind: "send" as const, code: null, message: "x", landed: false, feesLamports: 0, signature: null } }));
    for (const id of ["f1", "f2", "f3"]) {
      r.proc.submit(intent(id));
      await flush();
    }
    expect(r.risk.tier).toBe(RiskTier.Warning);
    r.risk.recordTradePnl(-5e9);
    expect(r.risk.tier).toBe(RiskTier.Emergency);
    r.persist.flush();
    const again = rig();
    expect(again.risk.tier).toBe(RiskTier.Emergency);
    again.proc.submit(intent("g"));
    await flush();
    expect(again.commands.at(-1)).toMatchObject({ kind: "buy_rejected", tier: "emergency" });
  });
});

describe("sell retries", () => {
  test("slippage widens within the cap; after maxRetries failures one unbounded last resort (the simulator's rule); fees of failed attempts are reported", async () => {
    const r = rig();
    const slip = { ok: false as const, failure: { kind: "slippage" as const, code: 6004, message: "x", landed: true, feesLamports: 7_000, signature: "s" } };
    r.exec.script = [slip, slip];
    r.sells.submit({ ...intent("s"), tokens: 10, closeBaseAccount: false, reason: "trailing_stop", phase: "trending" } as unknown as SellOrder);
    await flush();
    await flush();
    expect(r.exec.sells.map((a) => [a.slippageBps, a.unbounded])).toEqual([
      [500, false],
      [1000, false],
      [1500, true],
    ]);
    expect(r.commands.at(-1)).toMatchObject({ kind: "sell_confirmed", attempts: 3, failedFeesLamports: 14_000 });
  });

  test("a creator-vault failure refreshes the pool and retries without widening", async () => {
    const r = rig();
    let refreshed = 0;
    r.exec.refreshPool = async () => (refreshed++, true);
    r.exec.script = [{ ok: false, failure: { kind: "creator_vault", code: 2006, message: "seeds", landed: false, feesLamports: 0, signature: null } }];
    r.sells.submit({ ...intent("v"), tokens: 10, closeBaseAccount: false, reason: "churn", phase: "mature" } as unknown as SellOrder);
    await flush();
    await flush();
    expect(refreshed).toBe(1);
    expect(r.exec.sells.map((a) => a.slippageBps)).toEqual([500, 500]);
    expect(r.commands.at(-1)!.kind).toBe("sell_confirmed");
  });
});
