/**
 * `extractEvents` (lib/chain/events.ts) with each event decoded once, and the logs read as bytes.
 *
 * PumpSwap and Pump.fun emit every event twice: as a self-CPI instruction (emit_cpi!) and as a
 * `Program data:` log line (emit!). `extractEvents` decodes both copies — Borsh plus a base58
 * string per pubkey, ~30 fields for a swap — and then drops the log copy that equals a CPI event
 * byte for byte. On the ingest hot path that second decode, and turning ~30 log lines per
 * transaction into strings only to find that out, were the watcher's largest costs. Here the CPI
 * events are decoded; the log lines are walked as `eventsFromLogs` walks them (the invoke stack,
 * the top-level instruction index) — over the raw UTF-8 bytes when the transaction came from the
 * client's wire reader, so no string is made for them — and the `Program data:` lines whose bytes
 * equal a CPI event's payload (same program, same top-level instruction, consumed one to one in
 * order, as `extractEvents` pairs them) are set aside undecoded. Only the remaining data lines, if
 * any, go through `eventsFromLogs` (on the lines as strings).
 *
 * The result is the same object `extractEvents` returns — events, order, failures and
 * logTruncated (extract.test.ts checks this on the devchain's stream, on edge cases and on mutated
 * log lines). Anything unusual (a CPI event that failed to decode, a CPI event of a program not
 * known here, a non-ASCII byte in a data line's payload) takes the plain path.
 */
import { bytesEqualAt } from "../chain/borsh.ts";
import { ANCHOR_EVENT_IX_TAG } from "../chain/constants.ts";
import { eventsFromInnerInstructions, eventsFromLogs, extractEvents, EVENT_AUTHORITY_BY_PROGRAM as EVENT_AUTHORITY, programDataBytes, walkProgramLogs, type EventExtraction, type InnerInstructionGroupView } from "../chain/events.ts";
import type { RawLogLines } from "../ingest/decode.ts";
import { latin1Slice } from "../ingest/wire.ts";

interface CpiPayload {
  programAddress: string;
  outer: number;
  raw: Uint8Array;
  used: boolean;
}

/** What a walk over the logs found. */
interface LogScan {
  /** Indices of data lines that repeat a CPI payload. */
  setAside: Set<number> | null;
  /** Some data line was not set aside (it may hold a log-only event). */
  remaining: boolean;
  logTruncated: boolean;
}

/** The first unused payload equal to `data` from `programAddress` under top-level instruction `outer`. */
function takePayload(payloads: CpiPayload[], programAddress: string, outer: number, data: Uint8Array): boolean {
  for (const p of payloads) {
    if (!p.used && p.outer === outer && p.programAddress === programAddress && p.raw.length === data.length && bytesEqualAt(p.raw, 0, data)) {
      p.used = true;
      return true;
    }
  }
  return false;
}

function scanStrings(logs: readonly string[], payloads: CpiPayload[]): LogScan {
  let setAside: Set<number> | null = null;
  let remaining = false;
  const logTruncated = walkProgramLogs(logs, (programAddress, outerIndex, line, i) => {
    if (programAddress !== undefined && outerIndex >= 0 && EVENT_AUTHORITY.has(programAddress) && takePayload(payloads, programAddress, outerIndex, programDataBytes(line))) {
      (setAside ??= new Set()).add(i);
    } else remaining = true;
  });
  return { setAside, remaining, logTruncated };
}

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const PROGRAM = ascii("Program ");
// The rest of "Program data: ", "Program log: ", "Program return: " after "Program ".
const DATA_REST = ascii("data: ");
const LOG_REST = ascii("log: ");
const RETURN_REST = ascii("return: ");
const DATA_PREFIX_LENGTH = PROGRAM.length + DATA_REST.length;
const TRUNCATED = ascii("Log truncated");
const INVOKE_OPEN = ascii(" invoke [");
const SUCCESS = ascii(" success");
const FAILED = ascii(" failed");

/** \w of a non-unicode regex: [A-Za-z0-9_]. */
const WORD = new Uint8Array(256);
for (let c = 0; c < 128; c++) WORD[c] = /\w/.test(String.fromCharCode(c)) ? 1 : 0;

function startsWithAt(b: Uint8Array, s: number, e: number, prefix: Uint8Array): boolean {
  if (e - s < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (b[s + i] !== prefix[i]) return false;
  return true;
}

function sameText(text: string | undefined, b: Uint8Array, s: number, e: number): boolean {
  if (text === undefined || text.length !== e - s) return false;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) !== b[s + i]) return false;
  return true;
}

// Program ids seen in invoke lines, reused instead of cutting a new string each time (a handful of
// programs run in almost every transaction).
const INTERNED_IDS: string[] = [];
const INTERNED_LIMIT = 64;

function programId(b: Buffer, s: number, e: number): string {
  for (const id of INTERNED_IDS) if (sameText(id, b, s, e)) return id;
  const id = latin1Slice(b, s, e);
  if (INTERNED_IDS.length >= INTERNED_LIMIT) INTERNED_IDS.pop();
  INTERNED_IDS.unshift(id);
  return id;
}

/**
 * `scanStrings` over the UTF-8 bytes of the lines. Every test is on ASCII bytes, which UTF-8
 * decoding leaves in place and no other byte sequence decodes to, so each line is classified as
 * its string would be. Returns null (use the strings) when a data line's payload is not ASCII.
 */
function scanBytes(raw: RawLogLines, payloads: CpiPayload[]): LogScan | null {
  const b = raw.bytes;
  const ranges = raw.ranges;
  const stack: string[] = [];
  let outerIndex = -1;
  let setAside: Set<number> | null = null;
  let remaining = false;
  for (let i = 0, n = ranges.length >> 1; i < n; i++) {
    const s = ranges[2 * i];
    const e = ranges[2 * i + 1];
    if (!startsWithAt(b, s, e, PROGRAM)) {
      if (e - s === TRUNCATED.length && startsWithAt(b, s, e, TRUNCATED)) return { setAside, remaining, logTruncated: true };
      continue;
    }
    const r = s + PROGRAM.length;
    if (startsWithAt(b, r, e, DATA_REST)) {
      const programAddress = stack[stack.length - 1];
      let matched = false;
      if (programAddress !== undefined && outerIndex >= 0 && EVENT_AUTHORITY.has(programAddress)) {
        // line.slice(14).split(" ", 1)[0]
        let z = s + DATA_PREFIX_LENGTH;
        for (; z < e && b[z] !== 0x20; z++) if (b[z] >= 0x80) return null;
        matched = takePayload(payloads, programAddress, outerIndex, Buffer.from(latin1Slice(b, s + DATA_PREFIX_LENGTH, z), "base64"));
      }
      if (matched) (setAside ??= new Set()).add(i);
      else remaining = true;
      continue;
    }
    if (startsWithAt(b, r, e, LOG_REST) || startsWithAt(b, r, e, RETURN_REST)) continue;
    // "Program " (\w+): the program id, then " invoke [<digits>]" to the end, or " success" to the
    // end, or " failed…".
    let k = r;
    while (k < e && WORD[b[k]] === 1) k++;
    if (k === r) continue;
    if (startsWithAt(b, k, e, INVOKE_OPEN)) {
      const d0 = k + INVOKE_OPEN.length;
      let d = d0;
      let depth = 0;
      while (d < e && b[d] >= 48 && b[d] <= 57) depth = depth * 10 + (b[d++] - 48);
      if (d > d0 && d === e - 1 && b[d] === 93) {
        if (d - d0 > 15) depth = Number(latin1Slice(b, d0, d)); // beyond exact doubles: as Number() reads it
        if (depth === 1) outerIndex++;
        stack.length = Math.max(0, depth - 1);
        stack.push(programId(b, r, k));
        continue;
      }
    }
    const exit = (e - k === SUCCESS.length && startsWithAt(b, k, e, SUCCESS)) || startsWithAt(b, k, e, FAILED);
    if (exit && sameText(stack[stack.length - 1], b, r, k)) stack.pop();
  }
  return { setAside, remaining, logTruncated: false };
}

function rank(e: { outerInstructionIndex: number | null }): number {
  return e.outerInstructionIndex ?? Number.MAX_SAFE_INTEGER;
}

/** Same result as `extractEvents(tx)`, decoding each event once (and reading `rawLogs` when given). */
export function extractEventsOnce(tx: { readonly logMessages?: readonly string[]; readonly innerInstructions?: readonly InnerInstructionGroupView[]; readonly rawLogs?: RawLogLines | null }): EventExtraction {
  const groups = tx.innerInstructions ?? [];
  // Read lazily: on an IngestTransaction from the wire, reading logMessages makes the strings.
  const logs = (): readonly string[] => tx.logMessages ?? [];
  const cpi = eventsFromInnerInstructions(groups);
  if (cpi.failures.length > 0) return extractEvents({ logMessages: logs(), innerInstructions: groups });
  for (const e of cpi.events) if (!EVENT_AUTHORITY.has(e.programAddress)) return extractEvents({ logMessages: logs(), innerInstructions: groups });

  // Every self-CPI payload of an event program (a superset of the CPI events: payloads of other
  // event kinds can only ever equal log lines that are not our events either).
  const payloads: CpiPayload[] = [];
  if (cpi.events.length > 0) {
    for (const g of groups) {
      for (const ix of g.instructions) {
        const authority = EVENT_AUTHORITY.get(ix.programAddress);
        if (authority === undefined || !bytesEqualAt(ix.data, 0, ANCHOR_EVENT_IX_TAG)) continue;
        if (ix.accounts && ix.accounts[0] !== authority) continue;
        payloads.push({ programAddress: ix.programAddress, outer: g.index, raw: ix.data.subarray(8), used: false });
      }
    }
  }

  let scan = tx.rawLogs ? scanBytes(tx.rawLogs, payloads) : null;
  if (scan === null) {
    for (const p of payloads) p.used = false; // a byte walk given up half way may have taken some
    scan = scanStrings(logs(), payloads);
  }
  // The log events no CPI event reports, decoded from the data lines not set aside (no data line
  // left: no log event, as eventsFromLogs would find).
  const setAside = scan.setAside;
  const logOnly: EventExtraction = scan.remaining ? eventsFromLogs(setAside ? logs().filter((_, i) => !setAside.has(i)) : logs()) : { events: [], failures: [], logTruncated: scan.logTruncated };
  if (cpi.events.length === 0) return logOnly;
  if (setAside === null && logOnly.events.length === 0 && logOnly.failures.length === 0) return { ...cpi, logTruncated: logOnly.logTruncated };
  const events = [...cpi.events, ...logOnly.events].sort((a, b) => rank(a) - rank(b));
  return { events, failures: [...cpi.failures, ...logOnly.failures], logTruncated: logOnly.logTruncated };
}
