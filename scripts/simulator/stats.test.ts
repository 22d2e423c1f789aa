import { formatStatus, SimulationStats, summarizeLatencies } from './stats.js';

describe('summarizeLatencies', () => {
  it('gives nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(summarizeLatencies(values)).toEqual({ p50: 50, p95: 95, p99: 99, max: 100 });
    expect(summarizeLatencies([7])).toEqual({ p50: 7, p95: 7, p99: 7, max: 7 });
    expect(summarizeLatencies([])).toEqual({ p50: 0, p95: 0, p99: 0, max: 0 });
  });
});

describe('SimulationStats', () => {
  it('keeps totals for the summary and a window that each status line starts afresh', () => {
    let now = 0;
    const stats = new SimulationStats(() => now);
    stats.count('framesSent', 40);
    stats.count('readingsStored', 30);
    stats.request(12);
    stats.error('RATE_LIMITED');
    stats.rejectedFrame('MALFORMED');
    now = 2000;
    const first = stats.takeWindow();
    expect(first).toMatchObject({
      seconds: 2,
      framesSent: 40,
      readingsStored: 30,
      requests: 1,
      errors: { RATE_LIMITED: 1 },
    });

    stats.count('framesSent', 10);
    stats.error('RATE_LIMITED');
    stats.error('NETWORK');
    now = 3000;
    const second = stats.takeWindow();
    expect(second).toMatchObject({ seconds: 1, framesSent: 10, requests: 0, errors: { RATE_LIMITED: 1, NETWORK: 1 } });
    expect(second.rejectedFrames).toEqual({});

    expect(stats.totals()).toMatchObject({
      seconds: 3,
      framesSent: 50,
      errors: { RATE_LIMITED: 2, NETWORK: 1 },
      rejectedFrames: { MALFORMED: 1 },
      latencyMs: { p50: 12 },
    });
  });

  it('prints one status line with rates, errors by code and latency', () => {
    let now = 0;
    const stats = new SimulationStats(() => now);
    stats.count('framesSent', 100);
    stats.count('readingsStored', 90);
    for (const ms of [10, 20, 30, 40]) stats.request(ms);
    stats.error('RATE_LIMITED', 3);
    now = 5000;
    expect(formatStatus(5, 50, stats.takeWindow())).toBe(
      '[    5s] 50 vehicles | 20.0 frames/s sent | 18.0 readings/s stored | errors RATE_LIMITED=3 | ingest p50 20 ms p95 40 ms',
    );
  });
});
