/**
 * Subcommands on top of lib/cli (citty-style `tool <command> [options]`), keeping lib/cli's
 * guarantees: unknown flags are rejected (exit 2), errors are one line, exit codes 0/1/2.
 * Global options may come before or after the command; each command's --help lists its own
 * options and the global ones.
 */
import { flagName, runTool, UsageError, type ArgSpecs, type ParsedArgs, type ToolDef } from "../cli";

export interface SubcommandDef<A extends ArgSpecs> {
  description: string;
  examples: string[];
  args: A;
  epilog?: string;
  /** Its own args typed; the global ones by name (they go to the config resolver as a whole). */
  run(args: ParsedArgs<A> & Record<string, unknown>): Promise<number | void> | number | void;
}

export interface MultiCommandDef<G extends ArgSpecs> {
  name: string;
  description: string;
  globalArgs: G;
  // Each command's own args differ; `any` here only erases them for the registry.
  commands: Record<string, SubcommandDef<any>>;
  epilog?: string;
}

/** Type helper: a command whose run() sees its own args and the global ones, typed. */
export function defineSubcommand<A extends ArgSpecs>(def: SubcommandDef<A>): SubcommandDef<A> {
  return def;
}

export function renderTopHelp(def: MultiCommandDef<ArgSpecs>): string {
  const names = Object.keys(def.commands);
  const width = Math.max(...names.map((n) => n.length)) + 2;
  const lines = [`${def.name} — ${def.description}`, "", `Usage: ${def.name} <command> [options]`, "", "Commands:"];
  for (const n of names) lines.push(`  ${n.padEnd(width)}${def.commands[n].description}`);
  lines.push("", `Run '${def.name} <command> --help' for the options of a command (global options included).`);
  if (def.epilog) lines.push("", def.epilog.trimEnd());
  lines.push("", "Exit codes: 0 success, 1 failure, 2 bad usage.");
  return lines.join("\n") + "\n";
}

function valueFlags(specs: ArgSpecs[]): Set<string> {
  const out = new Set<string>();
  for (const s of specs) {
    for (const [key, spec] of Object.entries(s)) {
      if (spec.type === "positional" || spec.type === "boolean") continue;
      out.add(`--${flagName(key)}`);
      if (spec.alias) out.add(`-${spec.alias}`);
    }
  }
  return out;
}

/** Index of the command word in argv: the first bare word that is not some flag's value. */
export function findCommandIndex(argv: string[], takesValue: Set<string>): number {
  for (let i = 0; i < argv.length; i++) {
    const t = argv[i];
    if (t === "--") return -1;
    if (t.startsWith("-") && t !== "-") {
      if (!t.includes("=") && takesValue.has(t)) i++;
      continue;
    }
    return i;
  }
  return -1;
}

/** Parses `argv`, runs the command, returns the exit code (does not exit). */
export async function runSubcommands<G extends ArgSpecs>(def: MultiCommandDef<G>, argv: string[]): Promise<number> {
  const takesValue = valueFlags([def.globalArgs, ...Object.values(def.commands).map((c) => c.args as ArgSpecs)]);
  const at = findCommandIndex(argv, takesValue);
  const names = Object.keys(def.commands);
  if (at < 0) {
    if (argv.includes("--help") || argv.includes("-h")) {
      process.stdout.write(renderTopHelp(def as unknown as MultiCommandDef<ArgSpecs>));
      return 0;
    }
    process.stderr.write(`${def.name}: missing command (one of ${names.join(", ")})\nRun '${def.name} --help' for usage.\n`);
    return 2;
  }
  const name = argv[at];
  const cmd = def.commands[name];
  if (!cmd) {
    process.stderr.write(`${def.name}: unknown command '${name}' (expected one of ${names.join(", ")})\nRun '${def.name} --help' for usage.\n`);
    return 2;
  }
  const tool: ToolDef<ArgSpecs> = {
    name: `${def.name} ${name}`,
    description: cmd.description,
    usage: "[options]",
    examples: cmd.examples,
    args: { ...(cmd.args as ArgSpecs), ...def.globalArgs },
    epilog: cmd.epilog ?? def.epilog,
    run: (args) => {
      // lib/cli keeps stray words in `_`; none of these commands takes any.
      if (args._.length) throw new UsageError(`unexpected argument '${args._[0]}'`);
      return cmd.run(args as never);
    },
  };
  return runTool(tool, [...argv.slice(0, at), ...argv.slice(at + 1)]);
}
