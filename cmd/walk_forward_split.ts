/** walk_forward_split: lifecycle JSONL → chronological holdout + purged walk-forward rounds (+ binary twins). */
import { defineTool, main } from "../lib/cli";
import { DEFAULT_SPLIT, formatSplitTable, runSplit } from "../lib/dataset";

export const tool = defineTool({
  name: "walk_forward_split",
  description: "split ground-truth lifecycles into a permanent holdout and purged, embargoed walk-forward rounds",
  usage: "[options] [input|-]",
  examples: [
    "walk_forward_split --min-train-trades 10 --test-window-trades 450 --embargo-trades 40 --n-rounds 5 --sliding",
    "walk_forward_split tel_out/ground_truth_analysis.jsonl --out-dir tel_out --n-rounds 3 --json",
    "cat lifecycles.jsonl | walk_forward_split - --out-dir /tmp/split --test-window-trades 100",
  ],
  args: {
    input: { type: "positional", description: "lifecycle JSONL (telemetry_tool output), '-' for stdin", default: "tel_out/ground_truth_analysis.jsonl" },
    outDir: { type: "string", description: "directory for the split files", default: "tel_out", env: "FERRIX_TEL_OUT", valueHint: "dir" },
    minTrainTrades: { type: "number", description: "fewest lifecycles a round's train window may hold (after purging)", default: DEFAULT_SPLIT.minTrainTrades, integer: true, min: 1 },
    testWindowTrades: { type: "number", description: "lifecycles per test window", default: DEFAULT_SPLIT.testWindowTrades, integer: true, min: 1 },
    embargoTrades: { type: "number", description: "lifecycles skipped between each train window and its test window", default: DEFAULT_SPLIT.embargoTrades, integer: true, min: 0 },
    nRounds: { type: "number", description: "walk-forward rounds", default: DEFAULT_SPLIT.nRounds, integer: true, min: 1, max: 10_000 },
    sliding: { type: "boolean", description: "train windows of one fixed length that slide forward (default: expanding from the first record)" },
    holdoutShare: { type: "number", description: "share of newest lifecycles held out (at least 1)", default: DEFAULT_SPLIT.holdoutShare, min: 0, max: 0.9 },
    json: { type: "boolean", description: "print a machine summary (JSON) on stdout" },
  },
  epilog: `Input: one lifecycle per line (DESIGN §2.2). Every line is checked; a malformed line is an error
(exit 1, naming file:line:key) because this input is machine-made — nothing is skipped silently.
Blank lines are ignored. Records are sorted by slot, then mint; outputs are the input's own lines.

Writes into --out-dir (each atomically, each with a binary twin <stem>.msgpack beside it):
  train_set.jsonl, permanent_holdout.jsonl, wf_round_<n>_train.jsonl, wf_round_<n>_test.jsonl
and removes wf_round_* files of an earlier run with more rounds.

Windows (indices into the train set of T records; R rounds, W test window, E embargo, M min train):
  holdout    newest max(1, floor(N*share)) records, widened over slot ties (strictly newer by slot)
  test_r     [T-(R-r+1)W, T-(R-r)W)      embargo_r  the E records before test_r
  train_r    expanding: [0, test_r.from-E); --sliding: the L = T-R*W-E records before the embargo
  purge      train records whose lifecycle (ts + seconds*1000) runs past test_r's first migration
  needs      T >= R*W + E + M (spec flags: 5*450 + 40 + 10 = 2300), else exit 1
A table of rounds goes to stderr; --json prints the summary on stdout.`,
  async run(a) {
    const summary = await runSplit({
      input: a.input,
      outDir: a.outDir,
      minTrainTrades: a.minTrainTrades,
      testWindowTrades: a.testWindowTrades,
      embargoTrades: a.embargoTrades,
      nRounds: a.nRounds,
      sliding: a.sliding,
      holdoutShare: a.holdoutShare,
    });
    process.stderr.write(formatSplitTable(summary));
    if (a.json) process.stdout.write(JSON.stringify(summary) + "\n");
    return 0;
  },
});

if (import.meta.main) await main(tool);
