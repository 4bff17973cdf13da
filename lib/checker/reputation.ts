/**
 * Creator reputation from history: how many of a creator's tokens we have seen migrate, and how
 * many of those later rugged. The counts live in creator_reputation_cache; rugs are judged from
 * later outcomes (the engine's OutcomeFeed, lib/engine/outcomes.ts, judges each closed trade),
 * never guessed at check time.
 */
import type { CheckReason } from "./types.ts";

export interface CreatorReputation {
  creator: string;
  /** Distinct tokens of this creator the checker has analysed. */
  tokensSeen: number;
  /** Of those, how many were later judged rugs. */
  rugs: number;
  lastSeenMs: number | null;
  /** rugs / tokensSeen (0 when nothing is known); stored for people reading the table. */
  score: number;
  updatedAtMs: number;
}

export interface KnownWalletView {
  /** Tags of a known wallet, or undefined when the wallet is not listed. */
  tagsOf(address: string): readonly string[] | undefined;
}

/** The known_wallets.json tag that blocks a creator outright. */
export const BLOCKLIST_TAG = "blocklist";

export function reputationScore(tokensSeen: number, rugs: number): number {
  return tokensSeen > 0 ? Math.min(1, rugs / tokensSeen) : 0;
}

export function assessCreator(
  creator: string | null,
  rep: CreatorReputation | null,
  known: KnownWalletView | undefined,
  opts: { creatorMaxRugs: number; creatorMaxRugRate: number; creatorMinTokensForRate: number },
): CheckReason[] {
  if (creator === null) return [];
  const out: CheckReason[] = [];
  const tags = known?.tagsOf(creator);
  if (tags?.includes(BLOCKLIST_TAG)) out.push({ check: "creator", code: "creator_blocklisted", detail: `creator ${creator} is on the known_wallets block list` });
  if (rep && rep.rugs > 0) {
    const rate = rep.tokensSeen > 0 ? rep.rugs / rep.tokensSeen : 1;
    if (rep.rugs >= opts.creatorMaxRugs) {
      out.push({ check: "creator", code: "creator_rugs", detail: `creator ${creator} rugged ${rep.rugs} of ${rep.tokensSeen} tokens (limit ${opts.creatorMaxRugs} rugs)` });
    } else if (rep.tokensSeen >= opts.creatorMinTokensForRate && rate >= opts.creatorMaxRugRate) {
      out.push({
        check: "creator",
        code: "creator_rugs",
        detail: `creator ${creator} rugged ${rep.rugs} of ${rep.tokensSeen} tokens (${(rate * 100).toFixed(0)}%, limit ${(opts.creatorMaxRugRate * 100).toFixed(0)}%)`,
      });
    }
  }
  return out;
}
