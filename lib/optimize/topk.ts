/**
 * A bounded "top K" of candidates, the only per-candidate record the search keeps — memory stays
 * flat however many millions of samples a run draws. Order: candidates passing the CV-side
 * safety gates first, then by CV score, then by arrival (earlier wins a tie), so the result is a
 * pure function of the evaluation sequence. Vectors already present are not added twice.
 */
export interface Ranked {
  /** Passes the CV-side safety gates. */
  safe: boolean;
  score: number;
  /** Arrival number (global sample index). */
  order: number;
}

export function better(a: Ranked, b: Ranked): boolean {
  if (a.safe !== b.safe) return a.safe;
  const as = Number.isNaN(a.score) ? -Infinity : a.score;
  const bs = Number.isNaN(b.score) ? -Infinity : b.score;
  if (as !== bs) return as > bs;
  return a.order < b.order;
}

export class TopK<T extends Ranked & { key: string }> {
  private items: T[] = [];
  private readonly keys = new Set<string>();

  constructor(readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity >= 1)) throw new Error(`top-K capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.items.length;
  }

  /** Would `r` enter (cheap pre-check before building the entry)? */
  admits(r: Ranked): boolean {
    return this.items.length < this.capacity || better(r, this.items[this.items.length - 1]);
  }

  /** Insert in rank order; returns whether it entered. */
  offer(item: T): boolean {
    if (this.keys.has(item.key) || !this.admits(item)) return false;
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (better(item, this.items[mid])) hi = mid;
      else lo = mid + 1;
    }
    this.items.splice(lo, 0, item);
    this.keys.add(item.key);
    if (this.items.length > this.capacity) this.keys.delete(this.items.pop()!.key);
    return true;
  }

  best(): T | undefined {
    return this.items[0];
  }

  /** Best first (a copy). */
  list(): T[] {
    return [...this.items];
  }

  clear(): void {
    this.items = [];
    this.keys.clear();
  }
}
