/**
 * Typed, strict argument parsing for every Ferrix executable, on top of citty's parser.
 * citty 0.2 has no number type, accepts unknown flags silently and exits 1 on every error; a
 * trading tool must reject a typo like `--dry-rn`, so this layer adds numbers with bounds,
 * unknown-flag rejection, and the exit codes 0 ok / 1 failure / 2 bad usage.
 */
import { parseArgs as cittyParse, type ArgsDef } from "citty";

interface Common {
  description: string;
  alias?: string;
  /** Environment variable consulted when the flag is absent (flag wins). */
  env?: string;
  valueHint?: string;
}
export type ArgSpec =
  | (Common & { type: "string"; default?: string; required?: boolean })
  | (Common & { type: "number"; default?: number; min?: number; max?: number; integer?: boolean; required?: boolean })
  | (Common & { type: "boolean"; default?: boolean })
  | (Common & { type: "enum"; options: readonly string[]; default?: string; required?: boolean })
  | { type: "positional"; description: string; default?: string; required?: boolean; valueHint?: string };

export type ArgSpecs = Record<string, ArgSpec>;

type ValueOf<S extends ArgSpec> = S extends { type: "number" }
  ? number
  : S extends { type: "boolean" }
    ? boolean
    : S extends { type: "enum"; options: readonly (infer O)[] }
      ? O
      : string;
type Resolved<S extends ArgSpec> = S extends { default: any } ? ValueOf<S> : S extends { required: true } ? ValueOf<S> : S extends { type: "boolean" } ? boolean : ValueOf<S> | undefined;
export type ParsedArgs<A extends ArgSpecs> = { -readonly [K in keyof A]: Resolved<A[K]> } & { _: string[] };

export class UsageError extends Error {
  override name = "UsageError";
}

/** Flag spelling used on the command line for a spec key (camelCase keys become kebab-case). */
export function flagName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

export function parseArgs<A extends ArgSpecs>(argv: string[], specs: A, env: Record<string, string | undefined> = process.env): ParsedArgs<A> {
  const known = new Map<string, { key: string; spec: ArgSpec }>();
  for (const [key, spec] of Object.entries(specs)) {
    if (spec.type === "positional") continue;
    known.set(flagName(key), { key, spec });
    if (spec.alias) known.set(spec.alias, { key, spec });
  }
  let sawDoubleDash = false;
  for (const token of argv) {
    if (token === "--") { sawDoubleDash = true; continue; }
    if (sawDoubleDash || !token.startsWith("-") || token === "-") continue;
    if (/^-\d/.test(token)) continue; // a negative number value
    const name = token.replace(/^--?/, "").split("=")[0]!;
    const bare = name.startsWith("no-") ? name.slice(3) : name;
    const hit = known.get(name) ?? known.get(bare);
    if (!hit || (hit !== known.get(name) && hit.spec.type !== "boolean")) {
      throw new UsageError(`unknown option '${token.split("=")[0]}'`);
    }
  }

  const cittyDefs: ArgsDef = {};
  for (const [key, spec] of Object.entries(specs)) {
    const name = spec.type === "positional" ? key : flagName(key);
    if (spec.type === "positional") cittyDefs[name] = { type: "positional", required: false };
    else if (spec.type === "boolean") cittyDefs[name] = { type: "boolean", alias: spec.alias };
    else cittyDefs[name] = { type: "string", alias: spec.alias };
  }
  const raw = cittyParse(argv, cittyDefs) as Record<string, unknown> & { _: string[] };
  const out: Record<string, unknown> = { _: raw._ };
  const positionals = [...raw._];
  for (const [key, spec] of Object.entries(specs)) {
    const flag = `--${flagName(key)}`;
    if (spec.type === "positional") {
      const v = positionals.shift();
      if (v === undefined && spec.required) throw new UsageError(`missing argument <${key}>`);
      out[key] = v ?? spec.default;
      continue;
    }
    let value = raw[flagName(key)];
    let source = flag;
    if (value === "" && spec.type !== "boolean" && argv.some((t) => t === flag || (spec.alias !== undefined && t === `-${spec.alias}`))) {
      throw new UsageError(`${flag} needs a value`);
    }
    if (value === undefined && spec.env && env[spec.env] !== undefined && env[spec.env] !== "") {
      value = env[spec.env];
      source = `environment variable ${spec.env}`;
    }
    if (spec.type === "boolean") {
      if (typeof value === "string") value = parseBool(value, source);
      out[key] = value === undefined ? (spec.default ?? false) : Boolean(value);
      continue;
    }
    if (value === true || value === false) throw new UsageError(`${flag} needs a value`);
    if (value === undefined) {
      if ("required" in spec && spec.required) throw new UsageError(`missing required option ${flag}`);
      out[key] = spec.default;
      continue;
    }
    const text = String(value);
    if (spec.type === "number") out[key] = parseNumber(text, source, spec);
    else if (spec.type === "enum") {
      if (!spec.options.includes(text)) throw new UsageError(`${source} must be one of ${spec.options.join(", ")}, got '${text}'`);
      out[key] = text;
    } else out[key] = text;
  }
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  out._ = positionals;
  return out as ParsedArgs<A>;
}

function parseBool(text: string, source: string): boolean {
  if (/^(1|true|yes|on)$/i.test(text)) return true;
  if (/^(0|false|no|off)$/i.test(text)) return false;
  throw new UsageError(`${source} must be true or false, got '${text}'`);
}

/** A number as the flags take it (underscores allowed), checked against `spec`; errors name `source`. */
export function parseNumber(text: string, source: string, spec: { min?: number; max?: number; integer?: boolean }): number {
  const cleaned = text.replace(/_/g, "");
  const n = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(cleaned) ? Number(cleaned) : Number.NaN;
  if (!Number.isFinite(n)) throw new UsageError(`${source} must be a number, got '${text}'`);
  if (spec.integer && !Number.isInteger(n)) throw new UsageError(`${source} must be an integer, got '${text}'`);
  if (spec.min !== undefined && n < spec.min) throw new UsageError(`${source} must be ≥ ${spec.min}, got ${text}`);
  if (spec.max !== undefined && n > spec.max) throw new UsageError(`${source} must be ≤ ${spec.max}, got ${text}`);
  return n;
}
