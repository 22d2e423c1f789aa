import type { ProviderError } from './provider-error.js';

export interface RetryOptions {
  /** Retries after the first call, on 429 and 5xx only. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { maxRetries: 2, baseDelayMs: 250, maxDelayMs: 8000 };

/**
 * - `retryable`: 429 and 5xx; the provider is busy or broken, worth another try, then the next provider.
 * - `failover`: no HTTP answer (connection refused, timeout); straight to the next provider.
 * - `failover`: also 401/403: this provider refuses its key (revoked, out of credit, wrong
 *   project); the next provider has its own key. The circuit counts it, so a dead key stops
 *   being tried until the cooldown, and the provider check shows it.
 * - `fatal`: any other 4xx. Our request is wrong, and another provider would only hide that,
 *   so the router records it and goes to the policy.
 */
export type FailureKind = 'retryable' | 'failover' | 'fatal';

export function classifyFailure(error: ProviderError): FailureKind {
  const { status } = error;
  if (status === undefined) return 'failover';
  if (status === 429 || status >= 500) return 'retryable';
  if (status === 401 || status === 403) return 'failover';
  return 'fatal';
}

/** Whether a failure says the provider itself is unhealthy (and so counts for its circuit). */
export function countsAgainstCircuit(error: ProviderError): boolean {
  const { status } = error;
  // 401/403: a revoked key will not heal by itself; stop calling until the cooldown.
  return status === undefined || status === 429 || status >= 500 || status === 401 || status === 403;
}

/** Exponential: base, 2×base, 4×base … capped; a server's Retry-After wins when longer. */
export function backoffDelayMs(retry: number, options: RetryOptions, retryAfterMs?: number): number {
  const exponential = options.baseDelayMs * 2 ** Math.max(0, retry - 1);
  return Math.min(options.maxDelayMs, Math.max(exponential, retryAfterMs ?? 0));
}
