/** Compiled executables for end-to-end tests, rebuilt whenever a source is newer than the binary. */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dir, "../..");
const BUN = process.execPath;

/** Newest modification time of the .ts files under a directory. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || !e.name.endsWith(".ts")) continue;
    newest = Math.max(newest, statSync(join(e.parentPath, e.name)).mtimeMs);
  }
  return newest;
}

/**
 * Compiles bin/<name> for each named tool that is missing or older than the sources it is built
 * from (lib/, cmd/), so an end-to-end test never runs a stale executable.
 */
export async function ensureBuilt(...names: string[]): Promise<void> {
  const sources = Math.max(newestSource(join(ROOT, "lib")), newestSource(join(ROOT, "cmd")));
  const stale = names.filter((n) => {
    const bin = join(ROOT, "bin", n);
    return !existsSync(bin) || statSync(bin).mtimeMs < sources;
  });
  if (stale.length === 0) return;
  const p = Bun.spawn([BUN, join(ROOT, "scripts", "build.ts"), ...stale], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  const [code, err] = await Promise.all([p.exited, new Response(p.stderr).text()]);
  if (code !== 0) throw new Error(`bun scripts/build.ts ${stale.join(" ")} failed:\n${err}`);
}

