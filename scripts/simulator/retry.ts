/** Back-off for uploads and set-up calls: exponential with full jitter, capped, and never sooner
 *  than the server asked (RATE_LIMITED's retryAfterSeconds, HTTP Retry-After). */
export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 6, baseMs: 200, maxMs: 10_000 };

/** GraphQL error codes worth trying again: the server is busy, not the request wrong. */
export const RETRYABLE_CODES: ReadonlySet<string> = new Set(['RATE_LIMITED', 'SERVICE_UNAVAILABLE']);

/**
 * A busy server's refusal, or any refusal that says when to come back: a CONFLICT with
 * retryAfterSeconds is an idempotent request whose first attempt is still running (provisionFleet).
 */
export function isRetryable(error: { extensions?: { code?: string; retryAfterSeconds?: unknown } }): boolean {
  const code = error.extensions?.code ?? '';
  return RETRYABLE_CODES.has(code) || (code === 'CONFLICT' && typeof error.extensions?.retryAfterSeconds === 'number');
}

/**
 * Delay before retry number `retry` (1 for the first retry). Full jitter spreads the retries of
 * many devices that failed together, so they do not come back as one wave.
 */
export function backoffMs(retry: number, policy: RetryPolicy, random01: number, serverAskedMs = 0): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (retry - 1));
  return Math.max(serverAskedMs, Math.round(ceiling * random01));
}

/** Resolves after `ms`, or at once when the signal aborts (never rejects: stopping is normal). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
