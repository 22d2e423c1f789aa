import { HELPS_PRIOR, helpsProbability, nextRecoveryChance, pooledBaseline } from './baseline-model.js';
import { expectedRecovery } from './counterfactual.js';

describe('does an action help, compared with doing nothing', () => {
  it('an action never tried sits at the prior', () => {
    expect(helpsProbability({ recovered: 0, outcomes: 0 }, 0.5)).toBeCloseTo(HELPS_PRIOR, 6);
  });

  it('a failure weighs more than a recovery when doing nothing often recovers', () => {
    const one = (recovered: number) => helpsProbability({ recovered, outcomes: 1 }, 0.5);
    expect(one(1)).toBeGreaterThan(HELPS_PRIOR);
    expect(one(0)).toBeLessThan(HELPS_PRIOR);
    expect(one(1) - HELPS_PRIOR).toBeLessThan(HELPS_PRIOR - one(0) + 0.1);
    // One of each: below the prior, as an action at the baseline would do.
    expect(helpsProbability({ recovered: 1, outcomes: 2 }, 0.5)).toBeLessThan(HELPS_PRIOR);
  });

  it('recovering as often as doing nothing makes helping ever less likely; clearly more often, near certain', () => {
    expect(helpsProbability({ recovered: 10, outcomes: 20 }, 0.5)).toBeLessThan(0.15);
    expect(helpsProbability({ recovered: 18, outcomes: 20 }, 0.5)).toBeGreaterThan(0.99);
    expect(helpsProbability({ recovered: 18, outcomes: 20 }, 0.9)).toBeLessThan(0.3);
  });

  it('stays a probability over long records and fractional counts', () => {
    for (const [recovered, outcomes] of [
      [900, 1000],
      [0, 1000],
      [1000, 1000],
      [2.5, 4.25],
    ]) {
      const p = helpsProbability({ recovered, outcomes }, 0.4);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
    }
  });
});

describe('the baseline: what doing nothing recovers', () => {
  it('without controls, the actions that look like doing nothing tell it', () => {
    const course = { samples: 0, recovered: 0 };
    expect(expectedRecovery(course)).toBe(0.5);
    const p0 = pooledBaseline(
      [
        { action: 'a', recovered: 2, outcomes: 10 },
        { action: 'b', recovered: 3, outcomes: 10 },
      ],
      course,
    );
    expect(p0).toBeGreaterThan(0.2);
    expect(p0).toBeLessThan(0.35);
  });

  it('an action that clearly helps hardly moves it', () => {
    const course = { samples: 10, recovered: 2 };
    const p0 = pooledBaseline([{ action: 'a', recovered: 20, outcomes: 20 }], course);
    expect(p0).toBeCloseTo(expectedRecovery(course), 1);
  });
});

describe("the chance an action's next firing recovers", () => {
  it('never tried: between doing nothing and the average of the rates above it, by the prior', () => {
    expect(nextRecoveryChance({ recovered: 0, outcomes: 0 }, 0.5)).toBeCloseTo(0.7 * 0.5 + 0.3 * 0.75, 2);
  });

  it('near its own record when it clearly helps, near the baseline when it clearly does not', () => {
    expect(nextRecoveryChance({ recovered: 18, outcomes: 20 }, 0.5)).toBeCloseTo(0.86, 1);
    expect(nextRecoveryChance({ recovered: 5, outcomes: 20 }, 0.5)).toBeCloseTo(0.5, 1);
  });
});
