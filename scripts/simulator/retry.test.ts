import { backoffMs, sleep } from './retry.js';

const policy = { attempts: 5, baseMs: 100, maxMs: 1000 };

describe('backoffMs', () => {
  it('doubles the ceiling per retry, up to the cap, and jitters below it', () => {
    expect([1, 2, 3, 4, 5, 6].map((retry) => backoffMs(retry, policy, 0.999999))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    expect(backoffMs(3, policy, 0.5)).toBe(200);
    expect(backoffMs(3, policy, 0)).toBe(0);
  });

  it('never retries sooner than the server asked', () => {
    expect(backoffMs(1, policy, 0.5, 3000)).toBe(3000);
  });
});

describe('sleep', () => {
  it('ends at once when the signal aborts, without throwing', async () => {
    const stop = new AbortController();
    const slept = sleep(60_000, stop.signal);
    stop.abort();
    await expect(slept).resolves.toBeUndefined();
  });
});
