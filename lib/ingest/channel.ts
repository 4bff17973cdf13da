/**
 * An unbounded single-consumer async channel: producers `push` synchronously (the gRPC data
 * handler must never await), one consumer iterates with `for await`. Closing ends the iteration
 * after the buffered items; closing with an error rethrows it to the consumer.
 */
export class AsyncChannel<T> implements AsyncIterable<T> {
  private buffer: T[] = [];
  private head = 0;
  private waiter: ((r: IteratorResult<T>) => void) | null = null;
  private failWaiter: ((e: unknown) => void) | null = null;
  private closed = false;
  private error: unknown = undefined;

  /** Items waiting to be taken. */
  get size(): number {
    return this.buffer.length - this.head;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  push(value: T): boolean {
    if (this.closed) return false;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      this.failWaiter = null;
      w({ value, done: false });
      return true;
    }
    this.buffer.push(value);
    return true;
  }

  close(error?: unknown): void {
    if (this.closed) return;
    this.closed = true;
    this.error = error;
    if (this.waiter) {
      const w = this.waiter;
      const f = this.failWaiter;
      this.waiter = null;
      this.failWaiter = null;
      if (error !== undefined && f) f(error);
      else w({ value: undefined as never, done: true });
    }
  }

  /** The next item; `done` once closed and drained. */
  next(): Promise<IteratorResult<T>> {
    if (this.head < this.buffer.length) {
      const value = this.buffer[this.head];
      this.buffer[this.head++] = undefined as never;
      // Compact now and then so a long-lived channel does not keep a growing array.
      if (this.head > 1024 && this.head * 2 > this.buffer.length) {
        this.buffer = this.buffer.slice(this.head);
        this.head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.closed) return this.error !== undefined ? Promise.reject(this.error) : Promise.resolve({ value: undefined as never, done: true });
    return new Promise((resolve, reject) => {
      this.waiter = resolve;
      this.failWaiter = reject;
    });
  }

  /** Takes everything buffered right now without waiting. */
  drain(): T[] {
    const out = this.buffer.slice(this.head);
    this.buffer = [];
    this.head = 0;
    return out;
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return { next: () => this.next(), return: async () => ({ value: undefined as never, done: true }) };
  }
}
