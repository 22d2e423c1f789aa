import { MongoClient, ObjectId, type Db } from 'mongodb';
import { InProcessEventBus } from '../../../platform/events/in-process.js';
import { waitFor } from '../../../test/wait-for.js';
import { HEALTH_ALERTS, type HealthAlertEvent } from '../alerts/alert-events.js';
import { AlertEvents } from '../alerts/alert-events.js';
import { AlertStore } from '../alerts/alert.store.js';
import { SnapshotStore } from '../scoring/snapshot.store.js';
import { silentLogger } from '../testing/fakes.js';
import { rounds } from '../testing/readings.js';
import { HealthProcessor } from './health-processor.js';
import { PRUNE_EVERY, VehicleStateStore, VERSIONS_KEPT } from './vehicle-state.store.js';

let client: MongoClient;
let db: Db;
let states: VehicleStateStore;
let alerts: AlertStore;
let snapshots: SnapshotStore;
const bus = new InProcessEventBus();
const published: HealthAlertEvent[] = [];

beforeAll(async () => {
  client = await MongoClient.connect(process.env.MONGODB_URI!);
  db = client.db(`health_processor_${new ObjectId().toHexString()}`);
  states = new VehicleStateStore(db);
  alerts = new AlertStore(db);
  snapshots = new SnapshotStore(db);
  await Promise.all([states.init(), alerts.init(), snapshots.init()]);
  bus.subscribe<HealthAlertEvent>(HEALTH_ALERTS, (e) => void published.push(e));
});
afterAll(async () => {
  await bus.close();
  await db.dropDatabase();
  await client.close();
});

const processor = (afterCommit?: (vehicleId: string, version: number) => Promise<void>) =>
  new HealthProcessor({
    states,
    alerts,
    snapshots,
    events: new AlertEvents(bus, silentLogger),
    afterCommit,
  });
const overheat = (from: number, to: number) => ({
  kind: 'readings' as const,
  readings: rounds(from, to, 5, { rpm: 2000, coolant: 120 }),
});
const openedFor = (vehicleId: string) => published.filter((e) => e.vehicleId === vehicleId && e.status === 'OPEN');

describe('HealthProcessor (real database)', () => {
  it('applies an event once: a redelivery of the same key changes nothing and publishes nothing', async () => {
    const p = processor();
    expect(await p.apply('p1', 'telemetry.readings:1-0', overheat(0, 60))).toBe('applied');
    expect(await p.apply('p1', 'telemetry.readings:1-0', overheat(0, 60))).toBe('duplicate');
    const latest = await states.latest('p1');
    expect(latest).toMatchObject({ version: 1, eventKey: 'telemetry.readings:1-0' });
    expect(await states.latestOf(['p1', 'nobody'])).toEqual(new Map([['p1', latest]]));
    expect(await alerts.forVehicle('p1')).toHaveLength(1);
    expect(openedFor('p1')).toHaveLength(1);
  });

  it('finishes the effects of a writer that died between committing and carrying them out', async () => {
    let dieAt: number | null = 1;
    const dying = processor(async (_vehicle, version) => {
      if (version === dieAt) throw new Error('process died');
    });
    await expect(dying.apply('p2', 'e1', overheat(0, 60))).rejects.toThrow('process died');
    expect(await alerts.forVehicle('p2')).toHaveLength(0);
    // The event comes back (redelivery) to a healthy instance: the alert appears, once.
    dieAt = null;
    expect(await processor().apply('p2', 'e1', overheat(0, 60))).toBe('duplicate');
    expect((await alerts.forVehicle('p2')).map((a) => a._id)).toEqual(['p2:coolant-overheat:1']);
    expect(openedFor('p2')).toHaveLength(1);
  });

  it('lets concurrent writers of one vehicle each commit once, in some order, without a duplicate alert', async () => {
    const [a, b, c] = [processor(), processor(), processor()];
    const batches = Array.from({ length: 12 }, (_, i) => overheat(i * 60, i * 60 + 55));
    await Promise.all(batches.map((batch, i) => [a, b, c][i % 3].apply('p3', `e${i}`, batch)));
    const latest = await states.latest('p3');
    expect(latest!.version).toBe(12);
    expect([...latest!.state.applied].sort()).toEqual(batches.map((_, i) => `e${i}`).sort());
    expect(await alerts.forVehicle('p3')).toHaveLength(1);
    expect(openedFor('p3')).toHaveLength(1);
  });

  it('finds the newest version past a head that lags, or that names a pruned version', async () => {
    const p = processor();
    for (let i = 0; i < 4; i++) await p.apply('p5', `e${i}`, overheat(i * 60, i * 60 + 55));
    const heads = db.collection<{ _id: string; version: number }>('vehicle_states');
    await heads.updateOne({ _id: 'p5' }, { $set: { version: 2 } });
    expect((await states.latest('p5'))!.version).toBe(4);
    expect(await p.apply('p5', 'e4', overheat(240, 295))).toBe('applied');
    expect((await states.latest('p5'))!.state.applied).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);

    await db.collection<{ _id: string }>('vehicle_state_versions').deleteMany({ _id: { $in: ['p5:1', 'p5:2'] } });
    await heads.updateOne({ _id: 'p5' }, { $set: { version: 1 } });
    expect((await states.latest('p5'))!.version).toBe(5);
  });

  it('keeps only the newest versions of a busy vehicle', async () => {
    const p = processor();
    for (let i = 0; i < PRUNE_EVERY; i++) await p.apply('p4', `e${i}`, overheat(i * 10, i * 10 + 5));
    const count = () => db.collection('vehicle_state_versions').countDocuments({ vehicleId: 'p4' });
    // Old versions are deleted off the event's path, every PRUNE_EVERY versions.
    await waitFor(async () => (await count()) === VERSIONS_KEPT + 1, 'the old versions to go');
    expect((await states.latest('p4'))!.version).toBe(PRUNE_EVERY);
  });
});
