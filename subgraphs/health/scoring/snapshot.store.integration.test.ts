import { itServesEveryQueryFromAnIndex, recordQueries } from '../../../test/indexed-queries.js';
import { useScratchDatabase } from '../../../test/scratch-database.js';
import { utcDay } from '../state-machine/reduce.js';
import { DAY_MS } from '../parts/part.js';
import { snapshotAt } from '../testing/records.js';
import { SNAPSHOT_INDEXES, SnapshotStore } from './snapshot.store.js';

const NOW = Date.UTC(2025, 5, 2, 12);
const CUTOFF = new Date(NOW - 730 * DAY_MS);

const db = useScratchDatabase('health_snapshots', { monitorCommands: true });
const recorder = recordQueries(db);
let store: SnapshotStore;

beforeAll(async () => {
  store = new SnapshotStore(db());
  await store.init();
});

describe('SnapshotStore.deleteOlderThan', () => {
  it('deletes the days snapshotted before the cutoff and keeps the later ones', async () => {
    const times = [CUTOFF.getTime() - 400 * DAY_MS, CUTOFF.getTime() - DAY_MS, CUTOFF.getTime() + DAY_MS, NOW];
    for (const at of times) await store.record(snapshotAt('v1', at));

    expect(await store.deleteOlderThan(CUTOFF)).toBe(2);

    const kept = await store.between('v1', utcDay(times[0]!), utcDay(NOW));
    expect(kept.map((s) => s.at.getTime())).toEqual([times[2], times[3]]);
  });
});

describe('SnapshotStore.record', () => {
  it('keeps the later of two snapshots of one day, whatever order they arrive in, also when written at once', async () => {
    const early = snapshotAt('v2', NOW - 3_600_000);
    const late = { ...snapshotAt('v2', NOW), score: 42 };
    await store.record(late);
    await store.record(early);
    expect((await store.between('v2', utcDay(NOW), utcDay(NOW))).map((s) => [s.at.getTime(), s.score])).toEqual([
      [NOW, 42],
    ]);

    for (let i = 0; i < 10; i++) {
      const day = NOW + (i + 1) * DAY_MS;
      await Promise.all([
        store.record({ ...snapshotAt('v3', day - 60_000), score: 1 }),
        store.record({ ...snapshotAt('v3', day), score: 2 }),
        store.record({ ...snapshotAt('v3', day - 120_000), score: 3 }),
      ]);
    }
    const days = await store.between('v3', utcDay(NOW), utcDay(NOW + 20 * DAY_MS));
    expect(days.map((s) => s.score)).toEqual(Array(10).fill(2));
  });
});

itServesEveryQueryFromAnIndex(recorder, () => ({ [SnapshotStore.collection]: SNAPSHOT_INDEXES }));
