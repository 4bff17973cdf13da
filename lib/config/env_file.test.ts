import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EnvFileError, interpretEnvKnobs, loadEnvKnobs, parseEnvFile } from "./env_file";

const specs = {
  SIM_LATENCY_MS: { type: "number", min: 0, integer: true },
  SIM_BUY_AMOUNT_SOL: { type: "number", min: 0.000001 },
  NAME: { type: "string" },
  FLAG: { type: "boolean" },
} as const;

describe(".env_PROD files", () => {
  test("comments, blank lines, export prefix, quotes, trailing comments; unknown keys ignored", () => {
    const text = [
      "# production knobs",
      "",
      "export SIM_LATENCY_MS=450",
      "SIM_BUY_AMOUNT_SOL = 0.25   # per entry",
      `NAME="ferrix # main\\n"`,
      "FLAG='yes'",
      "RPC_URL=https://example.invalid/?a=b#frag",
      "HELIUS_KEY=${SECRET}",
    ].join("\n");
    const entries = parseEnvFile(text, ".env_PROD");
    expect(entries.map((e) => [e.key, e.value, e.line])).toEqual([
      ["SIM_LATENCY_MS", "450", 3],
      ["SIM_BUY_AMOUNT_SOL", "0.25", 4],
      ["NAME", "ferrix # main\n", 5],
      ["FLAG", "yes", 6],
      ["RPC_URL", "https://example.invalid/?a=b#frag", 7],
      ["HELIUS_KEY", "${SECRET}", 8],
    ]);
    const knobs = interpretEnvKnobs(entries, specs, ".env_PROD");
    expect(knobs.values).toEqual({ SIM_LATENCY_MS: 450, SIM_BUY_AMOUNT_SOL: 0.25, NAME: "ferrix # main\n", FLAG: true });
    expect(knobs.origin.SIM_LATENCY_MS).toBe(".env_PROD:3");
  });

  test("a later line overrides an earlier one, as in the shell", () => {
    const knobs = interpretEnvKnobs(parseEnvFile("SIM_LATENCY_MS=1\nSIM_LATENCY_MS=2\n", "f"), specs, "f");
    expect(knobs.values.SIM_LATENCY_MS).toBe(2);
    expect(knobs.origin.SIM_LATENCY_MS).toBe("f:2");
  });

  test.each([
    ["SIM_LATENCY_MS=fast", /^\.env_PROD:1: SIM_LATENCY_MS: must be a number, got 'fast'$/],
    ["\nSIM_LATENCY_MS=1.5", /^\.env_PROD:2: SIM_LATENCY_MS: must be an integer, got '1\.5'$/],
    ["SIM_BUY_AMOUNT_SOL=-1", /^\.env_PROD:1: SIM_BUY_AMOUNT_SOL: must be ≥ 0\.000001, got -1$/],
    ["FLAG=maybe", /^\.env_PROD:1: FLAG: must be true or false, got 'maybe'$/],
    ['NAME="open', /^\.env_PROD:1: NAME: unterminated double quote$/],
    ["# ok\nthis is not an assignment", /^\.env_PROD:2: not a KEY=VALUE line/],
    ["1BAD=3", /^\.env_PROD:1: invalid variable name '1BAD'$/],
  ])("bad input %p → error naming file:line:key", (text, message) => {
    let err: unknown;
    try {
      interpretEnvKnobs(parseEnvFile(text, ".env_PROD"), specs, ".env_PROD");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EnvFileError);
    expect((err as Error).message).toMatch(message);
  });

  test("a bad value under an unknown key is ignored", () => {
    expect(interpretEnvKnobs(parseEnvFile("OTHER_TOOL_MS=fast", "f"), specs, "f").values).toEqual({});
  });

  test("loadEnvKnobs: null when the file is absent", () => {
    const dir = mkdtempSync(join(tmpdir(), "ferrix-env-"));
    expect(loadEnvKnobs(join(dir, ".env_PROD"), specs)).toBeNull();
    writeFileSync(join(dir, ".env_PROD"), "SIM_LATENCY_MS=5\n");
    expect(loadEnvKnobs(join(dir, ".env_PROD"), specs)?.values).toEqual({ SIM_LATENCY_MS: 5 });
  });

  test("loadEnvKnobs: an unreadable path is an error naming it", () => {
    const dir = mkdtempSync(join(tmpdir(), "ferrix-env-"));
    expect(() => loadEnvKnobs(dir, specs)).toThrow(`${dir}: cannot read env file`);
  });
});
