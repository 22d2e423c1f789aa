import { GATEWAY_METRICS_TOPIC, gatewayMetricsSnapshotSchema } from '../../gateway/contract.js';
import { ManualClock } from '../clock.js';
import { newBus, startAgents, testDatabase, type TestAgents, type TestDatabase } from '../testing/agents-harness.js';
import { GatewayMetricsBoard } from './gateway-metrics.board.js';
import { TrafficMinuteStore } from './traffic-minute.store.js';

const MINUTE = 60_000;
let database: TestDatabase;
const started: TestAgents[] = [];
beforeEach(async () => {
  database = await testDatabase();
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((a) => a.stop()));
  await database.drop();
});

const window = (seconds: number, requests: number) => ({
  seconds,
  requests,
  serverErrors: 0,
  unavailable: 0,
  rateLimited: 0,
  serviceRateLimited: 0,
  forbidden: 0,
  unauthenticated: 0,
  authenticatedRateLimited: 0,
  authenticatedForbidden: 0,
  p95Ms: 20,
});
/** One gateway's 60 s window of `requests`, with its rolling windows when given. */
const snapshot = (at: number, requests: number, rolling?: { '1m': number; '5m': number }) =>
  gatewayMetricsSnapshotSchema.parse({
    gatewayId: 'g1',
    at: new Date(at).toISOString(),
    windowSeconds: 60,
    requests,
    p50Ms: 10,
    p95Ms: 20,
    throughputRps: requests / 60,
    serverErrors: 0,
    errorRatePct: 0,
    availabilityPct: 100,
    rateLimited: 0,
    forbidden: 0,
    unauthenticated: 0,
    startedAt: new Date(at - 3_600_000).toISOString(),
    ...(rolling ? { windows: { '1m': window(60, rolling['1m']), '5m': window(300, rolling['5m']) } } : {}),
  });

describe('the throughput baseline across a restart', () => {
  it('is there at once: the minutes before the restart are kept in the database and restored', async () => {
    const clock = new ManualClock(Date.parse('2030-01-01T00:00:30Z'));
    const bus = newBus();
    const first = await startAgents(database.db, { clock, bus, instanceId: 'agents-a' });
    started.push(first);
    // 40 minutes at 10 requests a second.
    for (let i = 0; i < 40; i++) {
      await bus.publish(GATEWAY_METRICS_TOPIC, snapshot(clock.now(), 600));
      clock.advance(MINUTE);
    }
    await bus.publish(GATEWAY_METRICS_TOPIC, snapshot(clock.now(), 600));
    const saved = () =>
      database.db.collection<{ _id: number }>(TrafficMinuteStore.collection).countDocuments({ _id: { $gte: 0 } });
    for (let tries = 0; (await saved()) < 35 && tries < 200; tries++) await new Promise((r) => setTimeout(r, 20));
    expect(await saved()).toBeGreaterThanOrEqual(35);
    await first.stop();
    started.splice(0);

    // A new instance: its board is restored from what was kept, so a drop is seen at once.
    const second = await startAgents(database.db, { clock, bus, instanceId: 'agents-b' });
    started.push(second);
    await bus.publish(GATEWAY_METRICS_TOPIC, snapshot(clock.now(), 6, { '1m': 6, '5m': 30 }));
    await second.agents.loop.tickNow();
    const firings = await second.run(
      '{ triggerFirings(kind: "throughput_drop", first: 5) { totalCount edges { node { value } } } }',
    );
    expect(firings.data.triggerFirings.totalCount).toBe(1);
    expect(firings.data.triggerFirings.edges[0].node.value).toBeCloseTo(0.01, 3);
  });

  it('the store keeps the fullest count of a minute and forgets what is older than asked', async () => {
    const store = new TrafficMinuteStore(database.db);
    const minute = (start: number, requests: number) => ({
      start,
      requests,
      serverErrors: 1,
      unavailable: 0,
      rateLimited: 0,
      forbidden: 0,
      authenticatedRateLimited: 0,
      authenticatedForbidden: 0,
    });
    await store.save([minute(0, 100), minute(MINUTE, 50)], 0);
    await store.save([minute(MINUTE, 80), minute(2 * MINUTE, 10)], MINUTE);
    await store.save([minute(MINUTE, 60)], MINUTE);
    expect((await store.since(0)).map((m) => [m.start, m.requests])).toEqual([
      [MINUTE, 80],
      [2 * MINUTE, 10],
    ]);
    // Restored into a board, 30 such minutes give a baseline at once.
    const board = new GatewayMetricsBoard(30_000);
    const now = 40 * MINUTE;
    board.restore(
      Array.from({ length: 35 }, (_, i) => minute(i * MINUTE, 600)),
      now,
    );
    expect(board.throughputBaseline(now)).toBe(10);
  });
});
