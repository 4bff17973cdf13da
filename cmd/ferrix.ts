#!/usr/bin/env bun
/** ferrix: the live engine (spec §3.1–§3.2). Commands, configuration and boot live in lib/engine. */
import { ferrixCommands, runSubcommands } from "../lib/engine";

if (import.meta.main) {
  const code = await runSubcommands(ferrixCommands(), process.argv.slice(2));
  // Let a large table or JSON report reach a pipe before exiting.
  await new Promise<void>((resolve) => (process.stdout.writableLength === 0 ? resolve() : process.stdout.write("", () => resolve())));
  process.exit(code);
}
