import { Registry } from 'prom-client';
import { GATEWAY_METRICS_TOPIC, gatewayMetricsSnapshotSchema } from '../../gateway/contract.js';
import { ManualClock, systemClock } from '../clock.js';
import { newBus, startAgents, testDatabase, type TestAgents, type TestDatabase } from '../testing/agents-harness.js';
import { LeaseStore } from './lease.store.js';

let database: TestDatabase;
const started: TestAgents[] = [];
beforeEach(async () => {
  database = await testDatabase();
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((a) => a.stop()));
  await database.drop();
});

describe('lease store', () => {
  it('gives a term to exactly one of many contenders at once', async () => {
    const lease = new LeaseStore(database.db, 'race');
    await lease.init();
    const wins = await Promise.all(Array.from({ length: 12 }, (_, i) => lease.acquire(`c${i}`, 1000, 5000)));
    expect(wins.filter(Boolean)).toHaveLength(1);
    const holder = `c${wins.indexOf(true)}`;
    expect(await lease.current()).toMatchObject({ holder, term: 1 });
  });

  it('renews for its holder only while live, and hands over after expiry or release', async () => {
    const lease = new LeaseStore(database.db, 'handover');
    await lease.init();
    expect(await lease.acquire('a', 0, 1000)).toBe(true);
    expect(await lease.acquire('a', 900, 1000)).toBe(true); // renewed until 1900
    expect(await lease.acquire('b', 1800, 1000)).toBe(false);
    expect(await lease.acquire('b', 1900, 1000)).toBe(true);
    expect(await lease.acquire('a', 2000, 1000)).toBe(false);
    await lease.release('b', 2100);
    expect(await lease.acquire('a', 2100, 1000)).toBe(true);
    expect(await lease.current()).toMatchObject({ holder: 'a', term: 3 });
  });
});

describe('two agents instances on one database', () => {
  it('only one leads; when the leader dies the other takes over within the lease time', async () => {
    const clock = new ManualClock(Date.parse('2030-01-01T00:00:00Z'));
    const bus = newBus();
    const a = await startAgents(database.db, { clock, bus, leaseMs: 3000, instanceId: 'agents-a' });
    const b = await startAgents(database.db, { clock, bus, leaseMs: 3000, instanceId: 'agents-b' });
    started.push(a, b);

    expect(await a.agents.loop.heartbeat()).toBe(true);
    expect(await b.agents.loop.heartbeat()).toBe(false);
    expect(await b.agents.loop.tickNow()).toBeNull();
    expect((await a.agents.loop.tickNow())?.mode).toBe('ON');
    clock.advance(1000);
    expect(await a.agents.loop.heartbeat()).toBe(true); // renewed: now valid until +4000
    expect(await b.agents.loop.heartbeat()).toBe(false);

    // The leader dies without handing over: its lease simply runs out.
    await a.agents.loop.stop({ release: false });
    clock.advance(2999);
    expect(await b.agents.loop.heartbeat()).toBe(false);
    clock.advance(1);
    expect(await b.agents.loop.heartbeat()).toBe(true);
    expect(b.agents.loop.isLeader()).toBe(true);
    expect((await b.agents.loop.tickNow())?.mode).toBe('ON');

    const status = await b.run('{ autonomousStatus { leaderId isLeader running lastTickAt } }');
    expect(status.data.autonomousStatus).toMatchObject({ leaderId: 'agents-b', isLeader: true, running: true });
  });

  it('with real timers and a short lease, a stopped leader is replaced', async () => {
    const bus = newBus();
    const clock = systemClock;
    const a = await startAgents(database.db, { clock, bus, leaseMs: 600, instanceId: 'timer-a', autoStart: true });
    const b = await startAgents(database.db, { clock, bus, leaseMs: 600, instanceId: 'timer-b', autoStart: true });
    started.push(a, b);
    await waitUntil(() => a.agents.loop.isLeader() !== b.agents.loop.isLeader());
    const [leader, follower] = a.agents.loop.isLeader() ? [a, b] : [b, a];
    await leader.agents.loop.stop({ release: false });
    await waitUntil(() => follower.agents.loop.isLeader());
    expect(leader.agents.loop.isLeader()).toBe(false);
  });
});

describe('breaches seen by two agents instances', () => {
  /** A gateway's 10 s window: 100 requests at a p95 of 600 ms (the p95_latency trigger's line is 150). */
  const slowWindow = (at: number) =>
    gatewayMetricsSnapshotSchema.parse({
      gatewayId: 'g1',
      at: new Date(at).toISOString(),
      windowSeconds: 10,
      requests: 100,
      p50Ms: 300,
      p95Ms: 600,
      throughputRps: 10,
      serverErrors: 0,
      errorRatePct: 0,
      availabilityPct: 100,
      rateLimited: 0,
      forbidden: 0,
      unauthenticated: 0,
      startedAt: new Date(at - 60_000).toISOString(),
    });
  const breaches = async (registry: Registry) =>
    (
      (await registry.getSingleMetric('agents_trigger_breaches_total')!.get()).values as Array<{ value: number }>
    ).reduce((n, v) => n + v.value, 0);

  it('count a breach once across instances (the leader counts it; the follower saw it too)', async () => {
    const clock = new ManualClock(Date.parse('2030-01-01T00:00:00Z'));
    const bus = newBus();
    const a = await startAgents(database.db, { clock, bus, leaseMs: 3000, instanceId: 'agents-a' });
    const b = await startAgents(database.db, { clock, bus, leaseMs: 3000, instanceId: 'agents-b' });
    started.push(a, b);
    const registries = [new Registry(), new Registry()];
    a.agents.registerMetrics!(registries[0]);
    b.agents.registerMetrics!(registries[1]);
    expect(await a.agents.loop.heartbeat()).toBe(true);
    expect(await b.agents.loop.heartbeat()).toBe(false);

    // Both instances receive every gateway snapshot, and both detectors fire on it.
    await bus.publish(GATEWAY_METRICS_TOPIC, slowWindow(clock.now()));
    await waitUntil(async () => (await breaches(registries[0])) >= 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(await breaches(registries[0])).toBe(1);
    expect(await breaches(registries[1])).toBe(0);
    // A tick records the breach (once) and does not count it again.
    await a.agents.loop.tickNow();
    expect(
      (await a.run('{ triggerFirings(kind: "p95_latency", first: 5) { totalCount } }')).data.triggerFirings.totalCount,
    ).toBe(1);
    expect((await breaches(registries[0])) + (await breaches(registries[1]))).toBe(1);
  });
});

async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
