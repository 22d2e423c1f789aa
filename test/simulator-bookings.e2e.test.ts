import { randomBytes } from 'node:crypto';
import { Authorizer } from '../scripts/fleet/credentials.js';
import { CITIES } from '../scripts/seed/centres/cities.js';
import { BookingSimulation } from '../scripts/simulator/bookings/booking-sim.js';
import { Limiter } from '../scripts/simulator/limiter.js';
import { runSimulation } from '../scripts/simulator/run-simulation.js';
import { createRandom } from '../scripts/simulator/random.js';
import { DEFAULT_RETRY_POLICY } from '../scripts/simulator/retry.js';
import type { SendContext } from '../scripts/simulator/send.js';
import { driverEmail, driverName, setUpFleet, type SimulatedVehicle } from '../scripts/simulator/setup.js';
import {
  GetBookingDocument,
  IngestObdFramesDocument,
  LoginDocument,
  VehicleAlertsDocument,
} from './generated/graphql.js';
import { hasPassword } from '../subgraphs/identity/users/account-provisioning.js';
import { ADMIN, startTestSystem, type TestSystem } from './harness.js';
import { frames } from './obd-frames.js';
import { waitFor } from './wait-for.js';

/*
 * `npm run simulate -- --book`'s drivers and garage against the real system: a simulated car's
 * overheating alert opens (its coolant uploaded at 120 °C for two minutes, back-dated, instead
 * of waiting for the simulated engine to get there), the driver books cooling at the simulated
 * garage with the alert's id, and the garage confirms, starts and completes it.
 */

let t: TestSystem;
let ctx: SendContext;
let sim: BookingSimulation;
let vehicle: SimulatedVehicle;
let adminToken: string;
const runId = randomBytes(3).toString('hex');

beforeAll(async () => {
  t = await startTestSystem();
  ctx = { url: t.url, limiter: new Limiter(4), policy: DEFAULT_RETRY_POLICY };
  adminToken = (await t.request(LoginDocument, ADMIN)).data!.login.accessToken;
  sim = await BookingSimulation.setUp({
    ctx,
    runId,
    city: CITIES.find((c) => c.name === 'London')!,
    admin: ADMIN,
    drivers: [{ index: 0, email: driverEmail(0, runId), name: driverName(0) }],
    random: createRandom(7),
  });
  // As the simulator does: the fleet provisioned after the drivers registered.
  [vehicle] = await setUpFleet(ctx, new Authorizer(ctx, ADMIN), {
    runId,
    faults: [['overheat']],
    identities: createRandom(8),
  });
  sim.attach([vehicle!]);
});
afterAll(() => t.stop());

const stored = () =>
  t.system.deps.mongo.db('marketplace').collection('bookings').find({ centreId: sim.centreId }).toArray();

describe('the simulator books services when alerts open, and its garage does the work', () => {
  it('books nothing while the car has no open alert', async () => {
    await sim.turn();
    expect(sim.stats).toMatchObject({ requested: 0, errors: {} });
    expect(await stored()).toHaveLength(0);
  });

  it('books cooling for an overheating alert, with its id and a key, and the garage confirms, starts and completes it', async () => {
    const startedAt = Date.now() - 3_600_000;
    for (let s = 100; s <= 220; s += 10) {
      const uploaded = await t.request(
        IngestObdFramesDocument,
        {
          vehicleId: vehicle.vehicleId,
          frames: [frames.rpm(2400), frames.coolant(120)],
          recordedAt: new Date(startedAt + s * 1000).toISOString(),
        },
        { token: vehicle.device.deviceToken },
      );
      expect(uploaded.errors).toBeUndefined();
    }
    let alertId = '';
    await waitFor(
      async () => {
        const { data } = await t.request(
          VehicleAlertsDocument,
          { id: vehicle.vehicleId, status: 'OPEN' },
          { token: adminToken },
        );
        alertId = data?.vehicle?.alerts.find((a) => a.rule.startsWith('coolant'))?.id ?? '';
        return alertId !== '';
      },
      'the overheating alert',
      30_000,
    );

    const stop = new AbortController();
    const running = sim.run(stop.signal, 200);
    try {
      await waitFor(() => sim.stats.completed === 1, 'the booking completed by the garage', 60_000);
    } finally {
      stop.abort();
      await running;
    }
    expect(sim.stats).toMatchObject({ requested: 1, confirmed: 1, started: 1, completed: 1, errors: {} });
    const bookingId = sim.bookings.get(alertId)!;
    const booking = await t.request(GetBookingDocument, { id: bookingId }, { token: adminToken });
    expect(booking.data!.booking).toMatchObject({
      status: 'COMPLETED',
      service: 'COOLING',
      centre: { id: sim.centreId },
      vehicle: { id: vehicle.vehicleId },
      details: { alertId, currency: 'GBP' },
    });
    const [doc] = await stored();
    expect(doc).toMatchObject({
      idempotencyKey: expect.stringContaining(`sim-${runId}-${alertId}`),
      completion: { workDone: expect.stringMatching(/thermostat/), partsReplaced: ['thermostat', 'coolant (6 l)'] },
    });
  });

  it('books once per alert: later looks at the same open alert book nothing more', async () => {
    const stop = new AbortController();
    const running = sim.run(stop.signal, 100);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    stop.abort();
    await running;
    expect(sim.stats.requested).toBe(1);
    expect(await stored()).toHaveLength(1);
  });

  it('is what runSimulation does with book: the garage approved, the faulty cars on their drivers’ accounts', async () => {
    const summary = await runSimulation({
      url: t.url,
      vehicles: 3,
      hz: 2,
      durationSeconds: 1,
      faults: ['overheat:0.34'],
      seed: 11,
      book: true,
      apiKey: undefined,
      adminEmail: ADMIN.email,
      adminPassword: ADMIN.password,
      bookingPollMs: 200,
      quiet: true,
      log: () => undefined,
    });
    expect(summary.bookings).toMatchObject({ drivers: 1, requested: 0, errors: {} });
    expect(CITIES.map((c) => c.name)).toContain(summary.bookings!.city);
    const centre = await t.system.deps.mongo
      .db('marketplace')
      .collection('service_centres')
      .findOne({ name: `Simulated Garage ${summary.runId}` });
    expect(centre?._id.toHexString()).toBe(summary.bookings!.centreId);
    const faulty = summary.vehicles.find((v) => v.faults.length > 0)!;
    const healthy = summary.vehicles.find((v) => v.faults.length === 0)!;
    const users = t.system.deps.mongo.db('identity').collection('users');
    const driver = await users.findOne({ email: faulty.ownerEmail });
    const other = await users.findOne({ email: healthy.ownerEmail });
    // Only the drivers who book can sign in; the others stay passwordless, as without --book.
    expect(hasPassword(driver as never)).toBe(true);
    expect(hasPassword(other as never)).toBe(false);
    const owned = await t.system.deps.mongo.db('vehicles').collection('vehicles').findOne({ vin: faulty.vin });
    expect(owned!.ownerId).toBe(driver!._id.toHexString());
  });
});
