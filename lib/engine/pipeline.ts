/**
 * watcher → checker → verified-signal channel (spec §3.3 steps 1–2).
 *
 * Each migration is analysed in its own task as soon as it arrives (up to `maxInFlight` at once;
 * beyond that they wait in arrival order). A cleared migration becomes a VerifiedTradeSignal on
 * `verified`, the channel the trading stage consumes; every outcome, cleared or not, is logged,
 * counted and written as a decision record. With checks off, migrations pass straight through,
 * marked `checksSkipped`.
 */
import { uncheckedSignal, type Checker, type CheckOutcome, type VerifiedTradeSignal } from "../checker";
import { AsyncChannel } from "../ingest/channel.ts";
import type { Clock } from "../ingest/clock.ts";
import type { Logger } from "../log";
import type { Metrics } from "../metrics";
import type { JsonlAppender } from "./jsonl_sink.ts";
import type { DetectedMigration } from "./stages.ts";

export interface PipelineOptions {
  /** null: --checks-off. */
  checker: Checker | null;
  maxInFlight: number;
  clock: Clock;
  logger: Logger;
  metrics?: Metrics;
  decisions?: JsonlAppender;
  trading: "paper" | "live";
}

export interface PipelineStats {
  received: number;
  verified: number;
  rejected: number;
  /** Analyses that threw (a malformed event); counted as rejections too. */
  failed: number;
  inFlight: number;
  queued: number;
  /** Queued events dropped at shutdown before their analysis began. */
  abandoned: number;
}

export class MigrationPipeline {
  /** Cleared migrations, for the trading stage (single consumer). */
  readonly verified = new AsyncChannel<VerifiedTradeSignal<DetectedMigration>>();
  private readonly queue: DetectedMigration[] = [];
  private readonly running = new Set<Promise<void>>();
  private closed = false;
  private readonly s = { received: 0, verified: 0, rejected: 0, failed: 0, abandoned: 0 };

  constructor(private readonly o: PipelineOptions) {}

  get stats(): PipelineStats {
    return { ...this.s, inFlight: this.running.size, queued: this.queue.length };
  }

  /** From the intake stage; never blocks. */
  submit(m: DetectedMigration): void {
    if (this.closed) return;
    this.s.received++;
    if (!this.o.checker) {
      this.publish(uncheckedSignal(m, this.o.clock.nowMs()));
      return;
    }
    if (this.running.size < this.o.maxInFlight) this.launch(m);
    else {
      this.queue.push(m);
      if (this.queue.length === 1 || this.queue.length % 100 === 0) this.o.logger.warn({ queued: this.queue.length, inFlight: this.running.size }, "checks saturated; migrations waiting");
    }
  }

  private launch(m: DetectedMigration): void {
    const task = this.o
      .checker!.check(m)
      .then((outcome) => this.handle(outcome))
      .catch((err) => {
        this.s.failed++;
        this.s.rejected++;
        this.o.logger.error({ mint: m.mint, sig: m.signature, error: (err as Error).message }, "migration could not be analysed");
        this.o.decisions?.write({ ts: this.o.clock.nowMs(), type: "check", decision: "rejected", mint: m.mint, pool: m.pool, sig: m.signature, verdict: "error", reasons: [{ check: null, code: "bad_event", detail: (err as Error).message }] });
      })
      .finally(() => {
        this.running.delete(task);
        const next = this.queue.shift();
        if (next && !this.closed) this.launch(next);
      });
    this.running.add(task);
  }

  private handle(outcome: CheckOutcome<DetectedMigration>): void {
    if (outcome.kind === "verified") this.publish(outcome);
    else {
      this.s.rejected++;
      const a = outcome.analysis;
      this.o.logger.info(
        { mint: outcome.mint, pool: outcome.pool, verdict: outcome.verdict, reasons: outcome.reasons.map((r) => `${r.check}:${r.code}`), latencyMs: Math.round(a.latencyMs), cached: a.cached },
        "migration rejected",
      );
      this.o.decisions?.write({
        ts: outcome.rejectedAtMs,
        type: "check",
        decision: "rejected",
        mint: outcome.mint,
        pool: outcome.pool,
        creator: outcome.creator,
        slot: outcome.event.slot,
        sig: outcome.event.signature,
        synthetic: outcome.event.synthetic ?? false,
        verdict: outcome.verdict,
        reasons: outcome.reasons,
        latency_ms: Math.round(a.latencyMs * 1000) / 1000,
        cached: a.cached,
        trading: this.o.trading,
      });
    }
  }

  private publish(signal: VerifiedTradeSignal<DetectedMigration>): void {
    this.s.verified++;
    this.o.metrics?.verifiedSignals.inc({ checks: signal.checksSkipped ? "skipped" : "passed" });
    this.o.logger.info(
      {
        mint: signal.mint,
        pool: signal.pool,
        checksSkipped: signal.checksSkipped,
        synthetic: signal.event.synthetic ?? false,
        latencyMs: signal.analysis ? Math.round(signal.analysis.latencyMs) : 0,
      },
      signal.checksSkipped ? "verified trade signal (checks off)" : "verified trade signal",
    );
    this.o.decisions?.write({
      ts: signal.verifiedAtMs,
      type: "check",
      decision: "verified",
      mint: signal.mint,
      pool: signal.pool,
      creator: signal.creator,
      slot: signal.event.slot,
      sig: signal.event.signature,
      synthetic: signal.event.synthetic ?? false,
      checks_skipped: signal.checksSkipped,
      verdict: signal.analysis?.verdict ?? null,
      latency_ms: signal.analysis ? Math.round(signal.analysis.latencyMs * 1000) / 1000 : 0,
      cached: signal.analysis?.cached ?? false,
      trading: this.o.trading,
    });
    this.verified.push(signal);
  }

  /**
   * Shutdown: no new analyses start (queued ones are dropped and counted), in-flight ones get up
   * to `timeoutMs` to finish, then the verified channel closes. Resolves with what was left.
   */
  async drain(timeoutMs: number): Promise<{ abandoned: number; unfinished: number }> {
    this.closed = true;
    const dropped = this.queue.splice(0).length;
    this.s.abandoned += dropped;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([Promise.allSettled([...this.running]), new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
    const unfinished = this.running.size;
    this.verified.close();
    return { abandoned: dropped, unfinished };
  }
}
