/**
 * Closed trades → creator reputation (the checker's `recordOutcome`, DESIGN §4 stage 2 "creator
 * reputation from history").
 *
 * The trading stages write a `close` decision record for every closed trade; the engine hands
 * them this sink (in front of decisions.jsonl), which reads the closes and reports each traded
 * token's outcome once. A token counts as rugged when the round trip returned at most
 * `rugOutFraction` (default half) of what the buy paid into the pool, or the exit was the
 * strategy's creator-sell exit with a loss. Creators come from the verified signals the engine
 * handed to the trading stages (`remember`). With --checks-off there is no checker; the outcome
 * still goes to creator_reputation_cache through the checker's store, so a later run with checks
 * on knows the creator.
 */
import type { Checker, CheckerStore } from "../checker";
import type { Logger } from "../log";
import type { DecisionSink } from "../trading/index.ts";

export interface OutcomeFeedOptions {
  /** Where decision records go (the engine's decisions.jsonl appender). */
  decisions: DecisionSink;
  checker: Checker | null;
  store: CheckerStore;
  nowMs: () => number;
  logger?: Logger;
  /** Amount out / amount in at or below which the token is judged a rug (default 0.5). */
  rugOutFraction?: number;
  /** Most mints remembered (oldest forgotten first). */
  maxRemembered?: number;
}

interface CloseRecord {
  type: "close";
  mint?: string;
  reason?: string;
  lamports_in?: number;
  lamports_out?: number;
  pnl_lamports?: number;
}

export class OutcomeFeed implements DecisionSink {
  private readonly creators = new Map<string, string>();
  private readonly reported = new Set<string>();
  readonly stats = { closes: 0, rugs: 0, recorded: 0 };

  constructor(private readonly o: OutcomeFeedOptions) {}

  /** The checker, once it exists (it is built after the trading stages, which need this sink). */
  setChecker(checker: Checker | null): void {
    this.o.checker = checker;
  }

  /** The creator of a mint handed to the trading stages. */
  remember(mint: string, creator: string | null | undefined): void {
    if (!creator) return;
    this.creators.set(mint, creator);
    const max = this.o.maxRemembered ?? 100_000;
    if (this.creators.size > max) this.creators.delete(this.creators.keys().next().value!);
  }

  /** Judges one closed trade (exported for tests). */
  static rugged(rec: CloseRecord, rugOutFraction = 0.5): boolean {
    const inL = rec.lamports_in ?? 0;
    const outL = rec.lamports_out ?? 0;
    if (inL > 0 && outL <= inL * rugOutFraction) return true;
    return rec.reason === "creator_sell" && (rec.pnl_lamports ?? 0) < 0;
  }

  write(record: object): void {
    this.o.decisions.write(record);
    const rec = record as CloseRecord;
    if (rec.type !== "close" || !rec.mint) return;
    this.stats.closes++;
    try {
      this.feed(rec);
    } catch (err) {
      this.o.logger?.error({ mint: rec.mint, error: (err as Error).message }, "creator outcome could not be recorded");
    }
  }

  private feed(rec: CloseRecord): void {
    const mint = rec.mint!;
    if (!OutcomeFeed.rugged(rec, this.o.rugOutFraction)) return;
    this.stats.rugs++;
    const creator = this.creators.get(mint);
    if (!creator || this.reported.has(mint)) return;
    this.reported.add(mint);
    const atMs = this.o.nowMs();
    const changed = this.o.checker ? this.o.checker.recordOutcome({ mint, creator, rugged: true, atMs }) : (this.o.store.recordCreatorRug(creator, atMs), true);
    if (changed) {
      this.stats.recorded++;
      this.o.logger?.info({ mint, creator, reason: rec.reason, lamportsIn: rec.lamports_in, lamportsOut: rec.lamports_out }, "traded token judged a rug; creator reputation updated");
    }
  }
}
