/**
 * The rig of the end-to-end trading tests: a devchain per test (stopped after it), scratch
 * directories (removed after the file), compiled `bin/ferrix` processes (killed if a test leaves
 * them running), and readers for what the engine writes. Importing it registers the hooks.
 */
import { Database } from "bun:sqlite";
import { afterAll, afterEach } from "bun:test";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { startDevchain, type RunningDevchain, type StartDevchainOptions } from "../../lib/devchain/index.ts";
import type { TradeRow } from "../../lib/trading/index.ts";
import { FERRIX_BIN, scratchDir, startFerrix, type RunningFerrix } from "./helpers.ts";

export const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

export async function devchain(opts: Partial<StartDevchainOptions>): Promise<RunningDevchain> {
  const dc = await startDevchain({ seed: 21, migrationsPerDay: 4000, createLookaheadMs: 3_600_000, speed: 30, ...opts });
  cleanups.push(() => dc.stop());
  return dc;
}

export function scratch(): string {
  const d = scratchDir();
  dirs.push(d);
  return d;
}

export function run(args: string[], dir: string): RunningFerrix {
  const f = startFerrix(args, { cwd: dir, bin: FERRIX_BIN });
  cleanups.push(async () => {
    if (f.proc.exitCode === null && f.proc.signalCode === null) {
      f.proc.kill("SIGKILL");
      await f.exited;
    }
  });
  return f;
}

/** Watches the status file: the largest counts it showed. */
export function watchStatus(path: string) {
  const seen = { open_positions: 0, observers: 0, writes: 0, last: null as Record<string, unknown> | null };
  const timer = setInterval(() => {
    try {
      const s = JSON.parse(readFileSync(path, "utf8"));
      seen.open_positions = Math.max(seen.open_positions, s.open_positions);
      seen.observers = Math.max(seen.observers, s.observers);
      seen.writes++;
      seen.last = s;
    } catch {
      // not written yet
    }
  }, 25);
  cleanups.push(() => clearInterval(timer));
  return seen;
}

export function tradeRows(dbPath: string): TradeRow[] {
  if (!existsSync(dbPath)) return [];
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.query("SELECT * FROM trades ORDER BY id").all() as TradeRow[];
  } catch {
    return [];
  } finally {
    db.close();
  }
}

export async function until(cond: () => boolean, timeoutMs: number, what: string, f?: RunningFerrix): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (f && (f.proc.exitCode !== null || f.proc.signalCode !== null)) throw new Error(`ferrix exited before ${what}\n${f.stdout().slice(-3000)}\n${f.stderr()}`);
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}` + (f ? `\n${f.stdout().slice(-3000)}\n${f.stderr()}` : ""));
    await Bun.sleep(50);
  }
}

export async function healthy(f: RunningFerrix): Promise<string> {
  const listening = await f.waitForLog((l) => l.msg === "metrics listening", 15_000, "metrics listening");
  await f.waitForLog((l) => l.msg === "ferrix started", 15_000, "ferrix started");
  const url = String(listening.url);
  const end = Date.now() + 10_000;
  while ((await fetch(`${url}/health`)).status !== 200) {
    if (Date.now() > end) throw new Error("ferrix never became healthy against the devchain");
    await Bun.sleep(50);
  }
  return url;
}

export const readJsonl = (path: string) => (existsSync(path) ? readFileSync(path, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>) : []);
export const chainFlags = (dc: RunningDevchain) => ["--grpc-url", dc.grpcUrl, "--rpc-url", dc.rpcUrl];
