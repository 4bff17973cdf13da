/**
 * gen_telemetry — write a seeded synthetic PumpSwap market as telemetry.jsonl v1 (DESIGN §2.1).
 * Thin wrapper: arguments in, lib/market call, exit code out.
 */
import { createProgress, defineTool, formatCount, isStdio, main, openOutput, stderrIsTTY, UsageError } from "../lib/cli";
import { DEFAULT_LEGACY_SHARE, DEFAULT_MALFORMED_SHARE, DEFAULT_START_TS, knownWalletsJson, startTsProblem, writeTelemetry } from "../lib/market";
import { writeFileAtomic } from "../lib/util/atomic";

function parseStartTs(text: string): number {
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms)) throw new UsageError(`--start-ts must be an ISO date or Unix ms, got '${text}'`);
  const problem = startTsProblem(ms);
  if (problem) throw new UsageError(`--start-ts '${text}': ${problem}`);
  return ms;
}

/** Small side outputs appear atomically too ("-" = stdout). */
async function writeSmallFile(path: string, text: string): Promise<void> {
  if (!isStdio(path)) return writeFileAtomic(path, text);
  const out = openOutput(path);
  out.write(text);
  await out.end();
}

export const tool = defineTool({
  name: "gen_telemetry",
  description: "write a seeded synthetic Pump.fun → PumpSwap market as telemetry.jsonl v1",
  examples: [
    "bun scripts/gen_telemetry.ts --days 3 --out telemetry.jsonl --known-wallets-out known_wallets.json",
    "bun scripts/gen_telemetry.ts --days 0.5 --seed 7 --out - | head",
    "bun scripts/gen_telemetry.ts --json --summary gen_summary.json",
  ],
  args: {
    days: { type: "number", description: "days of migrations", default: 30, min: 0.001, max: 3650 },
    migrationsPerDay: { type: "number", description: "mean migrations per day", default: 150, min: 0.1, max: 100_000 },
    seed: { type: "number", description: "random seed (same seed and flags → same bytes)", default: 1, integer: true },
    legacyShare: { type: "number", description: "share of valid lines written in a legacy form", default: DEFAULT_LEGACY_SHARE, min: 0, max: 1 },
    malformedShare: { type: "number", description: "share of all lines that are malformed (injected beside valid ones)", default: DEFAULT_MALFORMED_SHARE, min: 0, max: 0.5 },
    trackSeconds: { type: "number", description: "seconds of 1 Hz ticks per pool", default: 1800, min: 1, integer: true },
    idleStopSeconds: { type: "number", description: "stop tracking a pool after this many seconds without a swap", default: 300, min: 1, integer: true },
    startTs: { type: "string", description: "market start, ISO date or Unix ms", default: new Date(DEFAULT_START_TS).toISOString(), valueHint: "date" },
    out: { type: "string", description: "output file, '-' for stdout", default: "telemetry.jsonl", valueHint: "file" },
    knownWalletsOut: { type: "string", description: "also write the recurring wallets (JSON array of {address,label})", valueHint: "file" },
    summary: { type: "string", description: "write the generation summary (counts by kind) as JSON", valueHint: "file" },
    json: { type: "boolean", description: "print the summary as JSON on stderr" },
  },
  async run(a) {
    const startTs = parseStartTs(a.startTs);
    const out = openOutput(a.out);
    const progress = createProgress("gen_telemetry");
    let result;
    try {
      result = await writeTelemetry(
        out,
        {
          seed: a.seed,
          startTs,
          days: a.days,
          migrationsPerDay: a.migrationsPerDay,
          trackSeconds: a.trackSeconds,
          idleStopSeconds: a.idleStopSeconds,
          legacyShare: a.legacyShare,
          malformedShare: a.malformedShare,
        },
        { onProgress: (f, bytes) => progress.update(Math.round(f * 1000) / 10, 100, `${formatCount(bytes)}B`) },
      );
      await out.end();
    } catch (err) {
      progress.done();
      out.abort();
      throw err;
    }
    const s = result.summary;
    progress.done();
    const text = JSON.stringify(s, null, 1) + "\n";
    if (a.knownWalletsOut) await writeSmallFile(a.knownWalletsOut, knownWalletsJson(result.market));
    if (a.summary) await writeSmallFile(a.summary, text);
    if (a.json) process.stderr.write(text);
    else if (stderrIsTTY()) {
      process.stderr.write(
        `gen_telemetry: ${s.tokens} migrations, ${formatCount(s.lines.total)} lines (${s.legacy.total} legacy, ${s.malformed.total} malformed), ` +
          `${(s.bytes / 1e6).toFixed(0)} MB in ${s.elapsed_s.toFixed(1)} s (${s.mb_per_s.toFixed(0)} MB/s) → ${a.out}\n`,
      );
    }
    return 0;
  },
});

if (import.meta.main) await main(tool);
