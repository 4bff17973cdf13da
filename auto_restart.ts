#!/usr/bin/env bun
/**
 * auto_restart.ts — rolls a new champion out to the live engine only when it is safe.
 * Run beside run_deep_evolution.ts (spec §7.4 terminal 2) or as the ferrix-auto-restart unit.
 */
import { defineTool, main } from "./lib/cli";
import { createLogger } from "./lib/log";
import { watchForRollout } from "./lib/rollout";
import { defaultPendingUpdateFlag, defaultStatusFile } from "./lib/util/paths";

export const tool = defineTool({
  name: "auto_restart.ts",
  description: "restart ferrix for a pending champion update once no position, observer or telemetry window is open",
  usage: "[options]",
  examples: [
    "bun auto_restart.ts",
    "bun auto_restart.ts --restart-cmd 'tmux send-keys -t ferrix C-c \"./bin/ferrix migration\" Enter' --stale-seconds 300",
    "bun auto_restart.ts --once   # one check, for cron",
  ],
  args: {
    flagFile: { type: "string", description: "pending-update flag written by run_deep_evolution", env: "FERRIX_PENDING_UPDATE_FILE" },
    statusFile: { type: "string", description: "live status written by ferrix every few seconds", env: "FERRIX_STATUS_FILE" },
    restartCmd: { type: "string", description: "shell command that restarts ferrix", default: "systemctl restart ferrix", env: "FERRIX_RESTART_CMD" },
    pollSeconds: { type: "number", description: "seconds between checks", default: 5, min: 0.01, env: "AUTO_RESTART_POLL_SECONDS" },
    staleSeconds: { type: "number", description: "a status older than this counts as stale (ferrix dead or hung) and allows the restart", default: 180, min: 1, env: "AUTO_RESTART_STALE_SECONDS" },
    restartTimeoutSeconds: { type: "number", description: "kill the restart command after this long", default: 120, min: 1 },
    cooldownSeconds: { type: "number", description: "no second restart within this time", default: 30, min: 0 },
    polls: { type: "number", description: "stop after this many checks (default: run until SIGTERM)", integer: true, min: 1 },
    once: { type: "boolean", description: "one check and exit (same as --polls 1)" },
  },
  epilog: "Logs one JSON line per decision change and per restart on stdout. Exit 0 after SIGTERM/SIGINT or the last poll.",
  async run(a) {
    const stopSignal = { stopped: false };
    const stop = () => {
      stopSignal.stopped = true;
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
    const summary = await watchForRollout({
      flagFile: a.flagFile ?? defaultPendingUpdateFlag(),
      statusFile: a.statusFile ?? defaultStatusFile(),
      restartCommand: a.restartCmd,
      pollMs: a.pollSeconds * 1000,
      staleAfterSeconds: a.staleSeconds,
      restartTimeoutMs: a.restartTimeoutSeconds * 1000,
      cooldownMs: a.cooldownSeconds * 1000,
      maxPolls: a.once ? 1 : a.polls,
      log: createLogger({ name: "auto_restart" }),
      stopSignal,
      sleep: (ms) => new Promise((r) => {
        const t = setTimeout(r, ms);
        const check = setInterval(() => stopSignal.stopped && (clearTimeout(t), clearInterval(check), r(undefined)), 100);
        setTimeout(() => clearInterval(check), ms + 10);
      }),
    });
    return summary.failedRestarts > 0 && summary.restarts === 0 && a.once ? 1 : 0;
  },
});

if (import.meta.main) await main(tool);
