/**
 * `ferrix migration` against the local chain simulator (lib/devchain): real Yellowstone gRPC into
 * the watcher, real JSON-RPC for the checks, one token launched per mint profile.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { startDevchain, type MintProfile, type RunningDevchain } from "../../lib/devchain/index.ts";
import { sandboxFlags, scratchDir, startFerrix } from "./helpers.ts";

const SIM_WALLET = "4eiA9LfFkxoSLBfpYuQDoNWhzBD5xjp37cTH2z5dqHBa";

/** The contract finding each unsafe profile must produce (safe ones: none). */
const EXPECTED: Record<MintProfile, string[]> = {
  safe: [],
  safe_token2022: [],
  mint_authority: ["mint_authority_present"],
  freeze_authority: ["freeze_authority_present"],
  transfer_fee: ["transfer_fee"],
  permanent_delegate: ["permanent_delegate"],
  transfer_hook: ["transfer_hook"],
  non_transferable: ["non_transferable"],
  default_frozen: ["default_account_frozen"],
  pausable: ["paused"],
};

let dc: RunningDevchain;
let dir: string;
beforeAll(async () => {
  dc = await startDevchain({ seed: 11, market: false });
  dc.chain.airdrop(SIM_WALLET as never, 5_000_000_000);
  dir = scratchDir();
});
afterAll(async () => {
  await dc.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("every launched token is detected by the watcher and judged by the checker with its profile's findings", async () => {
  const f = startFerrix(
    [
      "migration",
      ...sandboxFlags(dir),
      "--grpc-url", dc.grpcUrl,
      "--rpc-url", dc.rpcUrl,
      "--simulation-wallet", SIM_WALLET,
      // The simulator books all bonding-curve buyers as one holder (~79% of supply).
      "--max-top1-holder-share", "0.9",
      "--max-top10-holder-share", "0.95",
    ],
    { cwd: dir },
  );
  const launched = new Map<string, MintProfile>();
  try {
    const listening = await f.waitForLog((l) => l.msg === "metrics listening", 15_000, "metrics");
    await f.waitForLog((l) => l.msg === "ferrix started", 15_000, "start");
    // Healthy once the gRPC stream is up; launch only then.
    const deadline = Date.now() + 10_000;
    while ((await fetch(`${listening.url}/health`)).status !== 200) {
      if (Date.now() > deadline) throw new Error("ferrix never became healthy against the devchain");
      await Bun.sleep(50);
    }
    for (const profile of Object.keys(EXPECTED) as MintProfile[]) launched.set((await dc.chain.launchToken({ profile })).mint, profile);
    const judged = (l: Record<string, unknown>) => (l.msg === "migration rejected" || String(l.msg).startsWith("verified trade signal")) && launched.has(String(l.mint));
    await f.waitForLog(() => f.lines.filter(judged).length >= launched.size, 20_000, "every token judged");
    const metrics = await (await fetch(`${listening.url}/metrics`)).text();
    expect(metrics).toContain(`ferrix_migrations_detected_total ${launched.size}`);
    f.proc.kill("SIGTERM");
    expect(await f.exited).toBe(0);
  } finally {
    if (f.proc.exitCode === null) f.proc.kill("SIGKILL");
  }

  const decisions = readFileSync(join(dir, "decisions.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
  expect(decisions.map((d) => d.mint).sort()).toEqual([...launched.keys()].sort());
  for (const d of decisions) {
    const profile = launched.get(d.mint)!;
    const reasons = (d.reasons ?? []) as { check: string; code: string; detail: string }[];
    expect(d.synthetic).toBe(false);
    // Contract findings: exactly the profile's (the frozen-by-default profile also keeps a freeze authority).
    const contract = reasons.filter((r) => r.check === "contract").map((r) => r.code).filter((c) => !(profile === "default_frozen" && c === "freeze_authority_present"));
    expect({ profile, contract }).toEqual({ profile, contract: EXPECTED[profile] });
    expect(reasons.filter((r) => r.check === "holders" || r.check === "creator")).toEqual([]);
    // Every probe is a simulated round trip by the simulation wallet against the simulator.
    const honeypot = reasons.filter((r) => r.check === "honeypot");
    expect(honeypot.length).toBeLessThanOrEqual(1);
    if (honeypot[0]) expect(honeypot[0].detail).toContain(`by simulation wallet ${SIM_WALLET}`);
  }

  // The watcher recorded each migration to telemetry.jsonl (flushed on shutdown).
  const telemetry = readFileSync(join(dir, "telemetry.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
  expect(telemetry.filter((l) => l.type === "migration").map((l) => l.mint).sort()).toEqual([...launched.keys()].sort());
}, 90_000);

// Blocked on the simulator: its pools are 287-byte accounts (encodePool) and it does not run
// extend_account, which the probe (like the official SDK) sends first for pools under 300 bytes,
// so every probe fails with InvalidInstructionData at instruction 1.
test.todo("safe devchain tokens pass the honeypot probe and become verified signals; sell-blocked profiles fail it");
