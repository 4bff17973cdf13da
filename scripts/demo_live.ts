#!/usr/bin/env bun
/**
 * The live-engine part of the demo: a seeded devchain (lib/devchain, in-process on 127.0.0.1,
 * ports 0, 30 simulated seconds per wall second) and `ferrix autobuysell --checks-off` trading it
 * in paper mode (nothing signed or sent) for about 16 wall seconds, stopped with SIGTERM; then its
 * trades from trades.db as a table, and the counts. Every file ferrix writes goes to `outDir`.
 *
 *   bun scripts/demo_live.ts [out-dir]          (default out/demo_live)
 *   import { runLiveDemo } from "./demo_live.ts"; await runLiveDemo("out/demo/live");
 *
 * Uses bin/ferrix when built (falls back to the source). Finishes in well under 40 s and never
 * leaves a process behind: ferrix is killed if it does not stop within 10 s of SIGTERM, and on
 * any error or interrupt of this script.
 */
import { Database } from "bun:sqlite";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";
import { style } from "../lib/cli/term";
import { startDevchain, type RunningDevchain } from "../lib/devchain/index.ts";
import { repoRoot, toolCommand } from "../lib/util/tools";

const SEED = 42;
const SPEED = 30;
const TRADE_WALL_MS = 16_000;
const START_TIMEOUT_MS = 12_000;
const STOP_TIMEOUT_MS = 10_000;

interface Row {
  mint: string;
  status: string;
  entry_ts: number | null;
  exit_ts: number | null;
  amount_in_lamports: number | null;
  amount_out_lamports: number | null;
  fees_lamports: number;
  pnl_lamports: number | null;
  exit_reason: string | null;
}

const sol = (lamports: number | null) => (lamports === null ? "—" : (lamports / 1e9).toFixed(4));
const hms = (ms: number | null) => (ms === null ? "—" : new Date(ms).toISOString().slice(11, 19));

function table(rows: Row[]): string {
  const head = ["mint", "entry", "exit", "SOL in", "SOL out", "PnL SOL", "exit reason / status"];
  const body = rows.map((r) => [
    r.mint.slice(0, 8) + "…",
    hms(r.entry_ts),
    hms(r.exit_ts),
    sol(r.amount_in_lamports),
    sol(r.amount_out_lamports),
    r.pnl_lamports === null ? "—" : (r.pnl_lamports >= 0 ? "+" : "") + (r.pnl_lamports / 1e9).toFixed(4),
    r.status === "closed" ? (r.exit_reason ?? "") : r.status === "failed" ? `failed (${r.exit_reason ?? "?"})` : r.status,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const right = new Set([3, 4, 5]);
  const line = (cells: string[]) => "  " + cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ");
  return [style.bold(line(head)), ...body.map(line)].join("\n") + "\n";
}

/** Runs the devchain and paper-trading ferrix for ~16 s, then prints the trades. */
export async function runLiveDemo(outDir: string): Promise<void> {
  const dir = resolve(outDir);
  mkdirSync(dir, { recursive: true });
  // A fresh run: an earlier demo's trades.db would re-hydrate positions in pools this chain lacks.
  for (const f of ["trades.db", "trades.db-wal", "trades.db-shm", "trades.db.sends.jsonl", "decisions.jsonl", "telemetry.jsonl", "ferrix_status.json", "logs"]) rmSync(join(dir, f), { recursive: true, force: true });
  const out = (s: string) => process.stdout.write(s);
  const started = performance.now();

  let dc: RunningDevchain | null = null;
  let proc: Subprocess<"ignore", "pipe", "pipe"> | null = null;
  const kill = () => {
    if (proc && proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
  };
  const onInterrupt = () => {
    kill();
    process.exit(130);
  };
  process.on("exit", kill);
  process.on("SIGINT", onInterrupt);
  process.on("SIGTERM", onInterrupt);

  try {
    dc = await startDevchain({ seed: SEED, speed: SPEED, migrationsPerDay: 4000, createLookaheadMs: 3_600_000 });
    out(`${style.bold("devchain")} seed ${SEED}, ${SPEED}× real time: gRPC ${dc.grpcUrl}, JSON-RPC ${dc.rpcUrl}\n`);

    const { argv, source } = toolCommand("ferrix");
    const args = [
      "autobuysell", "--checks-off",
      "--grpc-url", dc.grpcUrl,
      "--rpc-url", dc.rpcUrl,
      "--db", join(dir, "trades.db"),
      "--telemetry", join(dir, "telemetry.jsonl"),
      "--decisions", join(dir, "decisions.jsonl"),
      "--status-file", join(dir, "ferrix_status.json"),
      "--log-dir", join(dir, "logs"),
      "--known-wallets", join(dir, "known_wallets.json"),
      "--params", join(repoRoot, "data", "best_strategy_params.json"),
      "--metrics-addr", "127.0.0.1:0",
      "--status-interval-ms", "500",
      // Paper fills wait their latency in wall time, which the devchain turns into 30× as much
      // chain time (300 ms → 9 s of a pool's first-minute rush); fill at the decision's reserves.
      "--latency-ms", "0",
    ];
    const shown = [source === "source" ? `bun ${argv[1]!.replace(repoRoot + "/", "")}` : argv[0]!.replace(repoRoot + "/", ""), ...args.map((a) => a.replace(dir, "<out>").replace(repoRoot + "/", ""))];
    out(style.dim(`$ ${shown.join(" ")}\n`));
    // A clean environment: no stray FERRIX_* or SIM_* setting changes the demo (and --live is flag-only).
    proc = Bun.spawn([...argv, ...args], { cwd: dir, env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, NO_COLOR: "1" }, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    const p = proc;
    const lines: Record<string, unknown>[] = [];
    let stderr = "";
    const pump = (async () => {
      const dec = new TextDecoder();
      let partial = "";
      for await (const chunk of p.stdout) {
        partial += dec.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = partial.indexOf("\n")) >= 0) {
          const l = partial.slice(0, nl);
          partial = partial.slice(nl + 1);
          try {
            lines.push(JSON.parse(l));
          } catch {
            // not a log line
          }
        }
      }
    })();
    const errPump = (async () => {
      const dec = new TextDecoder();
      for await (const chunk of p.stderr) stderr += dec.decode(chunk, { stream: true });
    })();

    const exitedEarly = () => p.exitCode !== null || p.signalCode !== null;
    const startBy = Date.now() + START_TIMEOUT_MS;
    while (!lines.some((l) => l.msg === "ferrix started")) {
      if (exitedEarly() || Date.now() > startBy) throw new Error(`ferrix did not start (exit ${p.exitCode ?? "-"})\n${stderr.trim()}`);
      await Bun.sleep(50);
    }
    out(`ferrix started (paper trading, autobuysell, checks off); trading for ${TRADE_WALL_MS / 1000} s…\n`);

    const statusPath = join(dir, "ferrix_status.json");
    const tradeUntil = Date.now() + TRADE_WALL_MS;
    let nextReport = Date.now() + 4_000;
    while (Date.now() < tradeUntil) {
      if (exitedEarly()) throw new Error(`ferrix exited early (${p.exitCode})\n${stderr.trim()}`);
      await Bun.sleep(100);
      if (Date.now() >= nextReport) {
        nextReport += 4_000;
        try {
          const s = JSON.parse(readFileSync(statusPath, "utf8"));
          const simS = Math.round((dc.chain.now - dc.chain.opts.startTs) / 1000);
          out(style.dim(`  t+${simS}s simulated: ${s.open_positions} open positions, ${s.observers} observers, ${s.active_telemetry} pools recorded\n`));
        } catch {
          // status not written yet
        }
      }
    }

    p.kill("SIGTERM");
    const code = await Promise.race([p.exited, Bun.sleep(STOP_TIMEOUT_MS).then(() => null)]);
    if (code === null) {
      kill();
      throw new Error(`ferrix did not stop within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM; killed`);
    }
    await Promise.all([pump, errPump]);
    if (code !== 0) throw new Error(`ferrix exited ${code} after SIGTERM\n${stderr.trim()}`);
    out(`ferrix stopped cleanly (exit 0) after SIGTERM\n\n`);

    const migrations = dc.chain.records.filter((r) => r.type === "migration").length;
    const sends = dc.rpc.stats.sendTransaction ?? 0;
    await dc.stop();
    dc = null;

    // The trades, from trades.db.
    const db = new Database(join(dir, "trades.db"), { readonly: true });
    const rows = db.query("SELECT mint, status, entry_ts, exit_ts, amount_in_lamports, amount_out_lamports, fees_lamports, pnl_lamports, exit_reason FROM trades ORDER BY id").all() as Row[];
    const summary = db.query("SELECT realised_pnl_lamports, trades_closed, wins, losses FROM portfolio_summary WHERE id = 1").get() as { realised_pnl_lamports: number; trades_closed: number; wins: number; losses: number } | null;
    const breaker = db.query("SELECT to_tier, reason FROM circuit_breaker_events ORDER BY id DESC LIMIT 1").get() as { to_tier: string; reason: string } | null;
    db.close();

    out(style.bold(`Trades (${rows.length}) — times are the devchain's chain time (UTC)\n`));
    out(rows.length ? table(rows) : "  (none)\n");
    const decisions = existsSync(join(dir, "decisions.jsonl")) ? readFileSync(join(dir, "decisions.jsonl"), "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as { type: string; decision?: string }) : [];
    const count = (s: string) => rows.filter((r) => r.status === s).length;
    const pnl = summary?.realised_pnl_lamports ?? 0;
    out(
      `\n${style.bold("Counts")}: ${migrations} migrations on the devchain, ${decisions.filter((d) => d.type === "check" && d.decision === "verified").length} verified signals, ` +
        `${decisions.filter((d) => d.type === "entry").length} entries, ${count("closed")} closed, ${count("open") + count("opening") + count("closing")} still open (kept in trades.db for the next start), ` +
        `${count("failed")} failed buys, ${decisions.filter((d) => d.type === "reject").length} rejections (e.g. max positions)\n` +
        `Realised PnL ${(pnl >= 0 ? style.green : style.red)(`${pnl >= 0 ? "+" : ""}${(pnl / 1e9).toFixed(4)} SOL`)} over ${summary?.trades_closed ?? 0} closed trades ` +
        `(${summary?.wins ?? 0} won, ${summary?.losses ?? 0} lost); circuit breaker ${breaker ? `${breaker.to_tier} (${breaker.reason})` : "normal"}; ` +
        `transactions sent to the chain: ${sends} (paper)\n` +
        style.dim(`Files in ${dir.replace(repoRoot + "/", "")}/: trades.db, decisions.jsonl, telemetry.jsonl, ferrix_status.json, logs/ferrix.log (${((performance.now() - started) / 1000).toFixed(1)}s)\n`),
    );
  } finally {
    kill();
    if (proc) await proc.exited;
    if (dc) await dc.stop();
    process.off("exit", kill);
    process.off("SIGINT", onInterrupt);
    process.off("SIGTERM", onInterrupt);
  }
}

if (import.meta.main) {
  await runLiveDemo(process.argv[2] ?? join(repoRoot, "out", "demo_live"));
  process.exit(0);
}
