// extractEventsOnce must return exactly what extractEvents returns — on a devchain stream, on
// hand-made edge cases, and on randomly mutated log lists — whether it reads the logs as strings
// or as the raw bytes the client's wire reader hands over.
import { beforeAll, describe, expect, test } from "bun:test";
import type * as grpc from "@grpc/grpc-js";
import { PUMPFUN_PROGRAM_ADDRESS, PUMPSWAP_PROGRAM_ADDRESS } from "../chain/constants.ts";
import { extractEvents, type EventExtraction, type InnerInstructionGroupView } from "../chain/events.ts";
import { loadGeyserGrpc, type SubscribeRequest, type SubscribeUpdate } from "../chain/proto.ts";
import { createRng } from "../util/rng.ts";
import { Devchain } from "../devchain/index.ts";
import { decodeWireTransaction, logLinesToStrings, parseSubscribeUpdate, type RawLogLines } from "../ingest/index.ts";
import { extractEventsOnce } from "./extract.ts";

interface Tx {
  logMessages: string[];
  innerInstructions: InnerInstructionGroupView[];
}

/** The lines as the wire reader would hand them over: UTF-8 bytes and ranges. */
function raw(lines: readonly (string | Uint8Array)[]): RawLogLines {
  const parts = lines.map((l) => (typeof l === "string" ? Buffer.from(l, "utf8") : Buffer.from(l)));
  const ranges: number[] = [];
  let at = 3; // not at offset 0, as inside a message
  for (const p of parts) {
    ranges.push(at, at + p.length);
    at += p.length + 2;
  }
  const bytes = Buffer.alloc(at + 3, 0xaa);
  parts.forEach((p, i) => p.copy(bytes, ranges[2 * i]));
  return { bytes, ranges };
}

/** Plain data of an extraction (errors by name and message). */
function plain(x: EventExtraction) {
  return {
    events: x.events.map((e) => ({ name: e.name, event: e.event, programAddress: e.programAddress, source: e.source, outer: e.outerInstructionIndex })),
    failures: x.failures.map((f) => ({ name: f.name, programAddress: f.programAddress, source: f.source, outer: f.outerInstructionIndex, error: `${f.error.name}: ${f.error.message}` })),
    logTruncated: x.logTruncated,
  };
}

/** extractEvents vs extractEventsOnce on strings and on bytes; returns the reference. */
function same(tx: Tx, rawLogs: RawLogLines = raw(tx.logMessages)): EventExtraction {
  const reference = extractEvents(tx);
  expect(plain(extractEventsOnce(tx))).toEqual(plain(reference));
  expect(plain(extractEventsOnce({ innerInstructions: tx.innerInstructions, rawLogs, logMessages: logLinesToStrings(rawLogs) }))).toEqual(plain(reference));
  // Lazily materialised logs, as an IngestTransaction from the wire has them.
  const lazy = {
    innerInstructions: tx.innerInstructions,
    rawLogs,
    get logMessages() {
      return logLinesToStrings(rawLogs);
    },
  };
  expect(plain(extractEventsOnce(lazy))).toEqual(plain(reference));
  return reference;
}

const clone = (tx: Tx): Tx => ({ logMessages: [...tx.logMessages], innerInstructions: tx.innerInstructions.map((g) => ({ index: g.index, instructions: g.instructions.map((i) => ({ ...i })) })) });

describe("extractEventsOnce = extractEvents", () => {
  let txs: Tx[] = [];
  let wireTxs: { tx: Tx; rawLogs: RawLogLines }[] = [];
  let swap: Tx;
  let migration: Tx;

  beforeAll(async () => {
    const chain = new Devchain({ seed: 4, market: true, migrationsPerDay: 20_000, trackSeconds: 120, idleStopSeconds: 60, historySlots: 1_000_000, createLookaheadMs: 600_000 });
    let t = chain.opts.startTs;
    while (chain.counters.transactions < 600) await chain.advanceTo((t += 5_000));
    const method = loadGeyserGrpc().service.Subscribe as grpc.MethodDefinition<SubscribeRequest, SubscribeUpdate>;
    for (const u of chain.replayFrom(chain.oldestReplayableSlot)!) {
      if (u.kind !== "transaction") continue;
      const bytes = method.responseSerialize({ filters: ["f"], created_at: null, update_oneof: "transaction", transaction: { transaction: u.info, slot: String(u.slot) } } as SubscribeUpdate);
      const w = decodeWireTransaction(parseSubscribeUpdate(bytes).transaction!, { createdAtMs: null, receivedAtMono: 0, filters: [] });
      const tx = { logMessages: [...w.logMessages], innerInstructions: w.innerInstructions };
      txs.push(tx);
      wireTxs.push({ tx, rawLogs: w.rawLogs! });
    }
    swap = txs.find((x) => extractEvents(x).events.some((e) => e.name === "BuyEvent" || e.name === "SellEvent"))!;
    migration = txs.find((x) => extractEvents(x).events.some((e) => e.name === "CreatePoolEvent"))!;
  }, 60_000);

  test("every transaction of a devchain stream (logs from the wire reader's bytes)", () => {
    let events = 0;
    for (const { tx, rawLogs } of wireTxs) events += same(tx, rawLogs).events.length;
    expect(events).toBeGreaterThan(600);
    expect(swap).toBeDefined();
    expect(migration).toBeDefined();
  });

  test("CPI only, logs only, neither", () => {
    for (const base of [swap, migration]) {
      same({ logMessages: base.logMessages, innerInstructions: [] });
      same({ logMessages: base.logMessages.filter((l) => !l.startsWith("Program data: ")), innerInstructions: base.innerInstructions });
      same({ logMessages: [], innerInstructions: base.innerInstructions });
      expect(same({ logMessages: [], innerInstructions: [] }).events).toEqual([]);
    }
  });

  test("a log event that differs from the CPI copy, a duplicated data line, a data line under another instruction", () => {
    for (const base of [swap, migration]) {
      const dataAt = base.logMessages.findIndex((l) => l.startsWith("Program data: "));
      const line = base.logMessages[dataAt];
      const b = Buffer.from(line.slice(14), "base64");
      b[20] ^= 1; // inside the first amount after discriminator and timestamp
      const changed = clone(base);
      changed.logMessages[dataAt] = `Program data: ${b.toString("base64")}`;
      expect(same(changed).events.length).toBe(extractEvents(base).events.length + 1);

      const doubled = clone(base);
      doubled.logMessages.splice(dataAt, 0, line);
      same(doubled);

      const moved = clone(base);
      moved.logMessages.splice(0, 0, `Program ${PUMPSWAP_PROGRAM_ADDRESS} invoke [1]`, line, `Program ${PUMPSWAP_PROGRAM_ADDRESS} success`);
      same(moved);

      const trailing = clone(base);
      trailing.logMessages[dataAt] = `${line} extra words`;
      same(trailing);
    }
  });

  test("truncated logs, unknown programs' data, invoke depth gaps, failed exits, reordered groups", () => {
    for (const base of [swap, migration]) {
      const dataAt = base.logMessages.findIndex((l) => l.startsWith("Program data: "));
      const truncated = clone(base);
      truncated.logMessages.splice(dataAt, 0, "Log truncated");
      expect(same(truncated).logTruncated).toBe(true);

      const foreign = clone(base);
      foreign.logMessages.splice(0, 0, "Program Foreign1111111111111111111111111111111 invoke [1]", "Program data: AAECAwQFBgc=", "Program Foreign1111111111111111111111111111111 success");
      same(foreign);

      const gap = clone(base);
      gap.logMessages.splice(0, 0, `Program ${PUMPSWAP_PROGRAM_ADDRESS} invoke [3]`, base.logMessages[dataAt]);
      same(gap);

      const failed = clone(base);
      failed.logMessages = failed.logMessages.map((l) => (l.endsWith(" success") ? l.replace(/ success$/, " failed: custom program error: 0x1771") : l));
      same(failed);

      const reordered = clone(base);
      reordered.innerInstructions = [...reordered.innerInstructions, { index: 0, instructions: reordered.innerInstructions[0]?.instructions ?? [] }].reverse();
      same(reordered);
    }
  });

  test("a CPI event with the wrong event authority, a CPI event that does not decode, a non-ASCII payload", () => {
    for (const base of [swap, migration]) {
      const wrongAuthority = clone(base);
      for (const g of wrongAuthority.innerInstructions) for (const ix of g.instructions) if (ix.accounts) (ix as unknown as { accounts: string[] }).accounts = ["11111111111111111111111111111111", ...ix.accounts.slice(1)];
      same(wrongAuthority);

      const broken = clone(base);
      for (const g of broken.innerInstructions) for (const ix of g.instructions) if (ix.programAddress === PUMPSWAP_PROGRAM_ADDRESS || ix.programAddress === PUMPFUN_PROGRAM_ADDRESS) (ix as { data: Uint8Array }).data = ix.data.subarray(0, 40);
      same(broken);

      const dataAt = base.logMessages.findIndex((l) => l.startsWith("Program data: "));
      const nonAscii = clone(base);
      nonAscii.logMessages[dataAt] = base.logMessages[dataAt].slice(0, 30) + "é" + base.logMessages[dataAt].slice(30);
      same(nonAscii);
      // Invalid UTF-8 in the payload bytes.
      const bytes = Buffer.from(base.logMessages[dataAt], "utf8");
      bytes[30] = 0xff;
      const lines: (string | Uint8Array)[] = [...base.logMessages];
      lines[dataAt] = bytes;
      const rawLogs = raw(lines);
      same({ logMessages: logLinesToStrings(rawLogs), innerInstructions: base.innerInstructions }, rawLogs);
    }
  });

  test("randomly mutated log lists", () => {
    const rng = createRng(Number(process.env.FUZZ_SEED ?? 99));
    const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rng.next() * xs.length)];
    const junk = ["Log truncated", "Program log: x", "Program return: abc", "Program data: ", "Program  invoke [1]", `Program ${PUMPSWAP_PROGRAM_ADDRESS} invoke [x]`, `Program ${PUMPSWAP_PROGRAM_ADDRESS} invoke [2] `, `Program ${PUMPSWAP_PROGRAM_ADDRESS} invoke [0]`, `Program ${PUMPFUN_PROGRAM_ADDRESS} invoke [1]`, `Program ${PUMPSWAP_PROGRAM_ADDRESS} success`, `Program ${PUMPSWAP_PROGRAM_ADDRESS} failed: x`, "Program é invoke [1]", "", "Program data:AAAA", "Program data: ☃"];
    const pool = txs.filter((x) => extractEvents(x).events.length > 0);
    for (let n = 0; n < Number(process.env.FUZZ_N ?? 1500); n++) {
      const tx = clone(pick(pool));
      const logs = tx.logMessages;
      for (let m = 1 + Math.floor(rng.next() * 3); m > 0; m--) {
        const i = Math.floor(rng.next() * Math.max(1, logs.length));
        switch (Math.floor(rng.next() * 7)) {
          case 0:
            logs.splice(i, 1);
            break;
          case 1:
            logs.splice(i, 0, logs[Math.floor(rng.next() * logs.length)] ?? "");
            break;
          case 2:
            logs.splice(i, 0, pick(junk));
            break;
          case 3: {
            const l = logs[i] ?? "";
            const at = Math.floor(rng.next() * (l.length + 1));
            logs[i] = l.slice(0, at) + pick(["é", " ", "]", "[", "1", "_", "\u0000", "x", "\uFFFD"]) + l.slice(at + 1);
            break;
          }
          case 4: {
            const j = Math.floor(rng.next() * logs.length);
            [logs[i], logs[j]] = [logs[j], logs[i]];
            break;
          }
          case 5:
            logs[i] = (logs[i] ?? "").replace(/invoke \[\d+\]/, `invoke [${1 + Math.floor(rng.next() * 4)}]`);
            break;
          default:
            tx.innerInstructions = tx.innerInstructions.map((g) => ({ index: rng.next() < 0.3 ? g.index + 1 : g.index, instructions: g.instructions }));
        }
      }
      same(tx);
    }
  });
});
