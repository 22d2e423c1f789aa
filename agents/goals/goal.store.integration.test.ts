import { testDatabase, type TestDatabase } from '../testing/agents-harness.js';
import { TEAM } from '../team/team-definitions.js';
import { TeamStore } from '../team/team.store.js';
import { GOAL_DEFINITIONS } from './goal-definitions.js';
import { systemClock } from '../clock.js';
import { GoalChangeStore } from './goal-change.store.js';
import { GoalService } from './goal.service.js';
import { GoalStore } from './goal.store.js';

let database: TestDatabase;
beforeEach(async () => {
  database = await testDatabase();
});
afterEach(async () => database.drop());

describe('seeding', () => {
  it('is idempotent and safe when instances start together, and never overwrites a change', async () => {
    const stores = [1, 2, 3].map(() => new GoalStore(database.db));
    await Promise.all(stores.map((s) => s.seed(GOAL_DEFINITIONS, new Date(0))));
    expect(await database.db.collection('goals').countDocuments({})).toBe(GOAL_DEFINITIONS.length);

    await stores[0].update('revenue', { target: 6e6 }, new Date(1));
    await stores[1].seed(GOAL_DEFINITIONS, new Date(2));
    expect((await stores[2].findById('revenue'))!.target).toBe(6e6);

    const teams = [1, 2].map(() => new TeamStore(database.db));
    await Promise.all(teams.map((t) => t.seed(TEAM, new Date(0))));
    expect((await teams[0].list()).map((m) => m.name)).toEqual(TEAM.map((m) => m.name));
  });

  it('a live value moves only goals fed by that source, adding the offset', async () => {
    const store = new GoalStore(database.db);
    await store.seed(GOAL_DEFINITIONS, new Date(0));
    expect((await store.setLive('customers', 'IDENTITY', 12, new Date(1)))!.current).toBe(15_012);
    expect(await store.setLive('revenue', 'IDENTITY', 12, new Date(1))).toBeNull();
    expect((await store.findById('revenue'))!.current).toBe(2_500_000);
  });

  it('service levels have no deadline, so the business trigger never watches them', async () => {
    const store = new GoalStore(database.db);
    await store.seed(GOAL_DEFINITIONS, new Date(0));
    expect((await store.findById('p95_latency'))!.dueAt).toBeNull();
    const trackable = await new GoalService(store, new GoalChangeStore(database.db), systemClock).trackable();
    expect(trackable.map((g) => g._id)).not.toContain('p95_latency');
    expect(trackable.map((g) => g._id)).toContain('revenue');
  });
});
