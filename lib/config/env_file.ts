/**
 * `.env_PROD`-style files: `KEY=VALUE` lines that people edit and shell scripts `source`.
 *
 * Syntax accepted (a subset of what `sh` and dotenv agree on):
 *   # a comment                 blank lines             export KEY=value
 *   KEY=value                   KEY="double quoted"     KEY='single quoted'
 *   KEY=value # trailing comment (after whitespace; a # inside quotes is kept)
 * Double quotes understand \n, \t, \" and \\; single quotes are literal. No multi-line values, no
 * ${VAR} expansion (kept verbatim). A later line overrides an earlier one, as in the shell.
 *
 * Reading knobs: only the keys a tool asks for are interpreted; unknown keys are ignored (the file
 * is shared by several tools). A line that is not an assignment, or a known key whose value does
 * not parse or is out of bounds, is an error naming file:line and the key.
 */
import { existsSync, readFileSync } from "node:fs";

export interface EnvFileEntry {
  key: string;
  value: string;
  /** 1-based line number. */
  line: number;
}

export class EnvFileError extends Error {
  override name = "EnvFileError";
  constructor(
    readonly file: string,
    readonly line: number,
    readonly key: string | null,
    message: string,
  ) {
    super(`${file}:${line}${key ? `: ${key}` : ""}: ${message}`);
  }
}

const KEY_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Parse the text of an env file into assignments (syntax only; values stay strings). */
export function parseEnvFile(text: string, file = ".env"): EnvFileEntry[] {
  const out: EnvFileEntry[] = [];
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const lineNo = n + 1;
    let s = lines[n].trim();
    if (s === "" || s.startsWith("#")) continue;
    if (s.startsWith("export ") || s.startsWith("export\t")) s = s.slice(7).trimStart();
    const eq = s.indexOf("=");
    if (eq <= 0) throw new EnvFileError(file, lineNo, null, `not a KEY=VALUE line: '${lines[n].trim()}'`);
    const key = s.slice(0, eq).trim();
    if (!KEY_RE.test(key)) throw new EnvFileError(file, lineNo, null, `invalid variable name '${key}'`);
    out.push({ key, value: parseValue(s.slice(eq + 1), file, lineNo, key), line: lineNo });
  }
  return out;
}

function parseValue(raw: string, file: string, line: number, key: string): string {
  const s = raw.trimStart();
  const q = s[0];
  if (q === '"' || q === "'") {
    let value = "";
    let k = 1;
    for (; k < s.length; k++) {
      const ch = s[k];
      if (ch === q) break;
      if (q === '"' && ch === "\\" && k + 1 < s.length) {
        const nx = s[++k];
        value += nx === "n" ? "\n" : nx === "t" ? "\t" : nx === "r" ? "\r" : nx;
      } else value += ch;
    }
    if (k >= s.length) throw new EnvFileError(file, line, key, `unterminated ${q === '"' ? "double" : "single"} quote`);
    const rest = s.slice(k + 1).trim();
    if (rest !== "" && !rest.startsWith("#")) throw new EnvFileError(file, line, key, `unexpected text after the closing quote: '${rest}'`);
    return value;
  }
  if (s.startsWith("#")) return "";
  const hash = s.search(/\s#/);
  return (hash >= 0 ? s.slice(0, hash) : s).trim();
}

export type EnvKnobSpec =
  | { type: "number"; min?: number; max?: number; integer?: boolean }
  | { type: "string" }
  | { type: "boolean" };

type KnobValue<S extends EnvKnobSpec> = S extends { type: "number" } ? number : S extends { type: "boolean" } ? boolean : string;
export type EnvKnobs<S extends Record<string, EnvKnobSpec>> = { [K in keyof S]?: KnobValue<S[K]> };

/** Where each knob came from, for "SIM_LATENCY_MS=300 (.env_PROD:4)" notes. */
export interface EnvKnobsResult<S extends Record<string, EnvKnobSpec>> {
  values: EnvKnobs<S>;
  origin: { [K in keyof S]?: string };
}

/** Interpret the known keys of parsed entries against their specs; unknown keys are ignored. */
export function interpretEnvKnobs<S extends Record<string, EnvKnobSpec>>(entries: EnvFileEntry[], specs: S, file: string): EnvKnobsResult<S> {
  const values: Record<string, unknown> = {};
  const origin: Record<string, string> = {};
  for (const { key, value, line } of entries) {
    const spec = specs[key];
    if (!spec) continue;
    values[key] = convert(value, spec, file, line, key);
    origin[key] = `${file}:${line}`;
  }
  return { values: values as EnvKnobs<S>, origin: origin as EnvKnobsResult<S>["origin"] };
}

function convert(text: string, spec: EnvKnobSpec, file: string, line: number, key: string): number | string | boolean {
  if (spec.type === "string") return text;
  if (spec.type === "boolean") {
    if (/^(1|true|yes|on)$/i.test(text)) return true;
    if (/^(0|false|no|off)$/i.test(text)) return false;
    throw new EnvFileError(file, line, key, `must be true or false, got '${text}'`);
  }
  const cleaned = text.replace(/_/g, "");
  const n = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(cleaned) ? Number(cleaned) : Number.NaN;
  if (!Number.isFinite(n)) throw new EnvFileError(file, line, key, `must be a number, got '${text}'`);
  if (spec.integer && !Number.isInteger(n)) throw new EnvFileError(file, line, key, `must be an integer, got '${text}'`);
  if (spec.min !== undefined && n < spec.min) throw new EnvFileError(file, line, key, `must be ≥ ${spec.min}, got ${text}`);
  if (spec.max !== undefined && n > spec.max) throw new EnvFileError(file, line, key, `must be ≤ ${spec.max}, got ${text}`);
  return n;
}

/** Read the knobs from an env file; null when the file does not exist. */
export function loadEnvKnobs<S extends Record<string, EnvKnobSpec>>(path: string, specs: S): EnvKnobsResult<S> | null {
  if (!existsSync(path)) return null;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    // e.g. EISDIR or EACCES: the bare system message would not say which file.
    throw new Error(`${path}: cannot read env file: ${(err as Error).message}`);
  }
  return interpretEnvKnobs(parseEnvFile(text, path), specs, path);
}
