import { nextRetryDelay } from './backoff.js';

const policy = { baseMs: 1000, maxMs: 60_000, maxAttempts: 5 };

describe('nextRetryDelay', () => {
  it('doubles per attempt, between half and all of the exponential step', () => {
    expect(nextRetryDelay(policy, 1, () => 0)).toBe(500);
    expect(nextRetryDelay(policy, 1, () => 1)).toBe(1000);
    expect(nextRetryDelay(policy, 2, () => 1)).toBe(2000);
    expect(nextRetryDelay(policy, 3, () => 0.5)).toBe(3000);
  });

  it('caps the step at maxMs', () => {
    expect(nextRetryDelay({ ...policy, maxAttempts: 50 }, 30, () => 1)).toBe(60_000);
  });

  it('gives up (null: DEAD) once the last attempt failed', () => {
    expect(nextRetryDelay(policy, 4, () => 0)).not.toBeNull();
    expect(nextRetryDelay(policy, 5, () => 0)).toBeNull();
  });
});
