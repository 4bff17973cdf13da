import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UsageError } from "../cli";
import { ConfigError, describeConfig, parseListenAddress, resolveConfig } from "./config.ts";

let dir: string;
let cwd: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "ferrix-config-"));
  cwd = process.cwd();
  // .env_PROD is looked up in the working directory.
  process.chdir(dir);
});
afterEach(() => {
  process.chdir(cwd);
  rmSync(dir, { recursive: true, force: true });
});

const resolve = (flags: Record<string, unknown>, env: Record<string, string> = {}) => resolveConfig({ flags, env });

describe("precedence: flag > environment > .env_PROD > default", () => {
  test("each source in turn", () => {
    writeFileSync(".env_PROD", "# production\nFERRIX_DB=file.db\nFERRIX_RPC_URL=https://rpc.example.invalid\nexport FERRIX_CHECK_TIMEOUT_MS=900\n");
    const r = resolve({ db: "flag.db" }, { FERRIX_DB: "env.db", FERRIX_RPC_URL: "https://env.example.invalid" });
    expect(r.config.db).toBe("flag.db");
    expect(r.sources.db).toEqual({ kind: "flag", flag: "--db" });
    expect(r.config.rpcUrl).toBe("https://env.example.invalid");
    expect(r.sources.rpcUrl).toEqual({ kind: "env", name: "FERRIX_RPC_URL" });
    expect(r.config.checkTimeoutMs).toBe(900);
    expect(r.sources.checkTimeoutMs).toEqual({ kind: "envFile", file: ".env_PROD", line: 4, name: "FERRIX_CHECK_TIMEOUT_MS" });
    expect(r.config.metricsAddr).toEqual({ hostname: "127.0.0.1", port: 9000 });
    expect(r.sources.metricsAddr).toEqual({ kind: "default" });
    expect(r.envFile).toBe(".env_PROD");
  });

  test("typed values: numbers, fractions, enums, booleans", () => {
    const r = resolve({ maxTop1HolderShare: "0.1", logLevel: "DEBUG", live: true, keypair: "k.json", metricsAddr: "[::1]:0" });
    expect(r.config).toMatchObject({ maxTop1HolderShare: 0.1, logLevel: "debug", live: true, keypair: "k.json", metricsAddr: { hostname: "::1", port: 0 } });
  });

  test("--live comes from the flag only", () => {
    expect(resolve({}, { FERRIX_LIVE: "true", LIVE: "1" }).config.live).toBe(false);
  });

  test("--env-file names another file; a named file that is missing is an error", () => {
    writeFileSync("other.env", "FERRIX_DB=other.db\n");
    expect(resolve({ envFile: "other.env" }).config.db).toBe("other.db");
    expect(() => resolve({ envFile: "nope.env" })).toThrow(/--env-file.*nope.env' does not exist/);
  });
});

describe("errors name the key and the source", () => {
  test("a bad flag value is a usage error (exit 2) naming the flag", () => {
    let err: unknown;
    try {
      resolve({ metricsAddr: "localhost" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toBe("config metricsAddr (from --metrics-addr): must be host:port with a port 0-65535 (e.g. 127.0.0.1:9000), got 'localhost'");
    expect((err as ConfigError).forCli()).toBeInstanceOf(UsageError);
  });

  test("environment and .env_PROD values are named with their variable (and file:line)", () => {
    expect(() => resolve({}, { FERRIX_STATUS_INTERVAL_MS: "soon" })).toThrow("config statusIntervalMs (from environment variable FERRIX_STATUS_INTERVAL_MS): must be an integer, got 'soon'");
    writeFileSync(".env_PROD", "FERRIX_MAX_TOP1_HOLDER_SHARE=1.5\n\nFERRIX_COMMITMENT=final\n");
    let err: ConfigError | undefined;
    try {
      resolve({});
    } catch (e) {
      err = e as ConfigError;
    }
    expect(err!.problems.map((p) => p.key)).toEqual(["commitment", "maxTop1HolderShare"].sort() as never);
    expect(err!.message).toContain("config maxTop1HolderShare (from FERRIX_MAX_TOP1_HOLDER_SHARE in .env_PROD:1): must be between 0 and 1, got 1.5");
    expect(err!.message).toContain("config commitment (from FERRIX_COMMITMENT in .env_PROD:3)");
    expect(err!.fromFlag).toBe(false);
    expect(err!.forCli()).toBe(err!);
  });

  test("a secret's value is never repeated", () => {
    const secret = "tok en-with-space";
    let msg = "";
    try {
      resolve({}, { FERRIX_GRPC_X_TOKEN: secret });
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toContain("config grpcXToken (from environment variable FERRIX_GRPC_X_TOKEN): must not contain whitespace");
    expect(msg).not.toContain("tok en");
    const ok = resolve({}, { FERRIX_GRPC_X_TOKEN: "abc123" });
    expect(JSON.stringify(describeConfig(ok))).not.toContain("abc123");
    expect(describeConfig(ok).grpcXToken).toBe("(set) [environment variable FERRIX_GRPC_X_TOKEN]");
  });

  test("--live without a keypair", () => {
    expect(() => resolve({ live: true })).toThrow(/--live sends real transactions and needs --keypair/);
  });

  test("cross-field: top-10 share below top-1 share", () => {
    expect(() => resolve({ maxTop1HolderShare: "0.6", maxTop10HolderShare: "0.5" })).toThrow(/maxTop10HolderShare.*must be ≥ maxTop1HolderShare/);
  });
});

test("listen addresses", () => {
  expect(parseListenAddress("127.0.0.1:9000")).toEqual({ hostname: "127.0.0.1", port: 9000 });
  expect(parseListenAddress("[::1]:80")).toEqual({ hostname: "::1", port: 80 });
  for (const bad of ["9000", "127.0.0.1", "127.0.0.1:70000", "a b:1"]) expect(parseListenAddress(bad)).toBeNull();
});
