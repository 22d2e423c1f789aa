import { LRUCache } from 'lru-cache';
import { INTERNAL_SECRET_HEADER } from '../../platform/auth/viewer.js';
import { ServiceUnavailableError } from '../../platform/errors.js';

export interface CredentialVerifierOptions<T> {
  /** The owning subgraph's internal route, e.g. `http://127.0.0.1:4001/internal/api-keys/verify`. */
  url: string;
  internalSecret: string;
  /** Turns the owner's `{ valid: true, ... }` answer into a viewer. */
  toViewer: (body: Record<string, unknown>) => T | null;
  /** How long a verdict is reused; a revoked credential stops working at most this late (default 30 s). */
  cacheSeconds?: number;
  timeoutMs?: number;
}

/**
 * Asks the subgraph that owns a kind of credential (API keys: identity; device tokens:
 * vehicles) whether one is live. Verdicts are cached briefly so hot clients cost one lookup.
 */
export class CredentialVerifier<T> {
  private readonly cache: LRUCache<string, { verdict: T | null }>;

  constructor(private readonly options: CredentialVerifierOptions<T>) {
    this.cache = new LRUCache({ max: 10_000, ttl: (options.cacheSeconds ?? 30) * 1000 });
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
    this.cache.set(credential, { verdict });
    return verdict;
  }
}
