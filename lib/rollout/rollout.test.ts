import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decideRollout, readStatus } from "./index";

const repo = join(import.meta.dir, "../..");
let dir: string;
beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), "ferrix-rollout-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const status = (o: number, ob: number, at: number, tel = 0) => ({ open_positions: o, observers: ob, active_telemetry: tel, updated_at: at });

describe("decideRollout", () => {
  const ok = (s: ReturnType<typeof status>, age = 1) => ({ kind: "ok" as const, status: s, ageSeconds: age });
  test("nothing pending → idle", () => expect(decideRollout(false, ok(status(0, 0, 0)), 60).action).toBe("idle"));
  test("anything in flight → wait", () => {
    for (const s of [status(1, 0, 0), status(0, 2, 0), status(0, 0, 0, 1)]) {
      expect(decideRollout(true, ok(s), 60)).toMatchObject({ action: "wait", reason: "busy" });
    }
  });
  test("all zero → restart", () => expect(decideRollout(true, ok(status(0, 0, 0)), 60)).toMatchObject({ action: "restart", reason: "nothing_in_flight" }));
  test("stale status → restart even with an open position", () =>
    expect(decideRollout(true, ok(status(3, 0, 0), 61), 60)).toMatchObject({ action: "restart", reason: "status_stale" }));
  test("missing status → restart; unreadable but fresh → wait", () => {
    expect(decideRollout(true, { kind: "missing" }, 60).reason).toBe("status_missing");
    expect(decideRollout(true, { kind: "unreadable", error: "x", ageSeconds: 1 }, 60)).toMatchObject({ action: "wait", reason: "status_unreadable" });
  });
});

describe("readStatus", () => {
  test("age from updated_at (ms or ISO), validation names the key", () => {
    const p = join(dir, "s.json");
    writeFileSync(p, JSON.stringify(status(0, 1, 1_000_000)));
    expect(readStatus(p, 1_030_000)).toMatchObject({ kind: "ok", ageSeconds: 30 });
    writeFileSync(p, JSON.stringify({ ...status(0, 1, 0), updated_at: new Date(1_000_000).toISOString() }));
    expect(readStatus(p, 1_010_000)).toMatchObject({ kind: "ok", ageSeconds: 10 });
    writeFileSync(p, JSON.stringify({ open_positions: -1, observers: 0, active_telemetry: 0, updated_at: 0 }));
    const r = readStatus(p, 0);
    expect(r.kind).toBe("unreadable");
    expect((r as { error: string }).error).toContain("open_positions");
    writeFileSync(p, "{not json");
    expect(readStatus(p, Date.now()).kind).toBe("unreadable");
  });
});

/** Runs the real auto_restart.ts for a few polls against a fake status file and a marker-writing restart command. */
async function runWatcher(args: string[]) {
  const proc = Bun.spawn([process.execPath, join(repo, "auto_restart.ts"), ...args], { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { out, err, code, decisions: out.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l)) };
}

describe("auto_restart.ts end to end", () => {
  const setup = (s: object | null, restartCmd?: string) => {
    const flag = join(dir, "pending"), st = join(dir, "status.json"), marker = join(dir, "restarted");
    writeFileSync(flag, "");
    if (s) writeFileSync(st, JSON.stringify(s));
    const cmd = restartCmd ?? `echo restarted >> ${marker}`;
    return { flag, st, marker, args: ["--flag-file", flag, "--status-file", st, "--restart-cmd", cmd, "--poll-seconds", "0.05", "--cooldown-seconds", "0"] };
  };

  test("waits while a position is open, never restarts", async () => {
    const { flag, marker, args } = setup(status(1, 0, Date.now()));
    const r = await runWatcher([...args, "--polls", "3"]);
    expect(r.code).toBe(0);
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(flag)).toBe(true);
    expect(r.decisions.some((d) => d.decision?.reason === "busy")).toBe(true);
  });

  test("restarts at zero and clears the flag", async () => {
    const { flag, marker, args } = setup(status(0, 0, Date.now()));
    const r = await runWatcher([...args, "--polls", "2"]);
    expect(r.code).toBe(0);
    expect(readFileSync(marker, "utf8")).toBe("restarted\n");
    expect(existsSync(flag)).toBe(false);
  });

  test("restarts on a stale status", async () => {
    const { flag, marker, args } = setup(status(2, 1, Date.now() - 600_000));
    await runWatcher([...args, "--polls", "1", "--stale-seconds", "60"]);
    expect(existsSync(marker)).toBe(true);
    expect(existsSync(flag)).toBe(false);
  });

  test("keeps the flag when the restart fails", async () => {
    const { flag, args } = setup(status(0, 0, Date.now()), "echo boom >&2; exit 3");
    const r = await runWatcher([...args, "--once"]);
    expect(r.code).toBe(1);
    expect(existsSync(flag)).toBe(true);
    expect(r.out).toContain("restart failed");
    expect(r.out).toContain("boom");
  });

  test("no flag: nothing happens", async () => {
    const { flag, marker, args } = setup(status(0, 0, Date.now()));
    rmSync(flag);
    await runWatcher([...args, "--polls", "2"]);
    expect(existsSync(marker)).toBe(false);
  });

  test("bad usage exits 2", async () => {
    const r = await runWatcher(["--poll-secnds", "1"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("unknown option '--poll-secnds'");
  });
});
