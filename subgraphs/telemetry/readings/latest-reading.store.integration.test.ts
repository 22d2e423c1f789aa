import { useScratchDatabase } from '../../../test/scratch-database.js';
import { LatestReadingStore } from './latest-reading.store.js';
import type { TimedReading } from './series.js';

const db = useScratchDatabase('latest');

const r = (pid: string, name: string, value: number, iso: string): TimedReading => ({
  pid,
  name,
  unit: 'u',
  value,
  recordedAt: new Date(iso),
});

describe('LatestReadingStore (real database)', () => {
  it('keeps the newest value of each series, whatever order uploads arrive in', async () => {
    const store = new LatestReadingStore(db());
    await store.record('v1', [
      r('0C', 'Engine speed', 800, '2025-03-01T10:00:00Z'),
      r('0C', 'Engine speed', 900, '2025-03-01T10:00:01Z'),
    ]);
    await store.record('v1', [r('0D', 'Vehicle speed', 30, '2025-03-01T10:00:05Z')]);
    // A backlog upload, measured earlier: it must not replace the newer values.
    await store.record('v1', [
      r('0C', 'Engine speed', 5000, '2025-03-01T09:00:00Z'),
      r('05', 'Engine coolant temperature', 20, '2025-03-01T09:00:00Z'),
    ]);
    await store.record('v1', [
      r('01', 'Malfunction indicator lamp', 1, '2025-03-01T10:00:00Z'),
      r('01', 'Emission-related DTC count', 2, '2025-03-01T10:00:00Z'),
    ]);
    await store.record('v2', [r('0C', 'Engine speed', 1, '2025-03-01T12:00:00Z')]);

    const latest = await store.find('v1');
    expect(latest.map((l) => [l.pid, l.name, l.value, l.recordedAt.toISOString()])).toEqual([
      ['01', 'Emission-related DTC count', 2, '2025-03-01T10:00:00.000Z'],
      ['01', 'Malfunction indicator lamp', 1, '2025-03-01T10:00:00.000Z'],
      ['05', 'Engine coolant temperature', 20, '2025-03-01T09:00:00.000Z'],
      ['0C', 'Engine speed', 900, '2025-03-01T10:00:01.000Z'],
      ['0D', 'Vehicle speed', 30, '2025-03-01T10:00:05.000Z'],
    ]);
    expect(await store.find('nobody')).toEqual([]);
  });

  it('creates one document when the first uploads of a vehicle race', async () => {
    const store = new LatestReadingStore(db());
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        store.record('race', [r('0D', 'Vehicle speed', i, `2025-03-01T10:00:0${i}Z`)]),
      ),
    );
    expect(
      await db()
        .collection('latest_readings')
        .countDocuments({ _id: 'race' } as never),
    ).toBe(1);
    expect(await store.find('race')).toHaveLength(1);
  });

  it('keeps every series and the newest values when many uploads of one vehicle land at once', async () => {
    const store = new LatestReadingStore(db());
    const pids = ['04', '05', '0C', '0D'];
    await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        store.record('busy', [
          r(pids[i % 4], `series ${pids[i % 4]}`, i, `2025-03-01T10:00:${String(i).padStart(2, '0')}Z`),
        ]),
      ),
    );
    expect((await store.find('busy')).map((l) => [l.pid, l.value])).toEqual([
      ['04', 20],
      ['05', 21],
      ['0C', 22],
      ['0D', 23],
    ]);
  });
});
