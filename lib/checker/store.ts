/**
 * The checker's persistence: verdicts in `sniper_cache`, creator history in
 * `creator_reputation_cache`, batch results in `test_analysis` (trades.db, lib/store schema).
 *
 * Writes are write-behind: they land in memory at once (later reads see them) and reach SQLite
 * in one transaction per flush, every `flushIntervalMs` and on `flush()` / `close()`. With
 * synchronous=FULL every commit is an fsync; batching keeps that off the path between a
 * migration and its trade signal (DESIGN §4: the hot path never waits on the database).
 *
 * sniper_cache rows are never deleted, only replaced: a row's existence is how the checker knows
 * a mint was analysed before, so a creator's token is counted once however often it is re-checked.
 */
import type { Database, Statement } from "bun:sqlite";
import type { CreatorReputation } from "./reputation.ts";
import { reputationScore } from "./reputation.ts";
import type { CheckReason, Verdict } from "./types.ts";

export interface CachedVerdict {
  mint: string;
  verdict: Verdict;
  reasons: CheckReason[];
  checkedAtMs: number;
  /** Reuse until then; a row past it still proves the mint was seen. */
  expiresAtMs: number;
}

export interface TestAnalysisRow {
  runId: string;
  mint: string;
  verdict: Verdict;
  /** null when the check did not run (cached verdict). */
  honeypotOk: boolean | null;
  safetyOk: boolean | null;
  reasons: CheckReason[];
  latencyMs: number;
  analysedAtMs: number;
}

export interface CheckerStore {
  /** The cached verdict for a mint, expired or not; null when the mint was never analysed. */
  getVerdict(mint: string): CachedVerdict | null;
  putVerdict(v: CachedVerdict): void;
  getCreatorReputation(creator: string): CreatorReputation | null;
  /** Counts one more token for the creator. The checker calls it once per mint (first analysis). */
  recordCreatorToken(creator: string, atMs: number): CreatorReputation;
  /** Counts one more rug for the creator (from an outcome feed). */
  recordCreatorRug(creator: string, atMs: number): CreatorReputation;
  recordTestAnalysis(row: TestAnalysisRow): void;
  /** Writes everything pending now. */
  flush(): void;
  /** Flushes and stops the flush timer; the database stays open (its owner closes it). */
  close(): void;
}

type Pending =
  | { kind: "verdict"; v: CachedVerdict }
  | { kind: "creator"; r: CreatorReputation }
  | { kind: "test"; row: TestAnalysisRow };

export class SqliteCheckerStore implements CheckerStore {
  private readonly pendingVerdicts = new Map<string, CachedVerdict>();
  private readonly pendingCreators = new Map<string, CreatorReputation>();
  private queue: Pending[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly q: {
    getVerdict: Statement;
    putVerdict: Statement;
    getCreator: Statement;
    putCreator: Statement;
    putTest: Statement;
  };

  constructor(
    private readonly db: Database,
    opts: { flushIntervalMs?: number; onFlushError?: (err: unknown) => void } = {},
  ) {
    this.q = {
      getVerdict: db.query("SELECT mint, verdict, reasons, checked_at, expires_at FROM sniper_cache WHERE mint = ?"),
      putVerdict: db.query(
        "INSERT INTO sniper_cache (mint, verdict, reasons, checked_at, expires_at) VALUES (?, ?, ?, ?, ?) " +
          "ON CONFLICT(mint) DO UPDATE SET verdict = excluded.verdict, reasons = excluded.reasons, checked_at = excluded.checked_at, expires_at = excluded.expires_at",
      ),
      getCreator: db.query("SELECT creator, tokens_seen, rugs, last_seen_ts, score, updated_at FROM creator_reputation_cache WHERE creator = ?"),
      putCreator: db.query(
        "INSERT INTO creator_reputation_cache (creator, tokens_seen, rugs, last_seen_ts, score, updated_at) VALUES (?, ?, ?, ?, ?, ?) " +
          "ON CONFLICT(creator) DO UPDATE SET tokens_seen = excluded.tokens_seen, rugs = excluded.rugs, last_seen_ts = excluded.last_seen_ts, score = excluded.score, updated_at = excluded.updated_at",
      ),
      putTest: db.query(
        "INSERT INTO test_analysis (run_id, mint, verdict, honeypot_ok, safety_ok, reasons, latency_ms, analysed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      ),
    };
    const interval = opts.flushIntervalMs ?? 250;
    if (interval > 0) {
      this.timer = setInterval(() => {
        try {
          this.flush();
        } catch (err) {
          opts.onFlushError?.(err);
        }
      }, interval);
      (this.timer as { unref?: () => void }).unref?.();
    }
  }

  getVerdict(mint: string): CachedVerdict | null {
    const pending = this.pendingVerdicts.get(mint);
    if (pending) return pending;
    const row = this.q.getVerdict.get(mint) as { mint: string; verdict: Verdict; reasons: string; checked_at: number; expires_at: number } | null;
    if (!row) return null;
    let reasons: CheckReason[] = [];
    try {
      reasons = JSON.parse(row.reasons) as CheckReason[];
    } catch {
      // A hand-edited or foreign row: the verdict still stands, the reasons are lost.
    }
    return { mint: row.mint, verdict: row.verdict, reasons, checkedAtMs: row.checked_at, expiresAtMs: row.expires_at };
  }

  putVerdict(v: CachedVerdict): void {
    this.pendingVerdicts.set(v.mint, v);
    this.queue.push({ kind: "verdict", v });
  }

  getCreatorReputation(creator: string): CreatorReputation | null {
    const pending = this.pendingCreators.get(creator);
    if (pending) return pending;
    const row = this.q.getCreator.get(creator) as
      | { creator: string; tokens_seen: number; rugs: number; last_seen_ts: number | null; score: number; updated_at: number }
      | null;
    if (!row) return null;
    return { creator: row.creator, tokensSeen: row.tokens_seen, rugs: row.rugs, lastSeenMs: row.last_seen_ts, score: row.score, updatedAtMs: row.updated_at };
  }

  recordCreatorToken(creator: string, atMs: number): CreatorReputation {
    const cur = this.getCreatorReputation(creator);
    const tokensSeen = (cur?.tokensSeen ?? 0) + 1;
    const rugs = cur?.rugs ?? 0;
    return this.putCreator({ creator, tokensSeen, rugs, lastSeenMs: Math.max(atMs, cur?.lastSeenMs ?? 0), score: reputationScore(tokensSeen, rugs), updatedAtMs: atMs });
  }

  recordCreatorRug(creator: string, atMs: number): CreatorReputation {
    const cur = this.getCreatorReputation(creator);
    const rugs = (cur?.rugs ?? 0) + 1;
    // An outcome for a token the checker never saw (e.g. recorded before this database existed)
    // still counts as a token seen, so rugs never exceed tokens.
    const tokensSeen = Math.max(cur?.tokensSeen ?? 0, rugs);
    return this.putCreator({ creator, tokensSeen, rugs, lastSeenMs: cur?.lastSeenMs ?? null, score: reputationScore(tokensSeen, rugs), updatedAtMs: atMs });
  }

  private putCreator(r: CreatorReputation): CreatorReputation {
    this.pendingCreators.set(r.creator, r);
    this.queue.push({ kind: "creator", r });
    return r;
  }

  recordTestAnalysis(row: TestAnalysisRow): void {
    this.queue.push({ kind: "test", row });
  }

  flush(): void {
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    const bool = (b: boolean | null) => (b === null ? null : b ? 1 : 0);
    try {
      this.db.transaction(() => {
        for (const p of batch) {
          if (p.kind === "verdict") this.q.putVerdict.run(p.v.mint, p.v.verdict, JSON.stringify(p.v.reasons), p.v.checkedAtMs, p.v.expiresAtMs);
          else if (p.kind === "creator") this.q.putCreator.run(p.r.creator, p.r.tokensSeen, p.r.rugs, p.r.lastSeenMs, p.r.score, p.r.updatedAtMs);
          else {
            const t = p.row;
            this.q.putTest.run(t.runId, t.mint, t.verdict, bool(t.honeypotOk), bool(t.safetyOk), JSON.stringify(t.reasons), t.latencyMs, t.analysedAtMs);
          }
        }
      })();
    } catch (err) {
      // Keep the batch for the next flush rather than lose it.
      this.queue = batch.concat(this.queue);
      throw err;
    }
    // Written: reads go to SQLite again, unless a newer value arrived meanwhile (it is queued).
    for (const p of batch) {
      if (p.kind === "verdict" && this.pendingVerdicts.get(p.v.mint) === p.v) this.pendingVerdicts.delete(p.v.mint);
      if (p.kind === "creator" && this.pendingCreators.get(p.r.creator) === p.r) this.pendingCreators.delete(p.r.creator);
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.flush();
  }
}
