import { z } from 'zod';

/**
 * What the gateway publishes for other services: one traffic snapshot per gateway instance per
 * interval, on a live topic (the agents watch it for their service-level goals). The gateway
 * parses each snapshot with the schema before publishing; listeners parse what they receive.
 */
export const GATEWAY_METRICS_TOPIC = 'gateway.metrics';

const count = z.number().int().nonnegative();
const milliseconds = z.number().nonnegative().nullable();
const percent = z.number().min(0).max(100);

/**
 * One gateway's traffic over a rolling window that ends at the snapshot (1 or 5 minutes, or
 * less while the gateway is younger than that: `seconds` says how long). Counts add up across
 * gateways; p95 does not (listeners take the worst).
 */
export const trafficWindowSummarySchema = z.object({
  seconds: z.number().nonnegative(),
  requests: count,
  serverErrors: count,
  unavailable: count,
  rateLimited: count,
  serviceRateLimited: count,
  forbidden: count,
  unauthenticated: count,
  authenticatedRateLimited: count,
  authenticatedForbidden: count,
  p95Ms: milliseconds,
});
export type TrafficWindowSummary = z.infer<typeof trafficWindowSummarySchema>;

/** What one gateway instance served during one window. Plain JSON. */
export const gatewayMetricsSnapshotSchema = z.object({
  gatewayId: z.string().min(1),
  /** ISO time the window ended. */
  at: z.iso.datetime({ offset: true }),
  windowSeconds: z.number().positive(),
  requests: count,
  /** null when no request was served in the window. */
  p50Ms: milliseconds,
  p95Ms: milliseconds,
  throughputRps: z.number().nonnegative(),
  serverErrors: count,
  /**
   * Of serverErrors, those saying the service was unavailable (SERVICE_UNAVAILABLE, 502-504).
   * Older gateways leave it and the fields below out.
   */
  unavailable: count.default(0),
  /** RATE_LIMITED a service sent for its own endpoint (not counted in rateLimited). */
  serviceRateLimited: count.default(0),
  /** serverErrors / requests, in percent (0 without requests). */
  errorRatePct: percent,
  /** Request-based availability: the share of requests the server did not fail, in percent. */
  availabilityPct: percent,
  rateLimited: count,
  forbidden: count,
  unauthenticated: count,
  /**
   * Of rateLimited and forbidden, those sent to signed-in callers. A gateway of an older
   * release, still running during a rolling deploy, leaves them out: none of its traffic then
   * counts as signed in.
   */
  authenticatedRateLimited: count.default(0),
  authenticatedForbidden: count.default(0),
  /** ISO time this gateway started. */
  startedAt: z.iso.datetime({ offset: true }),
  /** Rolling windows ending at `at`, so a listener sees minutes, not one interval. */
  windows: z.object({ '1m': trafficWindowSummarySchema, '5m': trafficWindowSummarySchema }).optional(),
});
export type GatewayMetricsSnapshot = z.infer<typeof gatewayMetricsSnapshotSchema>;
