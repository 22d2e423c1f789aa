import { errorCodes } from './client.js';
import {
  ClearDtcsDocument,
  IngestObdFramesDocument,
  IngestReadingsDocument,
  MyVehiclesDocument,
  VehicleDocument,
  VehicleDrivingDocument,
  VehicleDtcsDocument,
  VehicleLatestReadingsDocument,
  VehicleReadingsDocument,
} from './generated/graphql.js';
import { startTestSystem, type TestSystem } from './harness.js';
import { driverWithDevice, storedReadings, type DeviceDriver } from './telemetry-drivers.js';

let t: TestSystem;
let alice: DeviceDriver;
let bob: DeviceDriver;

beforeAll(async () => {
  t = await startTestSystem();
  [alice, bob] = await Promise.all([
    driverWithDevice(t, 'alice@example.com', 'WVWZZZ1JZXW000001'),
    driverWithDevice(t, 'bob@example.com', 'WVWZZZ1JZXW000002'),
  ]);
});
afterAll(() => t.stop());

const ingest = (
  token: string,
  variables: { vehicleId: string; frames: string[]; recordedAt?: string; idempotencyKey?: string },
) => t.request(IngestObdFramesDocument, variables, { token });

describe('telemetry through the gateway', () => {
  it("stores a device's frame and shows the owner RPM 1726", async () => {
    const stored = await ingest(alice.deviceToken, { vehicleId: alice.vehicleId, frames: ['41 0C 1A F8'] });
    expect(stored.errors).toBeUndefined();
    expect(stored.data!.ingestObdFrames).toMatchObject({
      accepted: 1,
      rejected: 0,
      readingsStored: 1,
      duplicate: false,
      errors: [],
    });

    const read = await t.request(VehicleLatestReadingsDocument, { id: alice.vehicleId }, { token: alice.token });
    expect(read.errors).toBeUndefined();
    expect(read.data!.vehicle!.vin).toBe('WVWZZZ1JZXW000001');
    expect(read.data!.vehicle!.latestReadings).toEqual([
      {
        pid: '0C',
        name: 'Engine speed',
        value: 1726,
        unit: 'rpm',
        recordedAt: stored.data!.ingestObdFrames.recordedAt,
      },
    ]);
  });

  it('stores an upload retried with the same idempotency key once', async () => {
    const before = await storedReadings(t, alice.vehicleId);
    const upload = { vehicleId: alice.vehicleId, frames: ['41 0D 32', '41 05 7B'], idempotencyKey: 'alice-batch-1' };
    const first = await ingest(alice.deviceToken, upload);
    const retry = await ingest(alice.deviceToken, upload);
    expect(first.data!.ingestObdFrames).toMatchObject({ readingsStored: 2, duplicate: false });
    expect(retry.data!.ingestObdFrames).toEqual({ ...first.data!.ingestObdFrames, duplicate: true });
    expect(await storedReadings(t, alice.vehicleId)).toBe(before + 2);
  });

  it('reports bad frames one by one and stores the good ones of the same batch', async () => {
    const before = await storedReadings(t, alice.vehicleId);
    const result = await ingest(alice.deviceToken, {
      vehicleId: alice.vehicleId,
      frames: ['41 0C', 'ZZ', 'A'.repeat(10 * 1024), '41 11 80', 'NO DATA'],
    });
    expect(result.errors).toBeUndefined();
    expect(result.data!.ingestObdFrames).toMatchObject({ accepted: 2, rejected: 3, readingsStored: 1 });
    expect(result.data!.ingestObdFrames.errors.map(({ index, code }) => [index, code])).toEqual([
      [0, 'TRUNCATED'],
      [1, 'MALFORMED'],
      [2, 'TOO_LONG'],
    ]);
    expect(result.data!.ingestObdFrames.errors[2]!.reason).toBe('frame is longer than 512 characters');
    expect(await storedReadings(t, alice.vehicleId)).toBe(before + 1);
  });

  it('refuses oversized batches whole with a limit error, storing nothing', async () => {
    const before = await storedReadings(t, alice.vehicleId);
    // 501 short frames fit in the request body: the subgraph's batch limit refuses them.
    const tooMany = await ingest(alice.deviceToken, {
      vehicleId: alice.vehicleId,
      frames: Array.from({ length: 501 }, () => '410D32'),
    });
    expect(errorCodes(tooMany)).toEqual(['BATCH_TOO_LARGE']);
    expect(tooMany.errors![0]!.extensions!.limit).toBe(500);
    // 100,000 frames (about 1.4 MB) are stopped by the gateway's body limit before any subgraph.
    const huge = await ingest(alice.deviceToken, {
      vehicleId: alice.vehicleId,
      frames: Array.from({ length: 100_000 }, () => '41 0C 1A F8'),
    });
    expect(huge.status).toBe(413);
    expect(errorCodes(huge)).toEqual(['PAYLOAD_TOO_LARGE']);
    const future = await ingest(alice.deviceToken, {
      vehicleId: alice.vehicleId,
      frames: ['41 0D 32'],
      recordedAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(errorCodes(future)).toEqual(['BAD_USER_INPUT']);
    expect(await storedReadings(t, alice.vehicleId)).toBe(before);
    // The system is still up and serving.
    expect(
      (await ingest(alice.deviceToken, { vehicleId: alice.vehicleId, frames: ['41 0D 00'] })).data!.ingestObdFrames
        .readingsStored,
    ).toBe(1);
  });

  it('keeps device tokens to ingesting for their own vehicle', async () => {
    const before = await storedReadings(t, bob.vehicleId);
    for (const response of [
      await t.request(VehicleLatestReadingsDocument, { id: alice.vehicleId }, { token: alice.deviceToken }),
      await t.request(VehicleDtcsDocument, { id: alice.vehicleId }, { token: alice.deviceToken }),
      await t.request(VehicleDocument, { id: alice.vehicleId }, { token: alice.deviceToken }),
      await t.request(MyVehiclesDocument, {}, { token: alice.deviceToken }),
      await t.request(ClearDtcsDocument, { vehicleId: alice.vehicleId }, { token: alice.deviceToken }),
      await ingest(alice.deviceToken, { vehicleId: bob.vehicleId, frames: ['41 0C 1A F8'] }),
    ]) {
      expect(errorCodes(response)).toContain('FORBIDDEN');
      expect(JSON.stringify(response.data ?? null)).not.toContain('1726');
    }
    expect(await storedReadings(t, bob.vehicleId)).toBe(before);
  });

  it("keeps other customers out of a vehicle's telemetry", async () => {
    const before = await storedReadings(t, alice.vehicleId);
    const intruding = await ingest(bob.token, { vehicleId: alice.vehicleId, frames: ['41 0C 1A F8'] });
    expect(errorCodes(intruding)).toEqual(['FORBIDDEN']);
    const peeking = await t.request(VehicleLatestReadingsDocument, { id: alice.vehicleId }, { token: bob.token });
    expect(errorCodes(peeking)).toContain('FORBIDDEN');
    expect(JSON.stringify(peeking.data ?? null)).not.toContain('1726');
    expect(
      errorCodes(await t.request(ClearDtcsDocument, { vehicleId: alice.vehicleId }, { token: bob.token })),
    ).toEqual(['FORBIDDEN']);
    expect(await storedReadings(t, alice.vehicleId)).toBe(before);
    // The owner's own JWT may ingest too.
    expect(
      (await ingest(bob.token, { vehicleId: bob.vehicleId, frames: ['41 0C 0F A0'] })).data!.ingestObdFrames
        .readingsStored,
    ).toBe(1);
  });

  it('tracks trouble codes with descriptions, clears them with mode 04 semantics and reactivates on a new report', async () => {
    const reported = await ingest(alice.deviceToken, {
      vehicleId: alice.vehicleId,
      frames: ['43 02 01 33 03 01'],
      recordedAt: new Date(Date.now() - 60_000).toISOString(),
    });
    expect(reported.data!.ingestObdFrames.dtcsStored).toBe(2);
    const listed = await t.request(VehicleDtcsDocument, { id: alice.vehicleId }, { token: alice.token });
    expect(listed.data!.vehicle!.dtcs.map(({ code, status, severity }) => [code, status, severity]).sort()).toEqual([
      ['P0133', 'ACTIVE', 'LOW'],
      ['P0301', 'ACTIVE', 'HIGH'],
    ]);

    const cleared = await t.request(ClearDtcsDocument, { vehicleId: alice.vehicleId }, { token: alice.token });
    expect(cleared.errors).toBeUndefined();
    expect(cleared.data!.clearDtcs.clearedCount).toBe(2);
    expect(
      cleared.data!.clearDtcs.vehicle.dtcs.every(
        (d) => d.status === 'CLEARED' && d.clearedAt === cleared.data!.clearDtcs.clearedAt,
      ),
    ).toBe(true);

    await ingest(alice.deviceToken, { vehicleId: alice.vehicleId, frames: ['43 01 03 01'] });
    const active = await t.request(
      VehicleDtcsDocument,
      { id: alice.vehicleId, status: 'ACTIVE' },
      { token: alice.token },
    );
    expect(active.data!.vehicle!.dtcs).toHaveLength(1);
    expect(active.data!.vehicle!.dtcs[0]).toMatchObject({
      code: 'P0301',
      description: 'Cylinder 1 misfire detected',
      clearedAt: null,
    });
    expect(active.data!.vehicle!.dtcs[0]!.history.map((h) => h.status)).toEqual(['ACTIVE', 'CLEARED', 'ACTIVE']);
  });

  it('charts a PID and derives fuel economy and trips from decoded readings', async () => {
    const start = Date.now() - 2 * 3_600_000;
    const at = (s: number) => new Date(start + s * 1000).toISOString();
    const readings = Array.from({ length: 121 }, (_, s) => [
      { pid: '0D', value: 60, recordedAt: at(s) },
      { pid: '0C', value: 2000, recordedAt: at(s) },
      { pid: '10', value: 15, recordedAt: at(s) },
    ]).flat();
    const stored = await t.request(
      IngestReadingsDocument,
      { vehicleId: bob.vehicleId, readings, idempotencyKey: 'drive-1' },
      { token: bob.deviceToken },
    );
    expect(stored.data!.ingestReadings).toMatchObject({ readingsStored: 363, rejected: 0 });
    const bad = await t.request(
      IngestReadingsDocument,
      { vehicleId: bob.vehicleId, readings: [{ pid: '0D', value: 400 }] },
      { token: bob.deviceToken },
    );
    expect(bad.data!.ingestReadings.errors).toEqual([
      { index: 0, code: 'OUT_OF_RANGE', reason: 'Vehicle speed must be between 0 and 255 km/h' },
    ]);

    const range = { from: at(-60), to: at(600) };
    const chart = await t.request(
      VehicleReadingsDocument,
      { id: bob.vehicleId, pid: '0D', bucket: 'MINUTE', ...range },
      { token: bob.token },
    );
    expect(chart.errors).toBeUndefined();
    const points = chart.data!.vehicle!.readings.points;
    expect(points.reduce((n, p) => n + p.count, 0)).toBe(121);
    expect(points.every((p) => p.avg === 60 && p.min === 60 && p.max === 60)).toBe(true);
    const tooFine = await t.request(
      VehicleReadingsDocument,
      { id: bob.vehicleId, pid: '0D', bucket: 'MINUTE', from: at(-86_400), to: at(0) },
      { token: bob.token },
    );
    expect(errorCodes(tooFine)).toEqual(['BAD_USER_INPUT']);

    const driving = await t.request(VehicleDrivingDocument, { id: bob.vehicleId, ...range }, { token: bob.token });
    expect(driving.errors).toBeUndefined();
    const { fuelEconomy, trips } = driving.data!.vehicle!;
    // 2 minutes at 60 km/h = 2 km; MAF 15 g/s = 4.93 L/h → 8.22 L/100 km.
    expect(fuelEconomy.source).toBe('MAF');
    expect(fuelEconomy.distanceKm).toBeCloseTo(2, 6);
    expect(fuelEconomy.litresPer100Km).toBeCloseTo(((15 * 3600) / (14.7 * 745) / 60) * 100, 6);
    expect(trips.totalCount).toBe(1);
    expect(trips.edges[0]!.node).toMatchObject({ durationSeconds: 120, maxSpeedKmh: 60, inProgress: false });
  });
});
