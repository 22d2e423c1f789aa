import { createArm, expectedSuccess, updateArm } from './beta-arm.js';
import { bestActionsByTrigger, createLearningState, selectAction, type LearningState } from './learning-state.js';
import { createRng } from './prng.js';
import { thompsonSelect } from './thompson.js';

/** One outcome on plain state, as the arm store counts it in the database. */
function learn(state: LearningState, triggerKind: string, action: string, success: boolean): LearningState {
  const same = (a: { triggerKind: string; action: string }) => a.triggerKind === triggerKind && a.action === action;
  const arm = state.arms.find(same) ?? createArm(triggerKind, action, state.prior);
  return { ...state, arms: [...state.arms.filter((a) => !same(a)), updateArm(arm, success)] };
}

describe('BetaArm', () => {
  it('starts at the uniform prior with no pulls', () => {
    const arm = createArm('client_error_burst', 'raise_log_level');
    expect(arm).toEqual({ triggerKind: 'client_error_burst', action: 'raise_log_level', alpha: 1, beta: 1, pulls: 0 });
    expect(expectedSuccess(arm)).toBe(0.5);
  });

  it('success raises alpha, failure raises beta, both count a pull', () => {
    const arm = createArm('k', 'a');
    const won = updateArm(arm, true, 1000);
    expect(won).toMatchObject({ alpha: 2, beta: 1, pulls: 1, updatedAt: 1000 });
    const lost = updateArm(won, false);
    expect(lost).toMatchObject({ alpha: 2, beta: 2, pulls: 2 });
    expect(arm.alpha).toBe(1);
  });

  it('refuses a degenerate prior', () => {
    expect(() => createArm('k', 'a', { alpha: 0, beta: 1 })).toThrow(RangeError);
  });
});

describe('thompsonSelect', () => {
  it('refuses an empty candidate list', () => {
    expect(() => thompsonSelect([], createRng(1))).toThrow(RangeError);
  });

  it('is reproducible with the same seed and reports every option with its draw', () => {
    const arms = [createArm('k', 'a'), createArm('k', 'b'), createArm('k', 'c')];
    const first = thompsonSelect(arms, createRng(99));
    const again = thompsonSelect(arms, createRng(99));
    expect(again).toEqual(first);
    expect(first.samples.map((s) => s.action)).toEqual(['a', 'b', 'c']);
    const best = Math.max(...first.samples.map((s) => s.sample));
    expect(first.samples.find((s) => s.action === first.action)?.sample).toBe(best);
  });

  it('mostly picks the arm with the better record but still explores', () => {
    const good = { ...createArm('k', 'good'), alpha: 9, beta: 2, pulls: 9 };
    const bad = { ...createArm('k', 'bad'), alpha: 2, beta: 9, pulls: 9 };
    const untried = createArm('k', 'untried');
    const rng = createRng(5);
    const counts: Record<string, number> = { good: 0, bad: 0, untried: 0 };
    for (let i = 0; i < 2000; i++) counts[thompsonSelect([good, bad, untried], rng).action]++;
    expect(counts.good).toBeGreaterThan(counts.untried);
    expect(counts.untried).toBeGreaterThan(counts.bad);
    expect(counts.untried).toBeGreaterThan(0);
  });

  it('converges on the truly better action when learning from simulated outcomes', () => {
    const truth: Record<string, number> = { tighten_rate_limits: 0.8, raise_log_level: 0.3, no_op: 0.1 };
    const env = createRng(2024);
    const rng = createRng(7);
    let state = createLearningState();
    const picks: string[] = [];
    for (let i = 0; i < 400; i++) {
      const { action } = selectAction(state, 'client_error_burst', Object.keys(truth), rng);
      picks.push(action);
      state = learn(state, 'client_error_burst', action, env.next() < truth[action]);
    }
    const lastHundred = picks.slice(-100);
    expect(lastHundred.filter((a) => a === 'tighten_rate_limits').length).toBeGreaterThan(80);
  });
});

describe('learning state', () => {
  it('is plain data that survives a JSON round trip', () => {
    const state = learn(createLearningState({ alpha: 2, beta: 3 }), 'k', 'a', true);
    expect(state.arms).toEqual([expect.objectContaining({ alpha: 3, beta: 3, pulls: 1 })]);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });

  it('only considers the eligible actions, without duplicates', () => {
    const state = createLearningState();
    const choice = selectAction(state, 'k', ['x', 'y', 'x'], createRng(3));
    expect(choice.samples.map((s) => s.action)).toEqual(['x', 'y']);
    expect(['x', 'y']).toContain(choice.action);
  });

  it('summarises the best action per trigger kind, ignoring arms below minPulls', () => {
    let state = createLearningState();
    for (let i = 0; i < 4; i++) state = learn(state, 'p95_latency', 'resize_cache', true);
    state = learn(state, 'p95_latency', 'no_op', false);
    state = learn(state, 'failed_login_burst', 'tighten_rate_limits', true);
    state = learn(state, 'failed_login_burst', 'open_incident', true);
    state = learn(state, 'failed_login_burst', 'open_incident', true);

    const summary = bestActionsByTrigger(state);
    expect(summary.map((s) => [s.triggerKind, s.bestAction, s.totalPulls])).toEqual([
      ['failed_login_burst', 'open_incident', 3],
      ['p95_latency', 'resize_cache', 5],
    ]);
    expect(summary[1].expectedSuccess).toBeCloseTo(5 / 6);
    expect(summary[1].ranking.map((r) => r.action)).toEqual(['resize_cache', 'no_op']);

    expect(bestActionsByTrigger(state, 3).map((s) => s.triggerKind)).toEqual(['p95_latency']);
  });
});
