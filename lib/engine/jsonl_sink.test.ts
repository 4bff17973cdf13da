import { afterEach, beforeEach, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonlAppender } from "./jsonl_sink.ts";

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "ferrix-jsonl-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test("write only buffers; the file appears on the first flush, bigints as strings, lines kept in order", () => {
  const path = join(dir, "sub", "d.jsonl");
  const a = new JsonlAppender(path, { flushIntervalMs: 0 });
  a.write({ n: 1n, s: "x" });
  a.writeLine('{"raw":true}');
  expect(existsSync(path)).toBe(false);
  a.flush();
  a.write({ n: 2 });
  a.close();
  expect(readFileSync(path, "utf8")).toBe('{"n":"1","s":"x"}\n{"raw":true}\n{"n":2}\n');
  expect(a.lines).toBe(3);
});

test("a full buffer is flushed on the next event-loop turn, not inside write", async () => {
  const path = join(dir, "d.jsonl");
  const a = new JsonlAppender(path, { flushIntervalMs: 0, maxBufferedLines: 3 });
  for (let i = 0; i < 3; i++) a.write({ i });
  expect(existsSync(path)).toBe(false);
  await new Promise((r) => setImmediate(r));
  expect(readFileSync(path, "utf8").trim().split("\n")).toHaveLength(3);
  a.close();
});

test("a failed append keeps the lines for the next attempt and reports once", () => {
  const blocker = join(dir, "blocker");
  writeFileSync(blocker, "a file where the directory should be");
  const errors: string[] = [];
  const a = new JsonlAppender(join(blocker, "d.jsonl"), { flushIntervalMs: 0, onError: (e) => errors.push(e.message) });
  a.write({ i: 1 });
  a.flush();
  a.write({ i: 2 });
  a.flush();
  expect(errors).toHaveLength(1);
  rmSync(blocker);
  a.close();
  expect(readFileSync(join(blocker, "d.jsonl"), "utf8")).toBe('{"i":1}\n{"i":2}\n');
});

test("a run that writes nothing leaves no file", () => {
  const path = join(dir, "d.jsonl");
  new JsonlAppender(path, { flushIntervalMs: 0 }).close();
  expect(existsSync(path)).toBe(false);
});
