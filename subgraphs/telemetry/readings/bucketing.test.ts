import { BUCKET_SPAN_MS, bucketStart, planBucketWrites, readingsByHour, summarise } from './bucketing.js';
import type { TimedReading } from './series.js';

const rpm = (iso: string, value: number): TimedReading => ({
  pid: '0C',
  name: 'Engine speed',
  unit: 'rpm',
  value,
  recordedAt: new Date(iso),
});
const speed = (iso: string, value: number): TimedReading => ({
  pid: '0D',
  name: 'Vehicle speed',
  unit: 'km/h',
  value,
  recordedAt: new Date(iso),
});

describe('bucketing', () => {
  it('puts a reading in the UTC hour it was measured in', () => {
    expect(BUCKET_SPAN_MS).toBe(3_600_000);
    expect(bucketStart(new Date('2025-03-01T10:59:59.999Z'))).toEqual(new Date('2025-03-01T10:00:00Z'));
    expect(bucketStart(new Date('2025-03-01T11:00:00.000Z'))).toEqual(new Date('2025-03-01T11:00:00Z'));
  });

  it('groups readings by hour, hours oldest first, each hour in the order given (both planners use it)', () => {
    const late = rpm('2025-03-01T10:50:00Z', 1);
    const early = speed('2025-03-01T10:10:00Z', 2);
    const next = rpm('2025-03-01T11:00:00Z', 3);
    expect(readingsByHour([next, late, early])).toEqual([
      [Date.parse('2025-03-01T10:00:00Z'), [late, early]],
      [Date.parse('2025-03-01T11:00:00Z'), [next]],
    ]);
    expect(readingsByHour([])).toEqual([]);
  });

  it('plans one write per hour, oldest first', () => {
    const writes = planBucketWrites([
      rpm('2025-03-01T11:00:05Z', 1),
      rpm('2025-03-01T10:30:00Z', 2),
      speed('2025-03-01T10:45:00Z', 3),
    ]);
    expect(writes.map((w) => [w.start.toISOString(), w.readings.map((r) => r.value)])).toEqual([
      ['2025-03-01T10:00:00.000Z', [2, 3]],
      ['2025-03-01T11:00:00.000Z', [1]],
    ]);
  });

  it('cuts an hour into chunks no larger than a bucket document takes', () => {
    const readings = Array.from({ length: 7 }, (_, i) => rpm(`2025-03-01T10:00:0${i}Z`, i));
    const writes = planBucketWrites(readings, 3);
    expect(writes.map((w) => w.readings.map((r) => r.value))).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(() => planBucketWrites(readings, 0)).toThrow(RangeError);
  });

  it('summarises each series with count, sum, min, max and its points', () => {
    const [engine, vehicle] = summarise([
      rpm('2025-03-01T10:00:00Z', 800),
      speed('2025-03-01T10:00:00Z', 0),
      rpm('2025-03-01T10:00:01Z', 2400),
    ]);
    expect(engine).toMatchObject({ key: 'p0C', pid: '0C', unit: 'rpm', count: 2, sum: 3200, min: 800, max: 2400 });
    expect(engine.points).toEqual([
      { t: new Date('2025-03-01T10:00:00Z'), v: 800 },
      { t: new Date('2025-03-01T10:00:01Z'), v: 2400 },
    ]);
    expect(vehicle).toMatchObject({ key: 'p0D', count: 1, sum: 0, min: 0, max: 0 });
  });
});
