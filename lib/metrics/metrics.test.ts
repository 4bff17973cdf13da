import { expect, test } from "bun:test";
import { createMetrics, serveMetrics } from "./index";

/** A small parser for the Prometheus text exposition format (0.0.4), strict enough to catch breakage. */
function parseExposition(text: string) {
  const samples = new Map<string, number>();
  const types = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (!line) continue;
    const t = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (t) { types.set(t[1]!, t[2]!); continue; }
    if (line.startsWith("# HELP ")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/.exec(line);
    if (!m) throw new Error(`bad exposition line: ${line}`);
    samples.set(m[1]! + (m[2] ?? ""), Number(m[3]));
  }
  return { samples, types };
}

test("metrics are served on 127.0.0.1 in valid Prometheus text with the ferrix_ catalog", async () => {
  const m = createMetrics();
  m.migrations.inc();
  m.trades.inc({ side: "buy", result: "confirmed" });
  m.ingestLatency.observe({ stage: "migration_event" }, 0.0004);
  m.breakerTier.set(2);
  const srv = serveMetrics(m, { port: 0, health: () => ({ ok: false, reason: "stream down" }) });
  try {
    const res = await fetch(`${srv.url}/metrics`);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const { samples, types } = parseExposition(await res.text());
    expect(samples.get("ferrix_migrations_detected_total")).toBe(1);
    expect(samples.get('ferrix_trades_total{side="buy",result="confirmed"}')).toBe(1);
    expect(samples.get('ferrix_ingest_latency_seconds_bucket{le="0.0005",stage="migration_event"}')).toBe(1);
    expect(samples.get("ferrix_circuit_breaker_tier")).toBe(2);
    expect(types.get("ferrix_ingest_latency_seconds")).toBe("histogram");
    for (const [name, type] of types) {
      expect(name.startsWith("ferrix_")).toBe(true);
      if (type === "counter") expect(name.endsWith("_total")).toBe(true);
    }
    const health = await fetch(`${srv.url}/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ ok: false, reason: "stream down" });
    expect((await fetch(`${srv.url}/nope`)).status).toBe(404);
  } finally {
    await srv.stop();
  }
});
