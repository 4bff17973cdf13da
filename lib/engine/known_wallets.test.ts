import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sampleAddress } from "../chain/test-samples.ts";
import { KnownWalletsWatcher, parseKnownWallets } from "./known_wallets.ts";
import { captureLogger, waitFor } from "./test_helpers.ts";

const a = sampleAddress("wallet a");
const b = sampleAddress("wallet b");

describe("parseKnownWallets", () => {
  test("accepts the four shapes", () => {
    expect(parseKnownWallets(JSON.stringify([a, b]), "f")).toEqual([
      { address: a, label: null, tags: [] },
      { address: b, label: null, tags: [] },
    ]);
    expect(parseKnownWallets(JSON.stringify([{ address: a, label: "dev", tags: ["blocklist"] }]), "f")).toEqual([{ address: a, label: "dev", tags: ["blocklist"] }]);
    expect(parseKnownWallets(JSON.stringify({ wallets: [a] }), "f")).toEqual([{ address: a, label: null, tags: [] }]);
    expect(parseKnownWallets(JSON.stringify({ [a]: "ours", [b]: { label: "rugger", tags: ["blocklist"] } }), "f")).toEqual([
      { address: a, label: "ours", tags: [] },
      { address: b, label: "rugger", tags: ["blocklist"] },
    ]);
  });

  test.each([
    ["{not json", /f: not valid JSON/],
    [JSON.stringify(["nope"]), /f: entry 0: 'nope' is not a Solana address/],
    [JSON.stringify([a, a]), /is listed twice/],
    [JSON.stringify([{ address: a, tag: "x" }]), /entry 0: unknown key 'tag'/],
    [JSON.stringify([{ address: a, tags: "blocklist" }]), /'tags' must be an array of strings/],
    ["42", /expected a JSON array or object/],
  ])("rejects %s", (text, msg) => {
    expect(() => parseKnownWallets(text, "f")).toThrow(msg);
  });
});

describe("KnownWalletsWatcher", () => {
  const dirs: string[] = [];
  const watchers: KnownWalletsWatcher[] = [];
  afterEach(() => {
    for (const w of watchers.splice(0)) w.stop();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  function setup(pollMs = 60_000) {
    const dir = mkdtempSync(join(tmpdir(), "ferrix-kw-"));
    dirs.push(dir);
    const path = join(dir, "known_wallets.json");
    const log = captureLogger();
    const w = new KnownWalletsWatcher({ path, pollMs, logger: log.logger });
    watchers.push(w);
    return { dir, path, log, w };
  }

  test("starts empty without a file, then picks the file up when it appears", async () => {
    const { path, w } = setup(30);
    w.start();
    expect(w.size).toBe(0);
    writeFileSync(path, JSON.stringify([a]));
    await waitFor(() => w.size === 1, 3000, "first load");
  });

  test("reloads on change (fs.watch), including an editor's write-and-rename", async () => {
    const { dir, path, log, w } = setup();
    writeFileSync(path, JSON.stringify([a]));
    w.start();
    expect(w.tagsOf(a)).toEqual([]);
    writeFileSync(path, JSON.stringify([{ address: a, tags: ["blocklist"] }, b]));
    await waitFor(() => w.size === 2, 3000, "reload after write");
    expect(w.tagsOf(a)).toEqual(["blocklist"]);
    writeFileSync(join(dir, ".known_wallets.json.swp"), JSON.stringify([b]));
    renameSync(join(dir, ".known_wallets.json.swp"), path);
    await waitFor(() => w.size === 1 && w.get(b) !== undefined, 3000, "reload after rename");
    expect(log.messages()).toContain("known wallets reloaded");
  });

  test("a bad file keeps the previous list and says why; fixing it loads again", async () => {
    const { path, log, w } = setup();
    writeFileSync(path, JSON.stringify([a, b]));
    w.start();
    writeFileSync(path, JSON.stringify([a, "not-an-address"]));
    await waitFor(() => w.rejections === 1, 3000, "rejection");
    expect(w.size).toBe(2);
    const rejected = log.lines.find((l) => l.msg === "known wallets file rejected; keeping the previous list")!;
    expect(rejected.error).toContain("entry 1: 'not-an-address' is not a Solana address");
    expect(rejected.kept).toBe(2);
    rmSync(path);
    await waitFor(() => log.messages().includes("known wallets file is gone; keeping the previous list"), 3000, "gone");
    expect(w.size).toBe(2);
    writeFileSync(path, JSON.stringify([b]));
    await waitFor(() => w.size === 1, 3000, "reload after fix");
  });

  test("a file that is there but does not parse at start is refused (no previous list to keep)", () => {
    const { path, w } = setup();
    writeFileSync(path, "[");
    expect(() => w.start()).toThrow(/not valid JSON.*refusing to start/);
    expect(w.size).toBe(0);
  });

  test("polling alone finds a change (for filesystems where fs.watch is silent)", () => {
    const { path, w } = setup();
    writeFileSync(path, JSON.stringify([a]));
    expect(w.check()).toBe("loaded");
    expect(w.check()).toBe("unchanged");
    writeFileSync(path, JSON.stringify([a, b]));
    expect(w.check()).toBe("loaded");
    expect(w.size).toBe(2);
  });
});
