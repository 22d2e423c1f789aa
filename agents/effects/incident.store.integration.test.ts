import { testDatabase, type TestDatabase } from '../testing/agents-harness.js';
import { incidentEffect } from './incident.effect.js';
import { IncidentStore, incidentKey } from './incident.store.js';

let database: TestDatabase;
let store: IncidentStore;
beforeEach(async () => {
  database = await testDatabase();
  store = new IncidentStore(database.db);
  await store.init();
});
afterEach(async () => database.drop());

const at = (s: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, s));
const report = (n: number, over: Partial<Parameters<IncidentStore['open']>[0]> = {}) => ({
  triggerKind: 'error_rate',
  subject: 'global',
  title: 'Error rate above its objective',
  severity: 'MEDIUM' as const,
  summary: `firing ${n}`,
  decisionId: `d${n}`,
  at: at(n),
  ...over,
});

describe('incidents', () => {
  it('keep one incident per trigger and subject: repeats add their decision and never lower the severity', async () => {
    const first = await store.open(report(1));
    const second = await store.open(report(2, { severity: 'HIGH' }));
    const third = await store.open(report(3, { severity: 'LOW' }));
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(third.incident._id.equals(first.incident._id)).toBe(true);
    expect(third.incident).toMatchObject({
      status: 'OPEN',
      occurrences: 3,
      severity: 'HIGH',
      decisionIds: ['d1', 'd2', 'd3'],
      summary: 'firing 3',
    });
    // Another subject is another incident.
    const other = await store.open(report(4, { subject: 'revenue', triggerKind: 'goal_off_track' }));
    expect(other.created).toBe(true);
    expect(await database.db.collection('incidents').countDocuments({})).toBe(2);
  });

  it('opened at once by several instances, end up as one', async () => {
    const openings = await Promise.all([1, 2, 3, 4].map((n) => new IncidentStore(database.db).open(report(n))));
    expect(openings.filter((o) => o.created)).toHaveLength(1);
    const [only] = await database.db.collection('incidents').find({}).toArray();
    expect(only.occurrences).toBe(4);
    expect([...only.decisionIds].sort()).toEqual(['d1', 'd2', 'd3', 'd4']);
  });

  it('are acknowledged once, resolved once, and the next firing opens a new one', async () => {
    const { incident } = await store.open(report(1));
    const acked = await store.acknowledge(incident._id, 'admin1', at(5));
    expect(acked).toMatchObject({ status: 'ACKNOWLEDGED', acknowledgedBy: 'admin1', acknowledgedAt: at(5) });
    expect(await store.acknowledge(incident._id, 'admin1', at(6))).toBeNull();
    // Acknowledged still collects repeats.
    expect((await store.open(report(7))).created).toBe(false);
    const resolved = await store.resolve(incident._id, 'admin1', 'fixed the config', at(8));
    expect(resolved).toMatchObject({ status: 'RESOLVED', resolvedBy: 'admin1', resolution: 'fixed the config' });
    expect(await store.resolve(incident._id, 'admin1', 'again', at(9))).toBeNull();
    const next = await store.open(report(10));
    expect(next.created).toBe(true);
    expect(next.incident._id.equals(incident._id)).toBe(false);
  });

  it('resolve themselves when the condition behind their key clears', async () => {
    await store.open(report(1));
    await store.open(report(2, { triggerKind: 'p95_latency' }));
    const resolved = await store.resolveCleared([incidentKey('error_rate', 'global'), 'nothing:here'], at(3));
    expect(resolved.map((i) => [i.key, i.resolvedBy, i.resolution])).toEqual([
      ['error_rate:global', 'system', 'the condition cleared'],
    ]);
    const page = await store.list({ first: 10 }, 'OPEN');
    expect(page.edges.map((e) => e.node.triggerKind)).toEqual(['p95_latency']);
  });

  it("an off-track goal's incident is as severe as its gap, whatever the parameters ask", async () => {
    const effect = incidentEffect(store);
    const goal = (value: number) => ({ kind: 'goal_off_track' as const, subject: 'customers', value, threshold: 10 });
    await effect.apply(
      { title: 'Customers behind', severity: 'LOW', summary: '12 points behind' },
      { decisionId: 'g1', now: at(1), trigger: goal(12) },
    );
    const escalated = await effect.apply(
      { title: 'Customers behind', severity: 'LOW', summary: '55 points behind' },
      { decisionId: 'g2', now: at(2), trigger: goal(55) },
    );
    expect(escalated.summary).toMatch(/seen 2 times \(CRITICAL\)/);
    const incident = await store.findUnresolved(incidentKey('goal_off_track', 'customers'));
    expect(incident).toMatchObject({ severity: 'CRITICAL', occurrences: 2, decisionIds: ['g1', 'g2'] });
  });
});
