import {
  errorCode,
  postOperations,
  TransportError,
  type GraphQLOperation,
  type GraphQLResult,
} from './gateway-client.js';
import type { Limiter } from './limiter.js';
import { backoffMs, isRetryable, sleep, type RetryPolicy } from './retry.js';
import type { SimulationStats } from './stats.js';

export interface SendContext {
  url: string;
  limiter: Limiter;
  policy: RetryPolicy;
  /** Set while streaming: requests, latencies and every error seen go into the status line. */
  stats?: SimulationStats;
  /** Giving up: once aborted, nothing is retried, requests waiting for a slot are not sent and those
   *  in flight are cancelled, all settled as ABANDONED. */
  signal?: AbortSignal;
}

/**
 * Sends operations in one request and settles each: a transport failure (network, timeout, 5xx,
 * 429) retries the whole request, an operation refused with a retryable code (RATE_LIMITED,
 * SERVICE_UNAVAILABLE) is retried alone. Safe for uploads because each carries an idempotency
 * key: a retry of one the server did store comes back `duplicate` and stores nothing again.
 */
export async function sendWithRetry(
  ctx: SendContext,
  operations: readonly GraphQLOperation[],
  token?: string,
): Promise<GraphQLResult[]> {
  const results: GraphQLResult[] = new Array(operations.length);
  let pending = operations.map((_, i) => i);
  for (let attempt = 1; pending.length > 0; attempt++) {
    const last = attempt >= ctx.policy.attempts || ctx.signal?.aborted === true;
    let waitMs = 0;
    try {
      const answers = await ctx.limiter.run(async () => {
        if (ctx.signal?.aborted) throw new TransportError('ABANDONED', 'given up before it was sent', false);
        // Timed from the moment it has a slot: the round trip, not the queue in front of it.
        const started = performance.now();
        const sent = await postOperations(
          ctx.url,
          pending.map((i) => operations[i]),
          token,
          ctx.signal,
        );
        ctx.stats?.request(performance.now() - started);
        return sent;
      });
      const retry: number[] = [];
      answers.forEach((answer, k) => {
        const index = pending[k];
        results[index] = answer;
        const codes = (answer.errors ?? []).map(errorCode);
        codes.forEach((code) => ctx.stats?.error(code));
        if (!last && codes.length > 0 && (answer.errors ?? []).every(isRetryable)) {
          retry.push(index);
          const askedSeconds = Math.max(
            0,
            ...(answer.errors ?? []).map((e) => Number(e.extensions?.retryAfterSeconds) || 0),
          );
          waitMs = Math.max(waitMs, askedSeconds * 1000);
        }
      });
      pending = retry;
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      ctx.stats?.error(error.code);
      if (last || !error.retryable) {
        for (const index of pending)
          results[index] = { errors: [{ message: error.message, extensions: { code: error.code, transport: true } }] };
        return results;
      }
      waitMs = error.retryAfterMs;
    }
    if (pending.length > 0) {
      ctx.stats?.count('retries', pending.length);
      await sleep(backoffMs(attempt, ctx.policy, Math.random(), waitMs), ctx.signal);
    }
  }
  return results;
}
