/**
 * One shape for every executable: `defineTool` declares name, description, real examples and
 * typed args; `runTool` parses, prints help, maps errors to exit codes (0 ok, 1 failure, 2 bad
 * usage) and never lets a stack trace stand in for a message.
 */
import { flagName, parseArgs, UsageError, type ArgSpecs, type ParsedArgs } from "./args";
import { BrokenPipe } from "./io";
import { style } from "./term";

export interface ToolDef<A extends ArgSpecs> {
  name: string;
  description: string;
  /** Usage line after the name, e.g. "[options] <input|->". */
  usage?: string;
  /** Runnable examples shown by --help. */
  examples: string[];
  args: A;
  /** Extra text for --help (environment variables, files). */
  epilog?: string;
  run(args: ParsedArgs<A>): Promise<number | void> | number | void;
}

export function defineTool<A extends ArgSpecs>(def: ToolDef<A>): ToolDef<A> {
  return def;
}

export function renderHelp(def: ToolDef<ArgSpecs>): string {
  const lines: string[] = [];
  lines.push(`${style.bold(def.name)} — ${def.description}`, "");
  lines.push(`Usage: ${def.name} ${def.usage ?? "[options]"}`, "");
  const rows: [string, string][] = [];
  for (const [key, spec] of Object.entries(def.args)) {
    if (spec.type === "positional") {
      rows.push([`<${key}>`, spec.description + (spec.default !== undefined ? ` (default: ${spec.default})` : "")]);
      continue;
    }
    let left = `--${flagName(key)}`;
    if (spec.alias) left = `-${spec.alias}, ${left}`;
    if (spec.type !== "boolean") left += ` <${spec.valueHint ?? (spec.type === "enum" ? spec.options.join("|") : spec.type === "number" ? "n" : "value")}>`;
    let right = spec.description;
    if (spec.default !== undefined && spec.default !== false) right += ` (default: ${spec.default})`;
    if (spec.env) right += ` [env ${spec.env}]`;
    rows.push([left, right]);
  }
  rows.push(["-h, --help", "show this help"]);
  const width = Math.min(38, Math.max(...rows.map((r) => r[0].length)) + 2);
  lines.push("Options:");
  for (const [l, r] of rows) lines.push(`  ${l.padEnd(width)}${l.length >= width ? "\n  " + " ".repeat(width) : ""}${r}`);
  if (def.epilog) lines.push("", def.epilog.trimEnd());
  lines.push("", "Examples:");
  for (const ex of def.examples) lines.push(`  ${ex}`);
  lines.push("", "Exit codes: 0 success, 1 failure, 2 bad usage.");
  return lines.join("\n") + "\n";
}

/** Parse, run, and return the exit code (does not exit; see `main`). */
export async function runTool<A extends ArgSpecs>(def: ToolDef<A>, argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(renderHelp(def as unknown as ToolDef<ArgSpecs>));
    return 0;
  }
  let args: ParsedArgs<A>;
  try {
    args = parseArgs(argv, def.args);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${def.name}: ${err.message}\nRun '${def.name} --help' for usage.\n`);
      return 2;
    }
    throw err;
  }
  try {
    const code = await def.run(args);
    return typeof code === "number" ? code : 0;
  } catch (err) {
    if (err instanceof BrokenPipe) return 0;
    if (err instanceof UsageError) {
      process.stderr.write(`${def.name}: ${err.message}\nRun '${def.name} --help' for usage.\n`);
      return 2;
    }
    process.stderr.write(`${def.name}: ${style.red("error")}: ${err instanceof Error ? err.message : String(err)}\n`);
    if (process.env.FERRIX_DEBUG && err instanceof Error && err.stack) process.stderr.write(err.stack + "\n");
    return 1;
  }
}

/** Entry point for cmd/ files: `if (import.meta.main) main(tool)`. */
export async function main<A extends ArgSpecs>(def: ToolDef<A>, argv = process.argv.slice(2)): Promise<never> {
  const code = await runTool(def, argv);
  await flushStdout();
  process.exit(code);
}

/** Let buffered stdout (a large table or JSON report) reach a pipe before the process exits. */
export async function flushStdout(): Promise<void> {
  await new Promise<void>((resolve) => {
    if (process.stdout.writableLength === 0) return resolve();
    process.stdout.once("drain", () => resolve());
    setTimeout(resolve, 2000);
  });
}
