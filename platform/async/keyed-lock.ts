/**
 * Runs tasks with the same key one after another (tasks with different keys run in parallel).
 *
 * Why: FerretDB 1.24 on SQLite applies concurrent updates to one document as unsynchronised
 * read-modify-writes, so two `$inc` of one counter can leave it incremented once (MongoDB makes
 * each document update atomic). Every document telemetry writes belongs to one vehicle, so
 * serialising a vehicle's writes within the process keeps the embedded mode correct; production
 * runs several instances on MongoDB, whose per-document atomicity needs no lock.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    // The map only holds keys with work queued: the last task of a key removes it.
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with work running or queued (for tests and metrics). */
  get size(): number {
    return this.tails.size;
  }
}
