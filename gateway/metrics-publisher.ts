import { randomUUID } from 'node:crypto';
import type { EventBus } from '../platform/events/bus.js';
import type { Logger } from '../platform/logger.js';
import { GATEWAY_METRICS_TOPIC, gatewayMetricsSnapshotSchema, type GatewayMetricsSnapshot } from './contract.js';
import { RollingTraffic } from './traffic-rolling.js';
import { percentileOf, type TrafficWindow } from './traffic-window.js';

export { GATEWAY_METRICS_TOPIC, type GatewayMetricsSnapshot } from './contract.js';

export interface MetricsPublisherOptions {
  bus: EventBus;
  traffic: TrafficWindow;
  intervalMs: number;
  logger: Logger;
}

const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

export function snapshotOf(
  counts: ReturnType<TrafficWindow['drain']>,
  meta: { gatewayId: string; windowSeconds: number; at: Date; startedAt: Date },
  windows?: GatewayMetricsSnapshot['windows'],
): GatewayMetricsSnapshot {
  const { requests, serverErrors } = counts;
  const failed = Math.min(serverErrors, requests);
  const p50 = percentileOf(counts.durationsMs, 50);
  const p95 = percentileOf(counts.durationsMs, 95);
  return gatewayMetricsSnapshotSchema.parse({
    gatewayId: meta.gatewayId,
    at: meta.at.toISOString(),
    windowSeconds: meta.windowSeconds,
    requests,
    p50Ms: p50 === null ? null : round(p50),
    p95Ms: p95 === null ? null : round(p95),
    throughputRps: round(requests / meta.windowSeconds),
    serverErrors,
    unavailable: counts.unavailable,
    serviceRateLimited: counts.serviceRateLimited,
    errorRatePct: requests ? round((100 * failed) / requests, 4) : 0,
    availabilityPct: requests ? round(100 - (100 * failed) / requests, 4) : 100,
    rateLimited: counts.rateLimited,
    forbidden: counts.forbidden,
    unauthenticated: counts.unauthenticated,
    authenticatedRateLimited: counts.authenticatedRateLimited,
    authenticatedForbidden: counts.authenticatedForbidden,
    startedAt: meta.startedAt.toISOString(),
    ...(windows ? { windows } : {}),
  });
}

/** Publishes this gateway's traffic every interval; returns the function that stops it. */
export function startMetricsPublisher({ bus, traffic, intervalMs, logger }: MetricsPublisherOptions): () => void {
  const gatewayId = randomUUID();
  const startedAt = new Date();
  const rolling = new RollingTraffic();
  let windowStart = Date.now();
  const timer = setInterval(() => {
    const now = Date.now();
    const counts = traffic.drain();
    const windowSeconds = Math.max(0.001, (now - windowStart) / 1000);
    rolling.add(counts, now, windowSeconds);
    const snapshot = snapshotOf(
      counts,
      { gatewayId, windowSeconds, at: new Date(now), startedAt },
      rolling.windows(now),
    );
    windowStart = now;
    bus
      .publish(GATEWAY_METRICS_TOPIC, snapshot)
      .catch((err: unknown) => logger.warn({ err }, 'gateway metrics not published'));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
