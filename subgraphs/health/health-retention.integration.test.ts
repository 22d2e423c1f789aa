import { ObjectId } from 'mongodb';
import { InProcessEventBus } from '../../platform/events/in-process.js';
import type { Subgraph } from '../../platform/subgraph/serve-subgraph.js';
import { useScratchDatabase } from '../../test/scratch-database.js';
import { waitFor } from '../../test/wait-for.js';
import { AlertStore } from './alerts/alert.store.js';
import { createHealthSubgraph } from './index.js';
import { ServiceRecordStore } from './maintenance/service-record.store.js';
import { DAY_MS } from './parts/part.js';
import { SnapshotStore } from './scoring/snapshot.store.js';
import { FakeAccess, FakeDirectory, silentLogger } from './testing/fakes.js';
import { openedAlert, snapshotAt } from './testing/records.js';

const NOW = Date.UTC(2025, 5, 2, 12);
const LONG_AGO = NOW - 1000 * DAY_MS;
const V1 = new ObjectId().toHexString();

let subgraph: Subgraph | undefined;
const bus = new InProcessEventBus();
const db = useScratchDatabase('health_retention', {
  beforeDrop: async () => {
    await subgraph?.stop?.();
    await bus.close();
  },
});

describe('health retention', () => {
  it('deletes old snapshots and old resolved alerts once started, even on a query-only instance, and keeps the rest', async () => {
    const alerts = new AlertStore(db());
    const snapshots = new SnapshotStore(db());
    const records = new ServiceRecordStore(db());
    await alerts.insertOpened(openedAlert('resolved', V1, LONG_AGO));
    await alerts.resolve('resolved', new Date(LONG_AGO + DAY_MS));
    await alerts.insertOpened(openedAlert('open', V1, LONG_AGO));
    await snapshots.record(snapshotAt(V1, LONG_AGO));
    await snapshots.record(snapshotAt(V1, NOW - DAY_MS));
    const serviceAt = new Date(LONG_AGO);
    await records.insert({
      _id: new ObjectId(),
      vehicleId: V1,
      kind: 'OIL_CHANGE',
      at: serviceAt,
      odometerKm: 40_000,
      recordedBy: 'owner',
      recordedAt: serviceAt,
    });

    subgraph = await createHealthSubgraph({
      db: db(),
      bus,
      logger: silentLogger,
      access: new FakeAccess(),
      directory: new FakeDirectory(),
      clock: () => new Date(NOW),
      settings: {
        retentionDays: 730,
        retentionIntervalMinutes: 60,
        consumer: { enabled: false, batchSize: 16, claimIdleMs: 1000, concurrency: 4 },
      },
    });

    const days = () => snapshots.between(V1, '2000-01-01', '2100-01-01');
    await waitFor(async () => (await alerts.findById('resolved')) === null, 'the old resolved alert to go');
    await waitFor(async () => (await days()).length === 1, 'the old snapshot to go');
    expect((await days())[0]?.at).toEqual(new Date(NOW - DAY_MS));
    expect(await alerts.findById('open')).toMatchObject({ status: 'OPEN' });
    expect(await records.forVehicle(V1)).toHaveLength(1);
  });
});
