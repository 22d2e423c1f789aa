import type { GatewayMetricsSnapshot } from '../../gateway/contract.js';

/** The gateways' traffic combined over their latest fresh windows. */
export interface GatewayTraffic {
  gateways: number;
  requests: number;
  windowSeconds: number;
  /** The worst gateway's p95: a slow instance is what users feel. */
  p95Ms: number | null;
  throughputRps: number;
  errorRatePct: number;
  availabilityPct: number;
  /** Counted over the windows received in the last minute, not extrapolated from one short window. */
  rateLimitedPerMinute: number;
  forbiddenPerMinute: number;
  /** The part of the two above sent to signed-in callers. */
  authenticatedRateLimitedPerMinute: number;
  authenticatedForbiddenPerMinute: number;
  at: number;
}

/** Keeps each gateway instance's latest snapshot; snapshots older than `staleMs` are ignored. */
const HOUR_MS = 3_600_000;

export class GatewayMetricsBoard {
  private readonly latest = new Map<string, { snapshot: GatewayMetricsSnapshot; receivedAt: number }>();
  /** Every window of the last hour, for service levels measured over an hour rather than seconds. */
  private history: Array<{
    receivedAt: number;
    requests: number;
    failed: number;
    rateLimited: number;
    forbidden: number;
    authenticatedRateLimited: number;
    authenticatedForbidden: number;
  }> = [];

  constructor(private readonly staleMs: number) {}

  record(snapshot: GatewayMetricsSnapshot, receivedAt: number): void {
    if (!snapshot || typeof snapshot.gatewayId !== 'string' || !(snapshot.windowSeconds > 0)) return;
    this.latest.set(snapshot.gatewayId, { snapshot, receivedAt });
    this.history = this.history.filter((h) => receivedAt - h.receivedAt < HOUR_MS);
    this.history.push({
      receivedAt,
      requests: snapshot.requests,
      failed: Math.min(snapshot.serverErrors, snapshot.requests),
      rateLimited: snapshot.rateLimited,
      forbidden: snapshot.forbidden,
      // A gateway of an older release does not tell: nothing of its traffic counts as signed in.
      authenticatedRateLimited: snapshot.authenticatedRateLimited ?? 0,
      authenticatedForbidden: snapshot.authenticatedForbidden ?? 0,
    });
  }

  /** Availability and error rate over the last hour; null before any request. */
  lastHour(now: number): { requests: number; availabilityPct: number; errorRatePct: number } | null {
    const recent = this.history.filter((h) => now - h.receivedAt < HOUR_MS);
    const requests = recent.reduce((n, h) => n + h.requests, 0);
    if (requests === 0) return null;
    const failed = recent.reduce((n, h) => n + h.failed, 0);
    return { requests, availabilityPct: 100 - (100 * failed) / requests, errorRatePct: (100 * failed) / requests };
  }

  traffic(now: number): GatewayTraffic | null {
    const fresh: GatewayMetricsSnapshot[] = [];
    for (const [id, entry] of this.latest) {
      if (now - entry.receivedAt > this.staleMs) this.latest.delete(id);
      else fresh.push(entry.snapshot);
    }
    if (fresh.length === 0) return null;
    const sum = (f: (s: GatewayMetricsSnapshot) => number) => fresh.reduce((n, s) => n + f(s), 0);
    const requests = sum((s) => s.requests);
    const failed = sum((s) => Math.min(s.serverErrors, s.requests));
    const windowSeconds = Math.max(...fresh.map((s) => s.windowSeconds));
    const p95s = fresh.map((s) => s.p95Ms).filter((p): p is number => p !== null);
    const lastMinute = this.history.filter((h) => now - h.receivedAt < 60_000);
    return {
      gateways: fresh.length,
      requests,
      windowSeconds,
      p95Ms: p95s.length ? Math.max(...p95s) : null,
      throughputRps: sum((s) => s.throughputRps),
      errorRatePct: requests ? (100 * failed) / requests : 0,
      availabilityPct: requests ? 100 - (100 * failed) / requests : 100,
      rateLimitedPerMinute: lastMinute.reduce((n, h) => n + h.rateLimited, 0),
      forbiddenPerMinute: lastMinute.reduce((n, h) => n + h.forbidden, 0),
      authenticatedRateLimitedPerMinute: lastMinute.reduce((n, h) => n + h.authenticatedRateLimited, 0),
      authenticatedForbiddenPerMinute: lastMinute.reduce((n, h) => n + h.authenticatedForbidden, 0),
      at: now,
    };
  }
}
