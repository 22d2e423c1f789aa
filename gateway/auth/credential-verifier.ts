import { LRUCache } from 'lru-cache';
import { INTERNAL_SECRET_HEADER } from '../../platform/auth/viewer.js';
import { ServiceUnavailableError } from '../../platform/errors.js';

export interface CredentialVerifierOptions<T> {
  /** The owning subgraph's internal route, e.g. `http://127.0.0.1:4001/internal/api-keys/verify`. */
  url: string;
  internalSecret: string;
  /** Turns the owner's `{ valid: true, ... }` answer into a viewer. */
  toViewer: (body: Record<string, unknown>) => T | null;
  /**
   * How long a verdict is reused (default 30 s). A revocation announced on the event bus drops
   * the verdict at once (`invalidate`); this bounds how late one that was missed takes effect.
   */
  cacheSeconds?: number;
  /** When a valid credential expires by itself (epoch ms): its verdict is not reused past that. */
  expiresAt?: (verdict: T) => number | undefined;
  timeoutMs?: number;
}

/**
 * Asks the subgraph that owns a kind of credential (API keys: identity; device tokens:
 * vehicles) whether one is live. Verdicts are cached briefly so hot clients cost one lookup.
 */
export class CredentialVerifier<T> {
  private readonly cache: LRUCache<string, { verdict: T | null }>;
  private readonly cacheTtlMs: number;

  constructor(private readonly options: CredentialVerifierOptions<T>) {
    this.cacheTtlMs = (options.cacheSeconds ?? 30) * 1000;
    this.cache = new LRUCache({ max: 10_000, ttl: this.cacheTtlMs });
  }

  async verify(credential: string): Promise<T | null> {
    const cached = this.cache.get(credential);
    if (cached) return cached.verdict;
    let response: Response;
    try {
      response = await fetch(this.options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [INTERNAL_SECRET_HEADER]: this.options.internalSecret },
        body: JSON.stringify({ credential }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
    } catch {
      throw new ServiceUnavailableError('Cannot verify credentials right now');
    }
    if (response.status >= 500) throw new ServiceUnavailableError('Cannot verify credentials right now');
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    const verdict = response.ok && body.valid === true ? this.options.toViewer(body) : null;
    const expiresAt = verdict ? this.options.expiresAt?.(verdict) : undefined;
    const ttl = expiresAt === undefined ? undefined : Math.min(this.cacheTtlMs, expiresAt - Date.now());
    if (ttl === undefined || ttl > 0) this.cache.set(credential, { verdict }, { ttl });
    return verdict;
  }

  /** Drops every cached valid verdict `revoked` matches; the next use asks the owner again. */
  invalidate(revoked: (verdict: T) => boolean): number {
    const matched = [...this.cache.entries()]
      .filter(([, { verdict }]) => verdict !== null && revoked(verdict))
      .map(([credential]) => credential);
    for (const credential of matched) this.cache.delete(credential);
    return matched.length;
  }
}
