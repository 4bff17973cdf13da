// Anchor events of PumpSwap and Pump.fun, read from a transaction two ways:
//  - log lines `Program data: <base64(discriminator ‖ borsh)>`, attributed to the program on top
//    of the invoke stack that the `Program <id> invoke [n]` / `success` / `failed` lines describe;
//  - self-CPI inner instructions (Anchor emit_cpi!): program = the emitting program, first
//    account = its event authority, data = ANCHOR_EVENT_IX_TAG ‖ discriminator ‖ borsh. These
//    survive log truncation, so they are preferred when both are present.
// The reverse direction (event → log line / inner instruction) serves the chain simulator.

import { AccountRole, type AccountMeta, type Address, type Instruction } from "@solana/kit";
import type { DiscriminatedCodec } from "./anchor.ts";
import { bytesEqualAt, concatBytes } from "./borsh.ts";
import { ANCHOR_EVENT_IX_TAG, PUMPFUN_EVENT_AUTHORITY_ADDRESS, PUMPFUN_PROGRAM_ADDRESS, PUMPSWAP_EVENT_AUTHORITY_ADDRESS, PUMPSWAP_PROGRAM_ADDRESS } from "./constants.ts";
import { pumpFunCodecs, type CompleteEvent, type CompletePumpAmmMigrationEvent, type CreateEvent, type TradeEvent } from "./pumpfun.ts";
import { pumpSwapCodecs, type BuyEvent, type CreatePoolEvent, type SellEvent } from "./pumpswap.ts";

export interface EventTypes {
  CreatePoolEvent: CreatePoolEvent;
  BuyEvent: BuyEvent;
  SellEvent: SellEvent;
  CompletePumpAmmMigrationEvent: CompletePumpAmmMigrationEvent;
  CreateEvent: CreateEvent;
  TradeEvent: TradeEvent;
  CompleteEvent: CompleteEvent;
}

export type EventName = keyof EventTypes;

export type DecodedEvent = { [K in EventName]: { name: K; event: EventTypes[K] } }[EventName];

export type EventSource = "log" | "cpi";

export type ExtractedEvent = DecodedEvent & {
  programAddress: Address;
  source: EventSource;
  /** Top-level instruction that (directly or through CPI) emitted the event; null if unknown. */
  outerInstructionIndex: number | null;
};

export interface EventDecodeFailure {
  programAddress: Address;
  source: EventSource;
  outerInstructionIndex: number | null;
  name: EventName;
  error: Error;
}

export interface EventExtraction {
  events: ExtractedEvent[];
  /** Events of a known kind whose bytes did not decode (never silently dropped). */
  failures: EventDecodeFailure[];
  /** The validator cut the log ("Log truncated"); log events after the cut are missing. */
  logTruncated: boolean;
}

interface EventEntry {
  name: EventName;
  programAddress: Address;
  eventAuthority: Address;
  codec: DiscriminatedCodec<unknown>;
}

const ENTRIES: readonly EventEntry[] = [
  { name: "CreatePoolEvent", programAddress: PUMPSWAP_PROGRAM_ADDRESS, eventAuthority: PUMPSWAP_EVENT_AUTHORITY_ADDRESS, codec: pumpSwapCodecs.createPoolEvent },
  { name: "BuyEvent", programAddress: PUMPSWAP_PROGRAM_ADDRESS, eventAuthority: PUMPSWAP_EVENT_AUTHORITY_ADDRESS, codec: pumpSwapCodecs.buyEvent },
  { name: "SellEvent", programAddress: PUMPSWAP_PROGRAM_ADDRESS, eventAuthority: PUMPSWAP_EVENT_AUTHORITY_ADDRESS, codec: pumpSwapCodecs.sellEvent },
  { name: "CompletePumpAmmMigrationEvent", programAddress: PUMPFUN_PROGRAM_ADDRESS, eventAuthority: PUMPFUN_EVENT_AUTHORITY_ADDRESS, codec: pumpFunCodecs.completePumpAmmMigrationEvent },
  { name: "CreateEvent", programAddress: PUMPFUN_PROGRAM_ADDRESS, eventAuthority: PUMPFUN_EVENT_AUTHORITY_ADDRESS, codec: pumpFunCodecs.createEvent },
  { name: "TradeEvent", programAddress: PUMPFUN_PROGRAM_ADDRESS, eventAuthority: PUMPFUN_EVENT_AUTHORITY_ADDRESS, codec: pumpFunCodecs.tradeEvent },
  { name: "CompleteEvent", programAddress: PUMPFUN_PROGRAM_ADDRESS, eventAuthority: PUMPFUN_EVENT_AUTHORITY_ADDRESS, codec: pumpFunCodecs.completeEvent },
];

const BY_NAME = new Map<EventName, EventEntry>(ENTRIES.map((e) => [e.name, e]));
const BY_DISCRIMINATOR = new Map<bigint, EventEntry>();
for (const e of ENTRIES) {
  const key = new DataView(e.codec.discriminator.buffer, e.codec.discriminator.byteOffset, 8).getBigUint64(0, true);
  if (BY_DISCRIMINATOR.has(key)) throw new Error(`event discriminator collision: ${e.name}`);
  BY_DISCRIMINATOR.set(key, e);
}
/** Each event-emitting program's event authority (the first account of its self-CPI events). */
export const EVENT_AUTHORITY_BY_PROGRAM: ReadonlyMap<string, Address> = new Map(ENTRIES.map((e) => [e.programAddress, e.eventAuthority]));
/** The `discriminator ‖ borsh` bytes each extracted event was decoded from, for de-duplication. */
const RAW_BYTES = new WeakMap<ExtractedEvent, Uint8Array>();

function entryFor(programAddress: string, data: Uint8Array, offset: number): EventEntry | undefined {
  if (data.length < offset + 8) return undefined;
  const key = new DataView(data.buffer, data.byteOffset + offset, 8).getBigUint64(0, true);
  const entry = BY_DISCRIMINATOR.get(key);
  return entry && entry.programAddress === programAddress ? entry : undefined;
}

/**
 * Decodes `discriminator ‖ borsh` emitted by `programAddress`. Returns null when it is not one of
 * our event kinds (other events of these programs included); throws BorshError when it is but
 * the bytes are malformed.
 */
export function decodeEventData(programAddress: string, data: Uint8Array): DecodedEvent | null {
  const entry = entryFor(programAddress, data, 0);
  if (!entry) return null;
  return { name: entry.name, event: entry.codec.decode(data) } as DecodedEvent;
}

/** The payload of a `Program data: ` line: sol_log_data logs each slice as one base64 word; Anchor emits one slice. */
export function programDataBytes(line: string): Buffer {
  return Buffer.from(line.slice(14).split(" ", 1)[0], "base64");
}

function bytesToBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

const INVOKE = /^Program (\w+) invoke \[(\d+)\]$/;
const EXIT = /^Program (\w+) (?:success$|failed)/;

/**
 * Walks runtime log lines, keeping the invoke stack (`Program <id> invoke [n]` / `success` /
 * `failed`) and the top-level instruction index. For each `Program data:` line calls `onData` with
 * the program on top of the stack (undefined if none), the top-level instruction index (-1 before
 * the first), the line and its index. Stops at "Log truncated" and returns true; else false.
 */
export function walkProgramLogs(
  logMessages: readonly string[],
  onData: (programAddress: string | undefined, outerIndex: number, line: string, lineIndex: number) => void,
): boolean {
  const stack: string[] = [];
  let outerIndex = -1;
  for (let i = 0; i < logMessages.length; i++) {
    const line = logMessages[i];
    if (line.startsWith("Program data: ")) {
      onData(stack[stack.length - 1], outerIndex, line, i);
      continue;
    }
    if (line.startsWith("Program log: ") || line.startsWith("Program return: ")) continue;
    if (line === "Log truncated") return true;
    // The regexes only where they can match (an invoke line ends in "]", an exit line in
    // " success" or holds " failed"): most lines are "consumed …" or "success".
    const invoke = line.charCodeAt(line.length - 1) === 93 ? INVOKE.exec(line) : null;
    if (invoke) {
      const depth = Number(invoke[2]);
      if (depth === 1) outerIndex++;
      stack.length = Math.max(0, depth - 1);
      stack.push(invoke[1]);
      continue;
    }
    const exit = line.endsWith(" success") || line.includes(" failed") ? EXIT.exec(line) : null;
    if (exit && stack[stack.length - 1] === exit[1]) stack.pop();
  }
  return false;
}

/** Events from `Program data:` log lines, each attributed to the program executing at that line. */
export function eventsFromLogs(logMessages: readonly string[]): EventExtraction {
  const events: ExtractedEvent[] = [];
  const failures: EventDecodeFailure[] = [];
  const logTruncated = walkProgramLogs(logMessages, (programAddress, outerIndex, line) => {
    if (programAddress === undefined || !EVENT_AUTHORITY_BY_PROGRAM.has(programAddress)) return;
    collect(programAddress as Address, programDataBytes(line), 0, "log", outerIndex, events, failures);
  });
  return { events, failures, logTruncated };
}

function collect(
  programAddress: Address,
  data: Uint8Array,
  offset: number,
  source: EventSource,
  outerIndex: number,
  events: ExtractedEvent[],
  failures: EventDecodeFailure[],
): void {
  const entry = entryFor(programAddress, data, offset);
  if (!entry) return;
  const outerInstructionIndex = outerIndex >= 0 ? outerIndex : null;
  try {
    const raw = offset === 0 ? data : data.subarray(offset);
    const extracted = { name: entry.name, event: entry.codec.decode(raw), programAddress, source, outerInstructionIndex } as ExtractedEvent;
    RAW_BYTES.set(extracted, raw);
    events.push(extracted);
  } catch (error) {
    failures.push({ programAddress, source, outerInstructionIndex, name: entry.name, error: error as Error });
  }
}

/** An inner instruction with its program and accounts resolved to addresses. */
export interface InnerInstructionView {
  programAddress: string;
  /** When given, the first account must be the program's event authority. */
  accounts?: readonly string[];
  data: Uint8Array;
}

export interface InnerInstructionGroupView {
  /** Index of the top-level instruction these ran under. */
  index: number;
  instructions: readonly InnerInstructionView[];
}

/** Events from Anchor self-CPI inner instructions. */
export function eventsFromInnerInstructions(groups: readonly InnerInstructionGroupView[]): EventExtraction {
  const events: ExtractedEvent[] = [];
  const failures: EventDecodeFailure[] = [];
  for (const group of groups) {
    for (const ix of group.instructions) {
      if (!EVENT_AUTHORITY_BY_PROGRAM.has(ix.programAddress) || !bytesEqualAt(ix.data, 0, ANCHOR_EVENT_IX_TAG)) continue;
      const entry = entryFor(ix.programAddress, ix.data, 8);
      if (!entry) continue;
      if (ix.accounts && ix.accounts[0] !== entry.eventAuthority) continue;
      collect(ix.programAddress as Address, ix.data, 8, "cpi", group.index, events, failures);
    }
  }
  return { events, failures, logTruncated: false };
}

function sameEvent(a: ExtractedEvent, b: ExtractedEvent): boolean {
  if (a.name !== b.name || a.programAddress !== b.programAddress || a.outerInstructionIndex !== b.outerInstructionIndex) return false;
  const x = RAW_BYTES.get(a);
  const y = RAW_BYTES.get(b);
  return x !== undefined && y !== undefined && x.length === y.length && bytesEqualAt(x, 0, y);
}

/**
 * All our events in a transaction: self-CPI events, plus log events that no self-CPI event
 * already reports (a program may emit the same event both ways), ordered by top-level instruction.
 */
export function extractEvents(tx: { logMessages?: readonly string[]; innerInstructions?: readonly InnerInstructionGroupView[] }): EventExtraction {
  const cpi = eventsFromInnerInstructions(tx.innerInstructions ?? []);
  const logs = eventsFromLogs(tx.logMessages ?? []);
  if (cpi.events.length === 0 && cpi.failures.length === 0) return logs;
  if (logs.events.length === 0 && logs.failures.length === 0) return { ...cpi, logTruncated: logs.logTruncated };
  const unmatched = [...cpi.events];
  const logOnly = logs.events.filter((e) => {
    const i = unmatched.findIndex((c) => sameEvent(c, e));
    if (i < 0) return true;
    unmatched.splice(i, 1);
    return false;
  });
  const rank = (e: { outerInstructionIndex: number | null }) => e.outerInstructionIndex ?? Number.MAX_SAFE_INTEGER;
  const events = [...cpi.events, ...logOnly].sort((a, b) => rank(a) - rank(b));
  return { events, failures: [...cpi.failures, ...logs.failures], logTruncated: logs.logTruncated };
}

// ---- Encoding (chain simulator) ----

function entryByName(name: EventName): EventEntry {
  const entry = BY_NAME.get(name);
  if (!entry) throw new Error(`unknown event ${name}`);
  return entry;
}

/** `discriminator ‖ borsh` of an event. */
export function encodeEventData<K extends EventName>(name: K, event: EventTypes[K]): Uint8Array {
  return entryByName(name).codec.encode(event);
}

/** The `Program data: …` log line Anchor's emit! writes for the event. */
export function eventLogLine<K extends EventName>(name: K, event: EventTypes[K]): string {
  return `Program data: ${bytesToBase64(encodeEventData(name, event))}`;
}

/** The self-CPI instruction Anchor's emit_cpi! issues for the event. */
export function eventCpiInstruction<K extends EventName>(name: K, event: EventTypes[K]): Instruction & { accounts: AccountMeta[]; data: Uint8Array } {
  const entry = entryByName(name);
  return {
    programAddress: entry.programAddress,
    accounts: [{ address: entry.eventAuthority, role: AccountRole.READONLY_SIGNER }],
    data: concatBytes(ANCHOR_EVENT_IX_TAG, entry.codec.encode(event)),
  };
}

/** Log lines of one program invocation wrapping `body` (what the runtime prints around it). */
export function programInvocationLogs(
  programAddress: string,
  depth: number,
  body: readonly string[],
  compute?: { consumed: number; limit: number },
  failure?: string,
): string[] {
  const lines = [`Program ${programAddress} invoke [${depth}]`, ...body];
  if (compute) lines.push(`Program ${programAddress} consumed ${compute.consumed} of ${compute.limit} compute units`);
  lines.push(failure === undefined ? `Program ${programAddress} success` : `Program ${programAddress} failed: ${failure}`);
  return lines;
}
