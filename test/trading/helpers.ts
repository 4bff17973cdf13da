/**
 * Shared pieces of the trading end-to-end tests: a seeded devchain market turned into telemetry
 * events (its own record, in telemetry v1 names), ground-truth lifecycles from those events by
 * telemetry_tool's builder, and small waiting helpers.
 */
import { buildFold } from "../../lib/dataset/index.ts";
import { Devchain, type DevchainOptions, type DevchainRecord } from "../../lib/devchain/index.ts";
import { LifecycleBuilder, toLifecycle, type Lifecycle } from "../../lib/lifecycle/index.ts";
import { IssueLog, TelemetryValidator, type TelemetryEvent } from "../../lib/telemetry/index.ts";

export const START_TS = Date.UTC(2026, 0, 1);

/** Devchain records → telemetry v1 events (creates dropped, record-only fields removed). */
export function telemetryOf(records: readonly DevchainRecord[]): TelemetryEvent[] {
  const out: TelemetryEvent[] = [];
  for (const r of records) {
    if (r.type === "create") continue;
    const { source: _s, mint_profile: _m, ...rest } = r as DevchainRecord & { source?: string; mint_profile?: string };
    out.push({ ...rest, v: 1 } as TelemetryEvent);
  }
  return out;
}

/** A seeded market run for `seconds` of simulated time: the devchain's record as telemetry. */
export async function marketFeed(opts: Partial<DevchainOptions> & { seconds: number }): Promise<{ chain: Devchain; events: TelemetryEvent[] }> {
  const chain = new Devchain({ seed: 11, migrationsPerDay: 4000, trackSeconds: 240, idleStopSeconds: 90, createLookaheadMs: 3_600_000, startTs: START_TS, ...opts });
  for (let t = 0; t <= opts.seconds * 1000; t += 5_000) await chain.advanceTo(chain.opts.startTs + t);
  return { chain, events: telemetryOf(chain.records) };
}

/** Ground truth lifecycles exactly as telemetry_tool builds them (validator + builder). */
export function lifecyclesOf(events: readonly TelemetryEvent[]): Lifecycle[] {
  const log = new IssueLog();
  const check = new TelemetryValidator(log);
  const out: Lifecycle[] = [];
  const b = new LifecycleBuilder({}, log, (f) => out.push(toLifecycle(f)));
  events.forEach((e, i) => {
    const ev = check.check(JSON.parse(JSON.stringify(e)), i + 1);
    if (ev) b.push(ev, i + 1);
  });
  b.end();
  return out;
}

export function foldOf(events: readonly TelemetryEvent[], name = "parity") {
  return buildFold(lifecyclesOf(events), name);
}

export async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const t0 = performance.now();
  while (!cond()) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(5);
  }
}
