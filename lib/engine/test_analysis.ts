/**
 * `ferrix test-analysis --token-list-path FILE`: the checker over a list of mints, for people
 * (spec §3.2): every token's verdict goes to `test_analysis` under one run id and to stdout as a
 * table (or JSON). Tokens failing checks are the expected output, not an error: exit 0. A list
 * that is not a list of mints is an error naming the line.
 *
 * File format: one mint address per line; blank lines and `#` comments (whole-line or trailing)
 * are ignored; a mint listed twice is analysed once.
 */
import { isAddress } from "@solana/kit";
import { existsSync, readFileSync, statSync } from "node:fs";
import { createChecker, createKitCheckerRpc, SqliteCheckerStore, type Analysis, type CheckerRpc, type KnownWalletView } from "../checker";
import { InputError } from "../cli";
import { systemClock, type Clock } from "../ingest/clock.ts";
import type { Logger } from "../log";
import { openTradesDb } from "../store";
import { checkerConfigOf, usingConfigured, type EngineConfig, type ResolvedConfig } from "./config.ts";
import { parseKnownWallets } from "./known_wallets.ts";

export interface TokenListEntry {
  mint: string;
  line: number;
}

/** Parses a token list; throws InputError (file:line) on the first line that is not a mint. */
export function parseTokenList(text: string, file: string): TokenListEntry[] {
  const out: TokenListEntry[] = [];
  const seen = new Set<string>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const hash = lines[i].indexOf("#");
    const s = (hash >= 0 ? lines[i].slice(0, hash) : lines[i]).trim();
    if (s === "") continue;
    if (/\s/.test(s)) throw new InputError(file, i + 1, `expected one mint address per line, got '${s}'`);
    if (!isAddress(s)) throw new InputError(file, i + 1, `'${s}' is not a mint address (base58, 32 bytes)`);
    if (seen.has(s)) continue;
    seen.add(s);
    out.push({ mint: s, line: i + 1 });
  }
  return out;
}

export function readTokenList(path: string): TokenListEntry[] {
  if (!existsSync(path)) throw new InputError(path, null, "no such file");
  if (!statSync(path).isFile()) throw new InputError(path, null, "not a regular file");
  return parseTokenList(readFileSync(path, "utf8"), path);
}

export interface TestAnalysisResult {
  mint: string;
  line: number;
  analysis: Analysis;
  honeypotOk: boolean | null;
  safetyOk: boolean | null;
}

export interface TestAnalysisReport {
  runId: string;
  results: TestAnalysisResult[];
  counts: { pass: number; fail: number; error: number };
}

export function newRunId(nowMs: number): string {
  const stamp = new Date(nowMs).toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  const rnd = Array.from(crypto.getRandomValues(new Uint8Array(3)), (b) => b.toString(16).padStart(2, "0")).join("");
  return `ta-${stamp}-${rnd}`;
}

const checkOk = (a: Analysis, ...names: string[]): boolean | null => {
  if (a.cached) return null;
  return a.checks.filter((c) => names.includes(c.check)).every((c) => c.ok);
};

export interface TestAnalysisOptions {
  resolved: ResolvedConfig;
  tokens: TokenListEntry[];
  /** Re-check even when a fresh verdict is cached. */
  fresh: boolean;
  logger: Logger;
  concurrency?: number;
  createRpc?: (url: string, commitment: EngineConfig["commitment"]) => CheckerRpc;
  clock?: Clock;
}

/** Runs the checks, records every row under one run id, and returns the report. */
export async function runTestAnalysis(o: TestAnalysisOptions): Promise<TestAnalysisReport> {
  const clock = o.clock ?? systemClock;
  const { logger } = o;
  const config = o.resolved.config;
  // As at engine start: a block list that is there but does not parse is an error, not an empty list.
  let known: KnownWalletView | undefined;
  if (existsSync(config.knownWallets)) {
    const list = parseKnownWallets(readFileSync(config.knownWallets, "utf8"), config.knownWallets);
    const byAddress = new Map(list.map((w) => [w.address, w.tags]));
    known = { tagsOf: (a) => byAddress.get(a) };
  }
  const db = usingConfigured(o.resolved, "db", `cannot open trades database ${config.db}`, () => openTradesDb(config.db));
  const store = new SqliteCheckerStore(db, { flushIntervalMs: 0 });
  const runId = newRunId(clock.nowMs());
  const results: TestAnalysisResult[] = [];
  try {
    const checker = createChecker({
      rpc: (o.createRpc ?? ((u, c) => createKitCheckerRpc(u, { commitment: c })))(config.rpcUrl, config.commitment),
      store,
      clock,
      config: checkerConfigOf(config),
      knownWallets: () => known,
      logger,
    });
    logger.info({ runId, tokens: o.tokens.length, rpc: config.rpcUrl, db: config.db }, "test analysis started");
    const queue = [...o.tokens];
    const slots = Math.max(1, Math.min(o.concurrency ?? 8, queue.length));
    await Promise.all(
      Array.from({ length: slots }, async () => {
        for (let t = queue.shift(); t; t = queue.shift()) {
          const analysis = await checker.analyse({ mint: t.mint }, { useCache: !o.fresh });
          const r: TestAnalysisResult = { mint: t.mint, line: t.line, analysis, honeypotOk: checkOk(analysis, "honeypot"), safetyOk: checkOk(analysis, "contract", "holders", "creator") };
          results.push(r);
          store.recordTestAnalysis({ runId, mint: t.mint, verdict: analysis.verdict, honeypotOk: r.honeypotOk, safetyOk: r.safetyOk, reasons: analysis.reasons, latencyMs: analysis.latencyMs, analysedAtMs: clock.nowMs() });
        }
      }),
    );
    store.flush();
  } finally {
    store.close();
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    db.close();
  }
  results.sort((a, b) => a.line - b.line);
  const counts = { pass: 0, fail: 0, error: 0 };
  for (const r of results) counts[r.analysis.verdict]++;
  logger.info({ runId, ...counts }, "test analysis finished");
  return { runId, results, counts };
}

const yesNo = (b: boolean | null) => (b === null ? "cached" : b ? "ok" : "FAIL");

/** The human table: one row per token, reasons spelled out. */
export function formatTestAnalysisTable(r: TestAnalysisReport): string {
  const head = ["MINT", "VERDICT", "HONEYPOT", "SAFETY", "MS", "REASONS"];
  const rows = r.results.map((x) => [
    x.mint,
    x.analysis.verdict.toUpperCase(),
    yesNo(x.honeypotOk),
    yesNo(x.safetyOk),
    x.analysis.cached ? "-" : String(Math.round(x.analysis.latencyMs)),
    x.analysis.reasons.length ? x.analysis.reasons.map((q) => `${q.check}:${q.code}`).join(", ") : "-",
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join("  ");
  const out = [line(head), ...rows.map(line)];
  out.push("", `run ${r.runId}: ${r.results.length} tokens, ${r.counts.pass} pass, ${r.counts.fail} fail, ${r.counts.error} error`);
  return out.join("\n") + "\n";
}

/** The machine form: one document with every reason in full. */
export function testAnalysisJson(r: TestAnalysisReport): unknown {
  return {
    run_id: r.runId,
    counts: r.counts,
    tokens: r.results.map((x) => ({
      mint: x.mint,
      line: x.line,
      verdict: x.analysis.verdict,
      honeypot_ok: x.honeypotOk,
      safety_ok: x.safetyOk,
      cached: x.analysis.cached,
      pool: x.analysis.pool,
      creator: x.analysis.creator,
      latency_ms: Math.round(x.analysis.latencyMs * 1000) / 1000,
      reasons: x.analysis.reasons,
    })),
  };
}
