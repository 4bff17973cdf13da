/**
 * The simulator's own account of what it produced, in telemetry v1 field names (the types are
 * lib/telemetry/types.ts's, less the version tag) so a test can set it beside the watcher's
 * telemetry.jsonl line for line. `source` says where an entry came from: the seeded market, the
 * test API, or a transaction received over JSON-RPC.
 */
import type { FlowEvent, MigrationEvent, TickEvent } from "../telemetry/types.ts";
import type { MintProfile } from "./accounts.ts";

export type RecordSource = "market" | "api" | "rpc";

export type MigrationRecord = Omit<MigrationEvent, "v" | "token_created_ts"> & {
  /** Present when the simulator streamed the token's Pump.fun create (event time, whole seconds). */
  token_created_ts?: number;
  mint_profile: MintProfile;
  source: RecordSource;
};

export type FlowRecord = Omit<FlowEvent, "v"> & { source: RecordSource };

export type TickRecord = Omit<TickEvent, "v">;

export interface CreateRecord {
  type: "create";
  ts: number;
  slot: number;
  sig: string;
  mint: string;
  token_created_ts: number;
}

export type DevchainRecord = MigrationRecord | FlowRecord | TickRecord | CreateRecord;

/**
 * A Pump.fun curve trade (kept apart from `records`, which hold telemetry v1 lines: Devchain
 * `curveTrades` / `onCurveTrade`; the --record file has both). Amounts in lamports and raw token
 * units; reserves are the curve's after the trade, as in its TradeEvent.
 */
export interface CurveTradeRecord {
  type: "curve_trade";
  ts: number;
  slot: number;
  sig: string;
  mint: string;
  bonding_curve: string;
  ix: "buy" | "buy_exact_sol_in" | "sell";
  side: "buy" | "sell";
  user: string;
  tokens: number;
  /** The curve side (TradeEvent.sol_amount): a buy's fees come on top of it, a sell's out of it. */
  sol_amount: number;
  protocol_fee: number;
  creator_fee: number;
  /** What the buyer paid in total, or the seller received net. */
  lamports: number;
  virtual_token_reserves: number;
  virtual_sol_reserves: number;
  real_token_reserves: number;
  real_sol_reserves: number;
  complete: boolean;
  source: RecordSource;
}
