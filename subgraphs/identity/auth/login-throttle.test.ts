import { lockSeconds } from './login-throttle.js';

describe('lockSeconds', () => {
  const policy = { maxFailures: 5, baseSeconds: 30, capSeconds: 900 };

  it('allows up to maxFailures - 1 failures without a lock', () => {
    expect([0, 1, 4].map((f) => lockSeconds(f, policy))).toEqual([0, 0, 0]);
  });

  it('doubles from the base with every further failure, up to the cap', () => {
    expect([5, 6, 7, 8, 9, 10, 20].map((f) => lockSeconds(f, policy))).toEqual([30, 60, 120, 240, 480, 900, 900]);
  });
});
