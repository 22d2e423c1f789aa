import { BadUserInputError } from '../../../platform/errors.js';
import { BUCKET_SPAN_MS } from './bucketing.js';

/** The resolution of a chart: each point summarises one UTC-aligned bucket of this length. */
export enum ReadingBucket {
  MINUTE = 'MINUTE',
  FIVE_MINUTES = 'FIVE_MINUTES',
  FIFTEEN_MINUTES = 'FIFTEEN_MINUTES',
  HOUR = 'HOUR',
  DAY = 'DAY',
}

export const BUCKET_MS: Readonly<Record<ReadingBucket, number>> = {
  MINUTE: 60_000,
  FIVE_MINUTES: 5 * 60_000,
  FIFTEEN_MINUTES: 15 * 60_000,
  HOUR: 3_600_000,
  DAY: 86_400_000,
};

/** At most this many points per query: enough for any chart, bounded work per request. */
export const MAX_POINTS = 1000;
/** And a range no longer than this, whatever the bucket. */
export const MAX_RANGE_MS = 366 * 86_400_000;

export interface AlignedRange {
  from: Date;
  to: Date;
  bucketMs: number;
}

/**
 * Validates a chart request and widens it to whole buckets: `from` rounds down and `to` up to
 * the bucket size (UTC), so every point covers one complete bucket, as time-series databases
 * do. BAD_USER_INPUT for an empty or reversed range, one over MAX_RANGE_MS, or one that would
 * give more than MAX_POINTS points.
 */
export function alignRange(from: Date, to: Date, bucket: ReadingBucket): AlignedRange {
  const bucketMs = BUCKET_MS[bucket];
  if (!(to.getTime() > from.getTime())) throw new BadUserInputError('to must be later than from', 'to');
  if (to.getTime() - from.getTime() > MAX_RANGE_MS) {
    throw new BadUserInputError(`the range may span at most ${MAX_RANGE_MS / 86_400_000} days`, 'from');
  }
  const start = Math.floor(from.getTime() / bucketMs) * bucketMs;
  const end = Math.ceil(to.getTime() / bucketMs) * bucketMs;
  const points = (end - start) / bucketMs;
  if (points > MAX_POINTS) {
    throw new BadUserInputError(
      `${points} ${bucket} buckets requested; at most ${MAX_POINTS}: use a larger bucket or a shorter range`,
      'bucket',
    );
  }
  return { from: new Date(start), to: new Date(end), bucketMs };
}

/** Buckets that are whole hours can be built from the per-document summaries alone. */
export const usesSummaries = (bucketMs: number) => bucketMs % BUCKET_SPAN_MS === 0;

export interface ReadingPoint {
  /** Start of the bucket. */
  at: Date;
  count: number;
  avg: number;
  min: number;
  max: number;
}

/** count/sum/min/max of some readings that start at `start` (a point or a document summary). */
export interface PartialAggregate {
  start: Date;
  count: number;
  sum: number;
  min: number;
  max: number;
}

/** Folds partial aggregates into one point per bucket of `range`, oldest first; empty buckets are left out. */
export function mergePartials(partials: Iterable<PartialAggregate>, range: AlignedRange): ReadingPoint[] {
  const byBucket = new Map<number, { count: number; sum: number; min: number; max: number }>();
  const from = range.from.getTime();
  const to = range.to.getTime();
  for (const p of partials) {
    const t = p.start.getTime();
    if (t < from || t >= to || p.count <= 0) continue;
    const at = Math.floor(t / range.bucketMs) * range.bucketMs;
    const bucket = byBucket.get(at);
    if (!bucket) {
      byBucket.set(at, { count: p.count, sum: p.sum, min: p.min, max: p.max });
      continue;
    }
    bucket.count += p.count;
    bucket.sum += p.sum;
    bucket.min = Math.min(bucket.min, p.min);
    bucket.max = Math.max(bucket.max, p.max);
  }
  return [...byBucket]
    .sort(([a], [b]) => a - b)
    .map(([at, b]) => ({ at: new Date(at), count: b.count, avg: b.sum / b.count, min: b.min, max: b.max }));
}

/** Raw points are partials of one reading each. */
export function downsamplePoints(points: Iterable<{ t: Date; v: number }>, range: AlignedRange): ReadingPoint[] {
  return mergePartials(
    (function* () {
      for (const p of points) yield { start: p.t, count: 1, sum: p.v, min: p.v, max: p.v };
    })(),
    range,
  );
}
