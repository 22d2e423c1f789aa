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
import type { TestSystem } from './harness.js';
import { startTwoDeployments, type TwoDeployments } from './two-deployments.js';
import { waitFor } from './wait-for.js';

// Two complete deployments of the same data, as two instances behind a load balancer would
// be: a client on each gateway sees every event.
let a: TestSystem;
let b: TestSystem;
let deployments: TwoDeployments | undefined;
const clients: Client[] = [];

beforeAll(async () => {
  deployments = await startTwoDeployments();
  ({ a, b } = deployments);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await deployments?.stop();
});

it('delivers every event to clients of both gateway instances', async () => {
  const owner = await registerDriver(a, 'scale@example.com');
  const { vehicleId, deviceToken } = await vehicleWithDevice(a, owner, '1M8GDM9AXKP042788');
  const onA = liveClient(a.url, owner.token);
  const onB = liveClient(b.url, owner.token);
  clients.push(onA, onB);
  const subA = collect(onA, VEHICLE_TELEMETRY, { id: vehicleId });
  const subB = collect(onB, VEHICLE_TELEMETRY, { id: vehicleId });

  // Ingest through instance A only; B's subscribers hear of it through Redis.
  await ingestUntilDelivered(
    a,
    vehicleId,
    ['41 0C 1A F8'],
    deviceToken,
    () => subA.results.length > 0 && subB.results.length > 0,
  );
  const before = { a: subA.results.length, b: subB.results.length };
  for (const speed of [10, 20, 30]) {
    const response = await ingest(a, vehicleId, [`41 0D ${speed.toString(16).padStart(2, '0')}`], deviceToken);
    expect(response.errors).toBeUndefined();
  }
  await waitFor(
    () => subA.results.length === before.a + 3 && subB.results.length === before.b + 3,
    'three events on both gateways',
  );
  const speeds = (results: any[]) => results.slice(-3).map((r) => r.data.vehicleTelemetry.readings[0].value);
  expect(speeds(subA.results)).toEqual([10, 20, 30]);
  expect(speeds(subB.results)).toEqual([10, 20, 30]);
  expect(subB.results.at(-1).data.vehicleTelemetry.vehicle.owner.email).toBe('scale@example.com');
});
