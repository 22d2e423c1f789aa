import type { Client } from 'graphql-ws';
import { FAULTS } from '../scripts/simulator/faults.js';
import { Limiter } from '../scripts/simulator/limiter.js';
import { ObdDevice, randomAdapterProfile } from '../scripts/simulator/obd-device.js';
import { createRandom } from '../scripts/simulator/random.js';
import { DEFAULT_RETRY_POLICY } from '../scripts/simulator/retry.js';
import { SimulationStats } from '../scripts/simulator/stats.js';
import { uploadSamples, type DeviceCredentials } from '../scripts/simulator/uploader.js';
import { VehicleSim } from '../scripts/simulator/vehicle-sim.js';
import { LoginDocument } from './generated/graphql.js';
import { ADMIN, startTestSystem, type TestSystem } from './harness.js';
import { collect, liveClient, registerDriver, vehicleWithDevice } from './live.js';
import { waitFor } from './wait-for.js';

const HEALTH_ALERTS = `subscription ($id: ID) {
  healthAlerts(vehicleId: $id) { id rule severity status message openedAt vehicle { vin owner { email } } }
}`;

let t: TestSystem;
const clients: Client[] = [];
const client = (token: string) => {
  const c = liveClient(t.url, token);
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

/**
 * The simulator's overheating car and its dongle, on a simulated clock: runSimulation streams in
 * real time, and a dead fan takes some ten minutes to boil the coolant, so the same car model
 * (scripts/simulator) is stepped 10 s per round and each round uploaded with the time it was
 * read, as a dongle uploading its backlog does.
 */
function overheatingCar(seed: number) {
  const random = createRandom(seed).fork('vehicle:0');
  const car = new VehicleSim(random.fork('car'), ['overheat']);
  const hz = 0.1;
  const dongle = new ObdDevice(random.fork('adapter'), randomAdapterProfile(random.fork('profile')), hz);
  const startedAt = Date.now() - 2 * 3_600_000;
  let index = 0;
  return () => {
    const snapshot = index === 0 ? car.snapshot : car.advance(1 / hz);
    const sample = {
      index,
      recordedAt: new Date(startedAt + (index * 1000) / hz),
      frames: dongle.read(snapshot, index),
    };
    index += 1;
    return { sample, coolant: snapshot.coolant };
  };
}

describe('health alerts through the gateway subscription', () => {
  it("delivers the simulator's overheating fault as one CRITICAL alert, with the vehicle's VIN and owner's email", async () => {
    expect(FAULTS).toContain('overheat');
    const owner = await registerDriver(t, 'overheat-owner@example.com');
    const { vehicleId, deviceToken } = await vehicleWithDevice(t, owner, '1HGCM82673A004399');
    const sub = collect(client(owner.token), HEALTH_ALERTS, { id: vehicleId });
    await waitFor(() => t.system.gateway.subscriptions.stats.subscribers === 1, 'the gateway to hold the subscription');

    const device: DeviceCredentials = { vehicleId, deviceToken, keyPrefix: `health-e2e-${vehicleId}` };
    const send = { url: t.url, limiter: new Limiter(1), policy: DEFAULT_RETRY_POLICY, stats: new SimulationStats() };
    const next = overheatingCar(7);
    let hottest = 0;
    // Up to 40 simulated minutes, one round per request so rounds arrive in the order they were read.
    for (let round = 0; round < 240 && sub.results.length === 0; round++) {
      const { sample, coolant } = next();
      hottest = Math.max(hottest, coolant);
      await uploadSamples(send, device, [sample]);
    }
    await waitFor(() => sub.results.length > 0, 'the alert event');
    expect(send.stats.totals()).toMatchObject({ samplesLost: 0 });
    expect(hottest).toBeGreaterThan(110);

    const [event] = sub.results;
    expect(event.errors).toBeUndefined();
    expect(event.data.healthAlerts).toMatchObject({
      rule: 'coolant-overheat',
      severity: 'CRITICAL',
      status: 'OPEN',
      message: expect.stringMatching(/Engine overheating: coolant at 1[1-2]\d(\.\d)? °C/),
      vehicle: { vin: '1HGCM82673A004399', owner: { email: 'overheat-owner@example.com' } },
    });
    // Five more simulated minutes of the same overheat: no second alert.
    for (let round = 0; round < 30; round++) await uploadSamples(send, device, [next().sample]);
    expect(sub.results.filter((r) => r.data?.healthAlerts.status === 'OPEN')).toHaveLength(1);
    sub.stop();
  });

  it("refuses another customer's vehicle and the whole fleet to customers with FORBIDDEN, and lets staff follow the fleet", async () => {
    const owner = await registerDriver(t, 'alerts-owner@example.com');
    const other = await registerDriver(t, 'alerts-other@example.com');
    const { vehicleId } = await vehicleWithDevice(t, owner, 'WVWZZZ1JZXW000777');
    for (const variables of [{ id: vehicleId }, {}]) {
      const denied = collect(client(other.token), HEALTH_ALERTS, variables);
      await waitFor(() => denied.completed, 'the refusal');
      expect(denied.results.flatMap((r) => r.errors ?? []).map((e: any) => e.extensions.code)).toEqual(['FORBIDDEN']);
    }
    const admin = (await t.request(LoginDocument, { email: ADMIN.email, password: ADMIN.password })).data!.login
      .accessToken;
    const fleet = collect(client(admin), HEALTH_ALERTS, {});
    await waitFor(() => t.system.gateway.subscriptions.stats.subscribers >= 1, 'the fleet subscription');
    expect(fleet.completed).toBe(false);
    fleet.stop();
  });
});
