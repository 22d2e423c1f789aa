/** How a failed delivery is retried (NOTIFY_RETRY_BASE_MS, NOTIFY_RETRY_MAX_MS, NOTIFY_MAX_ATTEMPTS). */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  maxAttempts: number;
}

/**
 * The wait before attempt `attempt + 1` after attempt `attempt` failed: base * 2^(attempt-1),
 * capped at `maxMs`, with "equal jitter" (half fixed, half random) so that deliveries failed by
 * one outage do not all come back in the same instant. `random` is injectable for tests.
 * Null when `attempt` was the last one: the delivery is DEAD.
 */
export function nextRetryDelay(
  policy: BackoffPolicy,
  attempt: number,
  random: () => number = Math.random,
): number | null {
  if (attempt >= policy.maxAttempts) return null;
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  const half = exponential / 2;
  return Math.round(half + random() * half);
}
