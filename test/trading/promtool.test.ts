/**
 * The /metrics exposition (the engine catalog plus the trading series, populated by a paper run over
 * a devchain market and a live-style latency sample) passes `promtool check metrics` from Debian's
 * `prometheus` package. promtool is installed with apt when missing; the test is skipped, saying
 * so, only when that is impossible.
 */
import { expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMetrics, serveMetrics } from "../../lib/metrics/index.ts";
import { defaultParams, defaultVector, vectorFromParams } from "../../lib/params/schema.ts";
import { idealExecution } from "../../lib/sim/fixtures_params.ts";
import { openTradesDb } from "../../lib/store/index.ts";
import { compileParams } from "../../lib/strategy/index.ts";
import { createTradingStages } from "../../lib/trading/index.ts";
import { marketFeed, until } from "./helpers.ts";

function findPromtool(): string | null {
  const have = Bun.which("promtool");
  if (have) return have;
  const run = (cmd: string[]) => Bun.spawnSync(cmd, { stdout: "ignore", stderr: "ignore", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } }).exitCode === 0;
  if (Bun.which("apt-get")) {
    if (!run(["apt-get", "install", "-y", "--no-install-recommends", "prometheus"])) run(["apt-get", "update"]) && run(["apt-get", "install", "-y", "--no-install-recommends", "prometheus"]);
  }
  return Bun.which("promtool");
}

const promtool = findPromtool();
if (!promtool) console.warn("promtool check metrics: SKIPPED — promtool is not installed and `apt-get install prometheus` failed (no root or no package source)");

function check(text: string): { code: number; out: string } {
  const p = Bun.spawnSync([promtool!, "check", "metrics"], { stdin: Buffer.from(text), stdout: "pipe", stderr: "pipe" });
  return { code: p.exitCode ?? -1, out: p.stdout.toString() + p.stderr.toString() };
}

test.skipIf(!promtool)("promtool check metrics passes on the served exposition", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ferrix-promtool-"));
  const metrics = createMetrics();
  const db = openTradesDb(join(dir, "trades.db"));
  try {
    const { events } = await marketFeed({ seed: 11, seconds: 300, migrationsPerDay: 3000, trackSeconds: 300, idleStopSeconds: 120 });
    const vec = vectorFromParams({ ...defaultParams(), minNetFlowSol: -20, minBuyers: 0, minRvr: 0, maxCreatorSellSol: 50, minPriceChange: -0.9, maxPriceChange: 10, maxPositions: 50 }, defaultVector());
    const stages = await createTradingStages({ mode: "paper", entryMode: "observer", params: compileParams(vec), execution: idealExecution(), db, metrics, quietFeedMs: null });
    await stages.start();
    for (const ev of events) {
      stages.onMarket(ev);
      if (ev.type === "migration") stages.onSignal({ event: { ...ev }, checksSkipped: true });
    }
    stages.advanceTime(events.at(-1)!.ts + 3_600_000);
    await until(() => stages.status().open_positions === 0, 10_000, "positions to close");
    stages.metrics!.buyPathLatency.observe({ mode: "live" }, 0.0004);
    stages.metrics!.sellAttempts.inc({ result: "slippage" });
    stages.resetCircuitBreaker("promtool test");
    await stages.stop();
    const srv = serveMetrics(metrics, { port: 0 });
    try {
      const text = await (await fetch(`${srv.url}/metrics`)).text();
      expect(text).toContain("ferrix_closed_trades_total");
      expect(text).toContain("ferrix_persistence_commit_seconds_bucket");
      expect(text).toContain('ferrix_decisions_total{kind="entry"');
      const res = check(text);
      if (res.code !== 0) throw new Error(`promtool check metrics failed:\n${res.out}`);
      expect(res.out.trim()).toBe("");
    } finally {
      await srv.stop();
    }
    // The check is real: a counter without _total and a sample without TYPE fail it.
    expect(check("# HELP bad_counter x\n# TYPE bad_counter counter\nbad_counter 1\n").code).not.toBe(0);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

test("the Grafana dashboard only charts series the engine exports, in PromQL promtool accepts", async () => {
  const dash = JSON.parse(await Bun.file(join(import.meta.dir, "../../data/grafana/ferrix.json")).text()) as { panels: { type: string; title: string; gridPos: unknown; targets?: { expr: string }[] }[] };
  const exprs = dash.panels.flatMap((p) => p.targets?.map((t) => t.expr) ?? []);
  expect(exprs.length).toBeGreaterThan(30);
  for (const p of dash.panels) expect(p.gridPos).toBeDefined();
  const { createTradingMetrics } = await import("../../lib/trading/metrics.ts");
  const m = createMetrics();
  createTradingMetrics(m);
  const exported = new Set((await m.registry.getMetricsAsJSON()).map((x) => x.name));
  const used = new Set(exprs.flatMap((e) => e.match(/ferrix_[a-z0-9_]+/g) ?? []).map((n) => n.replace(/_(bucket|sum|count)$/, "")));
  for (const n of used) if (!exported.has(n)) throw new Error(`dashboard charts ${n}, which the engine does not export`);
  if (!promtool) return;
  const dir = mkdtempSync(join(tmpdir(), "ferrix-rules-"));
  try {
    const rules = ["groups:", "  - name: ferrix_dashboard", "    rules:", ...exprs.map((e, i) => `      - record: ferrix:dashboard_${i}\n        expr: ${JSON.stringify(e.replaceAll("$__rate_interval", "5m"))}`)].join("\n") + "\n";
    const file = join(dir, "rules.yml");
    await Bun.write(file, rules);
    const p = Bun.spawnSync([promtool, "check", "rules", file], { stdout: "pipe", stderr: "pipe" });
    if (p.exitCode !== 0) throw new Error(`promtool check rules failed:\n${p.stdout}${p.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
