import { ManualClock } from '../clock.js';
import { DailyBudget } from './daily-budget.js';

describe('DailyBudget', () => {
  it('allows calls whose worst case fits and refuses those that would overspend', () => {
    const budget = new DailyBudget(1, new ManualClock(Date.parse('2025-06-01T10:00:00Z')));
    expect(budget.canAfford(0.6)).toBe(true);
    budget.charge(0.6);
    expect(budget.canAfford(0.4)).toBe(true);
    expect(budget.canAfford(0.41)).toBe(false);
    budget.charge(0.4);
    expect(budget.canAfford(0)).toBe(false);
    expect(budget.snapshot()).toEqual({ dailyBudgetUsd: 1, spentTodayUsd: 1, remainingUsd: 0, day: '2025-06-01' });
  });

  it('starts again at UTC midnight', () => {
    const clock = new ManualClock(Date.parse('2025-06-01T23:59:59Z'));
    const budget = new DailyBudget(1, clock);
    budget.charge(1);
    expect(budget.canAfford(0.1)).toBe(false);
    clock.advance(1000);
    expect(budget.spentToday()).toBe(0);
    expect(budget.canAfford(0.1)).toBe(true);
  });

  it('a zero budget refuses everything, and negative figures are ignored', () => {
    const budget = new DailyBudget(0, new ManualClock());
    expect(budget.canAfford(0)).toBe(false);
    budget.charge(-5);
    expect(budget.spentToday()).toBe(0);
    expect(() => new DailyBudget(-1, new ManualClock())).toThrow(RangeError);
  });
});
