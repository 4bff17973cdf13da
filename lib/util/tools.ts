/**
 * Where a Ferrix executable lives: the spec's repo-root copy (`./optimize_params`), then the
 * build output (`bin/optimize_params`), else the source run through the current Bun. Scripts and
 * orchestrators call tools through this so they work before and after `npm run build`.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

export const repoRoot = resolve(import.meta.dir, "../..");

export type ToolSource = "root" | "bin" | "source";

export function toolCommand(name: string, opts: { root?: string; prefer?: ToolSource } = {}): { argv: string[]; source: ToolSource } {
  const root = opts.root ?? repoRoot;
  const candidates: [ToolSource, string][] = [
    ["root", join(root, name)],
    ["bin", join(root, "bin", name)],
  ];
  for (const [source, path] of candidates) {
    if (opts.prefer && opts.prefer !== source) continue;
    if (existsSync(path)) return { argv: [path], source };
  }
  const script = join(root, "cmd", `${name}.ts`);
  if (existsSync(script)) return { argv: [bunPath(), script], source: "source" };
  const alt = join(root, "scripts", `${name}.ts`);
  if (existsSync(alt)) return { argv: [bunPath(), alt], source: "source" };
  throw new Error(`cannot find tool '${name}' (looked in ${root}, ${root}/bin, cmd/ and scripts/)`);
}

/** The Bun running us (a compiled binary's execPath is itself, so fall back to node_modules). */
export function bunPath(): string {
  const exec = process.execPath;
  if (/(^|\/)bun(\.exe)?$/.test(exec)) return exec;
  const local = join(repoRoot, "node_modules", ".bin", "bun");
  return existsSync(local) ? local : "bun";
}
