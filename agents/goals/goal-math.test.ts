import {
  expectedValue,
  isOnTrack,
  pointsBehind,
  progressOf,
  SAMPLE_GAP_MS,
  trendOf,
  withSample,
  type GoalFigures,
} from './goal-math.js';

const year = (start: string): Pick<GoalFigures, 'startedAt' | 'dueAt'> => ({
  startedAt: new Date(start),
  dueAt: new Date(Date.parse(start) + 365 * 86_400_000),
});

describe('goal arithmetic', () => {
  it('progress towards an "at least" target, and under an "at most" one', () => {
    expect(progressOf({ direction: 'AT_LEAST', current: 15_000, target: 25_000 })).toBeCloseTo(0.6);
    expect(progressOf({ direction: 'AT_LEAST', current: 30_000, target: 25_000 })).toBe(1);
    expect(progressOf({ direction: 'AT_MOST', current: 120, target: 150 })).toBe(1);
    expect(progressOf({ direction: 'AT_MOST', current: 300, target: 150 })).toBe(0.5);
    expect(progressOf({ direction: 'AT_MOST', current: 0.1, target: 0.05 })).toBeCloseTo(0.5);
  });

  it('trend compares the value with the oldest kept sample, ignoring changes under 1 %', () => {
    const samples = [{ at: new Date(0), value: 100 }];
    expect(trendOf([], 5)).toBe('FLAT');
    expect(trendOf(samples, 100.5)).toBe('FLAT');
    expect(trendOf(samples, 110)).toBe('UP');
    expect(trendOf(samples, 90)).toBe('DOWN');
  });

  it('keeps at most one sample a minute and the newest 24', () => {
    let samples = withSample([], 1, new Date(0));
    samples = withSample(samples, 2, new Date(SAMPLE_GAP_MS - 1));
    expect(samples).toHaveLength(1);
    for (let i = 1; i <= 30; i++) samples = withSample(samples, i, new Date(i * SAMPLE_GAP_MS));
    expect(samples).toHaveLength(24);
    expect(samples.at(-1)!.value).toBe(30);
  });

  it('a goal with a deadline is expected to move linearly and is off track 10 points behind', () => {
    const goal: GoalFigures = {
      direction: 'AT_LEAST',
      current: 2.5e6,
      target: 5e6,
      startValue: 2.5e6,
      ...year('2030-01-01T00:00:00Z'),
    };
    const halfway = Date.parse('2030-01-01T00:00:00Z') + (365 / 2) * 86_400_000;
    expect(expectedValue(goal, halfway)).toBeCloseTo(3.75e6);
    expect(pointsBehind(goal, halfway)).toBeCloseTo(50);
    expect(isOnTrack(goal, halfway)).toBe(false);
    expect(isOnTrack({ ...goal, current: 3.6e6 }, halfway)).toBe(true);
    expect(isOnTrack(goal, Date.parse('2030-01-02T00:00:00Z'))).toBe(true);
  });

  it('a service level without a deadline is on track exactly when met', () => {
    const p95: GoalFigures = {
      direction: 'AT_MOST',
      current: 140,
      target: 150,
      startValue: 0,
      startedAt: new Date(0),
      dueAt: null,
    };
    expect(expectedValue(p95, 1)).toBeNull();
    expect(isOnTrack(p95, 1)).toBe(true);
    expect(isOnTrack({ ...p95, current: 151 }, 1)).toBe(false);
  });
});
