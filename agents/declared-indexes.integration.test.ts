import { itServesEveryQueryFromAnIndex, recordQueries } from '../test/indexed-queries.js';
import { useScratchDatabase } from '../test/scratch-database.js';
import { AGENTS_INDEXES } from './declared-indexes.js';
import { IncidentStore } from './effects/incident.store.js';
import { GoalChangeStore } from './goals/goal-change.store.js';

/** The lists no loop tick sends (agents/loop/loop.integration.test.ts checks the rest of AGENTS_INDEXES). */
const db = useScratchDatabase('agents_indexes', { monitorCommands: true });
const recorder = recordQueries(db);

describe('lists of what admins browse', () => {
  it('pages incidents newest first and lists a goal`s changes newest first', async () => {
    const incidents = new IncidentStore(db());
    const changes = new GoalChangeStore(db());
    await Promise.all([incidents.init(), changes.init()]);
    for (const n of [1, 2, 3]) {
      await incidents.open({
        triggerKind: 'error_rate',
        subject: `s${n}`,
        title: `incident ${n}`,
        severity: 'LOW',
        summary: 's',
        decisionId: `d${n}`,
        at: new Date(n * 1000),
      });
      await changes.record([
        { goalId: 'g', field: 'target', from: `${n - 1}`, to: `${n}`, actorId: 'admin', reason: null, at: new Date() },
      ]);
    }
    const page = await incidents.list({ first: 2 });
    expect(page.edges.map((e) => e.node.title)).toEqual(['incident 3', 'incident 2']);
    expect(await page.totalCount).toBe(3);
    expect((await changes.forGoal('g')).map((c) => c.to)).toEqual(['3', '2', '1']);
  });
});

itServesEveryQueryFromAnIndex(recorder, () => ({
  [IncidentStore.collection]: AGENTS_INDEXES[IncidentStore.collection],
  [GoalChangeStore.collection]: AGENTS_INDEXES[GoalChangeStore.collection],
}));
