import { ObjectId } from 'mongodb';
import { itServesEveryQueryFromAnIndex, recordQueries } from '../../test/indexed-queries.js';
import { useScratchDatabase } from '../../test/scratch-database.js';
import type { TriggerCategory } from '../triggers/categories.js';
import { proposedState, type DecisionDocument, type DecisionStatusValue } from './decision.document.js';
import { DECISION_INDEXES, DecisionStore } from './decision.store.js';

const T0 = Date.UTC(2026, 0, 1);
const db = useScratchDatabase('agents_decisions', { monitorCommands: true });
const recorder = recordQueries(db);
let store: DecisionStore;

function decision(i: number, status: DecisionStatusValue, category: TriggerCategory, memberId: string) {
  const at = new Date(T0 + i * 60_000);
  return {
    _id: ObjectId.createFromTime(at.getTime() / 1000),
    trigger: {
      firingId: null,
      kind: 'client_error_burst',
      category,
      metric: 'client_errors_per_minute',
      subject: 'global',
      value: 40,
      threshold: 25,
      firedAt: at,
    },
    category,
    metrics: [],
    options: [],
    action: 'notify_team',
    parameters: {},
    risk: 'LOW',
    reversible: false,
    reasoning: `decision ${i}`,
    confidence: 0.5,
    memberId,
    provider: 'policy',
    model: 'policy',
    costUsd: 0.01,
    latencyMs: 1,
    attempts: [],
    fallbackReason: null,
    seed: `s${i}`,
    mode: 'ON',
    ...proposedState(at),
    status,
  } as unknown as DecisionDocument;
}

const ids = (docs: { _id: ObjectId }[]) => docs.map((d) => d._id.getTimestamp().getTime());
const minute = (i: number) => T0 + i * 60_000;

beforeAll(async () => {
  store = new DecisionStore(db());
  await store.init();
  await store.insertMany(
    Array.from({ length: 30 }, (_, i) =>
      decision(
        i,
        i % 3 === 0 ? 'EXECUTED' : 'PROPOSED',
        i % 2 === 0 ? 'errors' : 'security',
        i % 5 === 0 ? 'security-expert' : 'sre',
      ),
    ),
  );
});

describe('DecisionStore.list', () => {
  it('pages newest first through the whole history with a stable cursor, counting all of it', async () => {
    const seen: number[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await store.list({}, { first: 7, after });
      expect(await page.totalCount).toBe(30);
      seen.push(...ids(page.edges.map((e) => e.node)));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor!;
    }
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => minute(29 - i)));
  });

  it('filters by member, status, category and creation time, alone or together', async () => {
    const list = async (query: Parameters<DecisionStore['list']>[0]) => {
      const page = await store.list(query, { first: 100 });
      expect(await page.totalCount).toBe(page.edges.length);
      return ids(page.edges.map((e) => e.node));
    };
    expect(await list({ memberId: 'security-expert' })).toEqual([25, 20, 15, 10, 5, 0].map(minute));
    expect(await list({ status: 'EXECUTED', category: 'errors' })).toEqual([24, 18, 12, 6, 0].map(minute));
    expect(await list({ category: 'security', from: new Date(minute(20)), to: new Date(minute(26)) })).toEqual(
      [25, 23, 21].map(minute),
    );
    expect(await list({ from: new Date(minute(28)) })).toEqual([29, 28].map(minute));
  });
});

describe('DecisionStore counts', () => {
  it('counts by status and by category, leaving out values with none', async () => {
    expect(await store.countBy('status')).toEqual([
      { key: 'EXECUTED', count: 10 },
      { key: 'PROPOSED', count: 20 },
    ]);
    expect(await store.countBy('category')).toEqual([
      { key: 'errors', count: 15 },
      { key: 'security', count: 15 },
    ]);
    expect(await store.countWithStatus('APPROVAL_REQUIRED')).toBe(0);
    expect(await store.totals()).toMatchObject({ decisions: 30, evaluated: 0 });
  });
});

describe('DecisionStore.transition', () => {
  it('moves a decision on only from the statuses given, and exactly one of several concurrent moves wins', async () => {
    const doc = decision(100, 'PROPOSED', 'errors', 'sre');
    await store.insert(doc);
    expect(await store.transition(doc._id, ['EXECUTED'], { status: 'ROLLED_BACK' })).toBeNull();
    const moves = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store.transition(doc._id, ['PROPOSED'], { status: 'REJECTED', rejectedBy: `admin-${i}` }),
      ),
    );
    const won = moves.filter((m) => m !== null);
    expect(won).toHaveLength(1);
    expect(await store.findById(doc._id)).toMatchObject({ status: 'REJECTED', rejectedBy: won[0]!.rejectedBy });
    expect(await store.countWithStatus('REJECTED')).toBe(1);
  });
});

itServesEveryQueryFromAnIndex(recorder, () => ({ [DecisionStore.collection]: DECISION_INDEXES }));
