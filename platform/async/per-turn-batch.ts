/**
 * Keys asked for by concurrent callers within one turn of the event loop (until its check phase)
 * go to `load` together, once: a busy service receives many requests per turn, and each would
 * otherwise make its own round trip. `load` answers one value per key, in order (duplicates
 * included). Nothing is kept between turns, so this adds no staleness; each caller gets the
 * values of its own keys only. Values may be shared by callers that asked for the same key:
 * callers must not mutate them. A failed load fails every caller of that turn.
 */
export class PerTurnBatch<K, V> {
  private pending: { keys: readonly K[]; resolve(values: V[]): void; reject(error: unknown): void }[] = [];

  constructor(private readonly load: (keys: K[]) => Promise<V[]>) {}

  get(keys: readonly K[]): Promise<V[]> {
    return new Promise((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(() => void this.flush());
      this.pending.push({ keys, resolve, reject });
    });
  }

  private async flush(): Promise<void> {
    const waiting = this.pending;
    this.pending = [];
    try {
      const values = await this.load(waiting.flatMap((w) => w.keys));
      let offset = 0;
      for (const w of waiting) w.resolve(values.slice(offset, (offset += w.keys.length)));
    } catch (error) {
      for (const w of waiting) w.reject(error);
    }
  }
}
