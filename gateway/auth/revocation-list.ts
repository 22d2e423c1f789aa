/**
 * Ids refused until a moment each (epoch ms). An entry forgets itself once its moment has
 * passed: by then whatever it guarded against has expired on its own, so memory stays
 * bounded by the revocations of one such window.
 */
export class RevocationList {
  private readonly until = new Map<string, number>();
  private pruneAt = 64;

  constructor(private readonly now: () => number = Date.now) {}

  add(id: string, until: number): void {
    if (until <= this.now()) return;
    this.until.set(id, Math.max(this.until.get(id) ?? 0, until));
    // Amortised: sweep only once the list has doubled since the last sweep.
    if (this.until.size >= this.pruneAt) {
      this.prune();
      this.pruneAt = Math.max(64, this.until.size * 2);
    }
  }

  has(id: string): boolean {
    const until = this.until.get(id);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.until.delete(id);
    return false;
  }

  get size(): number {
    this.prune();
    return this.until.size;
  }

  private prune(): void {
    const now = this.now();
    for (const [id, until] of this.until) if (until <= now) this.until.delete(id);
  }
}
