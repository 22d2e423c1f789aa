import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ProgressFile } from '../scripts/seed/progress.js';
import { runSeed, type SeedRun } from '../scripts/seed/run-seed.js';
import type { SeedScale } from '../scripts/seed/scales.js';
import { vehicleTimeline } from '../scripts/seed/timeline.js';
import {
  AllVehiclesDocument,
  DecisionsDocument,
  FleetAlertsDocument,
  LoginDocument,
  UsersDocument,
} from './generated/graphql.js';
import { ADMIN, startTestSystem, type TestSystem } from './harness.js';

/** The shape of `small` and `seed`, in seconds: two owners with two cars, six cars with two days of readings. */
const TINY: SeedScale = {
  name: 'tiny',
  customers: 30,
  vehicles: 32,
  readingVehicles: 6,
  readingDays: 2,
  decisions: 40,
  alerts: 8,
  centres: 0,
};

let t: TestSystem;
let dir: string;
let adminToken: string;
const db = (name: string) => t.system.deps.mongo.db(name);

beforeAll(async () => {
  t = await startTestSystem();
  dir = mkdtempSync(path.join(tmpdir(), 'clutch-seed-'));
  adminToken = (await t.request(LoginDocument, ADMIN)).data!.login.accessToken;
});
afterAll(async () => {
  await t.stop();
  rmSync(dir, { recursive: true, force: true });
});

const progressFile = () => path.join(dir, 'seed', 'tiny.json');
const seed = (overrides: Partial<SeedRun> = {}) =>
  runSeed({
    url: t.url,
    scale: TINY,
    credentials: ADMIN,
    progress: ProgressFile.open(progressFile(), TINY.name, 'test', false),
    agentsDb: db('agents'),
    countAlerts: (vehicleIds) =>
      db('health')
        .collection('alerts')
        .countDocuments({ vehicleId: { $in: [...vehicleIds] } }),
    concurrency: 4,
    log: () => undefined,
    alertWaitSeconds: 60,
    ...overrides,
  });

async function stored() {
  const [users, vehicles, devices, buckets, decisions, alerts, uploads] = await Promise.all([
    db('identity')
      .collection('users')
      .countDocuments({ email: { $regex: /^tiny\./ } }),
    db('vehicles').collection('vehicles').countDocuments(),
    db('vehicles').collection('obd_devices').countDocuments(),
    db('telemetry')
      .collection('reading_buckets')
      .find({}, { projection: { count: 1 } })
      .toArray(),
    db('agents').collection('decisions').countDocuments(),
    db('health').collection('alerts').countDocuments(),
    db('vehicles').collection('provisioning_requests').countDocuments(),
  ]);
  const readings = buckets.reduce((n, b) => n + (b.count as number), 0);
  return { users, vehicles, devices, readings, decisions, alerts, uploads };
}

describe('npm run seed, run programmatically at a tiny scale', () => {
  let first: Awaited<ReturnType<typeof runSeed>>;
  let after: Awaited<ReturnType<typeof stored>>;

  beforeAll(async () => {
    // Interrupted once the readings have begun, then run again: it resumes where it stopped.
    const stop = new AbortController();
    const interrupted = seed({
      signal: stop.signal,
      onStep: (phase) => {
        if (phase === 'readings') stop.abort();
      },
    });
    await expect(interrupted).rejects.toThrow(/stopped; run the same command again to resume/);
    first = await seed();
    after = await stored();
  });

  it('provisions every customer, vehicle and dongle through the gateway, resuming what was cut short', async () => {
    expect(first.resumed).toBe(true);
    expect(first.fleet).toMatchObject({ requests: 1, sent: 0 });
    expect(after).toMatchObject({ users: 30, vehicles: 32, devices: 32, uploads: 1 });
    const users = await t.request(UsersDocument, { first: 1 }, { token: adminToken });
    expect(users.data!.users.totalCount).toBe(31);
    const vehicles = await t.request(AllVehiclesDocument, { first: 1 }, { token: adminToken });
    expect(vehicles.data!.vehicles.totalCount).toBe(32);
  });

  it('stores every planned reading exactly once, and health raises exactly the planned alerts from them', async () => {
    expect(first.readings.vehicles).toBe(6);
    // The interrupted run sent some uploads; this one the rest.
    expect(first.readings.sent).toBeGreaterThan(0);
    expect(first.readings.sent).toBeLessThan(first.readings.uploads);
    const anchor = new Date(JSON.parse(readFileSync(progressFile(), 'utf8')).anchor);
    const planned = Array.from({ length: 6 }, (_, rank) => vehicleTimeline(TINY, rank, anchor).readings);
    expect(after.readings).toBe(planned.reduce((a, b) => a + b, 0));
    expect(first.alerts).toMatchObject({ planned: 8, plannedOpen: 2, counted: 8 });
    const all = await t.request(FleetAlertsDocument, { first: 100 }, { token: adminToken });
    expect(all.data!.fleetAlerts.totalCount).toBe(8);
    const open = await t.request(FleetAlertsDocument, { status: 'OPEN', first: 100 }, { token: adminToken });
    expect(open.data!.fleetAlerts.totalCount).toBe(2);
    const rules = new Set(all.data!.fleetAlerts.edges.map((e) => e.node.rule));
    expect(rules).toEqual(new Set(['coolant-overheat', 'battery-not-charging']));
  });

  it('writes the decisions through the agents store, listed by the decisions query', async () => {
    expect(after.decisions).toBeGreaterThanOrEqual(40);
    const decisions = await t.request(DecisionsDocument, { first: 5 }, { token: adminToken });
    expect(decisions.errors).toBeUndefined();
    expect(decisions.data!.decisions.totalCount).toBeGreaterThanOrEqual(40);
  });

  it('keeps its progress in a file only its owner reads', () => {
    expect(statSync(progressFile()).mode & 0o077).toBe(0);
  });

  it('skips everything on a second run, and writes nothing', async () => {
    const again = await seed();
    expect(again).toMatchObject({
      resumed: true,
      fleet: { sent: 0, vehiclesCreated: 0 },
      readings: { sent: 0, stored: 0 },
      decisions: { written: 0 },
      alerts: { counted: 8 },
    });
    expect(await stored()).toEqual(after);
  });

  it('creates nothing twice when its progress is lost, and says how to go on', async () => {
    rmSync(progressFile());
    await expect(seed()).rejects.toThrow(/does not hold its token .* --restart/);
    const now = await stored();
    expect({ ...now, uploads: 0 }).toEqual({ ...after, uploads: 0 });
  });
});
