import { createArm } from './beta-arm.js';
import { createLearningState, type LearningState } from './learning-state.js';
import { createRng } from './prng.js';
import { chooseAction } from './selection.js';

const withArms = (...arms: Array<[string, number, number]>): LearningState => ({
  ...createLearningState(),
  arms: arms.map(([action, recovered, failed]) => ({
    ...createArm('k', action),
    alpha: 1 + recovered,
    beta: 1 + failed,
    pulls: recovered + failed,
  })),
});

describe('choosing an action', () => {
  it('takes the arm that is probably best and recovers clearly more often than doing nothing', () => {
    const state = withArms(['a', 9, 1], ['b', 2, 3], ['c', 1, 2]);
    for (let seed = 0; seed < 20; seed++) {
      const choice = chooseAction(state, 'k', ['a', 'b', 'c'], createRng(seed), 0.3);
      expect(choice).toMatchObject({ action: 'a', exploited: true, leader: { action: 'a' } });
    }
  });

  it('keeps exploring when the leader recovers no more often than doing nothing (bursts that end by themselves)', () => {
    const state = withArms(['a', 9, 1], ['b', 8, 2], ['c', 9, 2]);
    const picks = new Set<string>();
    for (let seed = 0; seed < 40; seed++) {
      const choice = chooseAction(state, 'k', ['a', 'b', 'c'], createRng(seed), 0.85);
      expect(choice.exploited).toBe(false);
      picks.add(choice.action);
    }
    expect(picks.size).toBeGreaterThan(1);
  });

  it('replays: the same seed gives the same choice and draws', () => {
    const state = withArms(['a', 3, 2], ['b', 2, 2]);
    expect(chooseAction(state, 'k', ['a', 'b'], createRng('x'), 0.5)).toEqual(
      chooseAction(state, 'k', ['a', 'b'], createRng('x'), 0.5),
    );
  });
});
