import { LRUCache } from 'lru-cache';
import { ServiceUnavailableError } from '../../platform/errors.js';
import { InternalCallError } from '../../platform/http/internal-route.js';

export interface CredentialVerifierOptions<T> {
  /**
   * Asks the owning subgraph through its contract's client: the verdict, or null for a
   * credential that is not live. Throws the client's InternalCallError when the call fails.
   */
  ask: (credential: string) => Promise<T | null>;
  /**
   * How long a verdict is reused (default 30 s). A revocation announced on the event bus drops
   * the verdict at once (`invalidate`); this bounds how late one that was missed takes effect.
   */
  cacheSeconds?: number;
  /** When a valid credential expires by itself (epoch ms): its verdict is not reused past that. */
  expiresAt?: (verdict: T) => number | undefined;
  /** Where in 0..1 each verdict's refresh falls between half and nine tenths of its life (tests fix it). */
  random?: () => number;
}

interface Cached<T> {
  verdict: T | null;
  /** From then on (epoch ms), a use refreshes the verdict in the background. */
  refreshAt: number;
}

/**
 * Asks the subgraph that owns a kind of credential (API keys: identity; device tokens:
 * vehicles) whether one is live. Verdicts are cached briefly so hot clients cost one lookup.
 *
 * A verdict past a random point between half and nine tenths of its life is still used, and
 * asked for again in the background: a client that calls every second never waits for the
 * owner, and a fleet of devices verified together does not expire, and wait, together. No
 * verdict is used past its life; a caller that finds none waits for the call already on the
 * wire for the same credential rather than sending another.
 */
export class CredentialVerifier<T> {
  private readonly cache: LRUCache<string, Cached<T>>;
  private readonly cacheTtlMs: number;
  private readonly inFlight = new Map<string, Promise<T | null>>();
  private readonly random: () => number;

  constructor(private readonly options: CredentialVerifierOptions<T>) {
    this.cacheTtlMs = (options.cacheSeconds ?? 30) * 1000;
    this.cache = new LRUCache({ max: 10_000, ttl: this.cacheTtlMs });
    this.random = options.random ?? Math.random;
  }

  async verify(credential: string): Promise<T | null> {
    const cached = this.cache.get(credential);
    if (cached) {
      // A refresh that fails leaves the verdict to expire; the caller after that sees the failure.
      if (Date.now() >= cached.refreshAt && !this.inFlight.has(credential))
        this.lookUp(credential).catch(() => undefined);
      return cached.verdict;
    }
    return this.inFlight.get(credential) ?? this.lookUp(credential);
  }

  private lookUp(credential: string): Promise<T | null> {
    const answer = this.ask(credential);
    this.inFlight.set(credential, answer);
    const forget = () => {
      if (this.inFlight.get(credential) === answer) this.inFlight.delete(credential);
    };
    answer.then(forget, forget);
    return answer;
  }

  private async ask(credential: string): Promise<T | null> {
    let verdict: T | null;
    try {
      verdict = await this.options.ask(credential);
    } catch (error) {
      // An owner that refuses the call, or answers outside its contract, vouches for nothing.
      const refused =
        error instanceof InternalCallError && (error.failure === 'refused' || error.failure === 'malformed');
      if (!refused) throw new ServiceUnavailableError('Cannot verify credentials right now');
      verdict = null;
    }
    const expiresAt = verdict ? this.options.expiresAt?.(verdict) : undefined;
    const ttl = expiresAt === undefined ? this.cacheTtlMs : Math.min(this.cacheTtlMs, expiresAt - Date.now());
    if (ttl > 0) {
      const refreshAt = Date.now() + ttl * (0.5 + 0.4 * this.random());
      this.cache.set(credential, { verdict, refreshAt }, { ttl });
    }
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
