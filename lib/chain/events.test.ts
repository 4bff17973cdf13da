import { describe, expect, test } from "bun:test";
import { AccountRole } from "@solana/kit";
import { toHex } from "./borsh.ts";
import {
  PUMPFUN_EVENT_AUTHORITY_ADDRESS,
  PUMPFUN_PROGRAM_ADDRESS,
  PUMPSWAP_EVENT_AUTHORITY_ADDRESS,
  PUMPSWAP_PROGRAM_ADDRESS,
} from "./constants.ts";
import {
  decodeEventData,
  encodeEventData,
  eventCpiInstruction,
  eventLogLine,
  eventsFromInnerInstructions,
  eventsFromLogs,
  extractEvents,
  programInvocationLogs,
  type InnerInstructionGroupView,
} from "./events.ts";
import { pumpSwapCodecs } from "./pumpswap.ts";
import { sampleBuyEvent, sampleCreatePoolEvent, sampleMigrationEvent, sampleSellEvent, sampleTradeEvent, sampleCompleteEvent, sampleCreateEvent } from "./test-samples.ts";

const COMPUTE_BUDGET = "ComputeBudget111111111111111111111111111111";
const TOKEN = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
const OTHER_PROGRAM = "JUP6LkbZbjS1jKKwapdHNy74zcZ3tLUZoi5QNyVTaV4";

/** Logs of a migration transaction as the runtime prints them (Pump.fun migrate → PumpSwap create_pool). */
function migrationLogs(): string[] {
  const createPool = programInvocationLogs(
    PUMPSWAP_PROGRAM_ADDRESS,
    2,
    [
      "Program log: Instruction: CreatePool",
      ...programInvocationLogs(TOKEN, 3, ["Program log: Instruction: Transfer"], { consumed: 4645, limit: 300000 }),
      eventLogLine("CreatePoolEvent", sampleCreatePoolEvent),
      ...programInvocationLogs(PUMPSWAP_PROGRAM_ADDRESS, 3, [], { consumed: 2000, limit: 250000 }),
    ],
    { consumed: 90000, limit: 320000 },
  );
  return [
    ...programInvocationLogs(COMPUTE_BUDGET, 1, []),
    ...programInvocationLogs(
      PUMPFUN_PROGRAM_ADDRESS,
      1,
      ["Program log: Instruction: Migrate", ...createPool, eventLogLine("CompletePumpAmmMigrationEvent", sampleMigrationEvent)],
      { consumed: 150000, limit: 400000 },
    ),
  ];
}

describe("events from log lines", () => {
  test("attributes Program data lines through nested invocations", () => {
    const { events, failures, logTruncated } = eventsFromLogs(migrationLogs());
    expect(failures).toEqual([]);
    expect(logTruncated).toBe(false);
    expect(events).toEqual([
      { name: "CreatePoolEvent", event: sampleCreatePoolEvent, programAddress: PUMPSWAP_PROGRAM_ADDRESS, source: "log", outerInstructionIndex: 1 },
      { name: "CompletePumpAmmMigrationEvent", event: sampleMigrationEvent, programAddress: PUMPFUN_PROGRAM_ADDRESS, source: "log", outerInstructionIndex: 1 },
    ]);
  });

  test("ignores event bytes logged by the wrong program", () => {
    const logs = [
      // A BuyEvent-shaped payload logged by another program (or by Pump.fun) is not a PumpSwap event.
      ...programInvocationLogs(OTHER_PROGRAM, 1, [eventLogLine("BuyEvent", sampleBuyEvent)]),
      ...programInvocationLogs(PUMPFUN_PROGRAM_ADDRESS, 1, [eventLogLine("BuyEvent", sampleBuyEvent)]),
      // And a line outside any invocation has no program.
      eventLogLine("BuyEvent", sampleBuyEvent),
    ];
    expect(eventsFromLogs(logs).events).toEqual([]);
  });

  test("a program that fails pops the stack like one that succeeds", () => {
    const logs = [
      ...programInvocationLogs(PUMPSWAP_PROGRAM_ADDRESS, 1, [...programInvocationLogs(OTHER_PROGRAM, 2, [], undefined, "custom program error: 0x1771"), eventLogLine("SellEvent", sampleSellEvent)]),
      ...programInvocationLogs(OTHER_PROGRAM, 1, [eventLogLine("SellEvent", sampleSellEvent)]),
    ];
    const { events } = eventsFromLogs(logs);
    expect(events.map((e) => [e.name, e.programAddress, e.outerInstructionIndex])).toEqual([["SellEvent", PUMPSWAP_PROGRAM_ADDRESS, 0]]);
  });

  test("reports log truncation and keeps what came before", () => {
    const logs = [...programInvocationLogs(PUMPSWAP_PROGRAM_ADDRESS, 1, [eventLogLine("BuyEvent", sampleBuyEvent)]), "Log truncated"];
    const result = eventsFromLogs(logs);
    expect(result.logTruncated).toBe(true);
    expect(result.events.map((e) => e.name)).toEqual(["BuyEvent"]);
  });

  test("a malformed event is reported as a failure, not thrown", () => {
    const bytes = encodeEventData("BuyEvent", sampleBuyEvent).slice(0, 100);
    const logs = programInvocationLogs(PUMPSWAP_PROGRAM_ADDRESS, 1, [`Program data: ${Buffer.from(bytes).toString("base64")}`, eventLogLine("SellEvent", sampleSellEvent)]);
    const { events, failures } = eventsFromLogs(logs);
    expect(events.map((e) => e.name)).toEqual(["SellEvent"]);
    expect(failures.length).toBe(1);
    expect(failures[0].name).toBe("BuyEvent");
    expect(failures[0].error.message).toBe("BuyEvent.protocol_fee: needs 8 bytes at offset 96 but the data ends at 100");
  });

  test("every typed event survives encode → log line → decode", () => {
    const all = [
      ["CreatePoolEvent", sampleCreatePoolEvent, PUMPSWAP_PROGRAM_ADDRESS],
      ["BuyEvent", sampleBuyEvent, PUMPSWAP_PROGRAM_ADDRESS],
      ["SellEvent", sampleSellEvent, PUMPSWAP_PROGRAM_ADDRESS],
      ["CompletePumpAmmMigrationEvent", sampleMigrationEvent, PUMPFUN_PROGRAM_ADDRESS],
      ["CreateEvent", sampleCreateEvent, PUMPFUN_PROGRAM_ADDRESS],
      ["TradeEvent", sampleTradeEvent, PUMPFUN_PROGRAM_ADDRESS],
      ["CompleteEvent", sampleCompleteEvent, PUMPFUN_PROGRAM_ADDRESS],
    ] as const;
    for (const [name, event, program] of all) {
      const line = eventLogLine(name, event as never);
      expect(line.startsWith("Program data: ")).toBe(true);
      const { events } = eventsFromLogs(programInvocationLogs(program, 1, [line]));
      expect(events).toEqual([{ name, event, programAddress: program, source: "log", outerInstructionIndex: 0 }] as never);
      expect(decodeEventData(program, encodeEventData(name, event as never))).toEqual({ name, event } as never);
      expect(decodeEventData(program === PUMPFUN_PROGRAM_ADDRESS ? PUMPSWAP_PROGRAM_ADDRESS : PUMPFUN_PROGRAM_ADDRESS, encodeEventData(name, event as never))).toBeNull();
    }
  });
});

describe("events from self-CPI inner instructions", () => {
  const buyCpi = eventCpiInstruction("BuyEvent", sampleBuyEvent);

  test("the instruction is tag ‖ discriminator ‖ borsh, signed by the event authority", () => {
    expect(buyCpi.programAddress).toBe(PUMPSWAP_PROGRAM_ADDRESS);
    expect(buyCpi.accounts).toEqual([{ address: PUMPSWAP_EVENT_AUTHORITY_ADDRESS, role: AccountRole.READONLY_SIGNER }]);
    expect(toHex(buyCpi.data.subarray(0, 16))).toBe("e445a52e51cb9a1d" + "67f4521f2cf57777");
    expect(buyCpi.data.subarray(8)).toEqual(pumpSwapCodecs.buyEvent.encode(sampleBuyEvent));
    expect(eventCpiInstruction("TradeEvent", sampleTradeEvent).accounts[0].address).toBe(PUMPFUN_EVENT_AUTHORITY_ADDRESS);
  });

  const view = (ix: { programAddress: string; accounts?: readonly { address: string }[]; data: Uint8Array }) => ({
    programAddress: ix.programAddress,
    accounts: ix.accounts?.map((a) => a.address),
    data: ix.data,
  });

  test("decodes events and ignores look-alikes", () => {
    const groups: InnerInstructionGroupView[] = [
      {
        index: 2,
        instructions: [
          { programAddress: TOKEN, accounts: [], data: new Uint8Array([3, 1, 0, 0, 0, 0, 0, 0, 0]) },
          view(buyCpi),
          // Right bytes, wrong event authority: not emitted by the program.
          { ...view(buyCpi), accounts: [PUMPFUN_EVENT_AUTHORITY_ADDRESS] },
          // Right bytes, wrong program.
          { ...view(buyCpi), programAddress: OTHER_PROGRAM },
          // No Anchor event tag: an ordinary instruction whose data starts with the discriminator.
          { ...view(buyCpi), data: buyCpi.data.subarray(8) },
        ],
      },
      { index: 4, instructions: [view(eventCpiInstruction("CompleteEvent", sampleCompleteEvent))] },
    ];
    const { events, failures } = eventsFromInnerInstructions(groups);
    expect(failures).toEqual([]);
    expect(events).toEqual([
      { name: "BuyEvent", event: sampleBuyEvent, programAddress: PUMPSWAP_PROGRAM_ADDRESS, source: "cpi", outerInstructionIndex: 2 },
      { name: "CompleteEvent", event: sampleCompleteEvent, programAddress: PUMPFUN_PROGRAM_ADDRESS, source: "cpi", outerInstructionIndex: 4 },
    ]);
  });

  test("extractEvents merges both sources without duplicates, in instruction order", () => {
    const sell = eventCpiInstruction("SellEvent", sampleSellEvent);
    const logMessages = [
      ...programInvocationLogs(PUMPSWAP_PROGRAM_ADDRESS, 1, [eventLogLine("BuyEvent", sampleBuyEvent)]),
      ...programInvocationLogs(PUMPSWAP_PROGRAM_ADDRESS, 1, [eventLogLine("SellEvent", sampleSellEvent)]),
      // Emitted only as a log line (emit!), not via CPI.
      ...programInvocationLogs(PUMPFUN_PROGRAM_ADDRESS, 1, [eventLogLine("TradeEvent", sampleTradeEvent)]),
    ];
    const innerInstructions = [
      { index: 1, instructions: [view(sell)] },
      { index: 0, instructions: [view(buyCpi)] },
    ];
    const { events } = extractEvents({ logMessages, innerInstructions });
    expect(events.map((e) => [e.name, e.source, e.outerInstructionIndex])).toEqual([
      ["BuyEvent", "cpi", 0],
      ["SellEvent", "cpi", 1],
      ["TradeEvent", "log", 2],
    ]);
    expect(extractEvents({ logMessages }).events.every((e) => e.source === "log")).toBe(true);
    expect(extractEvents({ innerInstructions }).events.length).toBe(2);
    expect(extractEvents({}).events).toEqual([]);
  });
});
