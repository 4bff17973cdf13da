/**
 * The checker stage: one migration in, a VerifiedTradeSignal or a CheckRejection out.
 *
 * The four checks start together and each races its own deadline (a check still running then is
 * a failed check with reason `timeout`; its own requests are aborted). Account reads the checks
 * share (mint, pool, GlobalConfig in one getMultipleAccounts; the largest holders) are fetched
 * once per analysis. Verdicts are cached in sniper_cache with a TTL per verdict; two events for
 * the same mint while one is being analysed share that analysis.
 *
 * I/O is injected (RPC adapter, store, clock, known wallets), so this file holds only the
 * orchestration; the judgements are the pure functions of contract.ts, honeypot.ts and
 * reputation.ts.
 */
import { isAddress, type Address } from "@solana/kit";
import {
  associatedTokenAddress,
  decodeGlobalConfig,
  decodePool,
  DEFAULT_ADDRESS,
  findCanonicalPoolPda,
  PUMPSWAP_GLOBAL_CONFIG_ADDRESS,
  SYSTEM_PROGRAM_ADDRESS,
  type GlobalConfigAccount,
  type PoolAccount,
} from "../chain";
import { systemClock, type Clock } from "../ingest/clock.ts";
import type { Logger } from "../log";
import type { Metrics } from "../metrics";
import { assessHolders, assessMint, holderConcentration, readMintAccount, type MintReading } from "./contract.ts";
import {
  buildProbeRoundTripTransaction,
  buildProbeSellTransaction,
  candidateOwners,
  chooseSimulationSeller,
  interpretSimulation,
  parseTokenAccount,
  sellerCandidateAccounts,
} from "./honeypot.ts";
import { assessCreator, type KnownWalletView } from "./reputation.ts";
import { RpcError, type CheckerRpc, type RpcAccount, type TokenHolderBalance } from "./rpc.ts";
import type { CheckerStore } from "./store.ts";
import {
  CHECK_NAMES,
  DEFAULT_CHECKER_CONFIG,
  verdictOf,
  type Analysis,
  type CheckerConfig,
  type CheckName,
  type CheckOutcome,
  type CheckReason,
  type CheckResult,
  type CheckSubject,
  type VerifiedTradeSignal,
} from "./types.ts";

export interface CheckerDeps {
  rpc: CheckerRpc;
  store: CheckerStore;
  config?: Partial<CheckerConfig>;
  clock?: Clock;
  /** Read at each check, so a reloaded known_wallets.json applies to the next event. */
  knownWallets?: () => KnownWalletView | undefined;
  metrics?: Metrics;
  logger?: Logger;
  /** Uniform [0, 1) for the fee-recipient choice of the simulated sell. */
  random?: () => number;
}

export interface AnalyseOptions {
  /** Reuse a fresh cached verdict (default true). */
  useCache?: boolean;
}

export interface TokenOutcomeReport {
  mint: string;
  creator: string;
  rugged: boolean;
  atMs?: number;
}

export interface Checker {
  readonly config: CheckerConfig;
  /** Runs (or reuses) the checks for one token. Never throws for a token problem or an RPC failure. */
  analyse(subject: CheckSubject, opts?: AnalyseOptions): Promise<Analysis>;
  /** analyse, then the typed outcome for the pipeline. */
  check<E extends CheckSubject>(event: E, opts?: AnalyseOptions): Promise<CheckOutcome<E>>;
  /**
   * Feeds a later outcome into creator reputation. Returns true when it changed the history
   * (a rug not recorded before in this process); report each token once.
   */
  recordOutcome(report: TokenOutcomeReport): boolean;
  /** Analyses in progress. */
  readonly inFlight: number;
}

/** Thrown for a subject that is not a token at all (a bad address): a caller bug, not a finding. */
export class CheckSubjectError extends Error {
  override name = "CheckSubjectError";
}

class Timeout extends Error {
  override name = "Timeout";
}

interface SharedAccounts {
  pool: Address;
  mintReading: MintReading;
  poolAccount: RpcAccount | null;
  poolState: PoolAccount | null;
  /** Why the pool account could not be used, when it could not. */
  poolProblem: CheckReason | null;
  globalConfig: GlobalConfigAccount | null;
}

/** Account reads two or more checks need, fetched once per analysis and shared. */
class AnalysisFacts {
  private accountsP: Promise<SharedAccounts> | null = null;
  private largestP: Promise<TokenHolderBalance[]> | null = null;

  constructor(
    private readonly rpc: CheckerRpc,
    readonly mint: Address,
    private readonly poolHint: Address | undefined,
    private readonly config: CheckerConfig,
    /** Aborted once every check has settled, so shared requests never outlive the analysis. */
    readonly signal: AbortSignal,
  ) {}

  accounts(): Promise<SharedAccounts> {
    this.accountsP ??= (async () => {
      const pool = this.poolHint ?? (await findCanonicalPoolPda(this.mint))[0];
      const [mintAcc, poolAcc, configAcc] = await this.rpc.getMultipleAccounts([this.mint, pool, PUMPSWAP_GLOBAL_CONFIG_ADDRESS], {
        signal: this.signal,
        commitment: this.config.commitment,
      });
      let poolState: PoolAccount | null = null;
      let poolProblem: CheckReason | null = null;
      if (!poolAcc) poolProblem = { check: "honeypot", code: "pool_not_found", detail: `pool account ${pool} does not exist` };
      else {
        try {
          poolState = decodePool(poolAcc.data);
          if (poolState.baseMint !== this.mint) {
            poolProblem = { check: "honeypot", code: "pool_mismatch", detail: `pool ${pool} trades ${poolState.baseMint}, not ${this.mint}` };
            poolState = null;
          }
        } catch (err) {
          poolProblem = { check: "honeypot", code: "pool_mismatch", detail: `pool ${pool} is not a PumpSwap pool: ${(err as Error).message}` };
        }
      }
      let globalConfig: GlobalConfigAccount | null = null;
      if (configAcc) {
        try {
          globalConfig = decodeGlobalConfig(configAcc.data);
        } catch {
          globalConfig = null;
        }
      }
      return { pool, mintReading: readMintAccount(this.mint, mintAcc), poolAccount: poolAcc, poolState, poolProblem, globalConfig };
    })();
    return this.accountsP;
  }

  largest(): Promise<TokenHolderBalance[]> {
    this.largestP ??= this.rpc.getTokenLargestAccounts(this.mint, { signal: this.signal, commitment: this.config.commitment });
    return this.largestP;
  }
}

/** The pool's base vault: from the pool account when readable, else the pool's ATA for the mint. */
async function poolVaultOf(acc: SharedAccounts, mint: Address): Promise<Address | null> {
  if (acc.poolState) return acc.poolState.poolBaseTokenAccount;
  if (acc.mintReading.ok) return associatedTokenAddress(acc.pool, mint, acc.mintReading.tokenProgram);
  return null;
}

function creatorOf(subject: CheckSubject, acc: SharedAccounts | null): Address | null {
  if (subject.creator) return subject.creator as Address;
  const fromPool = acc?.poolState?.coinCreator;
  return fromPool && fromPool !== DEFAULT_ADDRESS ? fromPool : null;
}

function mergeConfig(partial: Partial<CheckerConfig> | undefined): CheckerConfig {
  const c = { ...DEFAULT_CHECKER_CONFIG, ...partial };
  return {
    ...c,
    timeoutMs: { ...DEFAULT_CHECKER_CONFIG.timeoutMs, ...partial?.timeoutMs },
    cacheTtlMs: { ...DEFAULT_CHECKER_CONFIG.cacheTtlMs, ...partial?.cacheTtlMs },
  };
}

export function createChecker(deps: CheckerDeps): Checker {
  const config = mergeConfig(deps.config);
  const clock = deps.clock ?? systemClock;
  const { rpc, store, metrics, logger } = deps;
  const random = deps.random ?? Math.random;
  const inFlight = new Map<string, Promise<Analysis>>();
  const rugsRecorded = new Set<string>();

  /** Runs one check under its deadline; every failure becomes reasons, never an exception. */
  async function runCheck(name: CheckName, body: (signal: AbortSignal) => Promise<CheckReason[]>): Promise<CheckResult> {
    const started = clock.monoMs();
    const ctl = new AbortController();
    let timer: ReturnType<Clock["setTimeout"]> | null = null;
    const deadline = new Promise<never>((_, reject) => {
      timer = clock.setTimeout(() => {
        ctl.abort(new Timeout(`${name} check exceeded ${config.timeoutMs[name]} ms`));
        reject(new Timeout(`exceeded ${config.timeoutMs[name]} ms`));
      }, config.timeoutMs[name]);
    });
    let reasons: CheckReason[];
    try {
      reasons = await Promise.race([body(ctl.signal), deadline]);
    } catch (err) {
      if (err instanceof Timeout) reasons = [{ check: name, code: "timeout", detail: `${name} check did not finish in ${config.timeoutMs[name]} ms` }];
      else if (err instanceof RpcError) reasons = [{ check: name, code: "rpc_error", detail: err.message }];
      else reasons = [{ check: name, code: "check_error", detail: err instanceof Error ? err.message : String(err) }];
    } finally {
      if (timer !== null) clock.clearTimeout(timer);
    }
    // A check's own requests stop with it; shared ones stop when the analysis ends.
    if (!ctl.signal.aborted) ctl.abort();
    return { check: name, ok: reasons.length === 0, reasons, durationMs: clock.monoMs() - started };
  }

  const checks: Record<CheckName, (facts: AnalysisFacts, subject: CheckSubject) => (signal: AbortSignal) => Promise<CheckReason[]>> = {
    contract: (facts) => async () => {
      const acc = await facts.accounts();
      if (!acc.mintReading.ok) return [acc.mintReading.reason];
      return assessMint(acc.mintReading.mint, config);
    },

    holders: (facts) => async () => {
      const acc = await facts.accounts();
      // An unreadable mint is the contract check's finding; without a supply there is nothing to measure.
      if (!acc.mintReading.ok) return [];
      const [largest, vault] = await Promise.all([facts.largest(), poolVaultOf(acc, facts.mint)]);
      const exclude = new Set<string>(vault ? [vault] : []);
      return assessHolders(holderConcentration(largest, acc.mintReading.mint.supply, exclude), config);
    },

    creator: (facts, subject) => async () => {
      const acc = subject.creator ? null : await facts.accounts();
      const creator = creatorOf(subject, acc);
      if (creator === null) return [];
      return assessCreator(creator, store.getCreatorReputation(creator), deps.knownWallets?.(), config);
    },

    honeypot: (facts) => async (signal) => {
      const acc = await facts.accounts();
      if (acc.poolProblem) return [acc.poolProblem];
      // The contract check reports an unreadable mint; a sell cannot be built without its program.
      if (!acc.mintReading.ok || !acc.poolState || !acc.poolAccount) return [];
      if (!acc.globalConfig) return [{ check: "honeypot", code: "global_config_not_found", detail: `PumpSwap GlobalConfig ${PUMPSWAP_GLOBAL_CONFIG_ADDRESS} is missing or unreadable` }];
      const swap = { pool: acc.pool, poolState: acc.poolState, poolDataLength: acc.poolAccount.data.length, globalConfig: acc.globalConfig, baseTokenProgram: acc.mintReading.tokenProgram, random };
      const opts = { signal, commitment: config.commitment };
      let walletProblem = "";

      // 1. Round trip by the simulation wallet: can a new buyer sell?
      if (config.simulationWallet) {
        const wallet = config.simulationWallet as Address;
        const [walletAcc, baseVault, quoteVault] = await rpc.getMultipleAccounts([wallet, acc.poolState.poolBaseTokenAccount, acc.poolState.poolQuoteTokenAccount], opts);
        const need = config.probeBuyLamports + config.minSellerLamports * 2n;
        const base = baseVault ? parseTokenAccount(baseVault.data) : null;
        const quote = quoteVault ? parseTokenAccount(quoteVault.data) : null;
        if (!walletAcc || walletAcc.owner !== SYSTEM_PROGRAM_ADDRESS || walletAcc.lamports < need) {
          walletProblem = `simulation wallet ${wallet} is not a system account with ${need} lamports; `;
        } else if (!base || !quote) {
          return [{ check: "honeypot", code: "pool_not_found", detail: `pool ${acc.pool} vaults are missing or unreadable` }];
        } else {
          const { wire, baseAmount } = await buildProbeRoundTripTransaction({ ...swap, wallet, baseReserve: base.amount, quoteReserve: quote.amount, probeBuyLamports: config.probeBuyLamports });
          const result = await rpc.simulateTransaction(wire, { sigVerify: false, replaceRecentBlockhash: true, ...opts });
          return interpretSimulation(result, `simulated buy and sell of ${baseAmount} base units by simulation wallet ${wallet}`);
        }
      }

      // 2. A sell by an existing holder.
      const candidates = sellerCandidateAccounts(await facts.largest(), acc.poolState.poolBaseTokenAccount, config.sellerCandidates);
      const tokenAccounts = await rpc.getMultipleAccounts(
        candidates.map((c) => c.address),
        opts,
      );
      const owners = candidateOwners(tokenAccounts);
      const ownerAccounts = await rpc.getMultipleAccounts(owners, opts);
      const seller = chooseSimulationSeller(facts.mint, candidates, tokenAccounts, new Map(owners.map((o, i) => [o, ownerAccounts[i] ?? null])), config.minSellerLamports);
      if (!seller) {
        return [
          {
            check: "honeypot",
            code: "no_simulation_seller",
            detail: `${walletProblem}none of the ${candidates.length} largest holders outside the pool is a funded wallet that can be simulated selling`,
          },
        ];
      }
      const wire = await buildProbeSellTransaction({ ...swap, seller, probeSellFraction: config.probeSellFraction });
      const result = await rpc.simulateTransaction(wire, { sigVerify: false, replaceRecentBlockhash: true, ...opts });
      return interpretSimulation(result, `simulated sell by holder ${seller.wallet}`);
    },
  };

  async function analyseFresh(mint: Address, subject: CheckSubject, firstSeen: boolean): Promise<Analysis> {
    const startedMono = clock.monoMs();
    const shared = new AbortController();
    const poolHint = subject.pool ? (subject.pool as Address) : undefined;
    const facts = new AnalysisFacts(rpc, mint, poolHint, config, shared.signal);
    let results: CheckResult[];
    try {
      results = await Promise.all(config.checks.map((name) => runCheck(name, checks[name](facts, subject))));
    } finally {
      shared.abort();
    }
    // Pool and creator as resolved by the fetch, when it completed in time.
    const acc = await facts.accounts().catch(() => null);
    const reasons = results.flatMap((r) => r.reasons);
    const verdict = verdictOf(reasons);
    const checkedAtMs = clock.nowMs();
    const analysis: Analysis = {
      mint,
      pool: acc?.pool ?? poolHint ?? (await findCanonicalPoolPda(mint))[0],
      creator: creatorOf(subject, acc),
      verdict,
      reasons,
      checks: results,
      cached: false,
      checkedAtMs,
      latencyMs: clock.monoMs() - startedMono,
    };
    store.putVerdict({ mint, verdict, reasons, checkedAtMs, expiresAtMs: checkedAtMs + config.cacheTtlMs[verdict] });
    if (firstSeen && analysis.creator) store.recordCreatorToken(analysis.creator, checkedAtMs);
    if (metrics) {
      metrics.checks.inc({ verdict });
      metrics.checkDuration.observe(analysis.latencyMs / 1000);
      for (const r of reasons) metrics.checkFailures.inc({ check: r.check, reason: r.code });
    }
    logger?.debug({ mint, verdict, reasons: reasons.map((r) => r.code), latencyMs: Math.round(analysis.latencyMs) }, "token analysed");
    return analysis;
  }

  async function analyse(subject: CheckSubject, opts: AnalyseOptions = {}): Promise<Analysis> {
    if (!isAddress(subject.mint)) throw new CheckSubjectError(`not a mint address: ${JSON.stringify(subject.mint)}`);
    if (subject.pool !== undefined && !isAddress(subject.pool)) throw new CheckSubjectError(`not a pool address: ${JSON.stringify(subject.pool)}`);
    if (subject.creator !== undefined && !isAddress(subject.creator)) throw new CheckSubjectError(`not a creator address: ${JSON.stringify(subject.creator)}`);
    const mint = subject.mint as Address;
    const running = inFlight.get(mint);
    if (running) return running;

    const startedMono = clock.monoMs();
    const prior = store.getVerdict(mint);
    if (prior && opts.useCache !== false && prior.expiresAtMs > clock.nowMs()) {
      metrics?.checkCache.inc({ result: "hit" });
      return {
        mint,
        pool: subject.pool ? (subject.pool as Address) : (await findCanonicalPoolPda(mint))[0],
        creator: subject.creator ? (subject.creator as Address) : null,
        verdict: prior.verdict,
        reasons: prior.reasons,
        checks: [],
        cached: true,
        checkedAtMs: prior.checkedAtMs,
        latencyMs: clock.monoMs() - startedMono,
      };
    }
    metrics?.checkCache.inc({ result: "miss" });
    const p = analyseFresh(mint, subject, prior === null).finally(() => inFlight.delete(mint));
    inFlight.set(mint, p);
    return p;
  }

  return {
    config,
    analyse,
    async check<E extends CheckSubject>(event: E, opts?: AnalyseOptions): Promise<CheckOutcome<E>> {
      const receivedAtMs = clock.nowMs();
      const analysis = await analyse(event, opts);
      const common = { event, mint: analysis.mint, pool: analysis.pool, creator: analysis.creator, receivedAtMs };
      if (analysis.verdict === "pass") {
        return { kind: "verified", ...common, checksSkipped: false, analysis, verifiedAtMs: clock.nowMs() };
      }
      return { kind: "rejected", ...common, verdict: analysis.verdict, reasons: analysis.reasons, analysis, rejectedAtMs: clock.nowMs() };
    },
    recordOutcome(report: TokenOutcomeReport): boolean {
      if (!report.rugged || rugsRecorded.has(report.mint)) return false;
      rugsRecorded.add(report.mint);
      store.recordCreatorRug(report.creator, report.atMs ?? clock.nowMs());
      return true;
    },
    get inFlight() {
      return inFlight.size;
    },
  };
}

/** The signal for `--checks-off`: passes the event through, marked as unverified. */
export function uncheckedSignal<E extends CheckSubject>(event: E, nowMs: number): VerifiedTradeSignal<E> {
  return {
    kind: "verified",
    event,
    mint: event.mint as Address,
    pool: (event.pool ?? "") as Address,
    creator: event.creator ? (event.creator as Address) : null,
    checksSkipped: true,
    analysis: null,
    receivedAtMs: nowMs,
    verifiedAtMs: nowMs,
  };
}
