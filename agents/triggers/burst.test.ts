import { initialBurstState, recordBurst, type BurstRule, type BurstState } from './burst.js';
import { countInWindow, createSlidingWindow, recordEvents } from './sliding-window.js';

describe('sliding window counter', () => {
  it('counts events inside the window and forgets older ones', () => {
    let w = createSlidingWindow(60_000, 60);
    w = recordEvents(w, 0, 10);
    w = recordEvents(w, 30_000, 5);
    expect(countInWindow(w, 30_000)).toBe(15);
    expect(countInWindow(w, 61_000)).toBe(5);
    expect(countInWindow(w, 91_000)).toBe(0);
  });

  it('keeps memory bounded by the bucket count however many events arrive', () => {
    let w = createSlidingWindow(60_000, 60);
    for (let t = 0; t < 600_000; t += 10) w = recordEvents(w, t);
    expect(w.buckets.length).toBeLessThanOrEqual(61);
    expect(countInWindow(w, 599_990)).toBeGreaterThanOrEqual(6000);
    expect(countInWindow(w, 599_990)).toBeLessThanOrEqual(6100);
  });

  it('puts late events in their own bucket, in order', () => {
    let w = createSlidingWindow(60_000, 60);
    w = recordEvents(w, 10_000);
    w = recordEvents(w, 5_000);
    w = recordEvents(w, 5_500);
    expect(w.buckets).toEqual([
      [5_000, 2],
      [10_000, 1],
    ]);
  });

  it('refuses a nonsensical configuration', () => {
    expect(() => createSlidingWindow(0)).toThrow(RangeError);
    expect(() => createSlidingWindow(1000, 0)).toThrow(RangeError);
    expect(() => recordEvents(createSlidingWindow(1000), 0, -1)).toThrow(RangeError);
  });

  it('is plain data', () => {
    const w = recordEvents(createSlidingWindow(60_000), 1234, 3);
    expect(JSON.parse(JSON.stringify(w))).toEqual(w);
  });
});

describe('burst trigger (50 client errors in a minute)', () => {
  const rule: BurstRule = {
    kind: 'client_error_burst',
    metric: 'client_errors_per_minute',
    threshold: 50,
    hysteresis: 10,
    cooldownMs: 5 * 60_000,
    windowMs: 60_000,
  };

  function feed(state: BurstState, times: number[]): { state: BurstState; firedAt: number[] } {
    const firedAt: number[] = [];
    for (const t of times) {
      const result = recordBurst(rule, state, t);
      state = result.state;
      if (result.firing) firedAt.push(t);
    }
    return { state, firedAt };
  }

  it('does not fire for 49 errors in a minute', () => {
    const times = Array.from({ length: 49 }, (_, i) => i * 1000);
    expect(feed(initialBurstState(rule), times).firedAt).toEqual([]);
  });

  it('fires once when the 50th error lands inside the minute, not again for the rest of the burst', () => {
    const times = Array.from({ length: 200 }, (_, i) => i * 200);
    const { firedAt } = feed(initialBurstState(rule), times);
    expect(firedAt).toEqual([49 * 200]);
  });

  it('fires with the windowed count, subject and a dedup key', () => {
    let state = initialBurstState(rule);
    for (let i = 0; i < 49; i++) state = recordBurst(rule, state, 1000 + i).state;
    const result = recordBurst(rule, state, 2000, 1, 'web');
    expect(result.countInWindow).toBe(50);
    expect(result.firing).toMatchObject({
      kind: 'client_error_burst',
      value: 50,
      subject: 'web',
      dedupKey: 'client_error_burst:web:0',
    });
  });

  it('re-arms once the burst drains, and fires for a new burst after the cooldown', () => {
    const burst = (start: number) => Array.from({ length: 60 }, (_, i) => start + i * 500);
    let { state, firedAt } = feed(initialBurstState(rule), burst(0));
    expect(firedAt).toHaveLength(1);

    // A second burst two minutes later is still inside the five-minute cooldown.
    ({ state, firedAt } = feed(state, burst(120_000)));
    expect(firedAt).toEqual([]);

    // Quiet ticks let the window drain, then a burst after the cooldown fires again.
    state = recordBurst(rule, state, 400_000, 0).state;
    expect(state.threshold.armed).toBe(true);
    ({ firedAt } = feed(state, burst(420_000)));
    expect(firedAt).toEqual([420_000 + 49 * 500]);
  });
});
