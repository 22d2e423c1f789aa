export interface BoundedQueueOptions {
  /**
   * Items held for a consumer that is not reading (default 100). Past it the oldest are
   * dropped: live fan-out is at-most-once, and a stalled reader must not grow memory.
   */
  maxQueue?: number;
  /** Called each time an item is dropped, with the running count. */
  onDrop?: (dropped: number) => void;
  /** Called once when the consumer stops (return/throw) or the producer ends it. */
  onClose?: () => void;
}

/**
 * A push-to-pull bridge for one consumer: producers `push` without ever waiting, the
 * consumer pulls with `for await`. The queue length never exceeds `maxQueue`.
 */
export class BoundedQueue<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | undefined;
  private failure: unknown;
  private closed = false;
  private dropped = 0;
  private readonly maxQueue: number;

  constructor(private readonly options: BoundedQueueOptions = {}) {
    this.maxQueue = options.maxQueue ?? 100;
  }

  get length(): number {
    return this.items.length;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  push(item: T): void {
    if (this.closed) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: item, done: false });
      return;
    }
    this.items.push(item);
    if (this.items.length > this.maxQueue) {
      this.items.shift();
      this.options.onDrop?.(++this.dropped);
    }
  }

  /** Ends the stream after the queued items; with an error, the consumer's next pull throws it. */
  end(error?: unknown): void {
    if (this.closed) return;
    if (error !== undefined) this.failure = error;
    this.closed = true;
    this.options.onClose?.();
    if (this.waiting && this.items.length === 0) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: undefined, done: true });
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) return Promise.resolve({ value: this.items.shift()!, done: false });
    if (this.closed) {
      if (this.failure !== undefined) {
        const error = this.failure;
        this.failure = undefined;
        return Promise.reject(error);
      }
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve) => (this.waiting = resolve));
  }

  async return(): Promise<IteratorResult<T>> {
    this.items.length = 0;
    this.failure = undefined;
    this.end();
    return { value: undefined, done: true };
  }

  async throw(error?: unknown): Promise<IteratorResult<T>> {
    await this.return();
    throw error;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}
