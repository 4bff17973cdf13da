/**
 * The trading stages' metrics: the engine catalog's position / trade / breaker / decision series
 * (lib/metrics) plus the ones below, registered on the same registry (one /metrics exposition).
 * Names follow the catalog's rules: ferrix_ prefix, base units, _total counters, histograms for
 * latencies, no per-mint or per-signature labels. Registering twice on one registry reuses the
 * series (tests create several stages).
 */
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { Metrics } from "../metrics/index.ts";

const LATENCY_BUCKETS_S = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const COMMIT_BUCKETS_S = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5];

function reuse<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

export function createTradingMetrics(base: Metrics) {
  const registry = base.registry;
  const r = [registry];
  return {
    registry,
    openPositions: base.openPositions,
    observers: base.observers,
    trades: base.trades,
    executionLatency: base.executionLatency,
    realisedPnl: base.realisedPnl,
    breakerTier: base.breakerTier,
    breakerTransitions: base.breakerTransitions,
    decisions: base.decisions,
    buyPathLatency: reuse(registry, "ferrix_buy_path_latency_seconds", () => new Histogram({ name: "ferrix_buy_path_latency_seconds", help: "From gRPC receipt of a migration to the signed buy handed to the sender (live) or filled (paper)", labelNames: ["mode"] as const, buckets: LATENCY_BUCKETS_S, registers: r })),
    sellAttempts: reuse(registry, "ferrix_sell_attempts_total", () => new Counter({ name: "ferrix_sell_attempts_total", help: "Sell attempts, by outcome (ok, slippage, creator_vault, other)", labelNames: ["result"] as const, registers: r })),
    simulations: reuse(registry, "ferrix_simulations_total", () => new Counter({ name: "ferrix_simulations_total", help: "Simulate-gate results before sending (a failed simulation is never sent)", labelNames: ["side", "result"] as const, registers: r })),
    confirmations: reuse(registry, "ferrix_confirmations_total", () => new Counter({ name: "ferrix_confirmations_total", help: "Sent transactions by confirmation outcome (confirmed, failed, timeout)", labelNames: ["side", "result"] as const, registers: r })),
    persistenceQueue: reuse(registry, "ferrix_persistence_queue_depth", () => new Gauge({ name: "ferrix_persistence_queue_depth", help: "State changes waiting for the trades.db persistence task", registers: r })),
    persistenceCommits: reuse(registry, "ferrix_persistence_commits_total", () => new Counter({ name: "ferrix_persistence_commits_total", help: "trades.db transactions by the persistence task, by result", labelNames: ["result"] as const, registers: r })),
    persistenceCommitSeconds: reuse(registry, "ferrix_persistence_commit_seconds", () => new Histogram({ name: "ferrix_persistence_commit_seconds", help: "Time of one trades.db state-change transaction", buckets: COMMIT_BUCKETS_S, registers: r })),
    breakerSizeMultiplier: reuse(registry, "ferrix_circuit_breaker_size_multiplier", () => new Gauge({ name: "ferrix_circuit_breaker_size_multiplier", help: "Position size multiplier of the circuit breaker tier (1, 0.5, 0)", registers: r })),
    marketEvents: reuse(registry, "ferrix_trading_market_events_total", () => new Counter({ name: "ferrix_trading_market_events_total", help: "Flow and tick events reaching the position actor, by result (ok, duplicate, late, out_of_order, after_end, bad_pool)", labelNames: ["result"] as const, registers: r })),
    trackedPools: reuse(registry, "ferrix_tracked_pools", () => new Gauge({ name: "ferrix_tracked_pools", help: "Pools whose per-second bars the position actor builds", registers: r })),
    closedTrades: reuse(registry, "ferrix_closed_trades_total", () => new Counter({ name: "ferrix_closed_trades_total", help: "Closed positions, by outcome (win, loss)", labelNames: ["outcome"] as const, registers: r })),
    spentLamports: reuse(registry, "ferrix_entry_spend_lamports_total", () => new Counter({ name: "ferrix_entry_spend_lamports_total", help: "Lamports paid into pools by confirmed buys", registers: r })),
  };
}

export type TradingMetrics = ReturnType<typeof createTradingMetrics>;
