/**
 * Local chain simulator (DESIGN §5): a Yellowstone gRPC endpoint and a Solana JSON-RPC endpoint on
 * 127.0.0.1 over one simulated ledger whose order flow comes from the seeded market model.
 *
 * `startDevchain` runs the pump loop: simulated time = start + wall time × speed, advanced every
 * few milliseconds; `chain` is the in-process API (records, test helpers); `--record` writes the
 * simulator's own record as JSONL (telemetry-shaped records and `curve_trade` lines).
 */
import { systemClock, type Clock } from "../ingest/clock.ts";
import { fileLineSink, type LineSink } from "../watcher/telemetry_writer.ts";
import { Devchain, type DevchainOptions } from "./chain.ts";
import { DevchainGrpcServer } from "./grpc_server.ts";
import type { CurveTradeRecord, DevchainRecord } from "./record.ts";
import { DevchainRpcServer } from "./rpc_server.ts";

export {
  Devchain,
  RpcError,
  DEVCHAIN_DEFAULTS,
  DEVCHAIN_FEE_CONFIG,
  DEVCHAIN_GLOBAL_CONFIG,
  DEVCHAIN_PUMPFUN_GLOBAL,
  MIGRATION_KEEPER_ADDRESS,
  MIN_POOL_DATA_LENGTH,
  slotStartMs,
  type DevchainOptions,
  type ChainUpdate,
  type LaunchTokenOptions,
  type LaunchedToken,
  type LaunchCurveTokenOptions,
  type LaunchedCurveToken,
  type SubmitResult,
} from "./chain.ts";
export { DevchainGrpcServer, matchTransaction, type GrpcServerOptions } from "./grpc_server.ts";
export { DevchainRpcServer, type RpcServerOptions } from "./rpc_server.ts";
export { MINT_PROFILES, SELL_BLOCKED_PROFILES, makeMint, encodeTokenAccount, decodeTokenAccount, rentExemptLamports, TOKEN_ACCOUNT_RENT_LAMPORTS, type MintProfile, type SimMint, type TokenAccount } from "./accounts.ts";
export { AnchorError, PumpSwapError, TokenError, POOL_STRUCT_SIZE, prioritizationFeeLamports, readComputeBudget, priceOrder, type ComputeBudget, type CurveTradeEffect, type SwapOrder } from "./programs.ts";
export { MODEL_FLOOR_REAL_TOKENS } from "./curve_flow.ts";
export { curveHolderDistribution, holderWalletLamports, type CurveHolder } from "./holders.ts";
export { ataSync, coinCreatorVaultAuthoritySync } from "../chain/pda_sync.ts";
export type { HolderProfile, SimCurve, SimPool } from "./state.ts";
export type { DevchainRecord, MigrationRecord, FlowRecord, TickRecord, CreateRecord, CurveTradeRecord, RecordSource } from "./record.ts";

export interface StartDevchainOptions extends DevchainOptions {
  host?: string;
  grpcPort?: number;
  rpcPort?: number;
  /** Simulated seconds per wall second (default 1). */
  speed?: number;
  xToken?: string;
  serverPingIntervalMs?: number;
  /** Append the simulator's record to this file as JSONL. */
  recordPath?: string;
  /** Pump period in wall ms (default 10). */
  pumpMs?: number;
  clock?: Clock;
  /** Start with the clock paused (tests that drive `advanceTo` themselves). */
  paused?: boolean;
}

export interface RunningDevchain {
  chain: Devchain;
  grpc: DevchainGrpcServer;
  rpc: DevchainRpcServer;
  grpcUrl: string;
  rpcUrl: string;
  /** Simulated seconds per wall second. */
  setSpeed(speed: number): void;
  pause(): void;
  resume(): void;
  dropAllStreams(): number;
  stallAllStreams(ms: number): void;
  /** Resolves once simulated time has reached `ts` (the pump must be running). */
  waitForSimTime(ts: number): Promise<void>;
  stop(): Promise<void>;
}

/** A port the simulator could not listen on; `service` says which of its two. */
export class PortInUseError extends Error {
  constructor(
    readonly service: "gRPC" | "JSON-RPC",
    readonly host: string,
    readonly port: number,
  ) {
    super(`${service} port ${port} on ${host} is already in use`);
  }
}

const isAddressInUse = (err: unknown): boolean => {
  const e = err as { code?: unknown; message?: unknown };
  return e?.code === "EADDRINUSE" || String(e?.message ?? "").includes("EADDRINUSE") || /port \d+ in use/i.test(String(e?.message ?? ""));
};

export async function startDevchain(options: StartDevchainOptions): Promise<RunningDevchain> {
  const opts = { host: "127.0.0.1", grpcPort: 0, rpcPort: 0, speed: 1, pumpMs: 10, ...options };
  const clock = opts.clock ?? systemClock;
  const chain = new Devchain(opts);
  const grpc = new DevchainGrpcServer(chain, { host: opts.host, port: opts.grpcPort, xToken: opts.xToken, pingIntervalMs: opts.serverPingIntervalMs });
  const rpc = new DevchainRpcServer(chain, { host: opts.host, port: opts.rpcPort });
  // Open the record first: a bad path then fails before anything listens.
  const record: LineSink | null = opts.recordPath ? fileLineSink(opts.recordPath) : null;
  try {
    try {
      await grpc.start();
    } catch (err) {
      throw isAddressInUse(err) ? new PortInUseError("gRPC", opts.host, opts.grpcPort) : err;
    }
    try {
      rpc.start();
    } catch (err) {
      throw isAddressInUse(err) ? new PortInUseError("JSON-RPC", opts.host, opts.rpcPort) : err;
    }
  } catch (err) {
    await grpc.stop();
    await record?.close();
    throw err;
  }
  const write = (r: DevchainRecord | CurveTradeRecord) => record!.write(JSON.stringify(r) + "\n");
  const unRecords = record ? [chain.onRecord(write), chain.onCurveTrade(write)] : [];

  let speed = opts.speed;
  let anchorMono = clock.monoMs();
  let anchorSim = chain.now;
  let paused = opts.paused ?? false;
  let stopped = false;
  let busy = false;
  const waiters: { ts: number; resolve: () => void }[] = [];
  const simNow = () => (paused ? anchorSim : anchorSim + (clock.monoMs() - anchorMono) * speed);
  const reanchor = () => {
    anchorSim = Math.max(anchorSim, simNow());
    anchorMono = clock.monoMs();
  };

  const pump = async () => {
    if (busy || stopped) return;
    busy = true;
    try {
      await chain.advanceTo(Math.floor(simNow()));
      for (let i = waiters.length - 1; i >= 0; i--) if (chain.now >= waiters[i].ts) waiters.splice(i, 1)[0].resolve();
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void pump(), opts.pumpMs);

  return {
    chain,
    grpc,
    rpc,
    grpcUrl: grpc.url,
    rpcUrl: rpc.url,
    setSpeed(s) {
      reanchor();
      speed = s;
    },
    pause() {
      reanchor();
      paused = true;
    },
    resume() {
      anchorMono = clock.monoMs();
      paused = false;
    },
    dropAllStreams: () => grpc.dropAllStreams(),
    stallAllStreams: (ms) => grpc.stallAllStreams(ms),
    waitForSimTime: (ts) => (chain.now >= ts ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ ts, resolve }))),
    async stop() {
      stopped = true;
      clearInterval(timer);
      for (const off of unRecords) off();
      await grpc.stop();
      await rpc.stop();
      await record?.close();
    },
  };
}
