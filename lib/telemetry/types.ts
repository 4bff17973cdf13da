/**
 * telemetry.jsonl, version 1 (DESIGN §2.1): the wire format between the live engine (and the
 * market generator) and telemetry_tool. Field names are the file's own (snake_case).
 *
 * Units: `ts` Unix ms; SOL amounts in lamports; token amounts in raw base units (6 decimals for
 * pump tokens). Reserves are the pool vault balances *after* the event.
 *
 * `flow.quote` is what the trader paid in total for a buy (BuyEvent.user_quote_amount_in: pool
 * input plus LP, protocol and creator fees) and what the trader received for a sell
 * (SellEvent.user_quote_amount_out: pool output minus those fees). `flow.base` is the tokens
 * bought or sold.
 */
export type Side = "buy" | "sell";

export interface MigrationEvent {
  type: "migration";
  v: 1;
  ts: number;
  slot: number;
  sig: string;
  mint: string;
  pool: string;
  creator: string;
  base_reserve: number;
  quote_reserve: number;
  base_decimals: number;
  lp_fee_bps: number;
  protocol_fee_bps: number;
  creator_fee_bps: number;
  token_created_ts: number;
}

export interface FlowEvent {
  type: "flow";
  v: 1;
  ts: number;
  slot: number;
  sig: string;
  mint: string;
  pool: string;
  side: Side;
  user: string;
  base: number;
  quote: number;
  base_reserve: number;
  quote_reserve: number;
}

export interface TickEvent {
  type: "tick";
  v: 1;
  ts: number;
  slot: number;
  mint: string;
  pool: string;
  base_reserve: number;
  quote_reserve: number;
}

export type TelemetryEvent = MigrationEvent | FlowEvent | TickEvent;

/**
 * Legacy lines (written by older recorders) that readers must still accept and repair:
 * - no `v`: treated as version 1;
 * - no `ts`: time repaired from `slot` against the nearest line that has both;
 * - a migration without `token_created_ts`: age repaired from `token_created_slot` when that
 *   older field is present, otherwise the age is unknown.
 */
export const LEGACY_CREATED_SLOT_KEY = "token_created_slot";

/** Nominal Solana slot time, used only to repair times of legacy lines. */
export const SLOT_MS = 400;
