import { errorCodes } from './client.js';
import {
  IngestObdRoundsDocument,
  VehicleLatestReadingsDocument,
  VehicleReadingsDocument,
} from './generated/graphql.js';
import { startTestSystem, type TestSystem } from './harness.js';
import { driverWithDevice, storedReadings, type DeviceDriver } from './telemetry-drivers.js';

/**
 * ingestObdRounds through the gateway: a dongle that samples every second and uploads every few
 * seconds sends its buffered rounds, each with its own time, in one operation.
 */

let t: TestSystem;
let alice: DeviceDriver;
let bob: DeviceDriver;

beforeAll(async () => {
  t = await startTestSystem();
  [alice, bob] = await Promise.all([
    driverWithDevice(t, 'alice@example.com', 'WVWZZZ1JZXW000011'),
    driverWithDevice(t, 'bob@example.com', 'WVWZZZ1JZXW000012'),
  ]);
});
afterAll(() => t.stop());

const T0 = Math.floor((Date.now() - 10 * 60_000) / 60_000) * 60_000;
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
/** Ten rounds a second apart: speed 40 + i, engine at 1726 rpm, and a trouble code in round 4. */
const tenRounds = (offset = 0) =>
  Array.from({ length: 10 }, (_, i) => ({
    recordedAt: at(offset + i),
    frames: ['41 0C 1A F8', `41 0D ${(40 + i).toString(16).toUpperCase()}`, ...(i === 4 ? ['43 01 03 01'] : [])],
  }));
const upload = (token: string, variables: { vehicleId: string; rounds: unknown[]; idempotencyKey?: string }) =>
  t.request(IngestObdRoundsDocument, variables as never, { token });

describe('ingestObdRounds through the gateway', () => {
  it('stores a device’s rounds in one operation, each under its own time, and a retry once', async () => {
    const rounds = [...tenRounds(), { recordedAt: at(10), frames: ['41 0C', 'NO DATA'] }];
    const variables = { vehicleId: alice.vehicleId, rounds, idempotencyKey: 'alice-rounds-1' };
    const first = await upload(alice.deviceToken, variables);
    expect(first.errors).toBeUndefined();
    expect(first.data!.ingestObdRounds).toEqual({
      accepted: 22,
      rejected: 1,
      readingsStored: 20,
      dtcsStored: 1,
      duplicate: false,
      recordedAt: at(10),
      errors: [{ round: 10, index: 0, code: 'TRUNCATED' }],
    });
    const retry = await upload(alice.deviceToken, variables);
    expect(retry.data!.ingestObdRounds).toEqual({ ...first.data!.ingestObdRounds, duplicate: true });
    expect(await storedReadings(t, alice.vehicleId)).toBe(20);

    const chart = await t.request(
      VehicleReadingsDocument,
      { id: alice.vehicleId, pid: '0D', bucket: 'MINUTE', from: at(0), to: at(60) },
      { token: alice.token },
    );
    expect(chart.errors).toBeUndefined();
    const [minute] = chart.data!.vehicle!.readings.points;
    expect(minute).toMatchObject({ count: 10, min: 40, max: 49 });
    const latest = await t.request(VehicleLatestReadingsDocument, { id: alice.vehicleId }, { token: alice.token });
    expect(latest.data!.vehicle!.latestReadings.find((r) => r.pid === '0D')).toMatchObject({
      value: 49,
      recordedAt: at(9),
    });
  });

  it('refuses bad input whole with BAD_USER_INPUT naming the field, and stores nothing', async () => {
    const before = await storedReadings(t, bob.vehicleId);
    const refused = async (rounds: unknown[]) => {
      const result = await upload(bob.deviceToken, { vehicleId: bob.vehicleId, rounds });
      expect(result.data ?? null).toBeNull();
      return result.errors!.map((e) => [e.extensions?.code, e.extensions?.field]);
    };
    expect(await refused([])).toEqual([['BAD_USER_INPUT', 'rounds']]);
    expect(await refused(Array.from({ length: 121 }, (_, i) => ({ recordedAt: at(i), frames: ['41 0D 32'] })))).toEqual(
      [['BAD_USER_INPUT', 'rounds']],
    );
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(await refused([...tenRounds(), { recordedAt: future, frames: ['41 0D 32'] }])).toEqual([
      ['BAD_USER_INPUT', 'rounds.10.recordedAt'],
    ]);
    expect(await refused([{ recordedAt: at(0), frames: Array(501).fill('41 0D 32') }])).toEqual([
      ['BAD_USER_INPUT', 'rounds.0.frames'],
    ]);
    // A round without its time is not a valid ObdRoundInput: refused before it reaches telemetry.
    const untimed = await upload(bob.deviceToken, { vehicleId: bob.vehicleId, rounds: [{ frames: ['41 0D 32'] }] });
    expect(errorCodes(untimed)).toEqual(['BAD_USER_INPUT']);
    expect(await storedReadings(t, bob.vehicleId)).toBe(before);
  });

  it('lets only the vehicle’s device and its owner upload: UNAUTHENTICATED / FORBIDDEN, nothing stored', async () => {
    const before = await storedReadings(t, alice.vehicleId);
    const variables = { vehicleId: alice.vehicleId, rounds: tenRounds(100) };
    expect(errorCodes(await upload('', variables))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await upload('dt_not-a-device-token', variables))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await upload(bob.deviceToken, variables))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await upload(bob.token, variables))).toEqual(['FORBIDDEN']);
    expect(await storedReadings(t, alice.vehicleId)).toBe(before);
    const owner = await upload(alice.token, variables);
    expect(owner.data!.ingestObdRounds.readingsStored).toBe(20);
  });
});
