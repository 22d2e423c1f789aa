import { RollingTraffic, weightedPercentile } from './traffic-rolling.js';
import { TrafficWindow } from './traffic-window.js';

const interval = (requests: number, durationMs: number, codes: string[] = []) => {
  const window = new TrafficWindow();
  for (let i = 0; i < requests; i++) window.recordRequest(durationMs);
  for (const code of codes) window.recordError(code);
  return window.drain();
};

describe('rolling traffic windows', () => {
  it('sums the intervals of the last minute and of the last five, and forgets older ones', () => {
    const rolling = new RollingTraffic();
    const t0 = 1_000_000;
    rolling.add(interval(100, 10, ['SERVICE_UNAVAILABLE', 'SERVICE_UNAVAILABLE']), t0, 10);
    rolling.add(interval(50, 10, ['INTERNAL_SERVER_ERROR']), t0 + 120_000, 10);
    rolling.add(interval(20, 500, ['RATE_LIMITED']), t0 + 250_000, 10);
    const windows = rolling.windows(t0 + 250_000);
    expect(windows['1m']).toMatchObject({ requests: 20, rateLimited: 1, serverErrors: 0, seconds: 10, p95Ms: 500 });
    expect(windows['5m']).toMatchObject({ requests: 170, serverErrors: 3, unavailable: 2, seconds: 30 });
    // Five minutes on, the first interval has left the 5-minute window.
    rolling.add(interval(0, 0), t0 + 300_000, 10);
    expect(rolling.windows(t0 + 300_000)['5m']).toMatchObject({ requests: 70, unavailable: 0 });
  });

  it("weighs each interval's sampled durations by the requests they stand for", () => {
    // 1 sample standing for 99 requests at 10 ms, 1 for 1 request at 1000 ms: p95 is 10 ms.
    expect(
      weightedPercentile(
        [
          [10, 99],
          [1000, 1],
        ],
        95,
      ),
    ).toBe(10);
    expect(weightedPercentile([], 95)).toBeNull();
  });
});
