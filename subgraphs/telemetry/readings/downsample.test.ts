import { ClutchError } from '../../../platform/errors.js';
import { alignRange, downsamplePoints, MAX_POINTS, mergePartials, ReadingBucket, usesSummaries } from './downsample.js';

const d = (iso: string) => new Date(iso);
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as ClutchError).code;
  }
  return 'no error';
};

describe('alignRange', () => {
  it('widens the range to whole UTC buckets', () => {
    expect(alignRange(d('2025-03-01T10:07:30Z'), d('2025-03-01T10:21:00Z'), ReadingBucket.FIVE_MINUTES)).toEqual({
      from: d('2025-03-01T10:05:00Z'),
      to: d('2025-03-01T10:25:00Z'),
      bucketMs: 300_000,
    });
    expect(alignRange(d('2025-03-01T10:00:00Z'), d('2025-03-02T00:00:00Z'), ReadingBucket.DAY).to).toEqual(
      d('2025-03-02T00:00:00Z'),
    );
  });

  it('refuses empty, reversed, too long and too finely bucketed ranges with BAD_USER_INPUT', () => {
    expect(codeOf(() => alignRange(d('2025-03-01T10:00:00Z'), d('2025-03-01T10:00:00Z'), ReadingBucket.MINUTE))).toBe(
      'BAD_USER_INPUT',
    );
    expect(codeOf(() => alignRange(d('2025-03-02T00:00:00Z'), d('2025-03-01T00:00:00Z'), ReadingBucket.HOUR))).toBe(
      'BAD_USER_INPUT',
    );
    expect(codeOf(() => alignRange(d('2024-01-01T00:00:00Z'), d('2025-03-01T00:00:00Z'), ReadingBucket.DAY))).toBe(
      'BAD_USER_INPUT',
    );
    const from = d('2025-03-01T00:00:00Z');
    expect(codeOf(() => alignRange(from, new Date(from.getTime() + MAX_POINTS * 60_000), ReadingBucket.MINUTE))).toBe(
      'no error',
    );
    expect(
      codeOf(() => alignRange(from, new Date(from.getTime() + (MAX_POINTS + 1) * 60_000), ReadingBucket.MINUTE)),
    ).toBe('BAD_USER_INPUT');
  });

  it('uses the per-document summaries only for whole-hour buckets', () => {
    expect(usesSummaries(3_600_000)).toBe(true);
    expect(usesSummaries(86_400_000)).toBe(true);
    expect(usesSummaries(900_000)).toBe(false);
  });
});

describe('downsampling', () => {
  const range = alignRange(d('2025-03-01T10:00:00Z'), d('2025-03-01T10:03:00Z'), ReadingBucket.MINUTE);

  it('gives avg, min, max and count per bucket, oldest first, leaving out empty buckets and points outside', () => {
    const points = [
      { t: d('2025-03-01T10:02:10Z'), v: 90 },
      { t: d('2025-03-01T10:00:00Z'), v: 10 },
      { t: d('2025-03-01T10:00:59.999Z'), v: 30 },
      { t: d('2025-03-01T10:00:30Z'), v: 20 },
      { t: d('2025-03-01T09:59:59Z'), v: 1000 },
      { t: d('2025-03-01T10:03:00Z'), v: 1000 },
    ];
    expect(downsamplePoints(points, range)).toEqual([
      { at: d('2025-03-01T10:00:00Z'), count: 3, avg: 20, min: 10, max: 30 },
      { at: d('2025-03-01T10:02:00Z'), count: 1, avg: 90, min: 90, max: 90 },
    ]);
  });

  it('merges hourly summaries (several documents of one hour included) into days', () => {
    const days = alignRange(d('2025-03-01T00:00:00Z'), d('2025-03-03T00:00:00Z'), ReadingBucket.DAY);
    const points = mergePartials(
      [
        { start: d('2025-03-01T10:00:00Z'), count: 2, sum: 10, min: 4, max: 6 },
        { start: d('2025-03-01T10:00:00Z'), count: 1, sum: 30, min: 30, max: 30 },
        { start: d('2025-03-01T23:00:00Z'), count: 1, sum: 2, min: 2, max: 2 },
        { start: d('2025-03-02T00:00:00Z'), count: 4, sum: 8, min: 1, max: 3 },
      ],
      days,
    );
    expect(points).toEqual([
      { at: d('2025-03-01T00:00:00Z'), count: 4, avg: 10.5, min: 2, max: 30 },
      { at: d('2025-03-02T00:00:00Z'), count: 4, avg: 2, min: 1, max: 3 },
    ]);
  });
});
