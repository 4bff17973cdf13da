/**
 * The operator's circuit-breaker reset (spec §3.5: Emergency "halts until manual reset").
 *
 * Only the running engine's RiskGate may change the breaker (it owns the state and persists
 * every change with its snapshot), so `ferrix reset-breaker` does not edit the breaker itself:
 * it records a reset *request* in trades.db's `metadata` table. The engine applies a request it
 * has not applied before
 *   - at start, right after the breaker is restored from trades.db (an Emergency survives a
 *     restart, and a request made while ferrix was down clears it before anything trades),
 *   - while running, at every status refresh (every --status-interval-ms, 2 s by default),
 *   - at once on SIGUSR2 (which also resets when no request is pending: `kill -USR2 <pid>`).
 * Applying writes a `manual_reset by <who>` row to `circuit_breaker_events` and marks the request
 * applied (metadata `trading.circuit_breaker.reset_applied`), so a request is applied once.
 */
import type { Database } from "bun:sqlite";
import { RISK_TIER_NAMES, type BreakerState } from "../risk/index.ts";
import { BREAKER_STATE_KEY } from "../trading/index.ts";

export const BREAKER_RESET_REQUEST_KEY = "trading.circuit_breaker.reset_request";
export const BREAKER_RESET_APPLIED_KEY = "trading.circuit_breaker.reset_applied";

export interface BreakerResetRequest {
  id: string;
  requested_at: number;
  by: string;
}

function metaGet(db: Database, key: string): string | null {
  return (db.query("SELECT value FROM metadata WHERE key = ?").get(key) as { value: string } | null)?.value ?? null;
}

/** Records a reset request (replacing an older unapplied one). */
export function requestBreakerReset(db: Database, by: string, nowMs: number): BreakerResetRequest {
  const req: BreakerResetRequest = { id: `${nowMs}-${crypto.randomUUID().slice(0, 8)}`, requested_at: nowMs, by };
  db.query("INSERT INTO metadata (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(BREAKER_RESET_REQUEST_KEY, JSON.stringify(req));
  return req;
}

/** The request not yet applied, or null. `appliedId` is what this process already applied. */
export function pendingBreakerReset(db: Database, appliedId: string | null = null): BreakerResetRequest | null {
  const raw = metaGet(db, BREAKER_RESET_REQUEST_KEY);
  if (!raw) return null;
  let req: BreakerResetRequest;
  try {
    req = JSON.parse(raw) as BreakerResetRequest;
  } catch {
    return null;
  }
  if (!req || typeof req.id !== "string") return null;
  if (req.id === appliedId || req.id === metaGet(db, BREAKER_RESET_APPLIED_KEY)) return null;
  return req;
}

/** The breaker as trades.db last recorded it (tier name and since when), for the command's report. */
export function recordedBreaker(db: Database): { tier: string; sinceMs: number | null; lastReason: string | null } {
  let tier = "normal";
  let sinceMs: number | null = null;
  const raw = metaGet(db, BREAKER_STATE_KEY);
  if (raw) {
    try {
      const s = JSON.parse(raw) as BreakerState;
      tier = RISK_TIER_NAMES[s.tier] ?? "normal";
      sinceMs = s.tierSinceMs ?? null;
    } catch {
      // an unreadable snapshot: the engine starts at Normal anyway
    }
  }
  const last = db.query("SELECT reason FROM circuit_breaker_events ORDER BY id DESC LIMIT 1").get() as { reason: string } | null;
  return { tier, sinceMs, lastReason: last?.reason ?? null };
}
