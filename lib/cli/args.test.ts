import { describe, expect, test } from "bun:test";
import { parseArgs, UsageError } from "./args";
import { defineTool, renderHelp, runTool } from "./tool";

const specs = {
  input: { type: "positional", description: "input", default: "telemetry.jsonl" },
  days: { type: "number", description: "days", default: 30, min: 0.01 },
  seed: { type: "number", description: "seed", integer: true, default: 1 },
  json: { type: "boolean", description: "json" },
  mode: { type: "enum", options: ["normal", "explore"] as const, description: "mode", default: "normal" },
  outDir: { type: "string", description: "out", default: "tel_out", env: "FERRIX_OUT" },
} as const;

describe("parseArgs", () => {
  test("parses numbers, booleans, enums, positionals and kebab-case flags", () => {
    const a = parseArgs(["x.jsonl", "--days", "2.5", "--seed=7", "--json", "--mode", "explore", "--out-dir", "o"], specs, {});
    expect(a).toMatchObject({ input: "x.jsonl", days: 2.5, seed: 7, json: true, mode: "explore", outDir: "o" });
  });
  test("defaults and env fallback (flag wins)", () => {
    expect(parseArgs([], specs, { FERRIX_OUT: "e" })).toMatchObject({ input: "telemetry.jsonl", days: 30, json: false, outDir: "e" });
    expect(parseArgs(["--out-dir", "f"], specs, { FERRIX_OUT: "e" }).outDir).toBe("f");
  });
  test("'-' is a positional, not a flag", () => {
    expect(parseArgs(["-"], specs, {}).input).toBe("-");
  });
  test.each([
    [["--dry-rn"], /unknown option '--dry-rn'/],
    [["--days", "abc"], /--days must be a number, got 'abc'/],
    [["--days", "0"], /--days must be ≥ 0.01/],
    [["--seed", "1.5"], /--seed must be an integer/],
    [["--mode", "wild"], /--mode must be one of normal, explore/],
    [["--days"], /--days needs a value/],
    [["a.jsonl", "b.jsonl"], /unexpected argument 'b.jsonl'/],
  ])("rejects %p", (argv, msg) => {
    expect(() => parseArgs(argv as string[], specs, {})).toThrow(UsageError);
    expect(() => parseArgs(argv as string[], specs, {})).toThrow(msg);
  });
});

describe("runTool", () => {
  const tool = defineTool({
    name: "demo_tool",
    description: "does a thing",
    examples: ["demo_tool --days 3 data.jsonl"],
    args: specs,
    run: (a) => (a.json ? 0 : 1),
  });
  test("exit codes: 0 ok, 1 failure, 2 usage", async () => {
    expect(await runTool(tool, ["--json"])).toBe(0);
    expect(await runTool(tool, [])).toBe(1);
    expect(await runTool(tool, ["--nope"])).toBe(2);
  });
  test("help lists every flag and the example", () => {
    const help = renderHelp(tool as any);
    for (const s of ["--days <n>", "--out-dir", "[env FERRIX_OUT]", "demo_tool --days 3 data.jsonl", "<input>"]) expect(help).toContain(s);
  });
});
