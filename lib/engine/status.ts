/**
 * The status file auto_restart reads before rolling out a new champion (DESIGN §2, spec §3.6):
 * `{"open_positions","observers","active_telemetry","updated_at"}` (+ a few fields for people),
 * replaced atomically every few seconds so a reader never sees half a file. `updated_at` is Unix
 * ms; a status that stops updating tells auto_restart that ferrix is dead or hung.
 */
import type { FerrixStatus } from "../rollout";
import type { Logger } from "../log";
import type { Metrics } from "../metrics";
import { writeFileAtomic } from "../util/atomic.ts";

export interface StatusCounts {
  open_positions: number;
  observers: number;
  active_telemetry: number;
}

export interface StatusDocument extends FerrixStatus {
  updated_at: number;
  pid: number;
  mode: string;
  phase: "starting" | "running" | "stopping" | "stopped";
  trading: "paper" | "live";
}

export function statusDocument(counts: StatusCounts, nowMs: number, info: Pick<StatusDocument, "pid" | "mode" | "phase" | "trading">): StatusDocument {
  const n = (x: number) => (Number.isInteger(x) && x >= 0 ? x : 0);
  return { open_positions: n(counts.open_positions), observers: n(counts.observers), active_telemetry: n(counts.active_telemetry), updated_at: nowMs, ...info };
}

export class StatusFileWriter {
  lastWriteMs: number | null = null;
  writes = 0;
  private failing = false;

  constructor(
    private readonly opts: {
      path: string;
      counts: () => StatusCounts;
      info: () => Pick<StatusDocument, "pid" | "mode" | "phase" | "trading">;
      nowMs: () => number;
      logger: Logger;
      metrics?: Metrics;
    },
  ) {}

  /** Writes the current status; a failure is logged (once per run of failures), never thrown. */
  write(): boolean {
    const now = this.opts.nowMs();
    try {
      writeFileAtomic(this.opts.path, JSON.stringify(statusDocument(this.opts.counts(), now, this.opts.info())) + "\n");
      this.lastWriteMs = now;
      this.writes++;
      this.opts.metrics?.statusWrites.inc({ result: "ok" });
      if (this.failing) this.opts.logger.info({ path: this.opts.path }, "status file writable again");
      this.failing = false;
      return true;
    } catch (err) {
      this.opts.metrics?.statusWrites.inc({ result: "error" });
      if (!this.failing) this.opts.logger.error({ path: this.opts.path, error: (err as Error).message }, "cannot write the status file");
      this.failing = true;
      return false;
    }
  }
}
