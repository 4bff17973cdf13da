/**
 * The research pipeline through real pipes with the compiled binaries:
 *   gen_telemetry --out - | bin/telemetry_tool - --out - | bin/walk_forward_split - --out-dir …
 * must give byte-for-byte the files the same tools give from files on disk.
 */
import { beforeAll, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bunPath, repoRoot } from "../lib/util/tools";
import { ensureBuilt } from "./support/build";

const bin = (name: string) => join(repoRoot, "bin", name);
let dir: string;

beforeAll(async () => {
  await ensureBuilt("telemetry_tool", "walk_forward_split");
  dir = mkdtempSync(join(tmpdir(), "ferrix-pipe-"));
  return () => rmSync(dir, { recursive: true, force: true });
}, 120_000);

const SPLIT = ["--min-train-trades", "10", "--test-window-trades", "30", "--embargo-trades", "5", "--n-rounds", "3", "--sliding"];

test("gen | telemetry_tool - | walk_forward_split - equals the file-based run", async () => {
  const gen = `${bunPath()} ${join(repoRoot, "scripts/gen_telemetry.ts")} --days 1 --seed 11 --malformed-share 0.002`;
  const piped = join(dir, "piped");
  const sh = Bun.spawn(["bash", "-o", "pipefail", "-c", `${gen} --out - | ${bin("telemetry_tool")} - --out - | ${bin("walk_forward_split")} - --out-dir ${piped} ${SPLIT.join(" ")} --json`], {
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([new Response(sh.stdout).text(), new Response(sh.stderr).text(), sh.exited]);
  if (code !== 0) console.error(err);
  expect(code).toBe(0);
  const summary = JSON.parse(out);
  expect(summary.rounds.length).toBe(3);

  const files = join(dir, "files");
  const run = async (argv: string[]) => {
    const p = Bun.spawn(argv, { stdout: "pipe", stderr: "pipe" });
    const c = await p.exited;
    if (c !== 0) console.error(await new Response(p.stderr).text());
    expect(c).toBe(0);
  };
  await run([...gen.split(" "), "--out", join(dir, "telemetry.jsonl")]);
  await run([bin("telemetry_tool"), join(dir, "telemetry.jsonl"), "--out", join(dir, "gt.jsonl")]);
  await run([bin("walk_forward_split"), join(dir, "gt.jsonl"), "--out-dir", files, ...SPLIT]);

  const names = readdirSync(files).filter((f) => f.endsWith(".jsonl")).sort();
  expect(names).toEqual(readdirSync(piped).filter((f) => f.endsWith(".jsonl")).sort());
  expect(names).toContain("permanent_holdout.jsonl");
  expect(names).toContain("wf_round_3_test.jsonl");
  for (const f of names) expect(readFileSync(join(piped, f)).equals(readFileSync(join(files, f)))).toBe(true);
}, 120_000);

test("compiled binaries show a real example in --help and reject unknown flags with exit 2", async () => {
  for (const tool of ["telemetry_tool", "walk_forward_split"]) {
    const h = Bun.spawnSync([bin(tool), "--help"]);
    expect(h.exitCode).toBe(0);
    expect(h.stdout.toString()).toContain(`Examples:\n  ${tool} `);
    const bad = Bun.spawnSync([bin(tool), "--no-such-flag"]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr.toString()).toContain("unknown option '--no-such-flag'");
  }
});
