import { parse, subscribe, type ExecutionResult } from 'graphql';
import { ObjectId } from 'mongodb';
import type { Viewer } from '../../platform/auth/viewer.js';
import { InProcessEventBus } from '../../platform/events/in-process.js';
import type { Subgraph } from '../../platform/subgraph/serve-subgraph.js';
import { itServesEveryQueryFromAnIndex, recordQueries } from '../../test/indexed-queries.js';
import { useScratchDatabase } from '../../test/scratch-database.js';
import { codes, subgraphExecution, viewersOf } from '../../test/subgraph-execution.js';
import { waitFor } from '../../test/wait-for.js';
import { TELEMETRY_DTCS, TELEMETRY_READINGS } from '../telemetry/contract.js';
import { HEALTH_INDEXES } from './declared-indexes.js';
import { createHealthSubgraph } from './index.js';
import { FakeAccess, FakeDirectory, silentLogger } from './testing/fakes.js';
import { at, rounds } from './testing/readings.js';

const V1 = new ObjectId().toHexString();
const V2 = new ObjectId().toHexString();
const PEERS = Array.from({ length: 4 }, () => new ObjectId().toHexString());
const { OWNER, STRANGER, STAFF, DEVICE, API_KEY } = viewersOf(V1);
const NOW = new Date(at(7200));

let subgraph: Subgraph;
const bus = new InProcessEventBus();
const db = useScratchDatabase('health', {
  beforeDrop: async () => {
    await subgraph.stop?.();
    await bus.close();
  },
  monitorCommands: true,
});
const recorder = recordQueries(db);
const access = new FakeAccess().own(V1, 'owner').own(V2, 'stranger');
const directory = new FakeDirectory().add(V1, 'Toyota', 'Corolla', 2024).add(V2, 'Honda', 'Civic', 2015);
for (const peer of PEERS) {
  access.own(peer, 'someone');
  directory.add(peer, 'Toyota', 'Corolla', 2024);
}

beforeAll(async () => {
  subgraph = await createHealthSubgraph({
    db: db(),
    bus,
    logger: silentLogger,
    access,
    directory,
    clock: () => NOW,
    settings: {
      retentionDays: 730,
      retentionIntervalMinutes: 60,
      consumer: { batchSize: 16, claimIdleMs: 1000, concurrency: 4, blockMs: 50, stopTimeoutMs: 500 },
    },
  });
});

const { contextFor, run } = subgraphExecution(() => subgraph, silentLogger);

/** Vehicle fields as the gateway asks for them: through `_entities`. */
const entity = (fields: string) =>
  `query($id: ID!) { _entities(representations: [{ __typename: "Vehicle", id: $id }]) { ... on Vehicle { ${fields} } } }`;
const ALERTS = entity('alerts { id rule severity status message openedAt vehicle { id } }');
const ACK = `mutation($id: ID!) { acknowledgeAlert(id: $id) { id status acknowledgedAt history { status } } }`;
const RECORD = `mutation($v: ID!, $kind: MaintenanceKind!, $km: Float, $at: DateTime) {
  recordService(vehicleId: $v, kind: $kind, odometerKm: $km, at: $at) { id kind odometerKm at }
}`;

async function overheat(vehicleId: string) {
  await bus.append(TELEMETRY_READINGS, {
    vehicleId,
    recordedAt: new Date(at(120)).toISOString(),
    readings: rounds(0, 120, 5, { rpm: 2400, speed: 80, coolant: 121, voltage: 14.2 }),
  });
}
const alertsOf = async (vehicleId: string) => (await run(STAFF, ALERTS, { id: vehicleId })).data!._entities[0].alerts;

describe('health subgraph resolvers', () => {
  beforeAll(async () => {
    await overheat(V1);
    await overheat(V2);
    await waitFor(
      async () => (await alertsOf(V1)).length === 1 && (await alertsOf(V2)).length === 1,
      'the overheating alerts',
    );
  });

  it("gives the owner their vehicle's health, alerts and report, and refuses another customer with FORBIDDEN", async () => {
    const source = entity(
      'health { score grade parts { part status } } alerts { rule severity status } healthReport { headline safety { verdict } }',
    );
    const mine = await run(OWNER, source, { id: V1 });
    expect(mine.errors).toBeUndefined();
    const [vehicle] = mine.data!._entities;
    expect(vehicle.alerts).toEqual([{ rule: 'coolant-overheat', severity: 'CRITICAL', status: 'OPEN' }]);
    expect(vehicle.health.parts.find((p: any) => p.part === 'COOLING_SYSTEM').status).toBe('CRITICAL');
    expect(vehicle.health.grade).toBe('F');
    expect(vehicle.healthReport.safety.verdict).toBe('NOT_SAFE');

    const theirs = await run(OWNER, source, { id: V2 });
    expect(codes(theirs)).toContain('FORBIDDEN');
    expect(theirs.data?._entities?.[0] ?? null).toBeNull();
  });

  it('lets the owner acknowledge an alert, and refuses another customer, a device and an API key with nothing changed', async () => {
    const [alert] = await alertsOf(V1);
    for (const viewer of [STRANGER, DEVICE, API_KEY]) {
      const refused = await run(viewer, ACK, { id: alert.id });
      expect(codes(refused)).toEqual(['FORBIDDEN']);
    }
    expect((await alertsOf(V1))[0].status).toBe('OPEN');

    const acknowledged = await run(OWNER, ACK, { id: alert.id });
    expect(acknowledged.data!.acknowledgeAlert).toMatchObject({
      id: alert.id,
      status: 'ACKNOWLEDGED',
      history: [{ status: 'OPEN' }, { status: 'ACKNOWLEDGED' }],
    });
    // Again: idempotent.
    expect((await run(OWNER, ACK, { id: alert.id })).data!.acknowledgeAlert.status).toBe('ACKNOWLEDGED');
    // Staff may acknowledge any vehicle's alerts.
    const [other] = await alertsOf(V2);
    expect((await run(STAFF, ACK, { id: other.id })).data!.acknowledgeAlert.status).toBe('ACKNOWLEDGED');
  });

  it('refuses malformed and unknown alert ids with BAD_USER_INPUT and NOT_FOUND', async () => {
    expect(codes(await run(OWNER, ACK, { id: 'not an id' }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await run(OWNER, ACK, { id: `${V1}:coolant-overheat:99` }))).toEqual(['NOT_FOUND']);
    expect(codes(await run(undefined, ACK, { id: `${V1}:coolant-overheat:1` }))).toEqual(['UNAUTHENTICATED']);
  });

  it('lists the fleet for staff only, with pagination', async () => {
    const FLEET = `query($after: String) { fleetAlerts(first: 1, after: $after, severity: CRITICAL) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }`;
    const first = await run(STAFF, FLEET);
    expect(first.data!.fleetAlerts).toMatchObject({ totalCount: 2, pageInfo: { hasNextPage: true } });
    const second = await run(STAFF, FLEET, { after: first.data!.fleetAlerts.pageInfo.endCursor });
    expect(second.data!.fleetAlerts.pageInfo.hasNextPage).toBe(false);
    expect(second.data!.fleetAlerts.edges[0].node.id).not.toBe(first.data!.fleetAlerts.edges[0].node.id);
    expect(codes(await run(OWNER, FLEET))).toEqual(['FORBIDDEN']);
    expect(codes(await run(STAFF, FLEET, { after: '!!' }))).toEqual(['BAD_USER_INPUT']);
  });

  it('counts the fleet`s alerts only for a client that selects totalCount', async () => {
    const counts = () =>
      recorder.queries().filter((q) => q.collection === 'alerts' && q.command === 'aggregate').length;
    const before = counts();
    const page = await run(STAFF, `{ fleetAlerts(first: 1, severity: CRITICAL) { edges { node { id } } } }`);
    expect(page.data!.fleetAlerts.edges).toHaveLength(1);
    expect(counts()).toBe(before);
    const counted = await run(STAFF, `{ fleetAlerts(first: 1, severity: CRITICAL) { totalCount } }`);
    expect(counted.data!.fleetAlerts.totalCount).toBe(2);
    expect(counts()).toBe(before + 1);
  });

  it('records a service, resetting what depends on it, and refuses bad input and strangers without storing anything', async () => {
    const services = () => db().collection('service_records').countDocuments({ vehicleId: V1 });
    expect(codes(await run(OWNER, RECORD, { v: V1, kind: 'OIL_CHANGE', km: -5 }))).toEqual(['BAD_USER_INPUT']);
    expect(
      codes(
        await run(OWNER, RECORD, { v: V1, kind: 'OIL_CHANGE', at: new Date(NOW.getTime() + 86_400_000).toISOString() }),
      ),
    ).toEqual(['BAD_USER_INPUT']);
    expect(codes(await run(OWNER, RECORD, { v: 'x'.repeat(65), kind: 'OIL_CHANGE' }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await run(STRANGER, RECORD, { v: V1, kind: 'OIL_CHANGE' }))).toEqual(['FORBIDDEN']);
    expect(codes(await run(DEVICE, RECORD, { v: V1, kind: 'OIL_CHANGE' }))).toEqual(['FORBIDDEN']);
    expect(await services()).toBe(0);

    const recorded = await run(OWNER, RECORD, { v: V1, kind: 'OIL_CHANGE', km: 31_000 });
    expect(recorded.data!.recordService).toMatchObject({
      kind: 'OIL_CHANGE',
      odometerKm: 31_000,
      at: NOW.toISOString(),
    });
    const plan = await run(
      OWNER,
      entity('maintenance { odometerKm services { kind } schedule { kind dueInKm lastDoneAt urgency reason } }'),
      { id: V1 },
    );
    const maintenance = plan.data!._entities[0].maintenance;
    expect(maintenance.services).toEqual([{ kind: 'OIL_CHANGE' }]);
    expect(maintenance.odometerKm).toBe(31_000);
    const oil = maintenance.schedule.find((s: any) => s.kind === 'OIL_CHANGE');
    // 15,000 km, but oil also ages out in a year: 365 days at the default 40 km a day come first.
    expect(oil).toMatchObject({ lastDoneAt: NOW.toISOString(), dueInKm: 14_600, urgency: 'ROUTINE' });
    expect(maintenance.schedule.find((s: any) => s.kind === 'COOLANT_SERVICE').urgency).toBe('IMMEDIATE');
  });

  it('labels every estimate as one, with its inputs, and compares only with enough similar vehicles', async () => {
    const ESTIMATES = entity(`healthEstimates {
      insurance { isEstimate riskLevel inputs { name value } }
      resale { isEstimate valueChangePercent }
      warranty { isEstimate make modelYear odometerKm items { name covered kmLeft } }
      roadSafety { isEstimate verdict safeToDrive summary }
      similarVehicles { isEstimate sampleSize averageScore summary }
    }`);
    const before = (await run(OWNER, ESTIMATES, { id: V1 })).data!._entities[0].healthEstimates;
    expect(before.insurance.isEstimate && before.resale.isEstimate && before.warranty.isEstimate).toBe(true);
    expect(before.insurance.inputs.map((i: any) => i.name)).toContain('Hard braking per 100 km');
    expect(before.warranty).toMatchObject({ make: 'Toyota', modelYear: 2024, odometerKm: 31_000 });
    expect(before.warranty.items[0]).toMatchObject({ name: 'Basic (bumper to bumper)', covered: true, kmLeft: 29_000 });
    expect(before.roadSafety).toMatchObject({ verdict: 'NOT_SAFE', safeToDrive: false, summary: 'Not safe to drive' });
    expect(before.similarVehicles).toMatchObject({ sampleSize: 0, averageScore: null });

    // Four healthy Corollas of 2024 start reporting.
    for (const peer of PEERS) {
      await bus.append(TELEMETRY_READINGS, {
        vehicleId: peer,
        recordedAt: new Date(at(60)).toISOString(),
        readings: rounds(0, 60, 5, { rpm: 2000, coolant: 90, voltage: 14.2 }),
      });
    }
    await waitFor(
      async () =>
        (await db().collection('vehicle_profiles').countDocuments({ similarKey: 'toyota|corolla|2024' })) === 5,
      'the peer profiles',
    );
    await waitFor(
      async () =>
        (await db()
          .collection<{ _id: string }>('vehicle_states')
          .countDocuments({ _id: { $in: PEERS } })) === 4,
      'the peer states',
    );
    const after = (await run(OWNER, ESTIMATES, { id: V1 })).data!._entities[0].healthEstimates;
    expect(after.similarVehicles).toMatchObject({
      sampleSize: 4,
      summary: expect.stringContaining('Healthier than 0 %'),
    });
    expect(after.similarVehicles.averageScore).toBeGreaterThan(90);
  });

  it('refuses a health history range that is reversed or too long', async () => {
    const HISTORY = entity('healthHistory(from: $from, to: $to) { day score }').replace(
      'query($id: ID!)',
      'query($id: ID!, $from: DateTime!, $to: DateTime!)',
    );
    const ok = await run(OWNER, HISTORY, { id: V1, from: new Date(at(-86_400)).toISOString(), to: NOW.toISOString() });
    expect(ok.data!._entities[0].healthHistory).toEqual([{ day: '2025-06-02', score: expect.any(Number) }]);
    expect(
      codes(await run(OWNER, HISTORY, { id: V1, from: NOW.toISOString(), to: new Date(at(0)).toISOString() })),
    ).toEqual(['BAD_USER_INPUT']);
    expect(codes(await run(OWNER, HISTORY, { id: V1, from: '2020-01-01T00:00:00Z', to: NOW.toISOString() }))).toEqual([
      'BAD_USER_INPUT',
    ]);
  });

  it('resolves the misfire alert when the codes are cleared', async () => {
    await bus.append(TELEMETRY_DTCS, {
      vehicleId: V2,
      codes: ['P0301'],
      mode: 'confirmed',
      recordedAt: new Date(at(200)).toISOString(),
    });
    await waitFor(
      async () => (await alertsOf(V2)).some((a: any) => a.rule === 'ignition-misfire'),
      'the misfire alert',
    );
    await bus.append(TELEMETRY_DTCS, {
      vehicleId: V2,
      codes: ['P0301'],
      mode: 'cleared',
      recordedAt: new Date(at(300)).toISOString(),
    });
    await waitFor(
      async () => (await alertsOf(V2)).some((a: any) => a.rule === 'ignition-misfire' && a.status === 'RESOLVED'),
      'the misfire alert to resolve',
    );
  });
});

describe('healthAlerts subscription (in the subgraph)', () => {
  const SUB = `subscription($v: ID) { healthAlerts(vehicleId: $v) { id rule status vehicle { id } } }`;
  const open = async (viewer: Viewer | undefined, variables: Record<string, unknown>) =>
    subscribe({
      schema: subgraph.schema,
      document: parse(SUB),
      variableValues: variables,
      contextValue: contextFor(viewer),
    });

  it("refuses another customer's vehicle, and the whole fleet to customers", async () => {
    for (const [viewer, variables] of [
      [STRANGER, { v: V1 }],
      [OWNER, {}],
      [DEVICE, { v: V1 }],
    ] as const) {
      const result = (await open(viewer, variables)) as ExecutionResult;
      expect(codes(result)).toEqual(['FORBIDDEN']);
    }
  });

  it("delivers a vehicle's alert changes to its owner, and every vehicle's to staff", async () => {
    const mine = (await open(OWNER, { v: V1 })) as AsyncIterableIterator<ExecutionResult<any>>;
    const fleet = (await open(STAFF, {})) as AsyncIterableIterator<ExecutionResult<any>>;
    await bus.append(TELEMETRY_DTCS, {
      vehicleId: V1,
      codes: ['P0420'],
      mode: 'confirmed',
      recordedAt: new Date(at(400)).toISOString(),
    });
    // Changes from the earlier tests may still be on their way: take the first catalyst alert.
    const catalyst = async (events: AsyncIterableIterator<ExecutionResult<any>>) => {
      for (;;) {
        const alert = (await events.next()).value.data.healthAlerts;
        if (alert.rule === 'catalyst-efficiency') return alert;
        expect(alert.vehicle.id === V1 || events === fleet).toBe(true);
      }
    };
    const [a, b] = await Promise.all([catalyst(mine), catalyst(fleet)]);
    expect(a).toMatchObject({ rule: 'catalyst-efficiency', status: 'OPEN', vehicle: { id: V1 } });
    expect(b.id).toBe(a.id);
    await mine.return?.();
    await fleet.return?.();
  });
});

itServesEveryQueryFromAnIndex(recorder, () => HEALTH_INDEXES);
