import { categoryOf, isTriggerKind, kindsInCategory, TRIGGER_CATEGORIES, TRIGGER_KINDS } from './categories.js';
import { dedupKey } from './dedup.js';
import {
  evaluateThreshold,
  initialThresholdState,
  validateRule,
  type ThresholdRule,
  type ThresholdState,
} from './threshold.js';

const p95: ThresholdRule = {
  kind: 'p95_latency',
  metric: 'p95_ms',
  threshold: 150,
  hysteresis: 20,
  cooldownMs: 60_000,
};

/** Feeds values one second apart and returns the times (s) at which the rule fired. */
function run(rule: ThresholdRule, values: number[], start = 0): { fired: number[]; state: ThresholdState } {
  let state = initialThresholdState();
  const fired: number[] = [];
  values.forEach((value, i) => {
    const result = evaluateThreshold(rule, state, value, start + i * 1000);
    state = result.state;
    if (result.firing) fired.push(i);
  });
  return { fired, state };
}

describe('trigger categories', () => {
  it('has the five categories and every kind belongs to one', () => {
    expect(TRIGGER_CATEGORIES).toEqual(['performance', 'errors', 'security', 'business', 'time']);
    for (const kind of Object.keys(TRIGGER_KINDS)) {
      expect(isTriggerKind(kind)).toBe(true);
      expect(TRIGGER_CATEGORIES).toContain(categoryOf(kind as keyof typeof TRIGGER_KINDS));
    }
    for (const category of TRIGGER_CATEGORIES) expect(kindsInCategory(category).length).toBeGreaterThan(0);
    expect(isTriggerKind('toString')).toBe(false);
    expect(kindsInCategory('security')).toEqual(['failed_login_burst', 'rate_limit_burst', 'forbidden_burst']);
  });
});

describe('evaluateThreshold', () => {
  it('fires when the value crosses the threshold and records what it saw', () => {
    const result = evaluateThreshold(p95, initialThresholdState(), 180, 5_000, 'gateway');
    expect(result.firing).toEqual({
      kind: 'p95_latency',
      metric: 'p95_ms',
      subject: 'gateway',
      value: 180,
      threshold: 150,
      firedAt: 5_000,
      dedupKey: 'p95_latency:gateway:0',
    });
    expect(result.state).toEqual({ armed: false, lastFiredAt: 5_000 });
  });

  it('does not fire below the threshold', () => {
    expect(run(p95, [100, 120, 149]).fired).toEqual([]);
  });

  it('fires once for a value that stays high, however long', () => {
    expect(run({ ...p95, cooldownMs: 0 }, Array(300).fill(200)).fired).toEqual([0]);
  });

  it('does not re-arm while the value hovers inside the hysteresis band', () => {
    const values = [160, 140, 155, 135, 151, 131, 160];
    const result = run({ ...p95, cooldownMs: 0 }, values);
    expect(result.fired).toEqual([0]);
    expect(result.state.armed).toBe(false);
  });

  it('re-arms only after falling below threshold - hysteresis, then fires again', () => {
    const result = run({ ...p95, cooldownMs: 0 }, [160, 129, 160]);
    expect(result.fired).toEqual([0, 2]);
  });

  it('reports why a breach was suppressed', () => {
    let state = initialThresholdState();
    state = evaluateThreshold(p95, state, 200, 0).state;
    expect(evaluateThreshold(p95, state, 200, 1000).suppressedBy).toBe('disarmed');
    state = evaluateThreshold(p95, state, 100, 2000).state;
    expect(state.armed).toBe(true);
    expect(evaluateThreshold(p95, state, 200, 3000).suppressedBy).toBe('cooldown');
  });

  it('holds a second firing back until the cooldown is over, then fires if the breach persists', () => {
    // Fire at 0 s, recover at 1 s, breach again from 2 s: the 60 s cooldown defers it to 60 s.
    const values = [200, 100, ...Array(70).fill(200)];
    expect(run(p95, values).fired).toEqual([0, 60]);
  });

  it('supports rules that fire when a value drops (throughput)', () => {
    const floor: ThresholdRule = {
      kind: 'throughput_drop',
      metric: 'rps',
      threshold: 10,
      hysteresis: 5,
      cooldownMs: 0,
      direction: 'below',
    };
    expect(run(floor, [50, 9, 12, 8, 16, 7]).fired).toEqual([1, 5]);
  });

  it('ignores non-finite observations', () => {
    const state = initialThresholdState();
    expect(evaluateThreshold(p95, state, Number.NaN, 0)).toEqual({ state, firing: null });
  });

  it('rejects nonsensical rules', () => {
    expect(() => validateRule({ ...p95, hysteresis: -1 })).toThrow(/hysteresis/);
    expect(() => validateRule({ ...p95, cooldownMs: -5 })).toThrow(/cooldownMs/);
    expect(() => validateRule({ ...p95, threshold: Number.POSITIVE_INFINITY })).toThrow(/threshold/);
    expect(() => validateRule(p95)).not.toThrow();
  });
});

describe('dedupKey', () => {
  it('collapses firings in one window and separates other subjects and windows', () => {
    expect(dedupKey('error_rate', 'gateway', 10_000, 60_000)).toBe(dedupKey('error_rate', 'gateway', 59_999, 60_000));
    expect(dedupKey('error_rate', 'gateway', 10_000, 60_000)).not.toBe(
      dedupKey('error_rate', 'gateway', 60_000, 60_000),
    );
    expect(dedupKey('error_rate', 'gateway', 10_000, 60_000)).not.toBe(
      dedupKey('error_rate', 'identity', 10_000, 60_000),
    );
    expect(dedupKey('error_rate', 'gateway', 1234, 0)).toBe('error_rate:gateway:1234');
  });
});
