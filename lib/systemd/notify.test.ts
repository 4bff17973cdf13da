import { expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sdNotify, watchdogIntervalMs } from "./notify";

test("sdNotify delivers a datagram to NOTIFY_SOCKET", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ferrix-notify-"));
  const sock = join(dir, "notify.sock");
  // A real AF_UNIX datagram receiver (python3 ships on every machine this project targets).
  const receiver = Bun.spawn(["python3", "-c", `
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1]); print("ready", flush=True)
s.settimeout(10)
for _ in range(2): print(s.recv(4096).decode(), flush=True)
`, sock], { stdout: "pipe" });
  const reader = receiver.stdout.getReader();
  let out = "";
  while (!out.includes("ready")) out += new TextDecoder().decode((await reader.read()).value);
  expect(sdNotify("READY=1\nSTATUS=ferrix up", sock)).toBe(true);
  expect(sdNotify("WATCHDOG=1", sock)).toBe(true);
  while ((out.match(/\n/g) ?? []).length < 4) {
    const { value, done } = await reader.read();
    if (done) break;
    out += new TextDecoder().decode(value);
  }
  await receiver.exited;
  rmSync(dir, { recursive: true, force: true });
  expect(out).toContain("READY=1\nSTATUS=ferrix up");
  expect(out).toContain("WATCHDOG=1");
});

test("no socket → a quiet no-op; watchdog interval is half of WATCHDOG_USEC", () => {
  expect(sdNotify("READY=1", undefined)).toBe(false);
  expect(sdNotify("READY=1", "/nonexistent/dir/sock")).toBe(false);
  expect(watchdogIntervalMs({ WATCHDOG_USEC: "30000000" })).toBe(15_000);
  expect(watchdogIntervalMs({})).toBeNull();
  expect(watchdogIntervalMs({ WATCHDOG_USEC: "30000000", WATCHDOG_PID: "1" })).toBeNull();
});
