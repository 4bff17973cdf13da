/**
 * Time as the ingest, watcher and devchain see it, injected so that tests, the chain simulator and
 * the live engine run the same code. `nowMs` is Unix wall time (telemetry `ts`), `monoMs` a
 * monotonic reading for latencies and watchdogs (performance.now()), and timers go through the
 * clock so a test can drive them by hand.
 */
export interface Clock {
  /** Unix milliseconds. */
  nowMs(): number;
  /** Monotonic milliseconds (performance.now() live); only differences are meaningful. */
  monoMs(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export type TimerHandle = { readonly __timer: unique symbol } | number | object;

export const systemClock: Clock = {
  nowMs: () => Date.now(),
  monoMs: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms) as unknown as TimerHandle,
  clearTimeout: (h) => clearTimeout(h as unknown as ReturnType<typeof setTimeout>),
};

interface ManualTimer {
  id: number;
  at: number;
  fn: () => void;
}

/**
 * A clock that only moves when told to: `advance(ms)` fires due timers in time order. Both
 * readings move together (wall = start + monotonic).
 */
export class ManualClock implements Clock {
  private mono = 0;
  private nextId = 1;
  private timers: ManualTimer[] = [];

  constructor(private readonly startMs = 1_767_225_600_000) {}

  nowMs(): number {
    return this.startMs + this.mono;
  }

  monoMs(): number {
    return this.mono;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer = { id: this.nextId++, at: this.mono + Math.max(0, ms), fn };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  /** Timers still pending. */
  get pending(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way, in order. */
  advance(ms: number): void {
    const end = this.mono + ms;
    for (;;) {
      let next: ManualTimer | undefined;
      for (const t of this.timers) if (t.at <= end && (!next || t.at < next.at || (t.at === next.at && t.id < next.id))) next = t;
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.mono = Math.max(this.mono, next.at);
      next.fn();
    }
    this.mono = end;
  }
}
