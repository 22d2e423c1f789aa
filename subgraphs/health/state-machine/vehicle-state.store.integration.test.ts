import type { Document } from 'mongodb';
import { watchQueries, type RecordedQuery } from '../../../test/indexed-queries.js';
import { useScratchDatabase } from '../../../test/scratch-database.js';
import { initialVehicleState } from './vehicle-state.js';
import { VehicleStateStore, type StateVersion } from './vehicle-state.store.js';

const db = useScratchDatabase('health_state_versions', { monitorCommands: true });
let store: VehicleStateStore;
const queries: RecordedQuery[] = [];

const version = (vehicleId: string, n: number): StateVersion => ({
  vehicleId,
  version: n,
  state: initialVehicleState(vehicleId),
  effects: [],
  eventKey: `${vehicleId}-event-${n}`,
  committedAt: new Date(Date.UTC(2026, 0, 1, 0, n)),
});

/** A commit whose head never moved: a crash between the insert and the head's `$max`. */
const insertBehindHead = (v: StateVersion) =>
  db()
    .collection(VehicleStateStore.versionsCollection)
    .insertOne({ ...v, _id: `${v.vehicleId}:${v.version}` } as Document);

beforeAll(async () => {
  store = new VehicleStateStore(db());
  await store.init();
  watchQueries(db(), queries);
});

describe('VehicleStateStore.latestMany', () => {
  it('answers as latest does for each vehicle: heads up to date, a head a version behind, no head, no state', async () => {
    for (const n of [1, 2]) await store.commit(version('current', n));
    for (const n of [1, 2]) await store.commit(version('behind', n));
    await insertBehindHead(version('behind', 3));
    await insertBehindHead(version('headless', 1));

    const ids = ['current', 'behind', 'headless', 'unknown'];
    const many = await store.latestMany(ids);

    for (const id of ids) expect(many.get(id) ?? null).toEqual(await store.latest(id));
    expect([...many.keys()].sort()).toEqual(['behind', 'current', 'headless']);
    expect(many.get('behind')?.version).toBe(3);
    expect(many.get('current')?.version).toBe(2);
  });

  it('reads a page of up-to-date vehicles in two queries, whatever its size', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `page-${i}`);
    for (const id of ids) await store.commit(version(id, 1));
    queries.length = 0;

    const many = await store.latestMany([...ids, ids[0]!]);

    expect(many.size).toBe(20);
    const reads = queries.filter((q) => q.command === 'find');
    expect(reads.map((q) => q.collection)).toEqual([
      VehicleStateStore.headsCollection,
      VehicleStateStore.versionsCollection,
    ]);
  });

  it("reads concurrent callers' vehicles (several customers' myVehicles at once) in two queries in all", async () => {
    const garages = [0, 1, 2].map((g) => [`garage-${g}-a`, `garage-${g}-b`]);
    for (const id of garages.flat()) await store.commit(version(id, 1));
    await store.commit(version('garage-1-b', 2));
    queries.length = 0;

    const answers = await Promise.all(garages.map((ids) => store.latestMany(ids)));

    // Each caller gets its own vehicles only, at their newest version.
    expect(answers.map((a) => [...a.keys()].sort())).toEqual(garages);
    expect(answers[1]!.get('garage-1-b')?.version).toBe(2);
    expect(answers[0]!.get('garage-0-a')?.version).toBe(1);
    const reads = queries.filter((q) => q.command === 'find');
    expect(reads.map((q) => q.collection)).toEqual([
      VehicleStateStore.headsCollection,
      VehicleStateStore.versionsCollection,
    ]);
  });
});
