#!/usr/bin/env bun
/**
 * Compiles every executable in cmd/ into bin/<name> with `bun build --compile`.
 * Tools that start worker threads list their worker files in EXTRA_ENTRYPOINTS: a compiled binary
 * only contains the modules reachable from its entrypoints, and a missing worker fails at run time.
 *
 *   bun scripts/build.ts              build all
 *   bun scripts/build.ts telemetry_tool walk_forward_split
 */
import { mkdirSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const EXTRA_ENTRYPOINTS: Record<string, string[]> = {
  telemetry_tool: ["lib/lifecycle/format_worker.ts"],
  optimize_params: ["lib/optimize/worker.ts"],
  ferrix: ["lib/trading/persistence_worker.ts"],
};

const all = readdirSync(join(root, "cmd"))
  .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !f.startsWith("_"))
  .map((f) => f.slice(0, -3))
  .sort();
const wanted = process.argv.slice(2);
for (const w of wanted) if (!all.includes(w)) {
  console.error(`build: no cmd/${w}.ts (have: ${all.join(", ")})`);
  process.exit(2);
}
const tools = wanted.length ? wanted : all;
mkdirSync(join(root, "bin"), { recursive: true });

const started = performance.now();
async function compile(tool: string): Promise<void> {
  const extra = (EXTRA_ENTRYPOINTS[tool] ?? []).filter((p) => existsSync(join(root, p)));
  const proc = Bun.spawn(
    [process.execPath, "build", "--compile", "--minify-syntax", "--sourcemap=inline", `cmd/${tool}.ts`, ...extra, "--outfile", `bin/${tool}`],
    { cwd: root, stdout: "pipe", stderr: "pipe" },
  );
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`bun build failed for ${tool} (exit ${code}):\n${out}${err}`);
}

// Two at a time: the machine has two cores and each compile is single-threaded.
const queue = [...tools];
const failures: string[] = [];
await Promise.all(
  [0, 1].map(async () => {
    for (let t = queue.shift(); t; t = queue.shift()) {
      try {
        await compile(t);
        console.error(`built bin/${t}`);
      } catch (err) {
        failures.push(t);
        console.error(String((err as Error).message));
      }
    }
  }),
);
console.error(`build: ${tools.length - failures.length}/${tools.length} binaries in ${((performance.now() - started) / 1000).toFixed(1)}s`);
process.exit(failures.length ? 1 : 0);
