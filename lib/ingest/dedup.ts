/**
 * Bounded set of recently seen transaction signatures. A resumed stream (from_slot) replays the
 * slots it had partly delivered, so the same signature arrives twice; memory must stay bounded on
 * a stream that runs for weeks, hence a ring: the oldest signature is forgotten first.
 */
export class SignatureDedup {
  private readonly ring: (string | undefined)[];
  private readonly set = new Set<string>();
  private next = 0;

  constructor(readonly capacity = 200_000) {
    if (!(capacity >= 1)) throw new RangeError(`dedup capacity must be ≥ 1, got ${capacity}`);
    this.ring = new Array(capacity);
  }

  /** True when `signature` was already seen (and is dropped); otherwise remembers it. */
  seen(signature: string): boolean {
    if (this.set.has(signature)) return true;
    const evicted = this.ring[this.next];
    if (evicted !== undefined) this.set.delete(evicted);
    this.ring[this.next] = signature;
    this.next = (this.next + 1) % this.capacity;
    this.set.add(signature);
    return false;
  }

  get size(): number {
    return this.set.size;
  }
}
