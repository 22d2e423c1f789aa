import type { GatewayMetricsSnapshot, TrafficWindowSummary } from '../../gateway/contract.js';
import { BURN_WINDOWS, type BurnWindow } from './burn-rate.js';

/** What the gateways served over one window, summed across instances. */
export interface MergedWindow {
  /** How long the window covers (shorter while the gateways are younger than it). */
  seconds: number;
  requests: number;
  serverErrors: number;
  unavailable: number;
  rateLimited: number;
  forbidden: number;
  authenticatedRateLimited: number;
  authenticatedForbidden: number;
  /** The worst gateway's p95 (1m and 5m only: minutes of history keep no durations). */
  p95Ms: number | null;
}

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
  /** Counted over the last minute (the gateways' rolling windows), not extrapolated from one short window. */
  rateLimitedPerMinute: number;
  forbiddenPerMinute: number;
  /** The part of the two above sent to signed-in callers. */
  authenticatedRateLimitedPerMinute: number;
  authenticatedForbiddenPerMinute: number;
  /** Rolling windows, merged across gateways; the longer ones from this instance's history. */
  windows: Partial<Record<BurnWindow, MergedWindow>>;
  at: number;
}

const MINUTE_MS = 60_000;
const WINDOW_MS: Record<BurnWindow, number> = {
  '1m': MINUTE_MS,
  '5m': 5 * MINUTE_MS,
  '30m': 30 * MINUTE_MS,
  '1h': 60 * MINUTE_MS,
  '6h': 360 * MINUTE_MS,
};
const HOUR_MS = 60 * MINUTE_MS;
/** How much per-minute history is kept (and restored after a restart). */
export const TRAFFIC_HISTORY_MS = WINDOW_MS['6h'] + MINUTE_MS;
const HISTORY_MS = TRAFFIC_HISTORY_MS;

/**
 * A throughput baseline needs this much history, and leaves out the latest minutes (the drop
 * itself must not lower its own baseline).
 */
export const BASELINE_MIN_MINUTES = 30;
const BASELINE_RECENT_MINUTES = 5;

type Minute = Omit<MergedWindow, 'p95Ms' | 'seconds'> & { start: number };
/** One minute of the gateways' traffic, summed: what is kept across restarts (traffic-minute.store.ts). */
export type TrafficMinute = Minute;

const emptyMinute = (start: number): Minute => ({
  start,
  requests: 0,
  serverErrors: 0,
  unavailable: 0,
  rateLimited: 0,
  forbidden: 0,
  authenticatedRateLimited: 0,
  authenticatedForbidden: 0,
});

const fromSummary = (w: TrafficWindowSummary): MergedWindow => ({
  seconds: w.seconds,
  requests: w.requests,
  serverErrors: Math.min(w.serverErrors, w.requests),
  unavailable: Math.min(w.unavailable, w.requests),
  rateLimited: w.rateLimited,
  forbidden: w.forbidden,
  authenticatedRateLimited: w.authenticatedRateLimited,
  authenticatedForbidden: w.authenticatedForbidden,
  p95Ms: w.p95Ms,
});

function add(a: MergedWindow, b: MergedWindow): MergedWindow {
  return {
    seconds: Math.max(a.seconds, b.seconds),
    requests: a.requests + b.requests,
    serverErrors: a.serverErrors + b.serverErrors,
    unavailable: a.unavailable + b.unavailable,
    rateLimited: a.rateLimited + b.rateLimited,
    forbidden: a.forbidden + b.forbidden,
    authenticatedRateLimited: a.authenticatedRateLimited + b.authenticatedRateLimited,
    authenticatedForbidden: a.authenticatedForbidden + b.authenticatedForbidden,
    p95Ms: a.p95Ms === null ? b.p95Ms : b.p95Ms === null ? a.p95Ms : Math.max(a.p95Ms, b.p95Ms),
  };
}

/**
 * Keeps each gateway instance's latest snapshot (older than `staleMs`: ignored) and six hours
 * of per-minute totals. Memory only, so reading it never needs the database. Pure apart from
 * its state; time is passed in.
 */
export class GatewayMetricsBoard {
  private readonly latest = new Map<string, { snapshot: GatewayMetricsSnapshot; receivedAt: number }>();
  private minutes: Minute[] = [];

  constructor(private readonly staleMs: number) {}

  record(snapshot: GatewayMetricsSnapshot, receivedAt: number): void {
    if (!snapshot || typeof snapshot.gatewayId !== 'string' || !(snapshot.windowSeconds > 0)) return;
    this.latest.set(snapshot.gatewayId, { snapshot, receivedAt });
    const start = Math.floor(receivedAt / MINUTE_MS) * MINUTE_MS;
    let minute = this.minutes.find((m) => m.start === start);
    if (!minute) {
      minute = emptyMinute(start);
      this.minutes = [...this.minutes.filter((m) => receivedAt - m.start < HISTORY_MS), minute];
      this.minutes.sort((a, b) => a.start - b.start);
    }
    minute.requests += snapshot.requests;
    minute.serverErrors += Math.min(snapshot.serverErrors, snapshot.requests);
    minute.unavailable += Math.min(snapshot.unavailable ?? 0, snapshot.requests);
    minute.rateLimited += snapshot.rateLimited;
    minute.forbidden += snapshot.forbidden;
    // A gateway of an older release does not tell: nothing of its traffic counts as signed in.
    minute.authenticatedRateLimited += snapshot.authenticatedRateLimited ?? 0;
    minute.authenticatedForbidden += snapshot.authenticatedForbidden ?? 0;
  }

  /** Copies of the whole minutes before the current one, still within the history kept. */
  closedMinutes(now: number): TrafficMinute[] {
    const current = Math.floor(now / MINUTE_MS) * MINUTE_MS;
    return this.minutes.filter((m) => m.start < current && now - m.start < HISTORY_MS).map((m) => ({ ...m }));
  }

  /**
   * Minutes kept from before a restart (or counted by another instance), so that the throughput
   * baseline and the long burn-rate windows do not start empty. A minute this instance counted
   * more requests of keeps its own figures.
   */
  restore(minutes: readonly TrafficMinute[], now: number): void {
    for (const kept of minutes) {
      if (!(now - kept.start < HISTORY_MS) || kept.start > now) continue;
      const own = this.minutes.find((m) => m.start === kept.start);
      if (own && own.requests >= kept.requests) continue;
      this.minutes = [...this.minutes.filter((m) => m.start !== kept.start), { ...emptyMinute(kept.start), ...kept }];
    }
    this.minutes.sort((a, b) => a.start - b.start);
  }

  /** Availability and error rate over the last hour; null before any request. */
  lastHour(now: number): { requests: number; availabilityPct: number; errorRatePct: number } | null {
    const hour = this.fromHistory(now, HOUR_MS);
    if (hour.requests === 0) return null;
    const failed = hour.serverErrors;
    return {
      requests: hour.requests,
      availabilityPct: 100 - (100 * failed) / hour.requests,
      errorRatePct: (100 * failed) / hour.requests,
    };
  }

  /**
   * The median requests per second of the minutes of the last hour, leaving out the latest five;
   * null with less than half an hour of history. A burst or a load test of minutes moves a median
   * little, so traffic going back to normal after one is not a "drop".
   */
  throughputBaseline(now: number): number | null {
    const current = Math.floor(now / MINUTE_MS) * MINUTE_MS;
    const past = this.minutes.filter(
      (m) => m.start < current - (BASELINE_RECENT_MINUTES - 1) * MINUTE_MS && now - m.start < HOUR_MS,
    );
    if (past.length < BASELINE_MIN_MINUTES) return null;
    const rates = past.map((m) => m.requests / 60).sort((a, b) => a - b);
    const mid = Math.floor(rates.length / 2);
    return rates.length % 2 ? rates[mid] : (rates[mid - 1] + rates[mid]) / 2;
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
    const windows: Partial<Record<BurnWindow, MergedWindow>> = {};
    for (const name of BURN_WINDOWS) windows[name] = this.window(name, fresh, now);
    const minute = windows['1m']!;
    return {
      gateways: fresh.length,
      requests,
      windowSeconds,
      p95Ms: p95s.length ? Math.max(...p95s) : null,
      throughputRps: sum((s) => s.throughputRps),
      errorRatePct: requests ? (100 * failed) / requests : 0,
      availabilityPct: requests ? 100 - (100 * failed) / requests : 100,
      rateLimitedPerMinute: minute.rateLimited,
      forbiddenPerMinute: minute.forbidden,
      authenticatedRateLimitedPerMinute: minute.authenticatedRateLimited,
      authenticatedForbiddenPerMinute: minute.authenticatedForbidden,
      windows,
      at: now,
    };
  }

  /** 1m and 5m: the gateways' own rolling windows, summed; longer ones (or an older gateway's) from history. */
  private window(name: BurnWindow, fresh: GatewayMetricsSnapshot[], now: number): MergedWindow {
    const rolling = name === '1m' || name === '5m' ? fresh.map((s) => s.windows?.[name]) : [];
    if (rolling.length > 0 && rolling.every((w) => w !== undefined))
      return rolling.map((w) => fromSummary(w!)).reduce(add);
    return this.fromHistory(now, WINDOW_MS[name]);
  }

  private fromHistory(now: number, lengthMs: number): MergedWindow {
    const inside = this.minutes.filter((m) => now - m.start < lengthMs);
    const { start: _start, ...zero } = emptyMinute(0);
    const seconds = inside.length ? Math.min(lengthMs, now - inside[0].start) / 1000 : 0;
    return inside.reduce<MergedWindow>((total, { start: _s, ...m }) => add(total, { ...m, seconds, p95Ms: null }), {
      ...zero,
      seconds,
      p95Ms: null,
    });
  }
}
