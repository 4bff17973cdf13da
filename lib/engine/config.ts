/**
 * The live engine's configuration: one valibot schema over every knob, each value taken from the
 * first source that has it — command-line flag, then environment, then `.env_PROD`, then the
 * default — and every error naming the key and the source it came from.
 *
 * Values arrive as text from all three outside sources, so the schema parses text; defaults are
 * written as text too, so a default goes through the same checks as a typed value.
 * `--live` is flag-only on purpose: real money is never switched on by a stray environment line.
 * Secrets (the gRPC x-token) are never echoed in errors or logs.
 */
import { isAddress } from "@solana/kit";
import * as v from "valibot";
import { parseEnvFile, type EnvFileEntry } from "../config/env_file.ts";
import { UsageError, type ArgSpecs } from "../cli";
import { defaultStatusFile } from "../util/paths.ts";
import { existsSync, readFileSync } from "node:fs";
import type { CheckName } from "../checker/types.ts";

interface KeyDef {
  /** Environment / .env_PROD names, first match wins. Empty: flag only. */
  env: readonly string[];
  /** Text default; a function when computing it has side effects (the /dev/shm fallback note). */
  default?: string | (() => string);
  description: string;
  valueHint?: string;
  secret?: boolean;
  /** Boolean flag (present = "true"). */
  flag?: "boolean";
}

/** Every configuration key; the flag is the kebab-case of the key (`metricsAddr` → `--metrics-addr`). */
export const CONFIG_KEYS = {
  db: { env: ["FERRIX_DB"], default: "trades.db", description: "SQLite database (all tables)", valueHint: "file" },
  params: { env: ["FERRIX_PARAMS"], default: "best_strategy_params.json", description: "strategy parameters (champion) file", valueHint: "file" },
  telemetry: { env: ["FERRIX_TELEMETRY"], default: "telemetry.jsonl", description: "telemetry JSONL appended by the watcher", valueHint: "file" },
  decisions: { env: ["FERRIX_DECISIONS"], default: "decisions.jsonl", description: "decision records (checks, entries, rejections, exits, circuit breaker), appended", valueHint: "file" },
  knownWallets: { env: ["FERRIX_KNOWN_WALLETS"], default: "known_wallets.json", description: "known wallets file, reloaded on change", valueHint: "file" },
  knownWalletsPollMs: { env: ["FERRIX_KNOWN_WALLETS_POLL_MS"], default: "2000", description: "known wallets polling interval (fs.watch fallback), ms", valueHint: "ms" },
  metricsAddr: { env: ["FERRIX_METRICS_ADDR"], default: "127.0.0.1:9000", description: "Prometheus /metrics and /health listen address (port 0: any free port)", valueHint: "host:port" },
  statusFile: { env: ["FERRIX_STATUS_FILE"], default: () => defaultStatusFile(), description: "status file for auto_restart", valueHint: "file" },
  statusIntervalMs: { env: ["FERRIX_STATUS_INTERVAL_MS"], default: "2000", description: "status file refresh interval, ms", valueHint: "ms" },
  logDir: { env: ["FERRIX_LOG_DIR"], default: "logs", description: "directory of the rolling JSON log ferrix.log", valueHint: "dir" },
  logLevel: { env: ["FERRIX_LOG_LEVEL", "LOG_LEVEL"], default: "info", description: "log level: trace, debug, info, warn, error, fatal", valueHint: "level" },
  logMaxBytes: { env: ["FERRIX_LOG_MAX_BYTES"], default: String(50 * 1024 * 1024), description: "rotate ferrix.log at this size, bytes", valueHint: "bytes" },
  logMaxFiles: { env: ["FERRIX_LOG_MAX_FILES"], default: "5", description: "rotated log files kept (ferrix.log.1 … .N)", valueHint: "n" },
  live: { env: [], default: "false", description: "send real transactions (default: paper trading); needs --keypair", flag: "boolean" },
  keypair: { env: ["FERRIX_KEYPAIR"], description: "wallet keypair file (Solana CLI JSON, mode 0600) for --live", valueHint: "file" },
  rpcUrl: { env: ["FERRIX_RPC_URL", "SOLANA_RPC_URL"], default: "http://127.0.0.1:8899", description: "Solana JSON-RPC endpoint", valueHint: "url" },
  grpcUrl: { env: ["FERRIX_GRPC_URL"], default: "http://127.0.0.1:10000", description: "Yellowstone gRPC endpoint (https for TLS)", valueHint: "url" },
  grpcXToken: { env: ["FERRIX_GRPC_X_TOKEN", "GRPC_X_TOKEN"], description: "Yellowstone x-token (prefer the environment: flags show in ps)", valueHint: "token", secret: true },
  simulationWallet: { env: ["FERRIX_SIMULATION_WALLET"], description: "funded address the honeypot probe (buy then sell) is simulated as; default with --live: the wallet; else a sell by a large holder", valueHint: "address" },
  commitment: { env: ["FERRIX_COMMITMENT"], default: "confirmed", description: "RPC commitment for checks: processed, confirmed, finalized", valueHint: "level" },
  checkTimeoutMs: { env: ["FERRIX_CHECK_TIMEOUT_MS"], default: "2500", description: "deadline of each token check, ms", valueHint: "ms" },
  maxInFlightChecks: { env: ["FERRIX_MAX_IN_FLIGHT_CHECKS"], default: "64", description: "migrations analysed at once; more wait in line", valueHint: "n" },
  maxTransferFeeBps: { env: ["FERRIX_MAX_TRANSFER_FEE_BPS"], default: "0", description: "highest acceptable Token-2022 transfer fee, bps", valueHint: "bps" },
  maxTop1HolderShare: { env: ["FERRIX_MAX_TOP1_HOLDER_SHARE"], default: "0.2", description: "largest holder outside the pool, max share of supply", valueHint: "0..1" },
  maxTop10HolderShare: { env: ["FERRIX_MAX_TOP10_HOLDER_SHARE"], default: "0.5", description: "ten largest holders outside the pool, max share of supply", valueHint: "0..1" },
  creatorMaxRugs: { env: ["FERRIX_CREATOR_MAX_RUGS"], default: "2", description: "reject creators with this many recorded rugs", valueHint: "n" },
  checkCacheTtlS: { env: ["FERRIX_CHECK_CACHE_TTL_S"], default: "600", description: "reuse a passing verdict for this long, s (failures: 24 h)", valueHint: "s" },
  shutdownTimeoutMs: { env: ["FERRIX_SHUTDOWN_TIMEOUT_MS"], default: "10000", description: "longest wait for in-flight checks on shutdown, ms", valueHint: "ms" },
} as const satisfies Record<string, KeyDef>;

export type ConfigKey = keyof typeof CONFIG_KEYS;

const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;

// ---- Field schemas (text in, typed out; messages never repeat a secret) ----

const text = () => v.pipe(v.string(), v.trim(), v.nonEmpty("must not be empty"));
const path = text;

function integer(min: number, max: number) {
  return v.pipe(
    v.string(),
    v.trim(),
    v.check((s) => /^[-+]?\d[\d_]*$/.test(s), (iss) => `must be an integer, got '${iss.input}'`),
    v.transform((s) => Number(s.replace(/_/g, ""))),
    v.minValue(min, (iss) => `must be ≥ ${min}, got ${iss.input}`),
    v.maxValue(max, (iss) => `must be ≤ ${max}, got ${iss.input}`),
  );
}

function fraction() {
  return v.pipe(
    v.string(),
    v.trim(),
    v.check((s) => /^(\d+\.?\d*|\.\d+)$/.test(s), (iss) => `must be a number between 0 and 1, got '${iss.input}'`),
    v.transform(Number),
    v.maxValue(1, (iss) => `must be between 0 and 1, got ${iss.input}`),
  );
}

function boolean() {
  return v.pipe(
    v.string(),
    v.trim(),
    v.check((s) => /^(1|0|true|false|yes|no|on|off)$/i.test(s), (iss) => `must be true or false, got '${iss.input}'`),
    v.transform((s) => /^(1|true|yes|on)$/i.test(s)),
  );
}

function url() {
  return v.pipe(
    text(),
    v.check((s) => {
      try {
        const u = new URL(s);
        return u.protocol === "http:" || u.protocol === "https:";
      } catch {
        return false;
      }
    }, (iss) => `must be an http:// or https:// URL, got '${iss.input}'`),
  );
}

export interface ListenAddress {
  hostname: string;
  port: number;
}

function listenAddress() {
  return v.pipe(
    text(),
    v.check((s) => parseListenAddress(s) !== null, (iss) => `must be host:port with a port 0-65535 (e.g. 127.0.0.1:9000), got '${iss.input}'`),
    v.transform((s) => parseListenAddress(s)!),
  );
}

export function parseListenAddress(s: string): ListenAddress | null {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s]+)):(\d{1,5})$/.exec(s.trim());
  if (!m) return null;
  const port = Number(m[3]);
  if (port > 65535) return null;
  return { hostname: m[1] ?? m[2]!, port };
}

export const EngineConfigSchema = v.object({
  db: path(),
  params: path(),
  telemetry: path(),
  decisions: path(),
  knownWallets: path(),
  knownWalletsPollMs: integer(50, 3_600_000),
  metricsAddr: listenAddress(),
  statusFile: path(),
  statusIntervalMs: integer(50, 60_000),
  logDir: path(),
  logLevel: v.pipe(v.string(), v.trim(), v.toLowerCase(), v.picklist(LOG_LEVELS, (iss) => `must be one of ${LOG_LEVELS.join(", ")}, got '${iss.input}'`)),
  logMaxBytes: integer(4096, Number.MAX_SAFE_INTEGER),
  logMaxFiles: integer(1, 100),
  live: boolean(),
  keypair: v.optional(path()),
  rpcUrl: url(),
  grpcUrl: url(),
  grpcXToken: v.optional(v.pipe(v.string(), v.trim(), v.nonEmpty("must not be empty"), v.check((s) => !/\s/.test(s), "must not contain whitespace"))),
  simulationWallet: v.optional(v.pipe(text(), v.check((s) => isAddress(s), (iss) => `must be a Solana address, got '${iss.input}'`))),
  commitment: v.pipe(v.string(), v.trim(), v.picklist(["processed", "confirmed", "finalized"] as const, (iss) => `must be processed, confirmed or finalized, got '${iss.input}'`)),
  checkTimeoutMs: integer(10, 120_000),
  maxInFlightChecks: integer(1, 4096),
  maxTransferFeeBps: integer(0, 10_000),
  maxTop1HolderShare: fraction(),
  maxTop10HolderShare: fraction(),
  creatorMaxRugs: integer(1, 1_000_000),
  checkCacheTtlS: integer(0, 30 * 86_400),
  shutdownTimeoutMs: integer(0, 600_000),
});

export type EngineConfig = v.InferOutput<typeof EngineConfigSchema>;

// ---- Sources ----

export type ConfigSource =
  | { kind: "flag"; flag: string }
  | { kind: "env"; name: string }
  | { kind: "envFile"; file: string; line: number; name: string }
  | { kind: "default" };

export function describeSource(s: ConfigSource): string {
  switch (s.kind) {
    case "flag":
      return s.flag;
    case "env":
      return `environment variable ${s.name}`;
    case "envFile":
      return `${s.name} in ${s.file}:${s.line}`;
    case "default":
      return "default";
  }
}

export interface ConfigProblem {
  key: ConfigKey | "envFile";
  source: ConfigSource;
  message: string;
}

/** Configuration that cannot be used. `fromFlag` selects exit code 2 (usage) over 1. */
export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(readonly problems: ConfigProblem[]) {
    super(
      problems
        .map((p) => `config ${p.key}${p.source.kind === "default" ? "" : ` (from ${describeSource(p.source)})`}: ${p.message}`)
        .join("\n"),
    );
  }
  get fromFlag(): boolean {
    return this.problems.some((p) => p.source.kind === "flag");
  }
  /** As thrown to lib/cli: a UsageError (exit 2) when a flag was wrong, else itself (exit 1). */
  forCli(): Error {
    return this.fromFlag ? new UsageError(this.message) : this;
  }
}

export interface ResolvedConfig {
  config: EngineConfig;
  /** Where each key's value came from (for the start-up log). */
  sources: Record<ConfigKey, ConfigSource>;
  /** The .env_PROD file read, or null when there was none. */
  envFile: string | null;
  /** Its entries, parsed once (the execution knobs, SIM_*, come from them too). */
  envEntries: EnvFileEntry[];
}

export const flagOf = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** The global flags, as lib/cli specs: strings with no default, so "absent" stays visible. */
export function configArgSpecs(): ArgSpecs {
  const specs: ArgSpecs = {
    envFile: { type: "string", description: "env file read after the environment (default .env_PROD, if present) [env FERRIX_ENV_FILE]", valueHint: "file" },
  };
  for (const [key, def] of Object.entries(CONFIG_KEYS) as [ConfigKey, KeyDef][]) {
    const dflt = typeof def.default === "string" ? ` (default: ${def.default})` : def.default ? " (default: /dev/shm/ferrix_status.json)" : "";
    const env = def.env.length ? ` [env ${def.env.join(", ")}]` : "";
    specs[key] = def.flag === "boolean" ? { type: "boolean", description: def.description + env } : { type: "string", description: def.description + dflt + env, valueHint: def.valueHint };
  }
  return specs;
}

export interface ConfigInputs {
  /** Parsed flags (lib/cli): strings, or booleans for boolean keys; undefined/false = absent. */
  flags: Record<string, unknown>;
  env: Record<string, string | undefined>;
}

function envFileEntries(flags: Record<string, unknown>, env: Record<string, string | undefined>): { file: string | null; entries: EnvFileEntry[] } {
  const explicit = typeof flags.envFile === "string" ? flags.envFile : env.FERRIX_ENV_FILE || undefined;
  const file = explicit ?? ".env_PROD";
  if (!existsSync(file)) {
    if (explicit !== undefined) {
      const source: ConfigSource = typeof flags.envFile === "string" ? { kind: "flag", flag: "--env-file" } : { kind: "env", name: "FERRIX_ENV_FILE" };
      throw new ConfigError([{ key: "envFile", source, message: `env file '${file}' does not exist` }]);
    }
    return { file: null, entries: [] };
  }
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    // EISDIR, EACCES: the bare system message would not say which file.
    throw new Error(`${file}: cannot read env file: ${(err as Error).message}`);
  }
  // Syntax errors name file:line (EnvFileError) and propagate as they are.
  return { file, entries: parseEnvFile(text, file) };
}

/** Resolves every key (flag > env > .env_PROD > default) and validates the lot with one schema. */
export function resolveConfig(inputs: ConfigInputs): ResolvedConfig {
  const { flags, env } = inputs;
  const { file, entries } = envFileEntries(flags, env);
  const fromFile = new Map<string, EnvFileEntry>();
  for (const e of entries) fromFile.set(e.key, e); // later lines win, as in the shell

  const raw: Record<string, string> = {};
  const sources = {} as Record<ConfigKey, ConfigSource>;
  for (const [key, def] of Object.entries(CONFIG_KEYS) as [ConfigKey, KeyDef][]) {
    const flagValue = flags[key];
    let value: string | undefined;
    let source: ConfigSource = { kind: "default" };
    if (def.flag === "boolean" ? flagValue === true : typeof flagValue === "string") {
      value = def.flag === "boolean" ? "true" : (flagValue as string);
      source = { kind: "flag", flag: flagOf(key) };
    }
    if (value === undefined) {
      const name = def.env.find((n) => env[n] !== undefined && env[n] !== "");
      if (name) {
        value = env[name]!;
        source = { kind: "env", name };
      }
    }
    if (value === undefined && file) {
      const name = def.env.find((n) => fromFile.has(n));
      if (name) {
        const e = fromFile.get(name)!;
        value = e.value;
        source = { kind: "envFile", file, line: e.line, name };
      }
    }
    if (value === undefined && def.default !== undefined) value = typeof def.default === "function" ? def.default() : def.default;
    if (value !== undefined) raw[key] = value;
    sources[key] = source;
  }

  const result = v.safeParse(EngineConfigSchema, raw, { abortEarly: false });
  if (!result.success) {
    const problems: ConfigProblem[] = result.issues.map((issue) => {
      const key = (issue.path?.[0]?.key ?? "config") as ConfigKey;
      const def = CONFIG_KEYS[key] as KeyDef | undefined;
      // Secrets: keep the rule, drop anything that could quote the value.
      const message = def?.secret ? issue.message.replace(/,? got .*$/, "") : issue.message;
      return { key, source: sources[key] ?? { kind: "default" }, message };
    });
    throw new ConfigError(problems);
  }
  const config = result.output;
  if (config.maxTop10HolderShare < config.maxTop1HolderShare) {
    throw new ConfigError([{ key: "maxTop10HolderShare", source: sources.maxTop10HolderShare, message: `must be ≥ maxTop1HolderShare (${config.maxTop1HolderShare}), got ${config.maxTop10HolderShare}` }]);
  }
  if (config.live && !config.keypair) {
    throw new ConfigError([{ key: "keypair", source: sources.live, message: "--live sends real transactions and needs --keypair <file> (or FERRIX_KEYPAIR)" }]);
  }
  return { config, sources, envFile: file, envEntries: entries };
}

/**
 * Runs `use` on the value of `key` (opening the file, binding the address); a failure becomes an
 * error (exit 1) naming the key, where its value came from, and what could not be done.
 */
export function usingConfigured<T>(r: ResolvedConfig, key: ConfigKey, doing: string, use: () => T): T {
  try {
    return use();
  } catch (err) {
    throw new Error(`config ${key} (from ${describeSource(r.sources[key])}): ${doing}: ${(err as Error).message}`, { cause: err });
  }
}

/** Start-up log view of the config: values with their sources, secrets masked. */
export function describeConfig(r: ResolvedConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, def] of Object.entries(CONFIG_KEYS) as [ConfigKey, KeyDef][]) {
    const value = (r.config as Record<string, unknown>)[key];
    if (value === undefined) continue;
    const shown = def.secret ? "(set)" : typeof value === "object" ? `${(value as ListenAddress).hostname}:${(value as ListenAddress).port}` : String(value);
    out[key] = `${shown} [${describeSource(r.sources[key])}]`;
  }
  return out;
}

/** The checker thresholds as the checker wants them; `wallet` is the --live wallet's address. */
export function checkerConfigOf(c: EngineConfig, wallet: string | null = null, checks?: readonly CheckName[]) {
  return {
    ...(checks ? { checks } : {}),
    simulationWallet: c.simulationWallet ?? wallet,
    timeoutMs: { honeypot: c.checkTimeoutMs, contract: c.checkTimeoutMs, holders: c.checkTimeoutMs, creator: c.checkTimeoutMs },
    maxTransferFeeBps: c.maxTransferFeeBps,
    maxTop1HolderShare: c.maxTop1HolderShare,
    maxTop10HolderShare: c.maxTop10HolderShare,
    creatorMaxRugs: c.creatorMaxRugs,
    cacheTtlMs: { pass: c.checkCacheTtlS * 1000, fail: 24 * 3_600_000, error: 0 },
    commitment: c.commitment,
  };
}
