#!/usr/bin/env bun
/** ferrix: the live engine (spec §3.1–§3.2). Commands, configuration and boot live in lib/engine. */
import { flushStdout } from "../lib/cli";
import { ferrixCommands, runSubcommands } from "../lib/engine";

if (import.meta.main) {
  const code = await runSubcommands(ferrixCommands(), process.argv.slice(2));
  await flushStdout();
  process.exit(code);
}
