/**
 * `ferrix migration` against the local chain simulator (lib/devchain): real Yellowstone gRPC into
 * the watcher, real JSON-RPC for the checks, one token launched per mint profile, with the
 * default holder-concentration limits (the devchain books bonding-curve buyers as real token
 * accounts of distinct wallets). The honeypot probe runs both ways the checker has: a round trip
 * by a funded simulation wallet, and — with no simulation wallet — a sell simulated as one of the
 * largest holders.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { SELL_BLOCKED_PROFILES, startDevchain, type HolderProfile, type MintProfile, type RunningDevchain } from "../../lib/devchain/index.ts";
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
const SAFE: ReadonlySet<MintProfile> = new Set(["safe", "safe_token2022"]);

interface Reason {
  check: string;
  code: string;
  detail: string;
}
interface Launch {
  profile: MintProfile;
  holders: HolderProfile;
}

let dc: RunningDevchain;
const dirs: string[] = [];
beforeAll(async () => {
  dc = await startDevchain({ seed: 11, market: false });
  dc.chain.airdrop(SIM_WALLET as never, 5_000_000_000);
});
afterAll(async () => {
  await dc.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Runs `ferrix migration` with `flags`, launches `launches` once it is healthy, waits until every one is judged. */
async function judge(flags: string[], launches: Launch[]) {
  const dir = scratchDir();
  dirs.push(dir);
  const f = startFerrix(["migration", ...sandboxFlags(dir), "--grpc-url", dc.grpcUrl, "--rpc-url", dc.rpcUrl, ...flags], { cwd: dir });
  const launched = new Map<string, Launch>();
  let metrics = "";
  try {
    const listening = await f.waitForLog((l) => l.msg === "metrics listening", 15_000, "metrics");
    await f.waitForLog((l) => l.msg === "ferrix started", 15_000, "start");
    // Healthy once the gRPC stream is up; launch only then.
    const deadline = Date.now() + 10_000;
    while ((await fetch(`${listening.url}/health`)).status !== 200) {
      if (Date.now() > deadline) throw new Error("ferrix never became healthy against the devchain");
      await Bun.sleep(50);
    }
    for (const l of launches) launched.set((await dc.chain.launchToken({ profile: l.profile, holders: l.holders })).mint, l);
    const judged = (l: Record<string, unknown>) => (l.msg === "migration rejected" || String(l.msg).startsWith("verified trade signal")) && launched.has(String(l.mint));
    await f.waitForLog(() => f.lines.filter(judged).length >= launched.size, 30_000, "every token judged");
    metrics = await (await fetch(`${listening.url}/metrics`)).text();
    f.proc.kill("SIGTERM");
    expect(await f.exited).toBe(0);
  } finally {
    if (f.proc.exitCode === null) f.proc.kill("SIGKILL");
  }
  const decisions = readFileSync(join(dir, "decisions.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { type: string; decision: string; mint: string; synthetic: boolean; reasons?: Reason[] });
  return { dir, f, launched, metrics, decisions: decisions.filter((d) => d.type === "check") };
}

const contractOf = (profile: MintProfile, reasons: Reason[]) =>
  // The frozen-by-default profile also keeps a freeze authority.
  reasons.filter((r) => r.check === "contract").map((r) => r.code).filter((c) => !(profile === "default_frozen" && c === "freeze_authority_present"));

test("every launched token is detected by the watcher and judged by the checker with its profile's findings (round-trip probe)", async () => {
  const profiles = Object.keys(EXPECTED) as MintProfile[];
  const { dir, launched, metrics, decisions } = await judge(["--simulation-wallet", SIM_WALLET], profiles.map((profile) => ({ profile, holders: "distributed" })));
  expect(metrics).toContain(`ferrix_migrations_detected_total ${launched.size}`);
  expect(decisions.map((d) => d.mint).sort()).toEqual([...launched.keys()].sort());
  for (const d of decisions) {
    const { profile } = launched.get(d.mint)!;
    const reasons = d.reasons ?? [];
    expect(d.synthetic).toBe(false);
    expect({ profile, contract: contractOf(profile, reasons) }).toEqual({ profile, contract: EXPECTED[profile] });
    // Realistic holder spreads pass the default concentration limits; creators are unknown.
    expect(reasons.filter((r) => r.check === "holders" || r.check === "creator")).toEqual([]);
    // Every probe is a simulated round trip by the simulation wallet against the simulator.
    const honeypot = reasons.filter((r) => r.check === "honeypot");
    expect(honeypot.length).toBeLessThanOrEqual(1);
    if (honeypot[0]) expect(honeypot[0].detail).toContain(`by simulation wallet ${SIM_WALLET}`);
    if (SAFE.has(profile)) expect({ profile, decision: d.decision, reasons }).toEqual({ profile, decision: "verified", reasons: [] as never });
    if (SELL_BLOCKED_PROFILES.has(profile)) expect({ profile, honeypot: honeypot.map((r) => r.code) }).toEqual({ profile, honeypot: ["honeypot"] });
  }

  // The watcher recorded each migration to telemetry.jsonl (flushed on shutdown).
  const telemetry = readFileSync(join(dir, "telemetry.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
  expect(telemetry.filter((l) => l.type === "migration").map((l) => l.mint).sort()).toEqual([...launched.keys()].sort());
}, 90_000);

test("safe devchain tokens pass the honeypot probe and become verified signals; sell-blocked profiles fail it", async () => {
  // No simulation wallet: the probe simulates a sell by one of the largest holders outside the pool.
  const profiles = Object.keys(EXPECTED) as MintProfile[];
  const launches: Launch[] = [...profiles.map((profile) => ({ profile, holders: "distributed" as const })), { profile: "safe", holders: "concentrated" }];
  const { f, launched, decisions } = await judge([], launches);
  expect(decisions.map((d) => d.mint).sort()).toEqual([...launched.keys()].sort());
  const verifiedLogs = new Set(f.lines.filter((l) => l.msg === "verified trade signal").map((l) => String(l.mint)));
  for (const d of decisions) {
    const { profile, holders } = launched.get(d.mint)!;
    const reasons = d.reasons ?? [];
    const honeypot = reasons.filter((r) => r.check === "honeypot");
    expect({ profile, contract: contractOf(profile, reasons) }).toEqual({ profile, contract: EXPECTED[profile] });
    if (holders === "concentrated") {
      // The insider's bag fails the holder check; its holders can still sell.
      expect(d.decision).toBe("rejected");
      expect(reasons.map((r) => `${r.check}:${r.code}`)).toContain("holders:top1_concentration");
      expect(reasons.every((r) => r.check === "holders")).toBe(true);
      continue;
    }
    expect(reasons.filter((r) => r.check === "holders" || r.check === "creator")).toEqual([]);
    if (SAFE.has(profile)) {
      // A holder's simulated sell went through: a verified signal, logged and recorded.
      expect({ profile, decision: d.decision, reasons }).toEqual({ profile, decision: "verified", reasons: [] as never });
      expect(verifiedLogs.has(d.mint)).toBe(true);
    } else if (profile === "default_frozen") {
      // Every holder account is frozen: no holder can even be simulated selling.
      expect(honeypot.map((r) => r.code)).toEqual(["no_simulation_seller"]);
    } else if (SELL_BLOCKED_PROFILES.has(profile)) {
      // The holder's sell was simulated and failed on the token program.
      expect({ profile, honeypot: honeypot.map((r) => r.code) }).toEqual({ profile, honeypot: ["honeypot"] });
      expect(honeypot[0].detail).toMatch(/^simulated sell by holder [1-9A-HJ-NP-Za-km-z]{32,44} failed: /);
    } else {
      // Unsafe contracts whose holders can sell: only the contract finding.
      expect({ profile, honeypot }).toEqual({ profile, honeypot: [] });
      expect(d.decision).toBe("rejected");
    }
  }
  expect(verifiedLogs.size).toBe(2);
}, 90_000);
