import { afterEach, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEngineLogger, RollingFileDestination } from "./rolling_log.ts";

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), "ferrix-log-"));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

test("rotates by size, keeps maxFiles old files, never splits a line", () => {
  const dir = tmp();
  const path = join(dir, "logs", "ferrix.log");
  const dest = new RollingFileDestination({ path, maxBytes: 100, maxFiles: 2 });
  const line = (i: number) => JSON.stringify({ i, pad: "x".repeat(20) }) + "\n"; // 37-38 bytes: two lines a file
  for (let i = 0; i < 12; i++) dest.write(line(i));
  dest.close();
  expect(readdirSync(join(dir, "logs")).sort()).toEqual(["ferrix.log", "ferrix.log.1", "ferrix.log.2"]);
  for (const f of ["ferrix.log", "ferrix.log.1", "ferrix.log.2"]) {
    const text = readFileSync(join(dir, "logs", f), "utf8");
    expect(statSync(join(dir, "logs", f)).size).toBeLessThanOrEqual(100);
    for (const l of text.trimEnd().split("\n")) expect(() => JSON.parse(l)).not.toThrow();
  }
  // Newest in ferrix.log, the ones before in .1 then .2; the oldest were dropped.
  const ids = (f: string) => readFileSync(join(dir, "logs", f), "utf8").trimEnd().split("\n").map((l) => JSON.parse(l).i);
  expect([...ids("ferrix.log.2"), ...ids("ferrix.log.1"), ...ids("ferrix.log")]).toEqual([6, 7, 8, 9, 10, 11]);
});

test("appends to an existing log and counts its size", () => {
  const dir = tmp();
  const path = join(dir, "ferrix.log");
  const a = new RollingFileDestination({ path, maxBytes: 60, maxFiles: 1 });
  a.write("a".repeat(40) + "\n");
  a.close();
  const b = new RollingFileDestination({ path, maxBytes: 60, maxFiles: 1 });
  b.write("b".repeat(40) + "\n");
  b.close();
  expect(readFileSync(`${path}.1`, "utf8")).toBe("a".repeat(40) + "\n");
  expect(readFileSync(path, "utf8")).toBe("b".repeat(40) + "\n");
});

test("the engine logger writes the same JSON line to the console fd and the file, synchronously", () => {
  const dir = tmp();
  const log = createEngineLogger({ name: "ferrix", level: "info", logDir: join(dir, "logs"), maxBytes: 1 << 20, maxFiles: 2, consoleFd: 2 });
  log.logger.info({ mint: "abc" }, "hello");
  log.logger.debug("not at info");
  // No flush, no close: the line is on disk already.
  const text = readFileSync(join(dir, "logs", "ferrix.log"), "utf8");
  const rec = JSON.parse(text);
  expect(rec).toMatchObject({ level: "info", name: "ferrix", mint: "abc", msg: "hello" });
  expect(typeof rec.time).toBe("string");
  expect(text.split("\n").filter(Boolean)).toHaveLength(1);
  log.close();
  expect(existsSync(join(dir, "logs", "ferrix.log.1"))).toBe(false);
});
