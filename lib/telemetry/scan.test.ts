import { describe, expect, test } from "bun:test";
import { LineParser, scanJsonl, type ScanSink } from "./scan";

type Got = [number, string, unknown];

/** Collect (line, kind, value-or-detail) from a sink. */
function collector(): { sink: ScanSink; got: Got[] } {
  const got: Got[] = [];
  return {
    got,
    sink: {
      value: (v, line) => void got.push([line, "value", v]),
      badLine: (reason, line) => void got.push([line, reason, null]),
    },
  };
}

/** The line-by-line meaning the scanner must reproduce, whatever its fast path does. */
function reference(text: string): Got[] {
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines.map((l, i): Got => {
    if (/^[ \t\r]*$/.test(l)) return [i + 1, "blank", null];
    try {
      return [i + 1, "value", JSON.parse(l)];
    } catch {
      return [i + 1, "invalid_json", null];
    }
  });
}

async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size);
}

async function scanText(text: string, chunkSize: number, batchBytes: number): Promise<{ got: Got[]; lines: number; slow: number }> {
  const { sink, got } = collector();
  const r = await scanJsonl(chunked(new TextEncoder().encode(text), chunkSize), sink, { batchBytes });
  return { got, lines: r.lines, slow: r.slowLines };
}

describe("LineParser", () => {
  test("clean lines stay on the fast path with exact line numbers", () => {
    const { sink, got } = collector();
    const p = new LineParser(sink);
    const text = '{"a":1}\n{"b":2}\n{"c":3}\n';
    p.parse(new TextEncoder().encode(text), 0, text.length);
    expect(got).toEqual([
      [1, "value", { a: 1 }],
      [2, "value", { b: 2 }],
      [3, "value", { c: 3 }],
    ]);
    expect(p.slowLines).toBe(0);
  });

  test.each([
    ["blank lines", '{"a":1}\n\n  \n{"b":2}\n'],
    ["a value spread over two lines is two bad lines", '{"a":1}\n{"x":\n2}\n{"b":2}\n'],
    ["two values on one line", '{"a":1}\n{"x":1}{"y":2}\n{"b":2}\n'],
    ["a value followed by garbage", '{"a":1}\ntrue false\n{"b":2}\n'],
    ["garbage first", 'xx\n{"a":1}\n'],
    ["truncated last line", '{"a":1}\n{"b":'],
    ["CRLF endings", '{"a":1}\r\n{"b":2}\r\n\r\n'],
    ["no final newline", '{"a":1}\n{"b":2}'],
    ["non-objects", '5\n"s"\nnull\n[1,2]\n'],
    ["unicode", '{"a":"é✓"}\n{"b":"\\u00e9"}\n'],
  ])("%s: same as line-by-line JSON.parse", (_name, text) => {
    const { sink, got } = collector();
    const p = new LineParser(sink);
    const bytes = new TextEncoder().encode(text);
    p.parse(bytes, 0, bytes.length);
    expect(got).toEqual(reference(text));
  });
});

describe("scanJsonl", () => {
  test("a random mix of good and bad lines: identical for every chunk and batch size", async () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    const kinds = [
      () => `{"type":"tick","ts":${Math.floor(rand() * 1e12)},"mint":"m${Math.floor(rand() * 9)}"}`,
      () => "",
      () => "   ",
      () => "{not json",
      () => '{"a":1} {"b":2}',
      () => "[1,2,3]",
      () => '{"x":',
      () => "}",
      () => '"str"',
      () => '{"nested":{"deep":[1,{"z":null}]}}',
    ];
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) lines.push(rand() < 0.7 ? kinds[0]!() : kinds[Math.floor(rand() * kinds.length)]!());
    const text = lines.join("\n") + "\n";
    const want = reference(text);
    for (const [chunk, batch] of [
      [1 << 20, 1 << 20],
      [7, 1024],
      [333, 2048],
      [4096, 1024],
    ] as const) {
      const r = await scanText(text, chunk, batch);
      expect(r.lines).toBe(3000);
      expect(r.got).toEqual(want);
    }
  });

  test("a clean input never takes the slow path", async () => {
    const text = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ i, s: "x".repeat(i % 50) })).join("\n") + "\n";
    const r = await scanText(text, 1000, 4096);
    expect(r.lines).toBe(5000);
    expect(r.slow).toBe(0);
    expect(r.got[4999]).toEqual([5000, "value", { i: 4999, s: "x".repeat(4999 % 50) }]);
  });

  test("a line longer than the batch is still one line", async () => {
    const long = JSON.stringify({ big: "y".repeat(50_000) });
    const r = await scanText(`{"a":1}\n${long}\n{"b":2}\n`, 999, 1024);
    expect(r.got.map((g) => g[0])).toEqual([1, 2, 3]);
    expect((r.got[1]![2] as { big: string }).big.length).toBe(50_000);
  });

  test("a UTF-8 byte-order mark at the start is skipped", async () => {
    const r = await scanText('\ufeff{"a":1}\n{"b":2}\n', 2, 1024);
    expect(r.got).toEqual([
      [1, "value", { a: 1 }],
      [2, "value", { b: 2 }],
    ]);
  });

  test("empty input", async () => {
    const r = await scanText("", 10, 1024);
    expect(r).toEqual({ got: [], lines: 0, slow: 0 });
  });
});
