/**
 * The simulator's own account of what it produced, in telemetry v1 field names so a test can set
 * it beside the watcher's telemetry.jsonl line for line. `source` says where an entry came from:
 * the seeded market, the test API, or a transaction received over JSON-RPC.
 */
export type RecordSource = "market" | "api" | "rpc";

export interface MigrationRecord {
  type: "migration";
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
  /** Present when the simulator streamed the token's Pump.fun create (event time, whole seconds). */
  token_created_ts?: number;
  mint_profile: string;
  source: RecordSource;
}

export interface FlowRecord {
  type: "flow";
  ts: number;
  slot: number;
  sig: string;
  mint: string;
  pool: string;
  side: "buy" | "sell";
  user: string;
  base: number;
  quote: number;
  base_reserve: number;
  quote_reserve: number;
  source: RecordSource;
}

export interface TickRecord {
  type: "tick";
  ts: number;
  slot: number;
  mint: string;
  pool: string;
  base_reserve: number;
  quote_reserve: number;
}

export interface CreateRecord {
  type: "create";
  ts: number;
  slot: number;
  sig: string;
  mint: string;
  token_created_ts: number;
}

export type DevchainRecord = MigrationRecord | FlowRecord | TickRecord | CreateRecord;
