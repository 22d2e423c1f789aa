import { deadLetterStream, type DeadLetter } from '../../../platform/events/bus.js';
import { InProcessEventBus } from '../../../platform/events/in-process.js';
import { useScratchDatabase } from '../../../test/scratch-database.js';
import { waitFor } from '../../../test/wait-for.js';
import { AlertEvents, HEALTH_COMMANDS } from '../alerts/alert-events.js';
import { AlertOutboxStore } from '../alerts/alert-outbox.store.js';
import { AlertStore } from '../alerts/alert.store.js';
import { SnapshotStore } from '../scoring/snapshot.store.js';
import { silentLogger } from '../testing/fakes.js';
import { at, rounds } from '../testing/readings.js';
import type { HealthCommand } from './health-commands.js';
import { HealthProcessor, type ApplyOutcome } from './health-processor.js';
import type { HealthInput } from './reduce.js';
import { TelemetryConsumer } from './telemetry-consumer.js';
import { VehicleStateStore } from './vehicle-state.store.js';

/** The processor, telling which inputs it applied, skipped as duplicates or had no vehicle for. */
class RecordingProcessor extends HealthProcessor {
  readonly outcomes: Array<{ key: string; outcome: ApplyOutcome }> = [];
  override async apply(vehicleId: string, eventKey: string, input: HealthInput): Promise<ApplyOutcome> {
    const outcome = await super.apply(vehicleId, eventKey, input);
    this.outcomes.push({ key: eventKey, outcome });
    return outcome;
  }
}

const bus = new InProcessEventBus();
let consumer: TelemetryConsumer;
const db = useScratchDatabase('health_commands', {
  beforeDrop: async () => {
    await consumer?.stop();
    await bus.close();
  },
});

let states: VehicleStateStore;
let snapshots: SnapshotStore;
let processor: RecordingProcessor;
/** Fails the commit of one vehicle's version once (the process "dies" before its effects). */
let failOnce: { vehicleId: string; version: number } | null = null;

beforeAll(async () => {
  states = new VehicleStateStore(db());
  snapshots = new SnapshotStore(db());
  const alerts = new AlertStore(db());
  const outbox = new AlertOutboxStore(db());
  await Promise.all([states.init(), snapshots.init(), alerts.init(), outbox.init()]);
  processor = new RecordingProcessor({
    states,
    alerts,
    snapshots,
    events: new AlertEvents(bus, outbox, alerts, silentLogger),
    afterCommit: async (vehicleId, version) => {
      if (failOnce?.vehicleId !== vehicleId || failOnce.version !== version) return;
      failOnce = null;
      throw new Error('process died');
    },
  });
  consumer = new TelemetryConsumer(bus, processor, silentLogger, {
    name: 'test',
    batchSize: 8,
    claimIdleMs: 200,
    concurrency: 4,
    blockMs: 20,
    stopTimeoutMs: 200,
  });
  await consumer.start();
  // Two vehicles health has seen, on 2 June.
  for (const vehicleId of ['known1', 'known2'])
    await processor.apply(vehicleId, `telemetry:${vehicleId}`, {
      kind: 'readings',
      readings: rounds(0, 60, 5, { rpm: 900, coolant: 90 }),
    });
});

const DAY_MS = 86_400_000;
const recompute = (decisionId: string, time: number, vehicleIds = ['known1', 'known2', 'never-seen']) =>
  bus.append<HealthCommand>(HEALTH_COMMANDS, {
    kind: 'recompute',
    vehicleIds,
    decisionId,
    at: new Date(time).toISOString(),
  });
const days = (vehicleId: string) => snapshots.between(vehicleId, '2025-06-01', '2025-06-30');
const version = async (vehicleId: string) => (await states.latest(vehicleId))?.version ?? 0;
const outcomesOf = (decisionId: string) =>
  processor.outcomes.filter((o) => o.key.startsWith(`recompute:${decisionId}:`)).map((o) => `${o.key} ${o.outcome}`);

describe('recompute commands on health.commands (real database)', () => {
  it('write one new snapshot per known vehicle, as of the command, and skip vehicles health never saw', async () => {
    expect((await days('known1')).map((d) => d.day)).toEqual(['2025-06-02']);
    await recompute('d1', at(0) + DAY_MS);
    await waitFor(() => outcomesOf('d1').length === 3, 'the command');
    expect(outcomesOf('d1').sort()).toEqual([
      'recompute:d1:known1 applied',
      'recompute:d1:known2 applied',
      'recompute:d1:never-seen unknown-vehicle',
    ]);
    for (const vehicleId of ['known1', 'known2']) {
      const history = await days(vehicleId);
      expect(history.map((d) => [d.day, d.at.getTime()])).toEqual([
        ['2025-06-02', at(60)],
        ['2025-06-03', at(0) + DAY_MS],
      ]);
      expect(await version(vehicleId)).toBe(2);
    }
    expect(await states.latest('never-seen')).toBeNull();
    expect(await days('never-seen')).toEqual([]);
  });

  it('change nothing when the same decision arrives again', async () => {
    await recompute('d1', at(0) + DAY_MS + 60_000);
    await waitFor(() => outcomesOf('d1').length === 6, 'the second delivery');
    expect(outcomesOf('d1').slice(3).sort()).toEqual([
      'recompute:d1:known1 duplicate',
      'recompute:d1:known2 duplicate',
      'recompute:d1:never-seen unknown-vehicle',
    ]);
    expect(await version('known1')).toBe(2);
    expect((await days('known1')).map((d) => d.at.getTime())).toEqual([at(60), at(0) + DAY_MS]);
  });

  it('finish a command whose handling failed half-way when it is delivered again, applying each vehicle once', async () => {
    failOnce = { vehicleId: 'known2', version: 3 };
    const later = at(0) + DAY_MS + 3_600_000;
    await recompute('d2', later, ['known1', 'known2']);
    await waitFor(() => outcomesOf('d2').includes('recompute:d2:known2 duplicate'), 'the redelivery');
    expect(outcomesOf('d2').filter((o) => o.endsWith('applied'))).toEqual(['recompute:d2:known1 applied']);
    for (const vehicleId of ['known1', 'known2']) {
      expect(await version(vehicleId)).toBe(3);
      // The same day: its snapshot is replaced.
      expect((await days(vehicleId)).map((d) => [d.day, d.at.getTime()])).toEqual([
        ['2025-06-02', at(60)],
        ['2025-06-03', later],
      ]);
    }
  });

  it('move commands that break the contract to the dead-letter stream (invalid), applying nothing', async () => {
    const before = processor.outcomes.length;
    const bad = [
      { kind: 'recalculate', vehicleIds: ['known1'], decisionId: 'd3', at: new Date(at(0) + 2 * DAY_MS).toISOString() },
      { kind: 'recompute', vehicleIds: ['known1', 'not an id'], decisionId: 'd3', at: new Date().toISOString() },
    ];
    const ids = await Promise.all(bad.map((payload) => bus.append(HEALTH_COMMANDS, payload)));
    const dead: DeadLetter[] = [];
    bus.consume<DeadLetter>(deadLetterStream(HEALTH_COMMANDS), 'test', 'c', (e) => void dead.push(e.payload), {
      blockMs: 50,
    });
    await waitFor(() => dead.length === 2, 'both to be dead-lettered');
    expect(dead.map((d) => [d.id, d.group, d.reason])).toEqual(ids.map((id) => [id, 'health', 'invalid']));
    expect(processor.outcomes.length).toBe(before);
    expect(await version('known1')).toBe(3);
    expect(await days('known1')).toHaveLength(2);
  });
});
