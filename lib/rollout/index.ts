/**
 * Safe rollout of a new champion (spec §5.5): the evolution loop only drops a flag; this watcher
 * restarts ferrix when the flag is up and the live status says nothing is in flight
 * (open_positions + observers + active_telemetry == 0), or when the status has gone stale
 * (ferrix dead or hung: a restart then re-hydrates open positions from trades.db).
 * A fresh status with anything open is never restarted.
 */
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import type { Logger } from "../log";

export interface FerrixStatus {
  open_positions: number;
  observers: number;
  active_telemetry: number;
  /** Unix ms or an ISO-8601 string. */
  updated_at: number | string;
}

export type StatusReading =
  | { kind: "ok"; status: FerrixStatus; ageSeconds: number }
  | { kind: "missing" }
  | { kind: "unreadable"; error: string; ageSeconds: number };

export type RolloutDecision =
  | { action: "idle"; reason: "no_pending_update" }
  | { action: "wait"; reason: "busy"; inFlight: number; status: FerrixStatus }
  | { action: "wait"; reason: "status_unreadable"; error: string }
  | { action: "restart"; reason: "nothing_in_flight" | "status_stale" | "status_missing"; ageSeconds?: number };

/** The whole policy, pure: what to do now. */
export function decideRollout(pendingUpdate: boolean, reading: StatusReading, staleAfterSeconds: number): RolloutDecision {
  if (!pendingUpdate) return { action: "idle", reason: "no_pending_update" };
  if (reading.kind === "missing") return { action: "restart", reason: "status_missing" };
  if (reading.ageSeconds > staleAfterSeconds) return { action: "restart", reason: "status_stale", ageSeconds: reading.ageSeconds };
  if (reading.kind === "unreadable") return { action: "wait", reason: "status_unreadable", error: reading.error };
  const s = reading.status;
  const inFlight = s.open_positions + s.observers + s.active_telemetry;
  if (inFlight > 0) return { action: "wait", reason: "busy", inFlight, status: s };
  return { action: "restart", reason: "nothing_in_flight", ageSeconds: reading.ageSeconds };
}

const COUNT_KEYS = ["open_positions", "observers", "active_telemetry"] as const;

/** Read and validate the status file; its age comes from `updated_at` (mtime when absent). */
export function readStatus(path: string, nowMs: number): StatusReading {
  if (!existsSync(path)) return { kind: "missing" };
  let mtimeMs: number;
  let text: string;
  try {
    mtimeMs = statSync(path).mtimeMs;
    text = readFileSync(path, "utf8");
  } catch (err) {
    if ((err as { code?: string }).code === "ENOENT") return { kind: "missing" };
    return { kind: "unreadable", error: String(err), ageSeconds: 0 };
  }
  const fileAge = Math.max(0, (nowMs - mtimeMs) / 1000);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { kind: "unreadable", error: `${path}: not valid JSON`, ageSeconds: fileAge };
  }
  if (typeof raw !== "object" || raw === null) return { kind: "unreadable", error: `${path}: not a JSON object`, ageSeconds: fileAge };
  const obj = raw as Record<string, unknown>;
  for (const key of COUNT_KEYS) {
    const v = obj[key];
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
      return { kind: "unreadable", error: `${path}: key '${key}' must be a non-negative integer, got ${JSON.stringify(v)}`, ageSeconds: fileAge };
    }
  }
  const updated = obj.updated_at;
  const updatedMs = typeof updated === "number" ? updated : typeof updated === "string" ? Date.parse(updated) : Number.NaN;
  const ageSeconds = Number.isFinite(updatedMs) ? Math.max(0, (nowMs - updatedMs) / 1000) : fileAge;
  return { kind: "ok", status: obj as unknown as FerrixStatus, ageSeconds };
}

export interface RestartResult {
  ok: boolean;
  exitCode: number | null;
  output: string;
  timedOut: boolean;
}

export async function runRestartCommand(command: string, timeoutMs: number): Promise<RestartResult> {
  const proc = Bun.spawn(["sh", "-c", command], { stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    proc.kill("SIGKILL");
  }, timeoutMs);
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(timer);
  const output = (out + err).trim().slice(-2000);
  return { ok: !timedOut && code === 0, exitCode: timedOut ? null : code, output, timedOut };
}

export interface WatcherOptions {
  flagFile: string;
  statusFile: string;
  restartCommand: string;
  pollMs: number;
  staleAfterSeconds: number;
  restartTimeoutMs: number;
  /** Quiet period after a restart before the next one may happen. */
  cooldownMs: number;
  /** Stop after this many polls (tests, `--once`); undefined = forever. */
  maxPolls?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  log: Logger;
  /** Set by the caller on SIGTERM/SIGINT. */
  stopSignal?: { stopped: boolean };
}

export interface WatcherSummary {
  polls: number;
  restarts: number;
  failedRestarts: number;
  lastDecision: RolloutDecision | null;
}

/** The poll loop: decide, act, log each decision when it changes (and each restart). */
export async function watchForRollout(o: WatcherOptions): Promise<WatcherSummary> {
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? ((ms: number) => Bun.sleep(ms));
  const summary: WatcherSummary = { polls: 0, restarts: 0, failedRestarts: 0, lastDecision: null };
  let lastKey = "";
  let lastLogMs = 0;
  let failures = 0;
  let notBeforeMs = 0;
  o.log.info({ flagFile: o.flagFile, statusFile: o.statusFile, restartCommand: o.restartCommand, staleAfterSeconds: o.staleAfterSeconds }, "auto_restart started");
  while (!o.stopSignal?.stopped && (o.maxPolls === undefined || summary.polls < o.maxPolls)) {
    summary.polls++;
    const t = now();
    const flagMtime = flagMtimeMs(o.flagFile);
    const decision = decideRollout(flagMtime !== null, readStatus(o.statusFile, t), o.staleAfterSeconds);
    summary.lastDecision = decision;
    const key = `${decision.action}:${decision.reason}`;
    if (key !== lastKey || t - lastLogMs > 60_000) {
      o.log.info({ decision }, `decision: ${decision.action} (${decision.reason})`);
      lastKey = key;
      lastLogMs = t;
    }
    if (decision.action === "restart" && t >= notBeforeMs) {
      o.log.warn({ command: o.restartCommand, reason: decision.reason }, "restarting ferrix to roll out the new champion");
      const result = await runRestartCommand(o.restartCommand, o.restartTimeoutMs);
      if (result.ok) {
        summary.restarts++;
        failures = 0;
        // A newer champion flagged while we restarted stays pending for the next restart.
        if (flagMtimeMs(o.flagFile) === flagMtime) rmSync(o.flagFile, { force: true });
        o.log.info({ output: result.output }, "restart succeeded; pending-update flag cleared");
        notBeforeMs = now() + o.cooldownMs;
      } else {
        summary.failedRestarts++;
        failures++;
        const backoff = Math.min(o.pollMs * 2 ** failures, 600_000);
        notBeforeMs = now() + backoff;
        o.log.error({ exitCode: result.exitCode, timedOut: result.timedOut, output: result.output, retryInMs: backoff }, "restart failed; flag kept");
      }
      lastKey = "";
    }
    if (o.maxPolls !== undefined && summary.polls >= o.maxPolls) break;
    if (!o.stopSignal?.stopped) await sleep(o.pollMs);
  }
  o.log.info({ ...summary, lastDecision: undefined }, "auto_restart stopped");
  return summary;
}

function flagMtimeMs(path: string): number | null {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
}
