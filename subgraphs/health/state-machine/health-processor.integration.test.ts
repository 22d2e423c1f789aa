import { InProcessEventBus } from '../../../platform/events/in-process.js';
import { itServesEveryQueryFromAnIndex, recordQueries } from '../../../test/indexed-queries.js';
import { useScratchDatabase } from '../../../test/scratch-database.js';
import { waitFor } from '../../../test/wait-for.js';
import { HEALTH_ALERTS, type HealthAlertEvent } from '../alerts/alert-events.js';
import { AlertEvents } from '../alerts/alert-events.js';
import { AlertOutboxStore, outboxKey } from '../alerts/alert-outbox.store.js';
import { AlertRelay } from '../alerts/alert-relay.js';
import { HEALTH_INDEXES } from '../declared-indexes.js';
import { HealthMetrics } from '../health-metrics.js';
import { AlertStore } from '../alerts/alert.store.js';
import { SnapshotStore } from '../scoring/snapshot.store.js';
import { silentLogger } from '../testing/fakes.js';
import { rounds } from '../testing/readings.js';
import { HealthProcessor } from './health-processor.js';
import { PRUNE_EVERY, VehicleStateStore, VERSIONS_KEPT } from './vehicle-state.store.js';

let states: VehicleStateStore;
let alerts: AlertStore;
let snapshots: SnapshotStore;
let outbox: AlertOutboxStore;

/** A bus whose broker can be taken down: publish and append fail meanwhile. */
class FlakyBus extends InProcessEventBus {
  down = false;
  override publish<T>(topic: string, payload: T): Promise<void> {
    return this.down ? Promise.reject(new Error('bus down')) : super.publish(topic, payload);
  }
  override append<T>(stream: string, payload: T): Promise<string> {
    return this.down ? Promise.reject(new Error('bus down')) : super.append(stream, payload);
  }
}
const bus = new FlakyBus();
const published: HealthAlertEvent[] = [];
const db = useScratchDatabase('health_processor', { beforeDrop: () => bus.close(), monitorCommands: true });
const recorder = recordQueries(db);

beforeAll(async () => {
  states = new VehicleStateStore(db());
  alerts = new AlertStore(db());
  snapshots = new SnapshotStore(db());
  outbox = new AlertOutboxStore(db());
  await Promise.all([states.init(), alerts.init(), snapshots.init(), outbox.init()]);
  bus.subscribe<HealthAlertEvent>(HEALTH_ALERTS, (e) => void published.push(e));
});

const processor = (afterCommit?: (vehicleId: string, version: number) => Promise<void>) =>
  new HealthProcessor({
    states,
    alerts,
    snapshots,
    events: events(),
    afterCommit,
  });
const metrics = new HealthMetrics();
const events = () => new AlertEvents(bus, outbox, alerts, silentLogger, undefined, metrics);
const alertEventCount = async (status: string, delivery: string) =>
  (await metrics.alertEvents.get()).values.find((v) => v.labels.status === status && v.labels.delivery === delivery)
    ?.value ?? 0;
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

  it("folds a vehicle's backlog into one version: one commit, the same state and alerts as one event at a time", async () => {
    const inputs = Array.from({ length: 6 }, (_, i) => ({ eventKey: `e${i}`, input: overheat(i * 60, i * 60 + 55) }));
    const cool = {
      eventKey: 'cool',
      input: { kind: 'readings' as const, readings: rounds(400, 600, 5, { rpm: 2000, coolant: 90 }) },
    };
    const oneByOne = processor();
    for (const { eventKey, input } of [...inputs, cool]) await oneByOne.apply('b1', eventKey, input);

    const versions = db().collection('vehicle_state_versions');
    const before = await versions.countDocuments({ vehicleId: 'b2' });
    expect(await processor().applyMany('b2', [...inputs, cool])).toEqual(Array(7).fill('applied'));
    expect(await versions.countDocuments({ vehicleId: 'b2' })).toBe(before + 1);
    const [one, many] = [(await states.latest('b1'))!, (await states.latest('b2'))!];
    expect(many).toMatchObject({ version: 1, eventKey: 'cool' });
    expect({ ...many.state, vehicleId: 'b1' }).toEqual(one.state);
    const history = async (v: string) =>
      (await alerts.forVehicle(v)).map((a) => ({ rule: a.rule, status: a.status, history: a.history.length }));
    expect(await history('b2')).toEqual(await history('b1'));
    expect(await history('b2')).toEqual([expect.objectContaining({ status: 'RESOLVED' })]);
    expect(openedFor('b2')).toHaveLength(1);

    // A redelivered backlog (some keys new) applies only the new ones, again as one version.
    expect(await processor().applyMany('b2', [inputs[5], { eventKey: 'e6', input: overheat(700, 755) }])).toEqual([
      'duplicate',
      'applied',
    ]);
    expect((await states.latest('b2'))!.version).toBe(2);
    expect(await processor().applyMany('b2', [inputs[0], cool])).toEqual(['duplicate', 'duplicate']);
    expect((await states.latest('b2'))!.version).toBe(2);
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
    const heads = db().collection<{ _id: string; version: number }>('vehicle_states');
    await heads.updateOne({ _id: 'p5' }, { $set: { version: 2 } });
    expect((await states.latest('p5'))!.version).toBe(4);
    expect(await p.apply('p5', 'e4', overheat(240, 295))).toBe('applied');
    expect((await states.latest('p5'))!.state.applied).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);

    await db()
      .collection<{ _id: string }>('vehicle_state_versions')
      .deleteMany({ _id: { $in: ['p5:1', 'p5:2'] } });
    await heads.updateOne({ _id: 'p5' }, { $set: { version: 1 } });
    expect((await states.latest('p5'))!.version).toBe(5);
  });

  it('keeps only the newest versions of a busy vehicle', async () => {
    const p = processor();
    for (let i = 0; i < PRUNE_EVERY; i++) await p.apply('p4', `e${i}`, overheat(i * 10, i * 10 + 5));
    const count = () => db().collection('vehicle_state_versions').countDocuments({ vehicleId: 'p4' });
    // Old versions are deleted off the event's path, every PRUNE_EVERY versions.
    await waitFor(async () => (await count()) === VERSIONS_KEPT + 1, 'the old versions to go');
    expect((await states.latest('p4'))!.version).toBe(PRUNE_EVERY);
  });

  it('sends an alert event the bus refused once the bus is back, through the outbox relay', async () => {
    bus.down = true;
    await processor().apply('p6', 'e1', overheat(0, 60));
    expect(await alerts.forVehicle('p6')).toHaveLength(1);
    expect(openedFor('p6')).toHaveLength(0);
    const relay = new AlertRelay(outbox, events(), silentLogger, { graceMs: 0 });
    // Still down: the relay sends nothing and keeps the entry.
    expect(await relay.runOnce()).toBe(0);
    bus.down = false;
    expect(await relay.runOnce()).toBe(1);
    expect(openedFor('p6')).toEqual([expect.objectContaining({ id: 'p6:coolant-overheat:1', status: 'OPEN' })]);
    // Sent once: the next pass finds nothing, and a replay of the effect does not send it again.
    expect(await relay.runOnce()).toBe(0);
    await events().transitioned('p6:coolant-overheat:1', 'OPEN', null);
    expect(openedFor('p6')).toHaveLength(1);
    // Refused twice while down (the direct send, the relay's first pass), then relayed once.
    expect(await alertEventCount('OPEN', 'deferred')).toBe(2);
    expect(await alertEventCount('OPEN', 'relay')).toBe(1);
  });

  it('announces a transition that a writer stored but died before queueing', async () => {
    await processor().apply('p7', 'e1', overheat(0, 60));
    await db()
      .collection<{ _id: string }>('alert_outbox')
      .deleteOne({ _id: outboxKey('p7:coolant-overheat:1', 'OPEN') });
    published.length = 0;
    await events().transitioned('p7:coolant-overheat:1', 'OPEN', null);
    expect(openedFor('p7')).toHaveLength(1);
    // A transition that never happened is not announced.
    await events().transitioned('p7:coolant-overheat:1', 'RESOLVED', null);
    expect(published.filter((e) => e.vehicleId === 'p7' && e.status === 'RESOLVED')).toHaveLength(0);
  });

  it('orders an acknowledgement racing the resolution on another instance: the alert ends RESOLVED, acknowledged', async () => {
    await processor().apply('p8', 'hot', overheat(0, 60));
    const id = 'p8:coolant-overheat:1';
    const cool = { kind: 'readings' as const, readings: rounds(65, 200, 5, { rpm: 2000, coolant: 90 }) };
    const ack = { kind: 'acknowledge' as const, rule: 'coolant-overheat', number: 1, by: 'owner', at: 100_000 };
    await Promise.all([processor().apply('p8', 'cool', cool), processor().apply('p8', `acknowledge:${id}`, ack)]);
    const alert = (await alerts.findById(id))!;
    expect(alert.status).toBe('RESOLVED');
    const statuses = alert.history.map((h) => h.status);
    // Either order is right, as long as neither change is lost: acknowledged first, or not at all once resolved.
    expect([
      ['OPEN', 'ACKNOWLEDGED', 'RESOLVED'],
      ['OPEN', 'RESOLVED'],
    ]).toContainEqual(statuses);
    const latest = (await states.latest('p8'))!;
    expect(latest.state.rules['coolant-overheat'].acknowledged === 1).toBe(statuses.includes('ACKNOWLEDGED'));
  });
});

itServesEveryQueryFromAnIndex(recorder, () => {
  const { service_records: _records, vehicle_profiles: _profiles, ...used } = HEALTH_INDEXES;
  return used;
});
