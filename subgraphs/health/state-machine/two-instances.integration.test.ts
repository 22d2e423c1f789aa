import { InMemoryBroker } from '../../../platform/events/in-memory-broker.js';
import { InProcessEventBus } from '../../../platform/events/in-process.js';
import type { Subgraph } from '../../../platform/subgraph/serve-subgraph.js';
import { useScratchDatabase } from '../../../test/scratch-database.js';
import { waitFor } from '../../../test/wait-for.js';
import { TELEMETRY_READINGS, type TelemetryReadingsEvent } from '../../telemetry/contract.js';
import { HEALTH_ALERTS, type HealthAlertEvent } from '../alerts/alert-events.js';
import type { AfterCommit } from './health-processor.js';
import { createHealthSubgraph } from '../index.js';
import { FakeAccess, FakeDirectory, silentLogger } from '../testing/fakes.js';
import { at, rounds } from '../testing/readings.js';

/**
 * Two health instances (each its own bus, as two processes would have) share one broker and one
 * database, and consume one stream in the `health` group.
 */
const broker = new InMemoryBroker();
const buses: InProcessEventBus[] = [];
const instances: Subgraph[] = [];
let release: () => void = () => undefined;
const db = useScratchDatabase('health_two', {
  beforeDrop: async () => {
    release();
    await Promise.all(instances.map((i) => i.stop?.()));
    await Promise.all(buses.map((b) => b.close()));
  },
});

const newBus = () => {
  const bus = new InProcessEventBus(undefined, { broker });
  buses.push(bus);
  return bus;
};

async function startInstance(name: string, afterCommit?: AfterCommit) {
  const instance = await createHealthSubgraph({
    db: db(),
    bus: newBus(),
    logger: silentLogger,
    access: new FakeAccess(),
    directory: new FakeDirectory(),
    settings: {
      retentionDays: 730,
      retentionIntervalMinutes: 60,
      consumer: { name, batchSize: 8, claimIdleMs: 300, concurrency: 4, blockMs: 50, stopTimeoutMs: 200 },
    },
    afterCommit,
  });
  instances.push(instance);
  return instance;
}

const VEHICLES = Array.from({ length: 8 }, (_, i) => `veh${i}`);
/** Each vehicle overheats for ten minutes, uploaded a minute at a time. */
function overheatEvents(): TelemetryReadingsEvent[] {
  const events: TelemetryReadingsEvent[] = [];
  for (let minute = 0; minute < 10; minute++) {
    for (const vehicleId of VEHICLES) {
      const readings = rounds(minute * 60, minute * 60 + 55, 5, { rpm: 2200, coolant: 120 });
      events.push({ vehicleId, recordedAt: new Date(at(minute * 60 + 55)).toISOString(), readings });
    }
  }
  return events;
}

describe('two health instances consuming one stream', () => {
  it('raise each alert exactly once, and lose none when one of them dies mid-stream', async () => {
    const producer = newBus();
    const opened: HealthAlertEvent[] = [];
    producer.subscribe<HealthAlertEvent>(HEALTH_ALERTS, (e) => void (e.status === 'OPEN' && opened.push(e)));

    let opening = 0;
    let diedOn: string | null = null;
    // Instance A dies right after committing the third version that opens an alert: the state
    // is stored, the alert is not created yet, and the events A had read stay unacknowledged.
    // B starts once A has died, so that A surely gets that far (two instances racing for every
    // vehicle could leave A none to open); it takes over what A held and the rest of the stream.
    await startInstance('a', (vehicleId, _version, effects) => {
      if (diedOn || !effects.some((e) => e.kind === 'open-alert') || ++opening < 3) return Promise.resolve();
      diedOn = vehicleId;
      return new Promise<void>((resolve) => (release = resolve));
    });

    const events = overheatEvents();
    for (const event of events) await producer.append(TELEMETRY_READINGS, event);
    await waitFor(() => diedOn !== null, 'instance A to die mid-stream');
    await startInstance('b');

    const states = db().collection('vehicle_state_versions');
    const allApplied = async () => {
      for (const vehicleId of VEHICLES) {
        const latest = await states.find({ vehicleId }).sort({ version: -1 }).limit(1).next();
        if (latest?.state.applied.length !== 10) return false;
      }
      return true;
    };
    await waitFor(allApplied, 'every event to be applied', 30_000);
    await waitFor(
      async () => (await db().collection('alerts').countDocuments()) === VEHICLES.length,
      'an alert per vehicle',
      10_000,
    );

    expect(diedOn).not.toBeNull();
    const stored = await db().collection('alerts').find().sort({ _id: 1 }).toArray();
    expect(stored.map((a) => a._id)).toEqual(VEHICLES.map((v) => `${v}:coolant-overheat:1`));
    expect(stored.every((a) => a.severity === 'CRITICAL' && a.status === 'OPEN')).toBe(true);
    await waitFor(() => opened.length >= VEHICLES.length, 'every alert to be published');
    expect(opened.map((e) => e.id).sort()).toEqual(stored.map((a) => a._id));
    // The alert A committed but never created was created by B, once.
    expect(opened.filter((e) => e.vehicleId === diedOn)).toHaveLength(1);
  });
});
