/**
 * `ferrix test-analysis` end to end: the real binary from source, the production @solana/kit RPC
 * adapter, and a fake chain served as JSON-RPC on 127.0.0.1 with safe and unsafe mints.
 */
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, expect, test } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FakeChain, safeMint, sampleAddress, type FakeToken } from "../../lib/checker/testing.ts";
import { runFerrix, scratchDir } from "./helpers.ts";

const chain = new FakeChain();
let server: { url: string; stop(): Promise<void> };
let dir: string;
const t: Record<string, FakeToken> = {};

beforeAll(async () => {
  t.clean = await chain.addToken({ label: "ta clean" });
  t.trap = await chain.addToken({ label: "ta trap", honeypot: true });
  t.mintable = await chain.addToken({ label: "ta mintable", mint: safeMint({ mintAuthority: sampleAddress("minter") }) });
  t.delegate = await chain.addToken({ label: "ta delegate", mint: safeMint({ extensions: [{ kind: "PermanentDelegate", delegate: sampleAddress("thief") }] }) });
  server = chain.serve();
  dir = scratchDir();
});
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

function writeList(name: string, lines: string[]): string {
  const p = join(dir, name);
  writeFileSync(p, lines.join("\n") + "\n");
  return p;
}

test("analyses every listed mint, records the run, prints JSON, exits 0 though tokens fail", async () => {
  const list = writeList("tokens.txt", ["# tokens to check", "", `${t.clean.mint}`, `${t.trap.mint}   # the honeypot`, t.mintable.mint, t.delegate.mint, t.clean.mint]);
  const r = await runFerrix(["test-analysis", "--token-list-path", list, "--rpc-url", server.url, "--json"], { cwd: dir });
  expect(r.code).toBe(0);
  const report = JSON.parse(r.stdout);
  expect(report.counts).toEqual({ pass: 1, fail: 3, error: 0 });
  const byMint = new Map(report.tokens.map((x: { mint: string }) => [x.mint, x]));
  expect(byMint.size).toBe(4); // the duplicate is analysed once
  expect(byMint.get(t.clean.mint)).toMatchObject({ verdict: "pass", honeypot_ok: true, safety_ok: true, line: 3, pool: t.clean.pool, creator: t.clean.creator });
  expect(byMint.get(t.trap.mint)).toMatchObject({ verdict: "fail", honeypot_ok: false, safety_ok: true });
  expect((byMint.get(t.mintable.mint) as { reasons: { code: string }[] }).reasons.map((x) => x.code)).toEqual(["mint_authority_present"]);
  expect((byMint.get(t.delegate.mint) as { reasons: { code: string }[] }).reasons.map((x) => x.code)).toEqual(["permanent_delegate"]);

  const db = new Database(join(dir, "trades.db"), { readonly: true });
  const rows = db.query("SELECT mint, verdict, honeypot_ok, safety_ok, reasons FROM test_analysis WHERE run_id = ? ORDER BY mint").all(report.run_id) as Record<string, unknown>[];
  expect(rows).toHaveLength(4);
  expect(rows.find((x) => x.mint === t.trap.mint)).toMatchObject({ verdict: "fail", honeypot_ok: 0, safety_ok: 1 });
  expect((db.query("SELECT COUNT(*) AS n FROM sniper_cache").get() as { n: number }).n).toBe(4);
  db.close();

  // A second run reuses the cached verdicts (no new simulations) and prints the table.
  const simulated = chain.calls.simulateTransaction;
  const again = await runFerrix(["test-analysis", "--token-list-path", list, "--rpc-url", server.url], { cwd: dir });
  expect(again.code).toBe(0);
  expect(chain.calls.simulateTransaction).toBe(simulated);
  expect(again.stdout).toMatch(/^MINT\s+VERDICT\s+HONEYPOT\s+SAFETY\s+MS\s+REASONS$/m);
  expect(again.stdout).toContain("contract:permanent_delegate");
  expect(again.stdout).toMatch(/4 tokens, 1 pass, 3 fail, 0 error/);
  // Logs went to stderr, not into the table.
  expect(again.stderr).toContain('"msg":"test analysis finished"');
}, 60_000);

test("a list that is not a list of mints is an error naming the line", async () => {
  const list = writeList("bad.txt", ["# header", t.clean.mint, "not-a-mint"]);
  const r = await runFerrix(["test-analysis", "--token-list-path", list, "--rpc-url", server.url], { cwd: dir });
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`${list}:3: 'not-a-mint' is not a mint address`);
  const missing = await runFerrix(["test-analysis", "--token-list-path", join(dir, "nope.txt")], { cwd: dir });
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain("nope.txt: no such file");
  const noFlag = await runFerrix(["test-analysis"], { cwd: dir });
  expect(noFlag.code).toBe(2);
  expect(noFlag.stderr).toContain("missing required option --token-list-path");
}, 30_000);

test("an unreachable RPC gives error verdicts, still exit 0", async () => {
  const list = writeList("one.txt", [sampleAddress("unreached mint")]);
  const r = await runFerrix(["test-analysis", "--token-list-path", list, "--rpc-url", "http://127.0.0.1:9", "--json", "--db", join(dir, "other.db")], { cwd: dir });
  expect(r.code).toBe(0);
  const report = JSON.parse(r.stdout);
  expect(report.tokens[0].verdict).toBe("error");
  expect(report.tokens[0].reasons.every((x: { code: string }) => x.code === "rpc_error")).toBe(true);
}, 30_000);
