/**
 * devchain — the local chain simulator (DESIGN §5): Yellowstone gRPC + Solana JSON-RPC on
 * 127.0.0.1 over a seeded PumpSwap market. Thin wrapper over lib/devchain.
 */
import { defineTool, main } from "../lib/cli";
import { DEVCHAIN_DEFAULTS, PortInUseError, startDevchain, type RunningDevchain } from "../lib/devchain";

export const tool = defineTool({
  name: "devchain",
  description: "local chain simulator: Yellowstone gRPC and Solana JSON-RPC over a seeded PumpSwap market",
  examples: [
    "bun scripts/devchain.ts --seed 7 --grpc-port 10000 --rpc-port 8899 --speed 20",
    "bun scripts/devchain.ts --seed 7 --speed 60 --migrations-per-day 3000 --record devchain_record.jsonl",
  ],
  args: {
    seed: { type: "number", description: "market seed (same seed → same chain)", default: 7, integer: true },
    grpcPort: { type: "number", description: "Yellowstone gRPC port (0 = any free port)", default: 10000, integer: true, min: 0, max: 65535 },
    rpcPort: { type: "number", description: "JSON-RPC port (0 = any free port)", default: 8899, integer: true, min: 0, max: 65535 },
    speed: { type: "number", description: "simulated seconds per wall second", default: 1, min: 0.001, max: 100_000 },
    migrationsPerDay: { type: "number", description: "mean migrations per simulated day", default: DEVCHAIN_DEFAULTS.migrationsPerDay, min: 0.1, max: 1_000_000 },
    trackSeconds: { type: "number", description: "seconds of order flow the model runs per pool", default: DEVCHAIN_DEFAULTS.trackSeconds, min: 1, integer: true },
    unsafeShare: { type: "number", description: "share of tokens with unsafe mints", default: DEVCHAIN_DEFAULTS.unsafeShare, min: 0, max: 1 },
    curveLaunchesPerHour: { type: "number", description: "Pump.fun coins created per simulated hour that never migrate (ferrix token's market)", default: DEVCHAIN_DEFAULTS.curveLaunchesPerHour, min: 0, max: 1_000_000 },
    curveFlowSeconds: { type: "number", description: "seconds after a create during which its curve gets model trades", default: DEVCHAIN_DEFAULTS.curveFlowSeconds, min: 0, max: 86_400 },
    xToken: { type: "string", description: "require this x-token on Subscribe" },
    record: { type: "string", description: "append the simulator's record (migrations, flows, ticks, creates) as JSONL", valueHint: "file" },
  },
  async run(a) {
    let dev: RunningDevchain;
    try {
      dev = await startDevchain({
        seed: a.seed,
        grpcPort: a.grpcPort,
        rpcPort: a.rpcPort,
        speed: a.speed,
        migrationsPerDay: a.migrationsPerDay,
        trackSeconds: a.trackSeconds,
        unsafeShare: a.unsafeShare,
        curveLaunchesPerHour: a.curveLaunchesPerHour,
        curveFlowSeconds: a.curveFlowSeconds,
        xToken: a.xToken,
        recordPath: a.record,
      });
    } catch (err) {
      if (err instanceof PortInUseError) throw new Error(`${err.message}: pass another with ${err.service === "gRPC" ? "--grpc-port" : "--rpc-port"} (0 = any free port)`);
      if (a.record !== undefined && (err as { path?: unknown }).path === a.record) throw new Error(`--record ${a.record}: ${(err as Error).message}`);
      throw err;
    }
    process.stderr.write(`devchain: gRPC ${dev.grpcUrl}  JSON-RPC ${dev.rpcUrl}  seed ${a.seed}  speed ${a.speed}x\n`);
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    await dev.stop();
    process.stderr.write(`devchain: stopped after ${dev.chain.counters.transactions} transactions (${dev.chain.counters.migrations} migrations)\n`);
    return 0;
  },
});

if (import.meta.main) await main(tool);
