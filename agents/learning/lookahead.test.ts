import { helpsProbability } from './baseline-model.js';
import { lookaheadGains } from './lookahead.js';

const gainsOf = (arms: Array<[number, number]>, baseline: number) => {
  const counts = arms.map(([recovered, outcomes], i) => ({ action: `a${i}`, recovered, outcomes }));
  return lookaheadGains(
    counts,
    baseline,
    counts.map((c) => helpsProbability(c, baseline)),
  );
};

describe('what one more outcome of an action would teach', () => {
  it('nothing, when no outcome of it could change the pick', () => {
    // One action clearly helps, the others clearly do not: the pick stays whatever happens next.
    const gains = gainsOf(
      [
        [18, 20],
        [5, 20],
        [4, 20],
      ],
      0.5,
    );
    for (const gain of gains) expect(gain).toBeCloseTo(0, 9);
  });

  it('most for an action whose single outcome failed, little for one long seen at the baseline', () => {
    // Half of the incidents end by themselves: 7 of 12 is what doing nothing does, and one failure
    // says little about an action tried once.
    const [once, long] = gainsOf(
      [
        [0, 1],
        [7, 12],
      ],
      0.5,
    );
    expect(once).toBeGreaterThan(0);
    expect(once).toBeGreaterThan(long);
  });

  it('stays a small non-negative number over long records and fractional counts', () => {
    for (const gain of gainsOf(
      [
        [900, 1000],
        [0, 1000],
        [2.5, 4.25],
        [0, 0],
      ],
      0.4,
    )) {
      expect(Number.isFinite(gain)).toBe(true);
      expect(gain).toBeGreaterThanOrEqual(0);
      expect(gain).toBeLessThan(1);
    }
  });
});
