import type { NextFunction, Request, Response } from 'express';

/** Caps the durations kept per window, so a flood cannot grow memory; p95 then comes from a sample. */
const MAX_SAMPLES = 20_000;

const SERVER_FAILURE_CODES = new Set(['INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE']);

export interface TrafficCounts {
  requests: number;
  /** Requests answered with 5xx, plus GraphQL errors the server caused (masked or unavailable). */
  serverErrors: number;
  rateLimited: number;
  forbidden: number;
  unauthenticated: number;
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
    return { requests: 0, serverErrors: 0, rateLimited: 0, forbidden: 0, unauthenticated: 0, durationsMs: [] };
  }

  /** Express middleware for the /graphql route. */
  middleware() {
    return (req: Request, res: Response, next: NextFunction) => {
      if (req.method !== 'POST') return next();
      const started = performance.now();
      res.on('finish', () => this.recordRequest(performance.now() - started, res.statusCode));
      next();
    };
  }

  recordRequest(durationMs: number, status: number): void {
    const c = this.counts;
    c.requests++;
    if (status >= 500) c.serverErrors++;
    if (status === 429) c.rateLimited++;
    // Reservoir sampling keeps an unbiased sample once the window holds more than the cap.
    this.seen++;
    if (c.durationsMs.length < MAX_SAMPLES) c.durationsMs.push(durationMs);
    else {
      const slot = Math.floor(Math.random() * this.seen);
      if (slot < MAX_SAMPLES) c.durationsMs[slot] = durationMs;
    }
  }

  /** Called with the code of every error the gateway sends to a client. */
  recordError(code: unknown): void {
    const c = this.counts;
    if (code === 'RATE_LIMITED') c.rateLimited++;
    else if (code === 'FORBIDDEN') c.forbidden++;
    else if (code === 'UNAUTHENTICATED') c.unauthenticated++;
    else if (typeof code === 'string' && SERVER_FAILURE_CODES.has(code)) c.serverErrors++;
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
