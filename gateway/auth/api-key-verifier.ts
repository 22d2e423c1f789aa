import { LRUCache } from 'lru-cache';
import { INTERNAL_SECRET_HEADER, type Viewer } from '../../platform/auth/viewer.js';
import { ServiceUnavailableError } from '../../platform/errors.js';

export interface ApiKeyVerifierOptions {
  /** The identity subgraph's base URL (without /graphql). */
  identityBaseUrl: string;
  internalSecret: string;
  /** How long a verdict is reused; a revoked key stops working at most this late (default 30 s). */
  cacheSeconds?: number;
  timeoutMs?: number;
}

type Verdict = Extract<Viewer, { kind: 'apiKey' }> | null;

/** Asks identity whether an API key is live; identity owns the keys and their hashes. */
export class ApiKeyVerifier {
  private readonly cache: LRUCache<string, { verdict: Verdict }>;

  constructor(private readonly options: ApiKeyVerifierOptions) {
    this.cache = new LRUCache({ max: 10_000, ttl: (options.cacheSeconds ?? 30) * 1000 });
  }

  async verify(key: string): Promise<Verdict> {
    const cached = this.cache.get(key);
    if (cached) return cached.verdict;
    let response: Response;
    try {
      response = await fetch(`${this.options.identityBaseUrl}/internal/api-keys/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [INTERNAL_SECRET_HEADER]: this.options.internalSecret },
        body: JSON.stringify({ key }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
    } catch {
      throw new ServiceUnavailableError('Cannot verify API keys right now');
    }
    if (response.status >= 500) throw new ServiceUnavailableError('Cannot verify API keys right now');
    const body = (await response.json()) as { valid: boolean; keyId?: string; ownerId?: string; scopes?: string[] };
    const verdict: Verdict =
      response.ok && body.valid && body.keyId && body.ownerId
        ? { kind: 'apiKey', keyId: body.keyId, ownerId: body.ownerId, scopes: body.scopes ?? [] }
        : null;
    this.cache.set(key, { verdict });
    return verdict;
  }
}
