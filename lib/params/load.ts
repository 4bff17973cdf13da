/**
 * best_strategy_params.json: `{"version":1,"params":{…},"meta":{…}}` (DESIGN §2.3).
 *
 * Loading is strict where a mistake would silently change trading: an unknown key (a typo), a
 * value of the wrong type or outside its bounds is an error naming the key and the file. A missing
 * key is forgiven: it takes its default and produces a warning (returned; CLIs print them), so an
 * older champion keeps working after a parameter is added. Cross-field rules are then repaired by
 * `repairVector` (documented in ./schema.ts), each repair also a warning.
 *
 * The structure is checked with valibot, with a per-parameter schema generated from PARAM_SCHEMA.
 */
import { readFileSync } from "node:fs";
import * as v from "valibot";
import { writeFileAtomic } from "../util/atomic";
import {
  PARAM_COUNT,
  PARAM_NAMES,
  PARAM_SCHEMA,
  paramsFromVector,
  repairVector,
  type ParamSpec,
  type ParamValues,
} from "./schema";

export const PARAMS_FILE_VERSION = 1;

export interface ParamsMeta {
  /** Scores the optimizer measured (cv, holdout, blended, …). */
  scores?: Record<string, number | null>;
  /** Fingerprint of the data the params were chosen on. */
  data_fingerprint?: string;
  created_at?: string;
  /** Fingerprint or name of the champion this one replaced. */
  parent?: string | null;
  [key: string]: unknown;
}

export interface ParamsFile {
  version: 1;
  params: ParamValues;
  meta: ParamsMeta;
}

export interface LoadedParams {
  /** Schema-order vector, repaired: what the simulator and the live engine run. */
  vector: Float64Array;
  /** The same values by name. */
  params: ParamValues;
  meta: ParamsMeta;
  /** Missing keys that took their default, and cross-field repairs. */
  warnings: string[];
  /** Where they came from (a path, or a label such as "defaults"). */
  source: string;
}

/** A params file that cannot be used; `key` names the offending parameter when there is one. */
export class ParamsError extends Error {
  override name = "ParamsError";
  constructor(
    readonly source: string,
    readonly problems: { key: string | null; message: string }[],
  ) {
    super(
      problems.length === 1
        ? `${source}: ${problems[0].message}`
        : `${source}: ${problems.length} problems:\n` + problems.map((p) => `  - ${p.message}`).join("\n"),
    );
  }
  /** The first key named, if any. */
  get key(): string | null {
    return this.problems.find((p) => p.key !== null)?.key ?? null;
  }
}

const describe = (x: unknown): string => (typeof x === "string" ? `string ${JSON.stringify(x)}` : x === null ? "null" : Array.isArray(x) ? "an array" : `${typeof x} ${JSON.stringify(x)}`);

function paramValueSchema(spec: ParamSpec) {
  const key = `params.${spec.name}`;
  if (spec.type === "bool") return v.boolean((iss) => `${key} must be true or false, got ${describe(iss.input)}`);
  const bounds = `[${spec.min}, ${spec.max}]`;
  const base = v.pipe(
    v.number((iss) => `${key} must be a number, got ${describe(iss.input)}`),
    v.finite((iss) => `${key} must be a finite number, got ${iss.input}`),
    v.minValue(spec.min, (iss) => `${key} = ${iss.input} is out of bounds ${bounds}`),
    v.maxValue(spec.max, (iss) => `${key} = ${iss.input} is out of bounds ${bounds}`),
  );
  if (spec.type === "int") return v.pipe(base, v.integer((iss) => `${key} must be an integer, got ${iss.input}`));
  return base;
}

const ParamsEntries = Object.fromEntries(PARAM_SCHEMA.map((s) => [s.name, v.optional(paramValueSchema(s))]));

const FileSchema = v.object({
  version: v.literal(PARAMS_FILE_VERSION, (iss) => `version must be ${PARAMS_FILE_VERSION}, got ${describe(iss.input)}`),
  params: v.object(ParamsEntries, (iss) => `params must be an object, got ${describe(iss.input)}`),
  meta: v.optional(v.record(v.string(), v.unknown(), (iss) => `meta must be an object, got ${describe(iss.input)}`)),
});

const TOP_LEVEL_KEYS = new Set(["version", "params", "meta"]);

/** Closest known name by edit distance, for "did you mean". */
function suggest(name: string): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const cand of PARAM_NAMES) {
    const d = editDistance(name.toLowerCase(), cand.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = cand;
    }
  }
  return bestD <= Math.max(2, Math.floor(name.length / 4)) ? best : null;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

/**
 * Validate a parsed params document (the object form of the file). Throws ParamsError listing
 * every problem; returns the repaired vector plus warnings otherwise.
 */
export function validateParamsDocument(doc: unknown, source: string): LoadedParams {
  const problems: { key: string | null; message: string }[] = [];
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    throw new ParamsError(source, [{ key: null, message: `expected a JSON object {"version":1,"params":{…},"meta":{…}}, got ${describe(doc)}` }]);
  }
  for (const k of Object.keys(doc)) {
    if (!TOP_LEVEL_KEYS.has(k)) problems.push({ key: k, message: `unknown top-level key '${k}' (expected version, params, meta)` });
  }
  const rawParams = (doc as { params?: unknown }).params;
  if (rawParams !== null && typeof rawParams === "object" && !Array.isArray(rawParams)) {
    for (const k of Object.keys(rawParams)) {
      if (!PARAM_NAMES.includes(k as never)) {
        const s = suggest(k);
        problems.push({ key: k, message: `unknown parameter '${k}'${s ? ` (did you mean '${s}'?)` : ""}` });
      }
    }
  }
  const result = v.safeParse(FileSchema, doc, { abortEarly: false });
  if (!result.success) {
    for (const issue of result.issues) {
      const path = v.getDotPath(issue);
      const key = path?.startsWith("params.") ? path.slice("params.".length) : path;
      // Every message above names its own key (params.<name>, version, meta).
      problems.push({ key: key ?? null, message: issue.message });
    }
  }
  if (problems.length) throw new ParamsError(source, problems);

  const params = (doc as { params: Record<string, number | boolean | undefined> }).params;
  const warnings: string[] = [];
  const vector = new Float64Array(PARAM_COUNT);
  for (let k = 0; k < PARAM_COUNT; k++) {
    const spec = PARAM_SCHEMA[k];
    let value = params[spec.name];
    if (value === undefined) {
      value = spec.default;
      warnings.push(`${source}: params.${spec.name} is missing; using the default ${spec.default}`);
    }
    vector[k] = typeof value === "boolean" ? (value ? 1 : 0) : value;
  }
  for (const note of repairVector(vector)) warnings.push(`${source}: repaired: ${note}`);
  const meta = ((doc as { meta?: ParamsMeta }).meta ?? {}) as ParamsMeta;
  return { vector, params: paramsFromVector(vector), meta, warnings, source };
}

/** Parse and validate the text of a params file. */
export function parseParamsJson(text: string, source: string): LoadedParams {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ParamsError(source, [{ key: null, message: `not valid JSON: ${(err as Error).message}` }]);
  }
  return validateParamsDocument(doc, source);
}

/** Read and validate a params file; a missing file is a ParamsError saying so. */
export function loadParamsFile(path: string): LoadedParams {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new ParamsError(path, [{ key: null, message: code === "ENOENT" ? "params file not found" : `cannot read params file: ${(err as Error).message}` }]);
  }
  return parseParamsJson(text, path);
}

/** The file text for a vector (stable key order = schema order, two-space indent, newline). */
export function serializeParamsFile(vector: ArrayLike<number>, meta: ParamsMeta = {}): string {
  const doc: ParamsFile = { version: PARAMS_FILE_VERSION, params: paramsFromVector(vector), meta };
  return JSON.stringify(doc, null, 2) + "\n";
}

/** Write a params file atomically (temp file + rename): readers never see half a champion. */
export function writeParamsFile(path: string, vector: ArrayLike<number>, meta: ParamsMeta = {}): void {
  writeFileAtomic(path, serializeParamsFile(vector, meta));
}
