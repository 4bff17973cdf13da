/**
 * The one loader: `loadFold(path)` gives a Fold from a lifecycle JSONL or its binary twin.
 *
 * `path` may name either file of the pair `<stem>.jsonl` / `<stem>.msgpack` (any other name is
 * taken as the JSONL, its twin being `<name>.msgpack`). The fold is named `<stem>` (basename).
 *
 * prefer "auto" (default): the twin when it exists, is not older than the JSONL (mtime) and its
 *   header records the JSONL's current byte size; otherwise the JSONL is parsed and one line on
 *   stderr (once per file and reason per process) says it fell back and why — no twin, stale twin,
 *   size mismatch, or a corrupt twin. With only the twin on disk, the twin is used.
 * prefer "twin": the twin or an error (a stale twin is used, with a warning).
 * prefer "jsonl": always parse the JSONL.
 * A corrupt JSONL is an InputError naming file:line:key.
 *
 * `shared: true` puts every numeric column in one SharedArrayBuffer (postMessage hands workers
 * the same memory, no copy). `verify: true` also value-checks a twin (its checksum is always checked).
 */
import { statSync, type Stats } from "node:fs";
import { basename } from "node:path";
import { InputError } from "../cli/io";
import { foldFromJsonlBytes, readJsonlFileSync } from "./jsonl";
import { readTwinSync, TwinError } from "./twin";
import type { Fold } from "./types";

export interface LoadFoldOptions {
  shared?: boolean;
  prefer?: "auto" | "jsonl" | "twin";
  verify?: boolean;
  /** Map a twin instead of reading it when not shared (default true; see ReadTwinOptions.mmap). */
  mmap?: boolean;
  /** Where fallback notes go; default one line on stderr. */
  warn?: (message: string) => void;
}

/** The JSONL / twin pair and fold name for a path. */
export function foldPaths(path: string): { jsonl: string; twin: string; name: string } {
  let stem: string;
  let jsonl: string;
  if (path.endsWith(".msgpack")) {
    stem = path.slice(0, -".msgpack".length);
    jsonl = `${stem}.jsonl`;
  } else if (path.endsWith(".jsonl")) {
    stem = path.slice(0, -".jsonl".length);
    jsonl = path;
  } else {
    stem = path;
    jsonl = path;
  }
  return { jsonl, twin: `${stem}.msgpack`, name: basename(stem) };
}

const statOrNull = (p: string): Stats | null => {
  try {
    const s = statSync(p);
    return s.isFile() ? s : null;
  } catch {
    return null;
  }
};

const warned = new Set<string>();
function warnOnce(opts: LoadFoldOptions, key: string, message: string): void {
  if (warned.has(key)) return;
  warned.add(key);
  (opts.warn ?? ((m: string) => process.stderr.write(m + "\n")))(message);
}

function parseJsonl(jsonl: string, name: string, shared: boolean): Fold {
  return foldFromJsonlBytes(readJsonlFileSync(jsonl), jsonl, name, shared).fold;
}

/** Synchronous loadFold (the work is synchronous anyway: one read plus, for JSONL, parsing). */
export function loadFoldSync(path: string, opts: LoadFoldOptions = {}): Fold {
  const { jsonl, twin, name } = foldPaths(path);
  const shared = opts.shared ?? false;
  const prefer = opts.prefer ?? "auto";
  if (prefer === "jsonl") return parseJsonl(jsonl, name, shared);

  const twinStat = jsonl === twin ? null : statOrNull(twin);
  if (prefer === "twin") {
    if (!twinStat) throw new InputError(twin, null, "no binary twin here (walk_forward_split writes one beside each JSONL)");
    const jStat = statOrNull(jsonl);
    if (jStat && twinStat.mtimeMs < jStat.mtimeMs) warnOnce(opts, `${twin}|stale`, `loadFold: ${twin} is older than ${jsonl}; using it because the twin was asked for`);
    return readTwinSync(twin, { shared, name, verify: opts.verify, mmap: opts.mmap }).fold;
  }

  const jStat = statOrNull(jsonl);
  if (!jStat) {
    if (twinStat) return readTwinSync(twin, { shared, name, verify: opts.verify, mmap: opts.mmap }).fold;
    throw new InputError(path, null, "no such file");
  }
  const fallBack = (why: string): Fold => {
    warnOnce(opts, `${jsonl}|${why.split(" ")[0]}`, `loadFold: parsing ${jsonl} instead of its twin: ${why}`);
    return parseJsonl(jsonl, name, shared);
  };
  if (!twinStat) return fallBack(`no twin ${basename(twin)} (walk_forward_split writes one)`);
  if (twinStat.mtimeMs < jStat.mtimeMs) return fallBack(`stale twin ${basename(twin)} (older than the JSONL)`);
  try {
    return readTwinSync(twin, {
      shared,
      name,
      verify: opts.verify,
      mmap: opts.mmap,
      accept: (h) =>
        h.source === null
          ? "twin records no source JSONL"
          : h.source.bytes !== jStat.size
            ? `twin mirrors a ${h.source.bytes}-byte JSONL but ${basename(jsonl)} is ${jStat.size} bytes`
            : null,
    }).fold;
  } catch (err) {
    if (err instanceof TwinError) return fallBack(`unusable twin: ${err.message}`);
    throw err;
  }
}

/** Load a fold from a lifecycle JSONL or its binary twin (see the module doc for the rules). */
export async function loadFold(path: string, opts: LoadFoldOptions = {}): Promise<Fold> {
  return loadFoldSync(path, opts);
}
