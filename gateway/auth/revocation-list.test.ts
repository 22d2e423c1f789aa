import { RevocationList } from './revocation-list.js';

describe('RevocationList', () => {
  let now = 1_000_000;
  const clock = () => now;
  beforeEach(() => void (now = 1_000_000));

  it('refuses an id until its moment, then forgets it', () => {
    const list = new RevocationList(clock);
    list.add('s1', now + 900_000);
    expect(list.has('s1')).toBe(true);
    expect(list.has('s2')).toBe(false);
    now += 899_999;
    expect(list.has('s1')).toBe(true);
    now += 1;
    expect(list.has('s1')).toBe(false);
    expect(list.size).toBe(0);
  });

  it('keeps the later of two moments for one id, and ignores one already past', () => {
    const list = new RevocationList(clock);
    list.add('s1', now + 2_000);
    list.add('s1', now + 1_000);
    list.add('old', now - 1);
    now += 1_500;
    expect(list.has('s1')).toBe(true);
    expect(list.has('old')).toBe(false);
  });

  it('sweeps expired ids as it grows, so memory is bounded by one window of revocations', () => {
    const list = new RevocationList(clock);
    for (let i = 0; i < 1_000; i++) {
      list.add(`s${i}`, now + 10);
      now += 1;
    }
    // Only the ids added in the last 10 ms can still be live.
    expect((list as unknown as { until: Map<string, number> }).until.size).toBeLessThan(200);
    expect(list.size).toBeLessThanOrEqual(10);
  });
});
