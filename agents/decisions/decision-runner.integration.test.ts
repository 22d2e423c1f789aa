import { ObjectId } from 'mongodb';
import { ClaimStore } from '../claims.store.js';
import { ManualClock } from '../clock.js';
import type { Effect, EffectRegistry } from '../effects/effect.js';
import { OutcomeQueue } from '../loop/outcome-queue.store.js';
import { newBus, silentLogger, testDatabase, type TestDatabase } from '../testing/agents-harness.js';
import type { AutonomousModeValue } from '../settings.js';
import { proposedState, type DecisionDocument } from './decision.document.js';
import { DecisionEvents } from './decision-events.js';
import { DecisionRunner } from './decision-runner.js';
import { DecisionStore } from './decision.store.js';
import type { ActionBudget } from './guardrails.js';
import { RecentActions } from './recent-actions.store.js';

let database: TestDatabase;
beforeEach(async () => {
  database = await testDatabase();
});
afterEach(async () => database.drop());

const clock = new ManualClock(Date.parse('2030-03-04T10:00:00Z'));
const budget: ActionBudget = { perHour: 5, perRisk: { LOW: 5, MEDIUM: 5, HIGH: 1 }, perCategory: 5 };

function proposed(action: DecisionDocument['action'], parameters: Record<string, unknown>): DecisionDocument {
  const at = new Date(clock.now());
  return {
    _id: new ObjectId(),
    trigger: {
      firingId: null,
      kind: 'failed_login_burst',
      category: 'security',
      metric: 'm',
      subject: 'global',
      value: 30,
      threshold: 20,
      firedAt: at,
    },
    category: 'security',
    metrics: [],
    options: [],
    action,
    parameters,
    risk: 'LOW',
    reversible: true,
    reasoning: 'test',
    confidence: 0.5,
    memberId: 'security-expert',
    provider: 'policy',
    model: 'policy',
    costUsd: 0,
    latencyMs: 0,
    attempts: [],
    fallbackReason: null,
    seed: 's',
    mode: 'ON',
    ...proposedState(at),
  };
}

async function runnerWith(effect: Effect, mode: { value: AutonomousModeValue }) {
  const decisions = new DecisionStore(database.db);
  const recentActions = new RecentActions(database.db);
  await Promise.all([decisions.init(), recentActions.init()]);
  const runner = new DecisionRunner({
    decisions,
    effects: new Map([[effect.action, effect]]) as EffectRegistry,
    events: new DecisionEvents(newBus(), silentLogger),
    claims: new ClaimStore(database.db),
    outcomes: new OutcomeQueue(database.db),
    recentActions,
    mode: { get: async () => ({ mode: mode.value, changedAt: new Date(0), changedBy: null }) },
    budget,
    clock,
    outcomeDelayMs: 60_000,
    logger: silentLogger,
  });
  return { runner, decisions, recentActions };
}

const block = { client: { kind: 'ip', id: '203.0.113.7' }, durationMinutes: 15 };

describe('the runner, right before and while acting', () => {
  it('does not act once the mode has left ON: the decision waits, held by MODE, and takes no budget', async () => {
    const applied: unknown[] = [];
    const effect: Effect = {
      action: 'block_client',
      targets: async () => ({}),
      refuse: async () => null,
      apply: async (p) => (applied.push(p), { summary: 'blocked', success: true }),
    };
    const mode = { value: 'OFF' as AutonomousModeValue };
    const { runner, decisions, recentActions } = await runnerWith(effect, mode);
    const decision = proposed('block_client', block);
    await decisions.insert(decision);
    const held = await runner.execute(decision, ['PROPOSED']);
    expect(held).toMatchObject({ status: 'PROPOSED', heldBy: 'MODE', executedAt: null });
    expect(held.statusReason).toMatch(/the mode was OFF when it was about to act/);
    expect(applied).toEqual([]);
    expect(await recentActions.usage(new Date(0), { risk: 'LOW', category: 'security' }, '')).toEqual({
      total: 0,
      risk: 0,
      category: 0,
    });
  });

  it('undoes what it did when OFF was set while it acted, so OFF leaves nothing in force', async () => {
    const mode = { value: 'ON' as AutonomousModeValue };
    const undone: string[] = [];
    const effect: Effect = {
      action: 'block_client',
      targets: async () => ({}),
      refuse: async () => null,
      // The admin's OFF lands while the block is being applied, after the kill switch ended what was in force.
      apply: async () => ((mode.value = 'OFF'), { summary: 'ip 203.0.113.7 blocked for 15 min', success: true }),
      revert: async ({ decisionId }) => (undone.push(decisionId), 'ip:203.0.113.7 unblocked'),
    };
    const { runner, decisions } = await runnerWith(effect, mode);
    const decision = proposed('block_client', block);
    await decisions.insert(decision);
    const done = await runner.execute(decision, ['PROPOSED']);
    expect(undone).toEqual([decision._id.toHexString()]);
    expect(done).toMatchObject({ status: 'EXECUTED', executedMode: 'ON' });
    expect(done.execution?.summary).toMatch(/set to OFF meanwhile: ip:203.0.113.7 unblocked$/);
  });

  it('gives the budget place back when the action throws', async () => {
    const effect: Effect = {
      action: 'block_client',
      targets: async () => ({}),
      refuse: async () => null,
      apply: async () => {
        throw new Error('bus down');
      },
    };
    const { runner, decisions, recentActions } = await runnerWith(effect, { value: 'ON' });
    const decision = proposed('block_client', block);
    await decisions.insert(decision);
    expect(await runner.execute(decision, ['PROPOSED'])).toMatchObject({ status: 'FAILED' });
    expect((await recentActions.usage(new Date(0), { risk: 'LOW', category: 'security' }, '')).total).toBe(0);
  });
});
