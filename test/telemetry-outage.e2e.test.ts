import {
  IngestObdFramesDocument,
  VehicleAlertsDocument,
  VehicleLatestReadingsDocument,
  VehicleReadingsDocument,
} from './generated/graphql.js';
import { startTestSystem, type TestSystem } from './harness.js';
import { registerDriver, vehicleWithDevice, type Driver } from './live.js';
import { frames } from './obd-frames.js';
import { startRedisServer, type TestRedis } from './redis-server.js';
import { waitFor } from './wait-for.js';

// The bus (Redis) goes down while a car uploads overheating readings: the uploads succeed and
// are stored, the events for health wait in telemetry's outbox, and once Redis is back health
// gets them and raises the alert. Nothing is lost.
let redis: TestRedis;
let t: TestSystem;
let owner: Driver;
let vehicleId: string;
let deviceToken: string;

const startedAt = Date.now() - 3_600_000;
const secondsIn = (s: number) => new Date(startedAt + s * 1000).toISOString();
const outbox = () => t.system.deps.mongo.db('telemetry').collection('event_outbox');

beforeAll(async () => {
  redis = await startRedisServer();
  // The default settings: the backlog that arrives at once after the outage must be folded in
  // order per vehicle, or the alert would open late (older batches ignored as stale), or never.
  t = await startTestSystem({ REDIS_URL: redis.url });
  owner = await registerDriver(t, 'outage@example.com');
  ({ vehicleId, deviceToken } = await vehicleWithDevice(t, owner, '1HGCM82633A004352'));
});
afterAll(async () => {
  await t?.stop();
  await redis?.stop();
});

const alerts = async () => {
  const result = await t.request(VehicleAlertsDocument, { id: vehicleId }, { token: owner.token });
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data!.vehicle!.alerts;
};

/** Resolves once the system's bus refuses at once; a probe sent before it noticed waits in ioredis and is ignored. */
const busRefuses = () =>
  Promise.race([
    t.system.deps.bus.publish('probe', {}).then(
      () => false,
      (err: Error) => err.message.includes('unreachable'),
    ),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 100)),
  ]);

it('keeps the events of uploads made while Redis is down, and health raises the overheating alert once it is back', async () => {
  await redis.stop();
  await waitFor(busRefuses, 'the bus to notice that Redis is gone');

  for (let s = 100; s <= 220; s += 10) {
    const upload = await t.request(
      IngestObdFramesDocument,
      { vehicleId, frames: [frames.rpm(2400), frames.coolant(120)], recordedAt: secondsIn(s) },
      { token: deviceToken },
    );
    expect(upload.errors).toBeUndefined();
    expect(upload.data!.ingestObdFrames).toMatchObject({ accepted: 2, readingsStored: 2 });
  }

  // Stored while the bus was down, and readable through the gateway.
  const latest = await t.request(VehicleLatestReadingsDocument, { id: vehicleId }, { token: owner.token });
  expect(latest.data!.vehicle!.latestReadings).toContainEqual(
    expect.objectContaining({ pid: '05', value: 120, recordedAt: secondsIn(220) }),
  );
  const series = await t.request(
    VehicleReadingsDocument,
    { id: vehicleId, pid: '05', from: secondsIn(0), to: secondsIn(300), bucket: 'MINUTE' },
    { token: owner.token },
  );
  expect(series.data!.vehicle!.readings.points.reduce((sum, p) => sum + p.count, 0)).toBe(13);
  // One event per upload waits for the bus; health has heard nothing yet. A relay pass that
  // tries the bus again takes the oldest entry out and puts it back when refused, so a count
  // taken during that moment sees 12: wait for a count outside it.
  await waitFor(async () => (await outbox().countDocuments()) === 13, 'the 13 events to wait in the outbox');
  expect(await alerts()).toEqual([]);

  redis = await startRedisServer({ port: redis.port });
  await waitFor(
    async () => (await alerts()).some((a) => a.rule === 'coolant-overheat'),
    'the overheating alert',
    60_000,
  );
  const overheats = (await alerts()).filter((a) => a.rule === 'coolant-overheat');
  expect(overheats).toHaveLength(1);
  expect(overheats[0]).toMatchObject({ severity: 'CRITICAL', status: 'OPEN', value: 120, openedAt: secondsIn(130) });
  await waitFor(async () => (await outbox().countDocuments()) === 0, 'the outbox to empty');

  const telemetry = t.system.subgraphs.find((s) => s.name === 'telemetry')!;
  const metrics = await (await fetch(telemetry.url.replace(/\/graphql$/, '/metrics'))).text();
  expect(metrics).toMatch(/event_outbox_events_total\{[^}]*stream="telemetry.readings",outcome="queued"[^}]*\} 13/);
  expect(metrics).toMatch(/event_outbox_events_total\{[^}]*stream="telemetry.readings",outcome="relayed"[^}]*\} 13/);
});
