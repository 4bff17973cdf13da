/**
 * The live engine's Prometheus catalog (one registry, `ferrix_` prefix, base units, `_total`
 * counters, histograms for latencies, no per-mint labels) and the HTTP server for /metrics and
 * /health. Served with Bun.serve on 127.0.0.1:9000 by default.
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";

const LATENCY_BUCKETS_S = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export function createMetrics(opts: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  const r = [registry];
  // prom-client's collectDefaultMetrics prints "Nan" for the event-loop lag under Bun, which is
  // not valid exposition text; these few process figures are collected directly instead.
  if (opts.defaultMetrics !== false) {
    const startS = Math.floor(Date.now() / 1000 - process.uptime());
    new Gauge({ name: "ferrix_process_resident_memory_bytes", help: "Resident memory", registers: r, collect() { this.set(process.memoryUsage().rss); } });
    new Gauge({ name: "ferrix_process_heap_used_bytes", help: "JavaScript heap in use", registers: r, collect() { this.set(process.memoryUsage().heapUsed); } });
    new Counter({ name: "ferrix_process_cpu_seconds_total", help: "User and system CPU time", registers: r, collect() { const u = process.cpuUsage(); this.reset(); this.inc((u.user + u.system) / 1e6); } });
    new Gauge({ name: "ferrix_process_start_time_seconds", help: "Process start, Unix seconds", registers: r, collect() { this.set(startS); } });
  }
  return {
    registry,
    grpcMessages: new Counter({ name: "ferrix_grpc_messages_total", help: "Yellowstone updates received, by kind", labelNames: ["kind"] as const, registers: r }),
    grpcReconnects: new Counter({ name: "ferrix_grpc_reconnects_total", help: "Yellowstone stream reconnects", labelNames: ["cause"] as const, registers: r }),
    grpcStalls: new Counter({ name: "ferrix_grpc_stalls_total", help: "Streams dropped by the stall watchdog", registers: r }),
    grpcDuplicates: new Counter({ name: "ferrix_grpc_duplicate_transactions_total", help: "Transactions dropped as already seen (by signature)", registers: r }),
    decodeErrors: new Counter({ name: "ferrix_decode_errors_total", help: "Instructions or events that failed to decode", labelNames: ["what"] as const, registers: r }),
    migrations: new Counter({ name: "ferrix_migrations_detected_total", help: "Pump.fun to PumpSwap migrations detected", registers: r }),
    telemetryLines: new Counter({ name: "ferrix_telemetry_lines_total", help: "telemetry.jsonl lines written, by type", labelNames: ["type"] as const, registers: r }),
    checks: new Counter({ name: "ferrix_checks_total", help: "Token safety analyses, by verdict", labelNames: ["verdict"] as const, registers: r }),
    checkDuration: new Histogram({ name: "ferrix_check_duration_seconds", help: "Time to analyse one token", buckets: LATENCY_BUCKETS_S, registers: r }),
    ingestLatency: new Histogram({ name: "ferrix_ingest_latency_seconds", help: "From gRPC receipt to a pipeline stage", labelNames: ["stage"] as const, buckets: LATENCY_BUCKETS_S, registers: r }),
    openPositions: new Gauge({ name: "ferrix_open_positions", help: "Positions currently open", registers: r }),
    observers: new Gauge({ name: "ferrix_observers", help: "Entry observers currently watching a pool", registers: r }),
    activeTelemetry: new Gauge({ name: "ferrix_active_telemetry", help: "Pools currently recorded at 1 Hz", registers: r }),
    trades: new Counter({ name: "ferrix_trades_total", help: "Buy and sell executions, by side and result", labelNames: ["side", "result"] as const, registers: r }),
    executionLatency: new Histogram({ name: "ferrix_execution_latency_seconds", help: "From decision to confirmed transaction", labelNames: ["side"] as const, buckets: LATENCY_BUCKETS_S, registers: r }),
    realisedPnl: new Gauge({ name: "ferrix_realised_pnl_lamports", help: "Realised PnL since the database was created", registers: r }),
    breakerTier: new Gauge({ name: "ferrix_circuit_breaker_tier", help: "Circuit breaker tier: 0 normal, 1 warning, 2 critical, 3 emergency", registers: r }),
    breakerTransitions: new Counter({ name: "ferrix_circuit_breaker_transitions_total", help: "Circuit breaker tier changes, by new tier", labelNames: ["to"] as const, registers: r }),
    decisions: new Counter({ name: "ferrix_decisions_total", help: "Strategy decisions, by kind and reason", labelNames: ["kind", "reason"] as const, registers: r }),
    checkFailures: new Counter({ name: "ferrix_check_failures_total", help: "Failed token checks, by check and reason code", labelNames: ["check", "reason"] as const, registers: r }),
    checkCache: new Counter({ name: "ferrix_check_cache_lookups_total", help: "sniper_cache lookups by the checker, by result (hit or miss)", labelNames: ["result"] as const, registers: r }),
    verifiedSignals: new Counter({ name: "ferrix_verified_signals_total", help: "Migrations handed to the trading stage, by whether checks ran", labelNames: ["checks"] as const, registers: r }),
    knownWallets: new Gauge({ name: "ferrix_known_wallets", help: "Wallets in the loaded known_wallets.json", registers: r }),
    knownWalletsReloads: new Counter({ name: "ferrix_known_wallets_reloads_total", help: "known_wallets.json reloads, by result (ok or rejected)", labelNames: ["result"] as const, registers: r }),
    statusWrites: new Counter({ name: "ferrix_status_file_writes_total", help: "Status file writes, by result (ok or error)", labelNames: ["result"] as const, registers: r }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

export interface MetricsServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Serve /metrics (Prometheus text) and /health (JSON from `health()`, 503 when not ok). */
export function serveMetrics(metrics: Metrics, opts: { hostname?: string; port?: number; health?: () => { ok: boolean; [k: string]: unknown } } = {}): MetricsServer {
  const server = Bun.serve({
    hostname: opts.hostname ?? "127.0.0.1",
    port: opts.port ?? 9000,
    async fetch(req) {
      const path = new URL(req.url).pathname;
      if (path === "/metrics") {
        return new Response(await metrics.registry.metrics(), { headers: { "content-type": metrics.registry.contentType } });
      }
      if (path === "/health" || path === "/healthz") {
        const h = opts.health ? opts.health() : { ok: true };
        return Response.json(h, { status: h.ok ? 200 : 503 });
      }
      return new Response("not found\n", { status: 404 });
    },
  });
  return {
    url: `http://${server.hostname}:${server.port}`,
    port: server.port!,
    stop: async () => void (await server.stop(true)),
  };
}
