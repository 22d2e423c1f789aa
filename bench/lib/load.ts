import type { LatencySummary } from './latency.js';

/** What the parent asks the load process to do, and what it answers. */
export interface LoadSettings {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** The exact body a correct answer has: anything else (a GraphQL error in a 200 too) is a failure. */
  expectBody: string;
  connections: number;
  durationSeconds: number;
  /** A run before the measured one whose figures are thrown away (JIT, pools, caches). */
  warmupSeconds: number;
}

export interface LoadResult {
  requests: number;
  requestsPerSecond: number;
  latencyMs: LatencySummary;
  non2xx: number;
  /** Responses whose body was not the expected one; non-2xx responses are among them. */
  wrongBodies: number;
  /** Connection errors, timeouts included. */
  socketErrors: number;
  timeouts: number;
  /** A few of the wrong bodies, to say what went wrong. */
  wrongBodySamples: string[];
}

export const failedRequests = (r: LoadResult) => r.wrongBodies + r.socketErrors;
