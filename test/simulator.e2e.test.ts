import { isValidVin } from '../subgraphs/vehicles/vin/vin.js';
import { runSimulation, type SimulationSummary } from '../scripts/simulator/run-simulation.js';
import { OptionsError } from '../scripts/simulator/options.js';
import { Limiter } from '../scripts/simulator/limiter.js';
import { SimulationStats } from '../scripts/simulator/stats.js';
import { uploadSamples } from '../scripts/simulator/uploader.js';
import { createRandom } from '../scripts/simulator/random.js';
import { uploadSlot } from '../scripts/simulator/upload-slot.js';
import {
  LoginDocument,
  VehicleDtcsDocument,
  VehicleLatestReadingsDocument,
  VehicleOwnerDocument,
} from './generated/graphql.js';
import { ADMIN, startTestSystem, type TestSystem } from './harness.js';

let t: TestSystem;
let summary: SimulationSummary;
let adminToken: string;
const log: string[] = [];

const buckets = () => t.system.deps.mongo.db('telemetry').collection('reading_buckets');
const storedReadings = async (vehicleId: string) =>
  (await buckets().find({ vehicleId }).toArray()).reduce((n, d) => n + (d.count as number), 0);

beforeAll(async () => {
  t = await startTestSystem();
  // Two dongles polling at 5 Hz for 2 s, one of the cars misfiring.
  summary = await runSimulation({
    url: t.url,
    vehicles: 2,
    hz: 5,
    durationSeconds: 2,
    faults: ['misfire:0.5'],
    seed: 1234,
    adminEmail: ADMIN.email,
    adminPassword: ADMIN.password,
    quiet: true,
    // A loaded machine may be slow to answer; what this test checks is what arrives.
    flushGraceSeconds: 60,
    log: (line) => log.push(line),
  });
  const login = await t.request(LoginDocument, { email: ADMIN.email, password: ADMIN.password });
  adminToken = login.data!.login.accessToken;
});
afterAll(() => t.stop());

describe('npm run simulate, run programmatically against the gateway', () => {
  it('sets up an owner per vehicle with a valid VIN and a paired dongle, and streams every round without errors', async () => {
    expect(summary.vehicles).toHaveLength(2);
    expect(summary).toMatchObject({
      samples: 20,
      samplesLost: 0,
      errors: {},
      rejectedFrames: {},
      stoppedBy: 'duration',
    });
    for (const vehicle of summary.vehicles) {
      expect(isValidVin(vehicle.vin)).toBe(true);
      const owner = await t.request(VehicleOwnerDocument, { id: vehicle.vehicleId }, { token: adminToken });
      expect(owner.data!.vehicle!.owner.email).toBe(vehicle.ownerEmail);
    }
    expect(log[0]).toMatch(/setting up 2 vehicle\(s\) .* seed 1234/);
  });

  it('stores as many readings as the simulator counted', async () => {
    const stored = await Promise.all(summary.vehicles.map((v) => storedReadings(v.vehicleId)));
    expect(summary.readingsStored).toBeGreaterThan(100);
    expect(stored.reduce((a, b) => a + b, 0)).toBe(summary.readingsStored);
  });

  it("gives each vehicle's latest RPM, speed and coolant temperature through the gateway", async () => {
    for (const vehicle of summary.vehicles) {
      const result = await t.request(VehicleLatestReadingsDocument, { id: vehicle.vehicleId }, { token: adminToken });
      expect(result.errors).toBeUndefined();
      const latest = new Map(result.data!.vehicle!.latestReadings.map((r) => [r.pid, r]));
      expect(latest.get('0C')).toMatchObject({ unit: 'rpm', value: expect.any(Number) });
      expect(latest.get('0D')).toMatchObject({ unit: 'km/h', value: 0 });
      expect(latest.get('05')).toMatchObject({ unit: '°C' });
      // Two seconds after the ignition: a cold engine, and a healthy battery's resting or running voltage.
      expect(latest.get('05')!.value).toBeGreaterThanOrEqual(5);
      expect(latest.get('05')!.value).toBeLessThanOrEqual(33);
      expect(latest.get('42')!.value).toBeGreaterThan(9);
    }
  });

  it('reports P0301 for the misfiring vehicle only', async () => {
    const codesOf = async (vehicleId: string) =>
      (await t.request(VehicleDtcsDocument, { id: vehicleId }, { token: adminToken })).data!.vehicle!.dtcs;
    const misfiring = summary.vehicles.filter((v) => v.faults.includes('misfire'));
    const healthy = summary.vehicles.filter((v) => v.faults.length === 0);
    expect(misfiring).toHaveLength(1);
    expect(healthy).toHaveLength(1);
    expect(await codesOf(misfiring[0].vehicleId)).toEqual([
      expect.objectContaining({ code: 'P0301', status: 'ACTIVE', description: expect.stringMatching(/misfire/i) }),
    ]);
    expect(await codesOf(healthy[0].vehicleId)).toEqual([]);
  });
});

describe('a dongle that uploads late, in batches', () => {
  it('sends 12 rounds as one upload of two batched requests (10 + 2 operations), each stored once under its own time', async () => {
    const late = await runSimulation({
      url: t.url,
      vehicles: 1,
      hz: 10,
      durationSeconds: 1.2,
      batch: 12,
      seed: 5,
      adminEmail: ADMIN.email,
      adminPassword: ADMIN.password,
      quiet: true,
      flushGraceSeconds: 60,
      log: () => undefined,
    });
    expect(late).toMatchObject({ samples: 12, requests: 2, samplesLost: 0, duplicates: 0, errors: {} });
    const vehicleId = late.vehicles[0].vehicleId;
    expect(await storedReadings(vehicleId)).toBe(late.readingsStored);
    // Bucket series keep times as milliseconds after the bucket's start (see ReadingStore).
    const times = (await buckets().find({ vehicleId }).toArray()).flatMap((d) =>
      Object.values(d.series).flatMap((s: any) => s.t.map((offset: number) => d.start.getTime() + offset)),
    );
    expect(new Set(times).size).toBe(12);
  });
});

describe('a dongle that uploads every few seconds (--upload-every)', () => {
  it('sends its rounds as ingestObdRounds, one operation per upload, each round stored once under its own time', async () => {
    // Seed 6 starts the dongle's upload interval with the run: two whole uploads of 6 rounds.
    expect(uploadSlot(createRandom(6).fork('vehicle:0'), 6)).toBe(0);
    const periodic = await runSimulation({
      url: t.url,
      vehicles: 1,
      hz: 10,
      durationSeconds: 1.2,
      uploadEverySeconds: 0.6,
      seed: 6,
      adminEmail: ADMIN.email,
      adminPassword: ADMIN.password,
      quiet: true,
      flushGraceSeconds: 60,
      log: () => undefined,
    });
    expect(periodic).toMatchObject({
      samples: 12,
      samplesStored: 12,
      requests: 2,
      samplesLost: 0,
      duplicates: 0,
      errors: {},
    });
    const vehicleId = periodic.vehicles[0].vehicleId;
    expect(await storedReadings(vehicleId)).toBe(periodic.readingsStored);
    const docs = await buckets().find({ vehicleId }).toArray();
    const times = docs.flatMap((d) =>
      Object.values(d.series).flatMap((s: any) => s.t.map((offset: number) => d.start.getTime() + offset)),
    );
    expect(new Set(times).size).toBe(12);
    // One receipt per upload: the idempotency keys live with the readings.
    expect(docs.flatMap((d) => Object.keys(d.receipts ?? {}))).toHaveLength(2);
  });
});

describe('the simulator with bad input or credentials', () => {
  it('refuses bad options before calling the gateway', async () => {
    await expect(runSimulation({ url: t.url, vehicles: 0, log: () => undefined })).rejects.toThrow(OptionsError);
    await expect(runSimulation({ url: t.url, faults: ['flat-tyre'], log: () => undefined })).rejects.toThrow(
      '--fault "flat-tyre": the fault is one of overheat, misfire, weak-battery',
    );
  });

  it('counts an upload with a token the gateway does not accept as UNAUTHENTICATED, does not retry it, stores nothing', async () => {
    const stats = new SimulationStats();
    const vehicleId = summary.vehicles[0].vehicleId;
    const before = await storedReadings(vehicleId);
    await uploadSamples(
      { url: t.url, limiter: new Limiter(1), policy: { attempts: 3, baseMs: 1, maxMs: 5 }, stats },
      { vehicleId, deviceToken: 'dt_not-a-real-token', keyPrefix: 'e2e-bad-token' },
      [{ index: 0, recordedAt: new Date(), frames: ['41 0C 1A F8'] }],
    );
    expect(stats.totals()).toMatchObject({
      errors: { UNAUTHENTICATED: 1 },
      retries: 0,
      samplesLost: 1,
      readingsStored: 0,
    });
    expect(await storedReadings(vehicleId)).toBe(before);
  });
});

describe('a fleet of 200 set up under the production sign-in limit', () => {
  let limited: TestSystem;
  afterAll(() => limited?.stop());

  it('provisions owners, vehicles and dongles in two provisionFleet requests after one sign-in, and streams from all', async () => {
    // What refused `npm run simulate -- --vehicles 200` at registration 119: 30 sign-ins a minute per IP.
    limited = await startTestSystem({ RATE_LIMIT_AUTH_PER_MINUTE: '30' });
    const fleet = await runSimulation({
      url: limited.url,
      vehicles: 200,
      hz: 1,
      durationSeconds: 1,
      seed: 7,
      concurrency: 16,
      adminEmail: ADMIN.email,
      adminPassword: ADMIN.password,
      quiet: true,
      flushGraceSeconds: 60,
      log: () => undefined,
    });
    expect(fleet.vehicles).toHaveLength(200);
    expect(new Set(fleet.vehicles.map((v) => v.vehicleId)).size).toBe(200);
    expect(fleet).toMatchObject({ samples: 200, samplesLost: 0, errors: {} });
    const identity = limited.system.deps.mongo.db('identity');
    const audit = identity.collection('audit_events');
    expect(await audit.countDocuments({ type: 'FLEET_PROVISIONED' })).toBe(2);
    expect(await audit.countDocuments({ type: 'ACCOUNT_PROVISIONED' })).toBe(200);
    expect(await audit.countDocuments({ type: { $in: ['REGISTERED', 'LOGIN_FAILED'] } })).toBe(0);
    expect(await audit.countDocuments({ type: 'LOGIN_SUCCEEDED' })).toBe(1);
  });
});
