import type { StreamEvent } from '../../platform/events/bus.js';
import { HEALTH_COMMANDS, healthCommandSchema } from '../../subgraphs/health/contract.js';
import { waitFor } from '../../test/wait-for.js';
import { getAction } from '../actions/catalogue.js';
import { ManualClock } from '../clock.js';
import { ArmStore } from '../learning/arm.store.js';
import { SeenAlertStore } from '../signals/seen-alert.store.js';
import { VehicleRegistry } from '../signals/vehicle-registry.store.js';
import { healthAlert } from '../testing/health-alert.js';
import { newBus, startAgents, testDatabase, type TestAgents, type TestDatabase } from '../testing/agents-harness.js';
import { recomputeHealthEffect } from './recompute-health.effect.js';

let database: TestDatabase;
let vehicles: VehicleRegistry;
let alerts: SeenAlertStore;
beforeEach(async () => {
  database = await testDatabase();
  vehicles = new VehicleRegistry(database.db);
  await vehicles.init();
  alerts = new SeenAlertStore(database.db);
  await alerts.init();
});
afterEach(async () => database.drop());

const now = new Date('2030-03-04T07:00:00Z');
/** What reaches the health group on the command stream. */
function commandsOn(bus: ReturnType<typeof newBus>) {
  const seen: StreamEvent<unknown>[] = [];
  const consumer = bus.consume(HEALTH_COMMANDS, 'health', 'test', (e) => void seen.push(e), { blockMs: 20 });
  return { seen, consumer };
}

describe('recompute_vehicle_health', () => {
  it('aims only at the vehicles with an open critical alert, not at the whole fleet', async () => {
    const effect = recomputeHealthEffect(newBus(), alerts);
    await vehicles.added('veh2', 'owner', now);
    await vehicles.added('veh1', 'owner', now);
    await vehicles.added('quiet', 'owner', now);
    expect(await effect.targets()).toEqual({});
    await alerts.record(healthAlert('a1', 'veh2', 'CRITICAL'), now);
    await alerts.record(healthAlert('a2', 'veh1', 'CRITICAL'), now);
    await alerts.record(healthAlert('a3', 'quiet', 'LOW'), now);
    await alerts.record(healthAlert('a4', 'fixed', 'CRITICAL', ['OPEN', 'RESOLVED']), now);
    expect(await effect.targets()).toEqual({ vehicleIds: ['veh1', 'veh2'] });
    expect(await effect.refuse({ vehicleIds: ['veh1', 'quiet'] })).toMatch(
      /1 vehicle\(s\) without an open critical alert/,
    );
    expect(await effect.refuse({ vehicleIds: ['veh1'] })).toBeNull();
  });

  it('refuses no vehicles, or more than one command may carry', async () => {
    const effect = recomputeHealthEffect(newBus(), alerts);
    expect(await effect.refuse({ vehicleIds: [] })).toMatch(/no vehicles/);
    const many = Array.from({ length: 501 }, (_, i) => `v${i}`);
    expect(await effect.refuse({ vehicleIds: many })).toMatch(/at most 500/);
  });

  it('appends one command that health reads, and has nothing to undo', async () => {
    const bus = newBus();
    const { seen, consumer } = commandsOn(bus);
    await consumer.ready;
    const effect = recomputeHealthEffect(bus, alerts);
    expect(await effect.apply({ vehicleIds: ['veh1', 'veh2'] }, { decisionId: 'd1', now })).toEqual({
      summary: 'recompute requested for 2 vehicles',
      success: true,
    });
    await waitFor(() => seen.length === 1, 'the command');
    expect(seen[0].payload).toEqual({
      kind: 'recompute',
      vehicleIds: ['veh1', 'veh2'],
      decisionId: 'd1',
      at: '2030-03-04T07:00:00.000Z',
    });
    // Health consumes the stream with this schema: a command it would refuse is dead-lettered.
    expect(healthCommandSchema.safeParse(seen[0].payload).success).toBe(true);
    expect(getAction('recompute_vehicle_health').reversible).toBe(false);
    expect(effect.revert).toBeUndefined();
    await consumer.stop();
    await bus.close();
  });
});

describe('recompute_vehicle_health in the loop', () => {
  let a: TestAgents;
  afterEach(async () => a?.stop());

  it('is an option of the morning routine once a vehicle has a critical alert, and carried out when chosen', async () => {
    const clock = new ManualClock(Date.parse('2030-03-04T06:59:00Z'));
    a = await startAgents(database.db, { clock });
    const { seen, consumer } = commandsOn(a.bus);
    await consumer.ready;
    await vehicles.added('veh1', 'owner', now);
    await vehicles.added('veh2', 'owner', now);
    await alerts.record(healthAlert('a1', 'veh1', 'CRITICAL'), now);
    // What the team has learnt: index checks never helped in the morning, so recomputing wins the draw.
    const arms = new ArmStore(database.db);
    for (let i = 0; i < 30; i++) {
      await arms.record('morning_routine', 'check_database_indexes', false, now);
      await arms.record('morning_routine', 'recompute_vehicle_health', true, now);
    }
    await a.agents.loop.tickNow();
    clock.advance(2 * 60_000);
    const decision = (await a.agents.loop.tickNow())!.decisions.find((d) => d.trigger.kind === 'morning_routine')!;
    expect(decision.options.map((o) => o.action).sort()).toEqual([
      'check_database_indexes',
      'recompute_vehicle_health',
    ]);
    expect(decision).toMatchObject({
      action: 'recompute_vehicle_health',
      parameters: { vehicleIds: ['veh1'] },
      status: 'EXECUTED',
      execution: { summary: 'recompute requested for 1 vehicle', success: true },
    });
    await waitFor(() => seen.length === 1, 'the command');
    expect(seen[0].payload).toMatchObject({ decisionId: decision._id.toHexString(), vehicleIds: ['veh1'] });
    await consumer.stop();
  });
});
