/**
 * backtest_logic end to end on a small hand-made fold: table, --json, --trades -, .env_PROD knobs,
 * errors, and the HTML report rendered by headless Chromium.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { toJsonl } from "../dataset/index";
import { computeFoldFeatures } from "../features/index";
import { parseArgs } from "../cli/args";
import { serializeParamsFile, vectorFromParams } from "../params/index";
import { executionArgs, resolveExecutionModel } from "../sim/execution";
import { flat, makeFold, makeLifecycle, type LifecycleSpec } from "../sim/fixtures";
import { quietParams } from "../sim/fixtures_params";
import { executionModel, simulate, SimWorkspace, summaryToJSON } from "../sim/index";
import { compileNamed } from "../strategy/index";

const root = resolve(import.meta.dir, "../..");
const cli = join(root, "cmd/backtest_logic.ts");
const bun = process.execPath;

const t0 = 1_750_000_000_000;
const specs: LifecycleSpec[] = [
  { mult: [1, 1.1, 1.3, 1.5, 1.7, 1.6, 1.4, 1.35, ...flat(10, 1.35)], ts: t0 }, // trailing stop
  { mult: [1, 1, 0.95, 0.85, 0.78, ...flat(10, 0.78)], ts: t0 + 60_000 }, // drawdown cap
  { mult: flat(40, 1.01), ts: t0 + 120_000 }, // max hold
  { mult: [1, 1.05, 1.1, ...flat(10, 1.12)], ts: t0 + 180_000 }, // end of data
  { mult: [1, 1.2, ...flat(10, 1.2)], ts: t0 + 240_000 }, // price runs away: missed entry
  { mult: [1, 0.5, ...flat(10, 0.5)], creatorSellSol: [2, ...flat(11, 0)], ts: t0 + 300_000 }, // creator sold at migration: rejected
];
const params = quietParams({
  maxCreatorSellSol: 1,
  ddCap0: 0.2,
  trailActivationRunUp: 1.3,
  trailWidthChaos: 0.15,
  trailWidthDiscovery: 0.15,
  trailWidthTrending: 0.15,
  trailWidthMature: 0.15,
  maxHoldS: 20,
});

let dir = "";
async function runCli(args: string[], env: Record<string, string> = {}) {
  const proc = Bun.spawn([bun, cli, ...args], { cwd: dir, stdout: "pipe", stderr: "pipe", env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", ...env } });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { stdout, stderr, code };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "ferrix-backtest-"));
  mkdirSync(join(dir, "tel_out"));
  writeFileSync(join(dir, "tel_out/small.jsonl"), toJsonl(specs.map((s, i) => makeLifecycle(s, i))));
  writeFileSync(join(dir, "champ.json"), serializeParamsFile(vectorFromParams(params)));
});

/** The expected result, straight from the library. */
function expected(exec = executionModel()) {
  const fold = makeFold(specs, "small");
  const ws = new SimWorkspace();
  const s = summaryToJSON(simulate(fold, computeFoldFeatures(fold), compileNamed(params), exec, ws, { recordTrades: true }));
  return { s, trades: ws.trades };
}

describe("backtest_logic", () => {
  test("the fixture fold exercises several outcomes", () => {
    const { s, trades } = expected();
    expect(trades.map((t) => t.exitReason)).toEqual(["trailing_stop", "drawdown_cap", "max_hold", "end_of_data"]);
    expect(s.missed_entries).toBe(1);
    expect(s.rejects.creator_selling).toBe(1);
  });

  test("human table on stdout by default", async () => {
    const r = await runCli(["--params", "champ.json", "--data", "tel_out/small.jsonl"]);
    expect(r.code).toBe(0);
    for (const s of ["backtest small: 6 lifecycles", "trades", "4", "missed entries (slippage)", "trailing_stop", "drawdown_cap", "max_hold", "end_of_data", "creator_selling", "latency 300 ms"]) {
      expect(r.stdout).toContain(s);
    }
  });

  test("--json: the library's numbers", async () => {
    const r = await runCli(["--params", "champ.json", "--data", "tel_out/small.jsonl", "--json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.summary).toEqual(expected().s);
    expect(out.execution.latencyMs).toBe(300);
    expect(out.params).toBe("champ.json");
  });

  test("--trades -: one JSONL line per trade on stdout, the table on stderr", async () => {
    const r = await runCli(["--params", "champ.json", "--data", "tel_out/small.jsonl", "--trades", "-"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    const { trades } = expected();
    expect(lines.length).toBe(trades.length);
    expect(lines.map((l) => [l.mint, l.exit_reason, l.entry_second, l.exit_second, l.pnl_sol])).toEqual(
      trades.map((t) => [t.mint, t.exitReason, t.entrySecond, t.exitSecond, t.pnlSol]),
    );
    expect(lines[0].features_at_entry).toHaveProperty("net_flow_cum");
    expect(r.stderr).toContain("exit reason");
  });

  test(".env_PROD knobs apply; flags and the environment win over the file", async () => {
    writeFileSync(join(dir, ".env_PROD"), "# test\nexport SIM_LATENCY_MS=0\nSIM_SLIPPAGE_BPS='2500'\nSIM_BUY_AMOUNT_SOL=0.2\nOTHER=ignored\n");
    try {
      const a = JSON.parse((await runCli(["--params", "champ.json", "--data", "tel_out/small.jsonl", "--json"])).stdout);
      expect(a.execution).toMatchObject({ latencyMs: 0, slippageBps: 2500, buySol: 0.2 });
      expect(a.summary).toEqual(expected(executionModel({ latencyMs: 0, slippageBps: 2500, buySol: 0.2 })).s);
      const b = JSON.parse((await runCli(["--params", "champ.json", "--data", "tel_out/small.jsonl", "--json", "--latency-ms", "1200"], { SIM_SLIPPAGE_BPS: "700" })).stdout);
      expect(b.execution).toMatchObject({ latencyMs: 1200, slippageBps: 700, buySol: 0.2 });
      writeFileSync(join(dir, ".env_PROD"), "SIM_LATENCY_MS=soon\n");
      const c = await runCli(["--params", "champ.json", "--data", "tel_out/small.jsonl"]);
      expect(c.code).toBe(1);
      expect(c.stderr).toContain(".env_PROD:1: SIM_LATENCY_MS: must be a number, got 'soon'");
    } finally {
      rmSync(join(dir, ".env_PROD"), { force: true });
    }
  });

  test("errors: missing params file (1), invalid params (1), missing data (1), conflicting stdout (2), unknown flag (2)", async () => {
    const missing = await runCli(["--params", "nope.json", "--data", "tel_out/small.jsonl"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("nope.json: params file not found");
    writeFileSync(join(dir, "bad.json"), JSON.stringify({ version: 1, params: { ddCap0: 3 } }));
    const bad = await runCli(["--params", "bad.json", "--data", "tel_out/small.jsonl"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("bad.json: params.ddCap0 = 3 is out of bounds");
    const noData = await runCli(["--params", "champ.json", "--data", "tel_out/none.jsonl"]);
    expect(noData.code).toBe(1);
    expect((await runCli(["--params", "champ.json", "--data", "tel_out/small.jsonl", "--json", "--trades", "-"])).code).toBe(2);
    expect((await runCli(["--latency", "3"])).code).toBe(2);
    const noEnv = await runCli(["--params", "champ.json", "--data", "tel_out/small.jsonl", "--env-file", "missing.env"]);
    expect(noEnv.code).toBe(1);
    expect(noEnv.stderr).toContain("env file not found: missing.env");
  });

  test("without --params: best_strategy_params.json, else the shipped default with a note", async () => {
    const fallback = await runCli(["--data", "tel_out/small.jsonl", "--json"]);
    expect(fallback.code).toBe(0);
    expect(fallback.stderr).toContain("best_strategy_params.json not found; using the shipped default");
    writeFileSync(join(dir, "best_strategy_params.json"), serializeParamsFile(vectorFromParams(params)));
    try {
      const local = await runCli(["--data", "tel_out/small.jsonl", "--json"]);
      expect(JSON.parse(local.stdout).params).toBe("best_strategy_params.json");
      expect(local.stderr).not.toContain("shipped default");
    } finally {
      rmSync(join(dir, "best_strategy_params.json"));
    }
  });
});

describe("execution flags are one reusable fragment", () => {
  test("spread into another tool's specs and resolved the same way", () => {
    const other = { ...executionArgs, seed: { type: "number", description: "seed", default: 1 } } as const;
    const a = parseArgs(["--latency-ms", "250", "--tip-lamports", "0"], other, {});
    const r = resolveExecutionModel(a, { values: { SIM_LATENCY_MS: 999, SIM_SLIPPAGE_BPS: 300 }, origin: { SIM_SLIPPAGE_BPS: "x:2" } });
    expect(r.model).toMatchObject({ latencyMs: 250, tipLamports: 0, slippageBps: 300, buySol: null });
    expect(r.origin.slippageBps).toBe("x:2");
    expect(r.origin.priorityFeeLamports).toBe("default");
  });
});

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].find((p) => existsSync(p));

describe("HTML report", () => {
  test.skipIf(!CHROMIUM)("renders equity, drawdown and exit-reason charts in headless Chromium (no network)", async () => {
    const r = await runCli(["--params", "champ.json", "--data", "tel_out/small.jsonl", "--report", "report.html", "--json"]);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout).summary;
    const html = readFileSync(join(dir, "report.html"), "utf8");
    expect(html).not.toMatch(/(src|href)=["']?https?:/); // self-contained
    const profile = mkdtempSync(join(tmpdir(), "ferrix-chromium-"));
    const proc = Bun.spawn(
      [
        CHROMIUM!,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        `--user-data-dir=${profile}`,
        "--dump-dom",
        `file://${join(dir, "report.html")}`,
      ],
      { stdout: "pipe", stderr: "pipe" },
    );
    const [dom, , code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    rmSync(profile, { recursive: true, force: true });
    expect(code).toBe(0);
    expect(dom).toContain('data-rendered="1"');
    const points = (id: string) => Number(new RegExp(`<path[^>]*id="${id}"[^>]*data-points="(\\d+)"`).exec(dom)?.[1]);
    // one point per equity event (4 trades + 1 missed entry) plus the starting point
    const events = summary.trades + summary.missed_entries;
    expect(points("equity-path")).toBe(events + 1);
    expect(points("drawdown-path")).toBe(events + 1);
    const reasons = Object.values(summary.exit_reasons as Record<string, { count: number }>).filter((x) => x.count > 0).length;
    expect(Number(/<svg[^>]*id="reasons"[^>]*data-bars="(\d+)"/.exec(dom)?.[1])).toBe(reasons);
    expect((dom.match(/<rect[^>]*class="bar"/g) ?? []).length).toBe(reasons);
  });
  if (!CHROMIUM) test("chromium report test", () => console.warn("SKIPPED: chromium not found (apt-get install -y chromium) — the HTML report was not rendered"));
});
