import { expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readStatus } from "../rollout";
import { StatusFileWriter } from "./status.ts";
import { captureLogger } from "./test_helpers.ts";

test("the status file carries the keys auto_restart reads, and is replaced atomically", () => {
  const dir = mkdtempSync(join(tmpdir(), "ferrix-status-"));
  try {
    const path = join(dir, "ferrix_status.json");
    let now = 1_767_225_600_000;
    let active = 2;
    const w = new StatusFileWriter({
      path,
      nowMs: () => now,
      counts: () => ({ open_positions: 1, observers: 0, active_telemetry: active }),
      info: () => ({ pid: 123, mode: "migration", phase: "running", trading: "paper" }),
      logger: captureLogger().logger,
    });
    expect(w.write()).toBe(true);
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({ open_positions: 1, observers: 0, active_telemetry: 2, updated_at: now, pid: 123, mode: "migration", phase: "running", trading: "paper" });
    now += 2000;
    active = 0;
    w.write();
    const reading = readStatus(path, now + 500);
    expect(reading).toMatchObject({ kind: "ok", ageSeconds: 0.5, status: { open_positions: 1, active_telemetry: 0 } });
    expect(readdirSync(dir)).toEqual(["ferrix_status.json"]); // no temp files left behind
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a status file that cannot be written is logged once, not thrown", () => {
  const dir = mkdtempSync(join(tmpdir(), "ferrix-status-"));
  try {
    // A path under a regular file fails for every user, root included (ENOTDIR).
    const notDir = join(dir, "plain-file");
    writeFileSync(notDir, "");
    const log = captureLogger();
    const w = new StatusFileWriter({ path: join(notDir, "s.json"), nowMs: () => 1, counts: () => ({ open_positions: 0, observers: 0, active_telemetry: 0 }), info: () => ({ pid: 1, mode: "m", phase: "running", trading: "paper" }), logger: log.logger });
    expect(w.write()).toBe(false);
    expect(w.write()).toBe(false);
    expect(log.messages().filter((m) => m === "cannot write the status file")).toHaveLength(1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
