import { useScratchDatabase } from '../../../test/scratch-database.js';
import { utcDay } from '../consumer/reduce.js';
import { DAY_MS } from '../parts/part.js';
import { snapshotAt } from '../testing/records.js';
import { SnapshotStore } from './snapshot.store.js';

const NOW = Date.UTC(2025, 5, 2, 12);
const CUTOFF = new Date(NOW - 730 * DAY_MS);

const db = useScratchDatabase('health_snapshots');
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
