import type { ApolloServerPlugin } from '@apollo/server';
import type { NextFunction, Request, Response } from 'express';
import type { GatewayContext } from './context.js';

/** Caps the durations kept per window, so a flood cannot grow memory; p95 then comes from a sample. */
const MAX_SAMPLES = 20_000;

const SERVER_FAILURE_CODES = new Set(['INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE']);
/** Statuses that say the service could not answer at all (availability), not that it answered wrongly. */
const UNAVAILABLE_STATUSES = new Set([502, 503, 504]);

export interface TrafficCounts {
  requests: number;
  /** Requests answered with 5xx, plus GraphQL errors the server caused (masked or unavailable). */
  serverErrors: number;
  /** Of serverErrors, the ones that say the service was unavailable (SERVICE_UNAVAILABLE, 502-504). */
  unavailable: number;
  /**
   * RATE_LIMITED sent by the gateway's own limits (operations per caller, failed authentications).
   * A service refusing its own endpoint (identity's sign-in throttling, the agents' limit on
   * client error reports) is counted in serviceRateLimited instead: those have their own signals
   * (failed logins, client errors), and counting them here made a client error burst look like
   * a security incident.
   */
  rateLimited: number;
  serviceRateLimited: number;
  forbidden: number;
  unauthenticated: number;
  /**
   * RATE_LIMITED and FORBIDDEN sent to signed-in callers (users, API keys, devices): the agents
   * act on these, not on what anyone without credentials can provoke.
   */
  authenticatedRateLimited: number;
  authenticatedForbidden: number;
  durationsMs: number[];
}

/**
 * What the gateway served since the last `drain()`: GraphQL requests over HTTP with their
 * duration, and the error codes it sent. Tumbling windows: each drain starts a new one.
 */
export class TrafficWindow {
  private counts = TrafficWindow.empty();
  private seen = 0;

  private static empty(): TrafficCounts {
    return {
      requests: 0,
      serverErrors: 0,
      unavailable: 0,
      rateLimited: 0,
      serviceRateLimited: 0,
      forbidden: 0,
      unauthenticated: 0,
      authenticatedRateLimited: 0,
      authenticatedForbidden: 0,
      durationsMs: [],
    };
  }

  /** Express middleware for the /graphql route. */
  middleware() {
    return (req: Request, res: Response, next: NextFunction) => {
      if (req.method !== 'POST') return next();
      const started = performance.now();
      res.on('finish', () => {
        // A response GraphQL answered had its errors counted by code (recordError, from
        // formatError), and a refusal before GraphQL (limits, credentials) carries its code;
        // counting their status too would count each 429 twice. Only what neither saw counts
        // by status (a crash, a proxy-level 5xx).
        const refusal: unknown = res.locals.refusalCode;
        if (refusal) this.recordError(refusal);
        const countedByCode = Boolean(refusal) || res.locals.answeredByGraphQL === true;
        this.recordRequest(performance.now() - started, countedByCode ? undefined : res.statusCode);
      });
      next();
    };
  }

  /** `status` is left out when the response's errors were counted by their codes. */
  recordRequest(durationMs: number, status?: number): void {
    const c = this.counts;
    c.requests++;
    if (status !== undefined && status >= 500) c.serverErrors++;
    if (status !== undefined && UNAVAILABLE_STATUSES.has(status)) c.unavailable++;
    if (status === 429) c.rateLimited++;
    // Reservoir sampling keeps an unbiased sample once the window holds more than the cap.
    this.seen++;
    if (c.durationsMs.length < MAX_SAMPLES) c.durationsMs.push(durationMs);
    else {
      const slot = Math.floor(Math.random() * this.seen);
      if (slot < MAX_SAMPLES) c.durationsMs[slot] = durationMs;
    }
  }

  /**
   * Called with the code of every error the gateway sends to a client, and the subgraph that
   * raised it (Apollo's `extensions.serviceName`), if one did.
   */
  recordError(code: unknown, serviceName?: unknown): void {
    const c = this.counts;
    if (code === 'RATE_LIMITED') {
      if (serviceName) c.serviceRateLimited++;
      else c.rateLimited++;
    } else if (code === 'FORBIDDEN') c.forbidden++;
    else if (code === 'UNAUTHENTICATED') c.unauthenticated++;
    else if (typeof code === 'string' && SERVER_FAILURE_CODES.has(code)) {
      c.serverErrors++;
      if (code === 'SERVICE_UNAVAILABLE') c.unavailable++;
    }
  }

  /** Called with the code of every error sent to a signed-in caller (on top of recordError). */
  recordAuthenticatedError(code: unknown, serviceName?: unknown): void {
    if (code === 'RATE_LIMITED' && !serviceName) this.counts.authenticatedRateLimited++;
    else if (code === 'FORBIDDEN') this.counts.authenticatedForbidden++;
  }

  /** Attributes the errors of each signed-in caller's response (HTTP or WebSocket) to signed-in traffic. */
  plugin(): ApolloServerPlugin<GatewayContext> {
    return {
      requestDidStart: async ({ contextValue }) => {
        if (!contextValue.viewer) return;
        return {
          willSendResponse: async ({ response }) => {
            if (response.body.kind !== 'single') return;
            for (const error of response.body.singleResult.errors ?? []) {
              this.recordAuthenticatedError(error.extensions?.code, error.extensions?.serviceName);
            }
          },
        };
      },
    };
  }

  drain(): TrafficCounts {
    const counts = this.counts;
    this.counts = TrafficWindow.empty();
    this.seen = 0;
    return counts;
  }
}

/** Nearest-rank percentile; null for no samples. */
export function percentileOf(samples: number[], p: number): number | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1];
}
