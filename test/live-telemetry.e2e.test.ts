import type { Client } from 'graphql-ws';
import {
  collect,
  ingest,
  ingestUntilDelivered,
  liveClient,
  registerDriver,
  vehicleWithDevice,
  VEHICLE_TELEMETRY,
} from './live.js';
import { startTestSystem, type TestSystem } from './harness.js';
import { waitFor } from './wait-for.js';

let t: TestSystem;
const clients: Client[] = [];
const client = (token?: string, onClosed?: (code: number) => void) => {
  const c = liveClient(t.url, token, onClosed);
  clients.push(c);
  return c;
};

beforeAll(async () => {
  t = await startTestSystem();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await t.stop();
});

describe('live telemetry through the gateway', () => {
  it('delivers RPM 1726 for "41 0C 1A F8", with the VIN from vehicles and the owner email from identity', async () => {
    const owner = await registerDriver(t, 'live-owner@example.com');
    const { vehicleId, deviceToken } = await vehicleWithDevice(t, owner, '1HGCM82633A004352');
    const sub = collect(client(owner.token), VEHICLE_TELEMETRY, { id: vehicleId });
    await ingestUntilDelivered(t, vehicleId, ['41 0C 1A F8'], deviceToken, () => sub.results.length > 0);

    const event = sub.results[0];
    expect(event.errors).toBeUndefined();
    expect(event.data.vehicleTelemetry.readings).toEqual([
      { pid: '0C', name: expect.any(String), value: 1726, unit: 'rpm' },
    ]);
    expect(event.data.vehicleTelemetry.vehicle).toEqual({
      vin: '1HGCM82633A004352',
      owner: { email: 'live-owner@example.com' },
    });
    sub.stop();
  });

  it("refuses another customer's subscription to the vehicle with FORBIDDEN and sends them nothing", async () => {
    const owner = await registerDriver(t, 'live-owner2@example.com');
    const other = await registerDriver(t, 'live-other@example.com');
    const { vehicleId, deviceToken } = await vehicleWithDevice(t, owner, '11111111111111111');
    const denied = collect(client(other.token), VEHICLE_TELEMETRY, { id: vehicleId });
    await waitFor(() => denied.completed, 'the refusal');
    expect(denied.results.flatMap((r) => r.errors ?? []).map((e: any) => e.extensions.code)).toEqual(['FORBIDDEN']);
    await ingest(t, vehicleId, ['41 0D 50'], deviceToken);
    expect(denied.results.some((r) => r.data)).toBe(false);
  });

  it('closes a socket that brings no credentials', async () => {
    let code = 0;
    const sub = collect(
      client(undefined, (c) => (code = c)),
      VEHICLE_TELEMETRY,
      { id: 'x' },
    );
    await waitFor(() => sub.completed, 'the close');
    expect(code).toBe(4403);
  });

  it('does not let a device token subscribe, even to its own vehicle', async () => {
    const owner = await registerDriver(t, 'live-device@example.com');
    const { vehicleId, deviceToken } = await vehicleWithDevice(t, owner, 'WVWZZZ1JZXW000001');
    const sub = collect(client(deviceToken), VEHICLE_TELEMETRY, { id: vehicleId });
    await waitFor(() => sub.completed, 'the refusal');
    expect(sub.results.flatMap((r) => r.errors ?? []).map((e: any) => e.extensions.code)).toEqual(['FORBIDDEN']);
  });
});
