import { burnRate, evaluateBurn } from './burn-rate.js';

const AVAILABILITY = 99.95; // a budget of 0.05 % of requests

describe('burn rates', () => {
  it('is the bad share over the error budget', () => {
    expect(burnRate({ requests: 10_000, bad: 5 }, AVAILABILITY)).toBeCloseTo(1);
    expect(burnRate({ requests: 1000, bad: 10 }, AVAILABILITY)).toBeCloseTo(20);
    expect(burnRate({ requests: 0, bad: 0 }, AVAILABILITY)).toBe(0);
  });

  it('pages when both windows of a rule burn at its factor (1 % errors over the hour and the last 5 minutes)', () => {
    const e = evaluateBurn(
      { '1m': { requests: 200, bad: 2 }, '5m': { requests: 1000, bad: 10 }, '1h': { requests: 12_000, bad: 120 } },
      AVAILABILITY,
    );
    expect(e.ratio).toBeGreaterThanOrEqual(1);
    expect(e.burns['1h']).toBeCloseTo(20);
  });

  it('stops once the short window is clean, though the long one still remembers the incident', () => {
    const e = evaluateBurn(
      { '1m': { requests: 200, bad: 0 }, '5m': { requests: 1000, bad: 0 }, '1h': { requests: 12_000, bad: 120 } },
      AVAILABILITY,
    );
    expect(e.ratio).toBe(0);
  });

  it('sees a 15-second outage within a minute (the short rule), and ignores a steady burn below the factors', () => {
    const outage = evaluateBurn(
      { '1m': { requests: 600, bad: 41 }, '5m': { requests: 3000, bad: 41 }, '1h': { requests: 36_000, bad: 41 } },
      AVAILABILITY,
    );
    expect(outage).toMatchObject({ rule: 'short incident (5m/1m x14.4)' });
    expect(outage.ratio).toBeGreaterThanOrEqual(1);
    const steady = evaluateBurn(
      {
        '1m': { requests: 600, bad: 1 },
        '5m': { requests: 3000, bad: 3 },
        '30m': { requests: 18_000, bad: 18 },
        '1h': { requests: 36_000, bad: 36 },
        '6h': { requests: 216_000, bad: 216 },
      },
      AVAILABILITY,
    );
    expect(steady.ratio).toBeLessThan(1); // 0.1 %: twice the budget's pace, a ticket at most
  });

  it('does not judge a long window with too few requests', () => {
    expect(
      evaluateBurn({ '1m': { requests: 10, bad: 5 }, '5m': { requests: 10, bad: 5 } }, AVAILABILITY).rule,
    ).toBeNull();
  });
});
