#!/usr/bin/env bun
/** telemetry_tool: telemetry.jsonl → tel_out/ground_truth_analysis.jsonl (spec §4.1, DESIGN §2.2). */
import { existsSync, statSync } from "node:fs";
import { createProgress, defineTool, InputError, isStdio, main, openOutput } from "../lib/cli";
import { buildGroundTruth, DEFAULT_LIFECYCLE_OPTIONS, formatSummary } from "../lib/lifecycle";

const D = DEFAULT_LIFECYCLE_OPTIONS;

const tool = defineTool({
  name: "telemetry_tool",
  description: "rebuild per-token ground-truth lifecycles from recorded telemetry",
  usage: "[options] [input|-]",
  examples: [
    "telemetry_tool telemetry.jsonl",
    "telemetry_tool telemetry.jsonl --out tel_out/ground_truth_analysis.jsonl --json > summary.json",
    "zcat old.jsonl.gz | telemetry_tool - --out - | head -1",
  ],
  args: {
    input: { type: "positional", description: "telemetry JSONL file, or - for stdin", default: "telemetry.jsonl" },
    out: { type: "string", alias: "o", description: "lifecycle JSONL, written atomically; - for stdout", default: "tel_out/ground_truth_analysis.jsonl", valueHint: "file|-" },
    json: { type: "boolean", description: "print a machine summary as JSON on stdout (stderr when --out -)" },
    trackSeconds: { type: "number", integer: true, min: 1, description: "tracking window after a migration, seconds", default: D.trackSeconds },
    slackSeconds: { type: "number", min: 0, description: "stream time past the window before a lifecycle closes, seconds", default: D.slackSeconds },
    finalGapSeconds: { type: "number", min: 1, description: "a token silent this long (stream time) is finished, seconds", default: D.finalGapSeconds },
    toleranceMs: { type: "number", integer: true, min: 0, description: "how far an event may go back in time for its mint, ms", default: D.toleranceMs },
    reorderSlots: { type: "number", integer: true, min: 0, description: "how many slots a migration line may trail the newest one before it", default: D.reorderSlots },
    examples: { type: "number", integer: true, min: 0, max: 1000, description: "skipped-line examples kept per reason", default: 3 },
  },
  epilog:
    "Output: one lifecycle per migrated token, sorted by (slot, mint), byte-identical for the same input.\n" +
    "Bad lines are skipped and counted by reason (blank, invalid_json, not_object, unknown_type, missing_field,\n" +
    "bad_value, unknown_mint, duplicate, out_of_order, after_end); legacy lines are repaired and counted.\n" +
    "An input with no usable migration (an empty file included) is an error: exit 1, the output left as it was.\n" +
    "The human summary goes to stderr; progress too, on a terminal only.",
  async run(a) {
    const input = a.input;
    let total = 0;
    if (!isStdio(input)) {
      if (!existsSync(input)) throw new InputError(input, null, "no such file");
      const st = statSync(input);
      if (st.isDirectory()) throw new InputError(input, null, "is a directory");
      total = st.isFile() ? st.size : 0; // a pipe (e.g. <(zcat …)) has no size
    }
    const out = openOutput(a.out);
    const progress = createProgress("telemetry_tool", { unit: "B" });
    let summary;
    try {
      summary = await buildGroundTruth(input, out, {
        trackSeconds: a.trackSeconds,
        slackSeconds: a.slackSeconds,
        finalGapSeconds: a.finalGapSeconds,
        toleranceMs: a.toleranceMs,
        reorderSlots: a.reorderSlots,
        examplesPerReason: a.examples,
        onProgress: (bytes) => progress.update(bytes, total),
      });
      progress.done();
      if (summary.lifecycles === 0) {
        // Nothing to write: keep whatever ground truth is there instead of replacing it with an empty file.
        if (summary.lines > 0) process.stderr.write(formatSummary(summary, { input, output: a.out }));
        const what = summary.lines === 0 ? "is empty (no telemetry lines)" : `has no usable migration in its ${summary.lines} lines`;
        throw new InputError(isStdio(input) ? "stdin" : input, null, `${what}: no lifecycle to write${isStdio(a.out) ? "" : `, ${a.out} left as it was`}`);
      }
      await out.end();
    } catch (err) {
      progress.done();
      out.abort();
      throw err;
    }
    process.stderr.write(formatSummary(summary, { input, output: a.out }));
    if (a.json) {
      const text = JSON.stringify({ tool: "telemetry_tool", input, output: a.out, ...summary }) + "\n";
      if (isStdio(a.out)) process.stderr.write(text);
      else process.stdout.write(text);
    }
    return 0;
  },
});

export default tool;
if (import.meta.main) await main(tool);
