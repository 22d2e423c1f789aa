import type { ClutchError } from '../../../platform/errors.js';
import {
  checkBatchSize,
  checkRecordedAt,
  decodeFrames,
  MAX_BATCH_SIZE,
  MAX_FUTURE_SKEW_MS,
  validateReadings,
} from './batch.js';

const at = new Date('2025-03-01T10:00:00Z');
const DAY = 86_400_000;
const errorOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return { code: (error as ClutchError).code, extensions: (error as ClutchError).extensions };
  }
  return null;
};

describe('batch limits', () => {
  it(`refuses a batch of more than ${MAX_BATCH_SIZE} items whole, with BATCH_TOO_LARGE`, () => {
    expect(errorOf(() => checkBatchSize(MAX_BATCH_SIZE, 'frames'))).toBeNull();
    expect(errorOf(() => checkBatchSize(MAX_BATCH_SIZE + 1, 'frames'))).toEqual({
      code: 'BATCH_TOO_LARGE',
      extensions: { code: 'BATCH_TOO_LARGE', limit: MAX_BATCH_SIZE },
    });
    expect(errorOf(() => checkBatchSize(100_000, 'frames'))?.code).toBe('BATCH_TOO_LARGE');
  });

  it('refuses times far in the future or older than the retention window with BAD_USER_INPUT', () => {
    const now = at;
    expect(
      errorOf(() => checkRecordedAt(new Date(now.getTime() + MAX_FUTURE_SKEW_MS), now, 30 * DAY, 'recordedAt')),
    ).toBeNull();
    expect(
      errorOf(() => checkRecordedAt(new Date(now.getTime() + MAX_FUTURE_SKEW_MS + 1), now, 30 * DAY, 'recordedAt')),
    ).toEqual({
      code: 'BAD_USER_INPUT',
      extensions: { code: 'BAD_USER_INPUT', field: 'recordedAt' },
    });
    expect(errorOf(() => checkRecordedAt(new Date(now.getTime() - 29 * DAY), now, 30 * DAY, 'recordedAt'))).toBeNull();
    expect(
      errorOf(() => checkRecordedAt(new Date(now.getTime() - 31 * DAY), now, 30 * DAY, 'readings.2.recordedAt'))
        ?.extensions.field,
    ).toBe('readings.2.recordedAt');
  });
});

describe('decodeFrames: a partly bad batch', () => {
  const frames = [
    '41 0C 1A F8', // 0: RPM 1726
    '41 0C', // 1: truncated
    'ZZ', // 2: not hex
    'x'.repeat(10 * 1024), // 3: 10 KB
    'NO DATA', // 4: adapter status: accepted, nothing stored
    '410D32', // 5: speed 50, no spaces
    '43 02 01 33 03 01', // 6: confirmed P0133, P0301
    '47 01 01 71', // 7: pending P0171
    '41 FF 00', // 8: unsupported PID
    'SEARCHING...\r41 05 7B\r\r>', // 9: coolant 83 °C after the search banner
  ];
  const batch = decodeFrames(frames, at);

  it('stores the good frames, stamped with the batch time', () => {
    expect(batch.readings.map((r) => [r.pid, r.value])).toEqual([
      ['0C', 1726],
      ['0D', 50],
      ['05', 83],
    ]);
    expect(batch.readings.every((r) => r.recordedAt === at)).toBe(true);
    expect(batch.dtcs).toEqual([
      { mode: 'confirmed', codes: ['P0133', 'P0301'] },
      { mode: 'pending', codes: ['P0171'] },
    ]);
  });

  it('reports each bad frame by index with its own code, and counts status replies as accepted', () => {
    expect(batch.errors.map((e) => [e.index, e.code])).toEqual([
      [1, 'TRUNCATED'],
      [2, 'MALFORMED'],
      [3, 'TOO_LONG'],
      [8, 'UNSUPPORTED'],
    ]);
    expect(batch.errors.every((e) => e.reason.length > 0 && e.reason.length < 200)).toBe(true);
    expect(batch).toMatchObject({ accepted: 6, rejected: 4 });
  });

  it('merges the codes a batch reports per mode', () => {
    expect(decodeFrames(['43 01 01 33', '43 02 01 33 03 01'], at).dtcs).toEqual([
      { mode: 'confirmed', codes: ['P0133', 'P0301'] },
    ]);
  });
});

describe('validateReadings', () => {
  it('keeps known single-valued PIDs within their physical range and reports the rest by index', () => {
    const batch = validateReadings([
      { pid: '0c', value: 1726, recordedAt: at }, // lower case is fine
      { pid: '0D', value: 256, recordedAt: at }, // speed tops out at 255
      { pid: '05', value: -40, recordedAt: at }, // the coolant minimum itself
      { pid: 'FF', value: 1, recordedAt: at },
      { pid: 'speed', value: 1, recordedAt: at },
      { pid: '01', value: 1, recordedAt: at }, // monitor status: several values
      { pid: '0D', value: Number.NaN, recordedAt: at },
    ]);
    expect(batch.readings).toEqual([
      { pid: '0C', name: 'Engine speed', unit: 'rpm', value: 1726, recordedAt: at },
      { pid: '05', name: 'Engine coolant temperature', unit: '°C', value: -40, recordedAt: at },
    ]);
    expect(batch.errors.map((e) => [e.index, e.code])).toEqual([
      [1, 'OUT_OF_RANGE'],
      [3, 'UNSUPPORTED'],
      [4, 'MALFORMED'],
      [5, 'UNSUPPORTED'],
      [6, 'OUT_OF_RANGE'],
    ]);
    expect(batch.errors[0].reason).toBe('Vehicle speed must be between 0 and 255 km/h');
    expect(batch).toMatchObject({ accepted: 2, rejected: 5 });
  });
});
