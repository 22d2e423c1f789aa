import { parse, subscribe, type ExecutionResult } from 'graphql';
import { ObjectId } from 'mongodb';
import { pino } from 'pino';
import type { VehicleAccess, VehicleOwnership } from '../../platform/access/vehicle-access.js';
import type { Viewer } from '../../platform/auth/viewer.js';
import { InProcessEventBus } from '../../platform/events/in-process.js';
import type { Subgraph } from '../../platform/subgraph/serve-subgraph.js';
import { useScratchDatabase } from '../../test/scratch-database.js';
import { codes, subgraphExecution, viewersOf } from '../../test/subgraph-execution.js';
import { createTelemetrySubgraph } from './index.js';
import { MAX_BATCH_SIZE } from './ingest/batch.js';
import { waitFor } from '../../test/wait-for.js';
import { TELEMETRY_DTCS, TELEMETRY_READINGS, vehicleTopic } from './live/telemetry-events.js';

const V1 = new ObjectId().toHexString();
const V2 = new ObjectId().toHexString();
const { OWNER, STRANGER, STAFF, DEVICE, API_KEY } = viewersOf(V1);

class FakeAccess implements VehicleAccess {
  private readonly vehicles = new Map<string, VehicleOwnership>([
    [V1, { vehicleId: V1, ownerId: 'owner', active: true }],
    [V2, { vehicleId: V2, ownerId: 'stranger', active: true }],
  ]);
  async ownership(vehicleId: string) {
    return this.vehicles.get(vehicleId) ?? null;
  }
}

let subgraph: Subgraph;
const bus = new InProcessEventBus();
const logger = pino({ level: 'silent' });
const db = useScratchDatabase('telemetry', {
  beforeDrop: async () => {
    await subgraph.stop?.();
    await bus.close();
  },
});

beforeAll(async () => {
  subgraph = await createTelemetrySubgraph({
    db: db(),
    bus,
    logger,
    access: new FakeAccess(),
    settings: { retentionDays: 30, retentionIntervalMinutes: 60, bucketCapacity: 50 },
  });
});

const { contextFor, run } = subgraphExecution(() => subgraph, logger);

const INGEST = `mutation($vehicleId: ID!, $frames: [String!]!, $recordedAt: DateTime, $key: String) {
  ingestObdFrames(vehicleId: $vehicleId, frames: $frames, recordedAt: $recordedAt, idempotencyKey: $key) {
    accepted rejected readingsStored dtcsStored duplicate recordedAt errors { index code reason }
  }
}`;
const INGEST_READINGS = `mutation($vehicleId: ID!, $readings: [ReadingInput!]!, $key: String) {
  ingestReadings(vehicleId: $vehicleId, readings: $readings, idempotencyKey: $key) { accepted rejected readingsStored duplicate errors { index code } }
}`;
/** Vehicle fields as the gateway asks for them: through `_entities`. */
const vehicleFields = (
  viewer: Viewer | undefined,
  vehicleId: string,
  selection: string,
  variables: Record<string, unknown> = {},
) =>
  run(
    viewer,
    `query($reps: [_Any!]!, $from: DateTime, $to: DateTime) { _entities(representations: $reps) { ... on Vehicle { ${selection} } } }`,
    { reps: [{ __typename: 'Vehicle', id: vehicleId }], ...variables },
  );
const storedReadings = async (vehicleId: string) =>
  (await db().collection('reading_buckets').find({ vehicleId }).toArray()).reduce((n, d) => n + (d.count as number), 0);

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

describe('ingestObdFrames', () => {
  it('stores what a device uploads, shows it in latestReadings, appends it to the streams and publishes it live to the vehicle only', async () => {
    const live: Record<string, unknown[]> = { fleetReadings: [], vehicle: [], fleetDtcs: [] };
    const offs = [
      bus.subscribe(TELEMETRY_READINGS, (e) => void live.fleetReadings.push(e)),
      bus.subscribe(vehicleTopic(V1), (e) => void live.vehicle.push(e)),
      bus.subscribe(TELEMETRY_DTCS, (e) => void live.fleetDtcs.push(e)),
    ];
    const streams: Record<string, unknown[]> = { [TELEMETRY_READINGS]: [], [TELEMETRY_DTCS]: [] };
    const consumers = Object.keys(streams).map((stream) =>
      bus.consume(stream, 'test', 'test', (e) => void streams[stream].push(e.payload)),
    );
    await Promise.all(consumers.map((c) => c.ready));
    const recordedAt = minutesAgo(10).toISOString();
    const result = await run(DEVICE, INGEST, { vehicleId: V1, frames: ['41 0C 1A F8', '43 01 03 01'], recordedAt });
    await waitFor(() => Object.values(streams).every((events) => events.length > 0), 'both streams');
    offs.forEach((off) => off());
    await Promise.all(consumers.map((c) => c.stop()));

    expect(result.errors).toBeUndefined();
    expect(result.data.ingestObdFrames).toEqual({
      accepted: 2,
      rejected: 0,
      readingsStored: 1,
      dtcsStored: 1,
      duplicate: false,
      recordedAt,
      errors: [],
    });
    const latest = await vehicleFields(OWNER, V1, 'latestReadings { pid name value unit recordedAt }');
    expect(latest.data!._entities[0].latestReadings).toEqual([
      { pid: '0C', name: 'Engine speed', value: 1726, unit: 'rpm', recordedAt },
    ]);

    const readingsEvent = {
      vehicleId: V1,
      recordedAt,
      readings: [{ pid: '0C', name: 'Engine speed', value: 1726, unit: 'rpm', recordedAt }],
    };
    expect(streams[TELEMETRY_READINGS]).toEqual([readingsEvent]);
    expect(streams[TELEMETRY_DTCS]).toEqual([{ vehicleId: V1, codes: ['P0301'], mode: 'confirmed', recordedAt }]);
    expect(live).toEqual({ fleetReadings: [], vehicle: [readingsEvent], fleetDtcs: [] });
  });

  it('stores the good frames of a partly bad batch and reports the bad ones by index', async () => {
    const before = await storedReadings(V1);
    const result = await run(OWNER, INGEST, {
      vehicleId: V1,
      frames: ['41 0D 32', '41 0C', 'ZZ', 'x'.repeat(10 * 1024), 'NO DATA', '41 05 7B'],
    });
    expect(result.data.ingestObdFrames).toMatchObject({ accepted: 3, rejected: 3, readingsStored: 2 });
    expect(result.data.ingestObdFrames.errors.map((e: { index: number; code: string }) => [e.index, e.code])).toEqual([
      [1, 'TRUNCATED'],
      [2, 'MALFORMED'],
      [3, 'TOO_LONG'],
    ]);
    expect(await storedReadings(V1)).toBe(before + 2);
  });

  it(`refuses more than ${MAX_BATCH_SIZE} frames, or times far off, whole: BATCH_TOO_LARGE / BAD_USER_INPUT, nothing stored`, async () => {
    const before = await storedReadings(V1);
    for (const size of [MAX_BATCH_SIZE + 1, 100_000]) {
      const result = await run(DEVICE, INGEST, {
        vehicleId: V1,
        frames: Array.from({ length: size }, () => '41 0C 1A F8'),
      });
      expect(codes(result)).toEqual(['BATCH_TOO_LARGE']);
      expect(result.data).toBeNull();
    }
    const future = await run(DEVICE, INGEST, {
      vehicleId: V1,
      frames: ['41 0C 1A F8'],
      recordedAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(codes(future)).toEqual(['BAD_USER_INPUT']);
    const ancient = await run(DEVICE, INGEST, {
      vehicleId: V1,
      frames: ['41 0C 1A F8'],
      recordedAt: '2000-01-01T00:00:00Z',
    });
    expect(codes(ancient)).toEqual(['BAD_USER_INPUT']);
    const badKey = await run(DEVICE, INGEST, { vehicleId: V1, frames: ['41 0C 1A F8'], key: 'has spaces' });
    expect(codes(badKey)).toEqual(['BAD_USER_INPUT']);
    expect(await storedReadings(V1)).toBe(before);
  });

  it('stores a batch retried with the same idempotency key once, even when the retries race', async () => {
    const before = await storedReadings(V1);
    const variables = { vehicleId: V1, frames: ['41 0C 0F A0', '41 0D 28'], key: 'upload-42' };
    const [first, second] = await Promise.all([run(DEVICE, INGEST, variables), run(DEVICE, INGEST, variables)]);
    const third = await run(DEVICE, INGEST, variables);
    const results = [first, second, third].map((r) => r.data.ingestObdFrames);
    expect(results.map((r) => r.duplicate).sort()).toEqual([false, true, true]);
    expect(new Set(results.map((r) => r.recordedAt)).size).toBe(1);
    expect(results.every((r) => r.readingsStored === 2)).toBe(true);
    expect(await storedReadings(V1)).toBe(before + 2);
    const reused = await run(DEVICE, INGEST, { ...variables, frames: ['41 0C 00 00'] });
    expect(codes(reused)).toEqual(['CONFLICT']);
  });

  it('lets only the owner, staff and the paired device ingest', async () => {
    const before = await storedReadings(V1);
    const frames = ['41 0C 1A F8'];
    expect(codes(await run(STRANGER, INGEST, { vehicleId: V1, frames }))).toEqual(['FORBIDDEN']);
    expect(codes(await run({ ...DEVICE, vehicleId: V2 }, INGEST, { vehicleId: V1, frames }))).toEqual(['FORBIDDEN']);
    expect(codes(await run(DEVICE, INGEST, { vehicleId: V2, frames }))).toEqual(['FORBIDDEN']);
    expect(codes(await run(API_KEY, INGEST, { vehicleId: V1, frames }))).toEqual(['FORBIDDEN']);
    expect(codes(await run(undefined, INGEST, { vehicleId: V1, frames }))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await run(OWNER, INGEST, { vehicleId: 'no-such-vehicle', frames }))).toEqual(['FORBIDDEN']);
    expect(codes(await run(STAFF, INGEST, { vehicleId: 'no-such-vehicle', frames }))).toEqual(['NOT_FOUND']);
    expect(await storedReadings(V1)).toBe(before);
    expect(codes(await run(STAFF, INGEST, { vehicleId: V1, frames }))).toEqual([]);
  });
});

describe('ingestReadings', () => {
  it('stores readings decoded on board and reports unknown PIDs and out-of-range values by index', async () => {
    const at = minutesAgo(5).toISOString();
    const result = await run(DEVICE, INGEST_READINGS, {
      vehicleId: V1,
      readings: [
        { pid: '0C', value: 2000, recordedAt: at },
        { pid: '0D', value: 300 },
        { pid: 'ZZ', value: 1 },
        { pid: '2F', value: 55.5 },
      ],
    });
    expect(result.data.ingestReadings).toEqual({
      accepted: 2,
      rejected: 2,
      readingsStored: 2,
      duplicate: false,
      errors: [
        { index: 1, code: 'OUT_OF_RANGE' },
        { index: 2, code: 'MALFORMED' },
      ],
    });
    const tooMany = await run(DEVICE, INGEST_READINGS, {
      vehicleId: V1,
      readings: Array.from({ length: MAX_BATCH_SIZE + 1 }, () => ({ pid: '0D', value: 1 })),
    });
    expect(codes(tooMany)).toEqual(['BATCH_TOO_LARGE']);
    const late = await run(DEVICE, INGEST_READINGS, {
      vehicleId: V1,
      readings: [{ pid: '0D', value: 1, recordedAt: new Date(Date.now() + 3_600_000).toISOString() }],
    });
    expect(late.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'readings.0.recordedAt' });
  });
});

describe('Vehicle fields', () => {
  // Two minutes of driving, one sample a second: 90 km/h, 2500 rpm, 5.4 L/h (6 L/100 km), then a stop.
  const start = Date.now() - 3 * 3_600_000;
  beforeAll(async () => {
    const readings = Array.from({ length: 121 }, (_, i) => {
      const recordedAt = new Date(start + i * 1000).toISOString();
      return [
        { pid: '0D', value: 90, recordedAt },
        { pid: '0C', value: 2500, recordedAt },
        { pid: '5E', value: 5.4, recordedAt },
      ];
    }).flat();
    readings.push(
      { pid: '0D', value: 0, recordedAt: new Date(start + 121_000).toISOString() },
      { pid: '0C', value: 0, recordedAt: new Date(start + 121_000).toISOString() },
    );
    const result = await run(DEVICE, INGEST_READINGS, { vehicleId: V1, readings });
    expect(result.data.ingestReadings.rejected).toBe(0);
  });
  const window = () => ({ from: new Date(start - 60_000).toISOString(), to: new Date(start + 600_000).toISOString() });

  it('downsamples one PID to avg/min/max per bucket, from raw points or hourly summaries', async () => {
    const minutes = await vehicleFields(
      OWNER,
      V1,
      'readings(pid: "0d", from: $from, to: $to, bucket: MINUTE) { pid unit bucket points { count avg min max } }',
      window(),
    );
    const series = minutes.data!._entities[0].readings;
    expect(series).toMatchObject({ pid: '0D', unit: 'km/h', bucket: 'MINUTE' });
    expect(series.points.reduce((n: number, p: { count: number }) => n + p.count, 0)).toBe(122);
    expect(series.points.every((p: { max: number }) => p.max <= 90)).toBe(true);
    const hours = await vehicleFields(
      OWNER,
      V1,
      'readings(pid: "0C", from: $from, to: $to, bucket: HOUR) { from points { count min max } }',
      window(),
    );
    const hourPoints = hours.data!._entities[0].readings.points;
    expect(hourPoints.reduce((n: number, p: { count: number }) => n + p.count, 0)).toBe(122);
    expect(Math.min(...hourPoints.map((p: { min: number }) => p.min))).toBe(0);
    expect(Math.max(...hourPoints.map((p: { max: number }) => p.max))).toBe(2500);
  });

  it('refuses bad chart requests with BAD_USER_INPUT', async () => {
    const day = { from: new Date(start - 86_400_000).toISOString(), to: new Date(start).toISOString() };
    for (const selection of [
      'readings(pid: "ZZ", from: $from, to: $to, bucket: HOUR) { pid }',
      'readings(pid: "01", from: $from, to: $to, bucket: HOUR) { pid }',
      'readings(pid: "0C", from: $to, to: $from, bucket: HOUR) { pid }',
      'readings(pid: "0C", from: $from, to: $to, bucket: MINUTE) { pid }',
      'fuelEconomy(from: $to, to: $from) { distanceKm }',
    ]) {
      expect(codes(await vehicleFields(OWNER, V1, selection, day))).toEqual(['BAD_USER_INPUT']);
    }
  });

  it('computes fuel economy and trips from the drive', async () => {
    const result = await vehicleFields(
      OWNER,
      V1,
      `fuelEconomy(from: $from, to: $to) { source distanceKm fuelUsedLitres litresPer100Km }
       trips(from: $from, to: $to, first: 5) { totalCount edges { node { durationSeconds distanceKm maxSpeedKmh harshBrakingCount harshAccelerationCount inProgress } } }`,
      window(),
    );
    expect(result.errors).toBeUndefined();
    const { fuelEconomy, trips } = result.data!._entities[0];
    expect(fuelEconomy.source).toBe('FUEL_RATE');
    expect(fuelEconomy.distanceKm).toBeCloseTo(3.025, 3);
    expect(fuelEconomy.litresPer100Km).toBeCloseTo(6, 6);
    expect(trips.totalCount).toBe(1);
    // The drive opens at 90 km/h (nothing to compare with) and ends 90 -> 0 km/h in a second: one harsh braking.
    // The trip's distance is the driving model's trapezoid (the last second 90 -> 0 km/h is 0.0125 km);
    // fuel economy holds each speed until the next reading, so it counts that second at 90 km/h.
    expect(trips.edges[0].node).toEqual({
      durationSeconds: 120,
      distanceKm: expect.closeTo(3.0125, 6),
      maxSpeedKmh: 90,
      harshBrakingCount: 1,
      harshAccelerationCount: 0,
      inProgress: false,
    });
  });

  it('lists, describes, clears and reactivates trouble codes', async () => {
    await run(DEVICE, INGEST, { vehicleId: V1, frames: ['47 01 01 71'], recordedAt: minutesAgo(4).toISOString() });
    const listed = await vehicleFields(OWNER, V1, 'dtcs { code status description severity firstSeenAt clearedAt }');
    expect(listed.data!._entities[0].dtcs.map((d: { code: string; status: string }) => [d.code, d.status])).toEqual([
      ['P0171', 'PENDING'],
      ['P0301', 'ACTIVE'],
    ]);
    expect(listed.data!._entities[0].dtcs[1]).toMatchObject({
      description: 'Cylinder 1 misfire detected',
      severity: 'HIGH',
      clearedAt: null,
    });

    expect(
      codes(await run(DEVICE, 'mutation($v: ID!) { clearDtcs(vehicleId: $v) { clearedCount } }', { v: V1 })),
    ).toEqual(['FORBIDDEN']);
    expect(
      codes(await run(STRANGER, 'mutation($v: ID!) { clearDtcs(vehicleId: $v) { clearedCount } }', { v: V1 })),
    ).toEqual(['FORBIDDEN']);
    const cleared = await run(
      OWNER,
      'mutation($v: ID!) { clearDtcs(vehicleId: $v) { clearedCount vehicle { id dtcs(status: CLEARED) { code history { status } } } } }',
      { v: V1 },
    );
    expect(cleared.data!.clearDtcs.clearedCount).toBe(2);
    expect(
      cleared
        .data!.clearDtcs.vehicle.dtcs.find((d: { code: string }) => d.code === 'P0301')
        .history.map((h: { status: string }) => h.status),
    ).toEqual(['ACTIVE', 'CLEARED']);

    await run(DEVICE, INGEST, { vehicleId: V1, frames: ['43 01 03 01'] });
    const active = await vehicleFields(STAFF, V1, 'dtcs(status: ACTIVE) { code clearedAt }');
    expect(active.data!._entities[0].dtcs).toEqual([{ code: 'P0301', clearedAt: null }]);
  });

  it('are readable by the owner and staff only: devices, API keys and other customers get FORBIDDEN', async () => {
    for (const selection of [
      'latestReadings { pid }',
      'dtcs { code }',
      'trips { totalCount }',
      'fuelEconomy(from: $from, to: $to) { distanceKm }',
    ]) {
      for (const viewer of [DEVICE, STRANGER, API_KEY]) {
        const result = await vehicleFields(viewer, V1, selection, window());
        expect(codes(result)).toEqual(['FORBIDDEN']);
        expect(JSON.stringify(result.data)).not.toContain('1726');
      }
      expect(codes(await vehicleFields(undefined, V1, selection, window()))).toEqual(['UNAUTHENTICATED']);
    }
  });
});

describe('vehicleTelemetry subscription', () => {
  const SUBSCRIPTION = parse(
    'subscription($v: ID!) { vehicleTelemetry(vehicleId: $v) { vehicle { id } recordedAt readings { pid name value unit } } }',
  );
  const open = (viewer: Viewer | undefined, vehicleId: string) =>
    subscribe({
      schema: subgraph.schema,
      document: SUBSCRIPTION,
      variableValues: { v: vehicleId },
      contextValue: contextFor(viewer),
    });

  it("delivers the owner's vehicle's readings as they are stored", async () => {
    const stream = await open(OWNER, V1);
    if (!(Symbol.asyncIterator in stream)) throw new Error(`not subscribed: ${JSON.stringify(stream)}`);
    const next = stream.next();
    await run(DEVICE, INGEST, { vehicleId: V1, frames: ['41 0C 1A F8'] });
    const event = (await next) as IteratorResult<ExecutionResult<any>>;
    expect(event.value.errors).toBeUndefined();
    expect(event.value.data.vehicleTelemetry).toMatchObject({
      vehicle: { id: V1 },
      readings: [{ pid: '0C', name: 'Engine speed', value: 1726, unit: 'rpm' }],
    });
    expect(event.value.data.vehicleTelemetry.recordedAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
    await stream.return?.();
  });

  it('refuses other customers, devices and anonymous callers before subscribing', async () => {
    for (const [viewer, code] of [
      [STRANGER, 'FORBIDDEN'],
      [DEVICE, 'FORBIDDEN'],
      [API_KEY, 'FORBIDDEN'],
      [undefined, 'UNAUTHENTICATED'],
    ] as const) {
      const result = await open(viewer, V1);
      expect(Symbol.asyncIterator in result).toBe(false);
      expect(codes(result as ExecutionResult)).toEqual([code]);
    }
  });
});
