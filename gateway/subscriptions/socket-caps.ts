/**
 * The counting behind the WebSocket caps, free of sockets and graphql-ws so it can be tested
 * on its own. Counts live in this process: each gateway instance caps what it holds.
 */

/** Open sockets per key (a principal, or an IP), refused beyond `max`. */
export class SocketCounts {
  private readonly open = new Map<string, number>();

  constructor(readonly max: number) {}

  /**
   * Takes a place for `key`: the function that gives it back (safe to call more than once),
   * or undefined when `key` already holds `max`.
   */
  tryOpen(key: string): (() => void) | undefined {
    const held = this.open.get(key) ?? 0;
    if (held >= this.max) return undefined;
    this.open.set(key, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(key) ?? 1) - 1;
      // Keys with nothing open are dropped, so the map only grows with what is open now.
      if (left > 0) this.open.set(key, left);
      else this.open.delete(key);
    };
  }

  count(key: string): number {
    return this.open.get(key) ?? 0;
  }

  /** Open places over all keys. */
  get total(): number {
    let sum = 0;
    for (const n of this.open.values()) sum += n;
    return sum;
  }

  /** Keys holding at least one place. */
  get keys(): number {
    return this.open.size;
  }
}

/**
 * The subscriptions of one socket that hold a place. Whether an operation still runs is not
 * tracked here but asked (`isLive`, graphql-ws's own table of the socket's operations), so a
 * subscription that completed, errored or was completed by the client frees its place however
 * it ended, with no release to forget.
 */
export class SubscriptionSlots {
  private readonly ids = new Set<string>();

  constructor(readonly max: number) {}

  /** Admits subscription `id` unless `max` live ones are held already. */
  claim(id: string, isLive: (id: string) => boolean): boolean {
    this.prune(isLive);
    // An id is unique among a socket's live operations, so a held id that is live again was
    // reused after its subscription ended: the new one takes over that place.
    if (this.ids.has(id)) return true;
    if (this.ids.size >= this.max) return false;
    this.ids.add(id);
    return true;
  }

  /** For an id reused by a query or mutation, which holds no place. */
  forget(id: string): void {
    this.ids.delete(id);
  }

  count(isLive: (id: string) => boolean): number {
    this.prune(isLive);
    return this.ids.size;
  }

  private prune(isLive: (id: string) => boolean): void {
    for (const id of this.ids) if (!isLive(id)) this.ids.delete(id);
  }
}
