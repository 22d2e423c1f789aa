import type { TrafficWindowSummary } from './contract.js';
import { percentileOf, type TrafficCounts } from './traffic-window.js';

/** The rolling windows every snapshot carries, by name and length. */
export const ROLLING_WINDOWS = { '1m': 60_000, '5m': 300_000 } as const;
export type RollingWindowName = keyof typeof ROLLING_WINDOWS;

/** Durations kept per interval for the windows' p95: enough for a percentile, bounded in memory. */
const SAMPLES_PER_INTERVAL = 500;

interface Interval {
  endedAt: number;
  seconds: number;
  counts: Omit<TrafficCounts, 'durationsMs'>;
  durationsMs: number[];
  /** How many requests the (possibly sampled) durations stand for. */
  requests: number;
}

const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * The last five minutes of one gateway's traffic, as the intervals it drained, summed into
 * rolling 1- and 5-minute windows. Counts are exact; p95 comes from a bounded sample of each
 * interval, weighted by its requests. Pure apart from the list it keeps; time is passed in.
 */
export class RollingTraffic {
  private intervals: Interval[] = [];

  add(counts: TrafficCounts, endedAt: number, seconds: number): void {
    const { durationsMs, ...rest } = counts;
    const step = Math.max(1, Math.ceil(durationsMs.length / SAMPLES_PER_INTERVAL));
    this.intervals.push({
      endedAt,
      seconds,
      counts: rest,
      durationsMs: step === 1 ? durationsMs : durationsMs.filter((_, i) => i % step === 0),
      requests: rest.requests,
    });
    this.intervals = this.intervals.filter((i) => endedAt - i.endedAt < ROLLING_WINDOWS['5m']);
  }

  windows(now: number): Record<RollingWindowName, TrafficWindowSummary> {
    return {
      '1m': this.window(now, ROLLING_WINDOWS['1m']),
      '5m': this.window(now, ROLLING_WINDOWS['5m']),
    };
  }

  private window(now: number, lengthMs: number): TrafficWindowSummary {
    const inside = this.intervals.filter((i) => now - i.endedAt < lengthMs);
    const sum = (f: (c: Interval['counts']) => number) => inside.reduce((n, i) => n + f(i.counts), 0);
    // Each kept duration stands for requests / samples of its interval's requests.
    const weighted: Array<[number, number]> = inside.flatMap((i) =>
      i.durationsMs.map((d) => [d, i.requests / i.durationsMs.length] as [number, number]),
    );
    return {
      seconds: round(inside.reduce((n, i) => n + i.seconds, 0)),
      requests: sum((c) => c.requests),
      serverErrors: sum((c) => c.serverErrors),
      unavailable: sum((c) => c.unavailable),
      rateLimited: sum((c) => c.rateLimited),
      serviceRateLimited: sum((c) => c.serviceRateLimited),
      forbidden: sum((c) => c.forbidden),
      unauthenticated: sum((c) => c.unauthenticated),
      authenticatedRateLimited: sum((c) => c.authenticatedRateLimited),
      authenticatedForbidden: sum((c) => c.authenticatedForbidden),
      p95Ms: weightedPercentile(weighted, 95),
    };
  }
}

/** Nearest-rank percentile over weighted samples; null without samples. */
export function weightedPercentile(samples: Array<[value: number, weight: number]>, p: number): number | null {
  if (samples.length === 0) return null;
  if (samples.every(([, w]) => w === samples[0][1])) {
    const p95 = percentileOf(
      samples.map(([v]) => v),
      p,
    );
    return p95 === null ? null : round(p95);
  }
  const sorted = [...samples].sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((n, [, w]) => n + w, 0);
  let seen = 0;
  for (const [value, weight] of sorted) {
    seen += weight;
    if (seen >= (p / 100) * total) return round(value);
  }
  return round(sorted[sorted.length - 1][0]);
}
