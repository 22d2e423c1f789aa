import { ErrorCode } from '../../platform/errors.js';
import { createLogger } from '../../platform/logger.js';
import { systemClock } from '../clock.js';
import { testDatabase, type TestDatabase } from '../testing/agents-harness.js';
import { GOAL_DEFINITIONS } from './goal-definitions.js';
import { GoalChangeStore } from './goal-change.store.js';
import { GoalMeasures, handledPct } from './goal-measures.js';
import { GoalService } from './goal.service.js';
import { GoalStore } from './goal.store.js';

let database: TestDatabase;
let store: GoalStore;
let changes: GoalChangeStore;
let service: GoalService;
beforeEach(async () => {
  database = await testDatabase();
  store = new GoalStore(database.db);
  changes = new GoalChangeStore(database.db);
  await changes.init();
  await store.seed(GOAL_DEFINITIONS, new Date(0));
  service = new GoalService(store, changes, systemClock);
});
afterEach(async () => database.drop());

const silent = createLogger({ service: 'agents-test', level: 'silent' });
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (e: { code?: string; extensions?: { code?: string; field?: string } }) => ({
      code: e.extensions?.code ?? e.code,
      field: e.extensions?.field,
    }),
  );

describe('goals the system has data for', () => {
  it('are measured by a service; only the rest are MANUAL', () => {
    const bySource = (source: string) => GOAL_DEFINITIONS.filter((g) => g.source === source).map((g) => g.key);
    expect(bySource('IDENTITY')).toEqual(['customers']);
    expect(bySource('VEHICLES')).toEqual(['vehicles_connected', 'active_devices']);
    expect(bySource('HEALTH')).toEqual(['critical_alerts_open', 'alerts_handled']);
    expect(bySource('GATEWAY')).toEqual(['uptime', 'p95_latency', 'error_rate']);
    expect(bySource('PAYMENTS')).toEqual(['revenue']);
    expect(bySource('MANUAL')).not.toContain('revenue');
    expect(bySource('MANUAL')).not.toContain('customers');
    expect(GOAL_DEFINITIONS.map((g) => g.source)).not.toContain('ADMIN');
  });

  it('a goal stored with an older source (ADMIN) takes its definition`s source on start, keeping its figures', async () => {
    await database.db
      .collection('goals')
      .updateOne({ _id: 'revenue' as never }, { $set: { source: 'ADMIN', current: 3e6 } });
    await store.seed(GOAL_DEFINITIONS, new Date(5));
    expect(await store.findById('revenue')).toMatchObject({ source: 'PAYMENTS', current: 3e6 });
  });

  it('a revenue goal typed in by hand before payments measured it becomes PAYMENTS with its offset', async () => {
    await database.db
      .collection('goals')
      .updateOne({ _id: 'revenue' as never }, { $set: { source: 'MANUAL', offset: 0, current: 3e6 } });
    await store.seed(GOAL_DEFINITIONS, new Date(5));
    expect(await store.findById('revenue')).toMatchObject({ source: 'PAYMENTS', offset: 2_500_000 });
    expect((await service.setLive('revenue', 'PAYMENTS', 1_234.5))!.current).toBe(2_501_234.5);
  });

  it('revenue is the ledger`s platform revenue over the last 365 days in USD, plus the business outside the system', async () => {
    const asked: { from: Date; to: Date; currency: string }[] = [];
    const now = Date.parse('2030-06-01T00:00:00Z');
    const measures = new GoalMeasures({
      goals: service,
      vehicles: null,
      alerts: { handling: async () => ({ seen: 0, open: 0 }) },
      payments: {
        revenue: async (request) => {
          asked.push(request);
          return {
            currency: 'USD',
            grossMinor: 1_000_000,
            refundedMinor: 50_000,
            feeMinor: 95_050,
            partnerMinor: 854_950,
            payments: 12,
          };
        },
      },
      now: () => now,
      logger: silent,
    });
    await measures.refresh();
    expect(asked).toEqual([{ from: new Date(now - 365 * 86_400_000), to: new Date(now), currency: 'USD' }]);
    expect((await store.findById('revenue'))!.current).toBe(2_500_000 + 950.5);
  });

  it('payments that cannot answer leave revenue as it was', async () => {
    const measures = new GoalMeasures({
      goals: service,
      vehicles: null,
      alerts: { handling: async () => ({ seen: 0, open: 0 }) },
      payments: {
        revenue: async () => {
          throw new Error('internal call /internal/payments/revenue: unreachable');
        },
      },
      logger: silent,
    });
    await measures.refresh();
    expect((await store.findById('revenue'))!.current).toBe(2_500_000);
  });

  it('active devices come from the vehicles service and alerts handled from health`s events', async () => {
    const measures = new GoalMeasures({
      goals: service,
      vehicles: { stats: async () => ({ vehicles: 12, activeDevices: 7 }) },
      alerts: { handling: async () => ({ seen: 8, open: 2 }) },
      logger: silent,
    });
    await measures.refresh();
    expect((await store.findById('active_devices'))!.current).toBe(7);
    expect((await store.findById('alerts_handled'))!.current).toBe(75);
    expect(handledPct({ seen: 0, open: 0 })).toBe(100);
  });

  it('one source that cannot answer leaves its goal alone and the others move', async () => {
    const measures = new GoalMeasures({
      goals: service,
      vehicles: {
        stats: async () => {
          throw new Error('internal call /internal/vehicles/stats: unreachable');
        },
      },
      alerts: { handling: async () => ({ seen: 4, open: 1 }) },
      logger: silent,
    });
    await measures.refresh();
    expect((await store.findById('active_devices'))!.current).toBe(0);
    expect((await store.findById('alerts_handled'))!.current).toBe(75);
  });
});

describe('updateGoal input', () => {
  it.each([
    ['a negative count', { id: 'features_per_year', current: -3 }, 'current'],
    ['a negative target', { id: 'customers', target: -1 }, 'target'],
    ['a share above 100 %', { id: 'market_share', current: 140 }, 'current'],
    ['a fraction of a count', { id: 'features_per_year', target: 2.5 }, 'target'],
  ])('refuses %s with BAD_USER_INPUT and stores nothing', async (_name, input, field) => {
    const before = await database.db.collection('goals').find({}).sort({ _id: 1 }).toArray();
    expect(await refusal(service.update({ ...input, reason: 'typo check' }, 'admin1'))).toEqual({
      code: ErrorCode.BAD_USER_INPUT,
      field,
    });
    expect(await database.db.collection('goals').find({}).sort({ _id: 1 }).toArray()).toEqual(before);
    expect(await database.db.collection('goal_changes').countDocuments({})).toBe(0);
  });

  it.each([
    ['revenue', 'payments', 9e6],
    ['customers', 'identity', 99_999],
  ])(
    'refuses a typed-in current value for %s (measured from %s) with BAD_USER_INPUT and stores nothing',
    async (id, source, current) => {
      const before = await database.db.collection('goals').find({}).sort({ _id: 1 }).toArray();
      const refused = service.update({ id, current, reason: 'board figure' }, 'admin1');
      await expect(refused).rejects.toMatchObject({
        extensions: { code: ErrorCode.BAD_USER_INPUT, field: 'current' },
        message: expect.stringContaining(`fed by ${source}`),
      });
      // Even beside a target: nothing of the change is kept.
      expect(await refusal(service.update({ id, current, target: 1, reason: 'board figure' }, 'admin1'))).toEqual({
        code: ErrorCode.BAD_USER_INPUT,
        field: 'current',
      });
      expect(await database.db.collection('goals').find({}).sort({ _id: 1 }).toArray()).toEqual(before);
      expect(await database.db.collection('goal_changes').countDocuments({})).toBe(0);
    },
  );

  it('a measured goal keeps its target settable', async () => {
    expect(await service.update({ id: 'revenue', target: 6e6, reason: 'new plan' }, 'admin1')).toMatchObject({
      target: 6e6,
      source: 'PAYMENTS',
    });
  });

  it('accepts a sound figure for a MANUAL goal', async () => {
    const goal = await service.update({ id: 'features_per_year', current: 3, reason: 'Q1 releases' }, 'admin1');
    expect(goal).toMatchObject({ current: 3, source: 'MANUAL' });
  });
});
