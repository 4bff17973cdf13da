import { describe, expect, spyOn, test } from "bun:test";
import { findCommandIndex, runSubcommands, type MultiCommandDef } from "./subcommands.ts";
import { defineSubcommand } from "./subcommands.ts";

const calls: unknown[] = [];
const globalArgs = { db: { type: "string", description: "db" }, live: { type: "boolean", description: "live" } } as const;
const def: MultiCommandDef<typeof globalArgs> = {
  name: "tool",
  description: "a tool",
  globalArgs,
  commands: {
    go: defineSubcommand({
      description: "go somewhere",
      examples: ["tool go --fast"],
      args: { fast: { type: "boolean", description: "fast" }, to: { type: "string", description: "where" } },
      run: (a) => {
        calls.push(a);
        return a.fast ? 0 : 1;
      },
    }),
  },
};

async function quiet<T>(f: () => Promise<T>): Promise<{ result: T; out: string; err: string }> {
  let out = "";
  let err = "";
  const o = spyOn(process.stdout, "write").mockImplementation(((s: string) => ((out += s), true)) as never);
  const e = spyOn(process.stderr, "write").mockImplementation(((s: string) => ((err += s), true)) as never);
  try {
    return { result: await f(), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe("runSubcommands", () => {
  test("global options before or after the command; the command's own options after it", async () => {
    calls.length = 0;
    expect((await quiet(() => runSubcommands(def, ["--db", "x.db", "go", "--fast", "--to=moon", "--live"]))).result).toBe(0);
    expect(calls[0]).toMatchObject({ db: "x.db", fast: true, to: "moon", live: true });
    expect((await quiet(() => runSubcommands(def, ["go"]))).result).toBe(1);
  });

  test("exit 2: unknown flag, unknown or missing command, stray argument", async () => {
    const unknownFlag = await quiet(() => runSubcommands(def, ["go", "--fsat"]));
    expect(unknownFlag.result).toBe(2);
    expect(unknownFlag.err).toContain("tool go: unknown option '--fsat'");
    const unknownCmd = await quiet(() => runSubcommands(def, ["stop"]));
    expect(unknownCmd.result).toBe(2);
    expect(unknownCmd.err).toContain("unknown command 'stop' (expected one of go)");
    expect((await quiet(() => runSubcommands(def, ["--live"]))).result).toBe(2);
    const stray = await quiet(() => runSubcommands(def, ["go", "--fast", "extra"]));
    expect(stray.result).toBe(2);
    expect(stray.err).toContain("unexpected argument 'extra'");
  });

  test("help: top level lists commands; a command's help lists its options and the global ones", async () => {
    const top = await quiet(() => runSubcommands(def, ["--help"]));
    expect(top.result).toBe(0);
    expect(top.out).toContain("go  go somewhere");
    const sub = await quiet(() => runSubcommands(def, ["go", "--help"]));
    expect(sub.out).toContain("--fast");
    expect(sub.out).toContain("--db <value>");
    expect(sub.out).toContain("tool go --fast");
  });

  test("the command word is found past flag values", () => {
    const v = new Set(["--db"]);
    expect(findCommandIndex(["--db", "go", "go"], v)).toBe(2);
    expect(findCommandIndex(["--db=go", "go"], v)).toBe(1);
    expect(findCommandIndex(["--live", "go"], v)).toBe(1);
    expect(findCommandIndex(["--db", "x"], v)).toBe(-1);
  });
});
