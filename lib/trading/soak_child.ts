#!/usr/bin/env bun
/**
 * The process scripts/crash_soak.ts and test/trading/crash.test.ts kill: paper trading over a
 * recorded feed into trades.db (lib/trading/soak.ts). Kept to the trading modules so it starts fast.
 *   bun lib/trading/soak_child.ts <feed.json> <trades.db>
 */
import { soakChild } from "./soak.ts";

if (import.meta.main) await soakChild(process.argv[2], process.argv[3], process.argv[4]);
