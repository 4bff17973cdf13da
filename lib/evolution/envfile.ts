/**
 * "Source" a KEY=VALUE file (like `set -a; . .env_PROD`) into an environment: keys already set in
 * the environment win, so an operator's export overrides the file. Syntax: lib/config/env_file.
 */
import { readFileSync } from "node:fs";
import { parseEnvFile } from "../config/env_file";

export function loadEnvFileInto(path: string, env: Record<string, string | undefined>): number {
  let n = 0;
  const fromFile = new Map(parseEnvFile(readFileSync(path, "utf8"), path).map((e) => [e.key, e.value]));
  for (const [k, v] of fromFile) {
    if (env[k] === undefined) {
      env[k] = v;
      n++;
    }
  }
  return n;
}
