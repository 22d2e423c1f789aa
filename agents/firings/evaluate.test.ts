import { evaluateRules, stateKey, type EvaluationInput } from './evaluate.js';
import { GOAL_RULE, METRIC_RULES } from './rule-set.js';

const T0 = Date.parse('2030-05-01T06:00:00Z');
const input = (
  metrics: Record<string, number>,
  at: number,
  overrides: Partial<EvaluationInput> = {},
): EvaluationInput => ({
  observations: { at, metrics },
  metricRules: METRIC_RULES,
  goalRule: GOAL_RULE,
  goals: [],
  routines: [{ kind: 'morning_routine', at: '07:00' }],
  since: null,
  states: new Map(),
  ...overrides,
});

describe('rule evaluation', () => {
  it('fires each breached metric once with its category, and leaves absent metrics alone', () => {
    const result = evaluateRules(input({ client_errors_per_minute: 40, p95_ms: 90, failed_logins_per_minute: 25 }, T0));
    expect(result.firings.map((f) => [f.kind, f.category, f.value])).toEqual([
      ['client_error_burst', 'errors', 40],
      ['failed_login_burst', 'security', 25],
    ]);
    expect(result.firings[0].dedupKey).toMatch(/^client_error_burst:global:/);
    expect([...result.states.keys()].sort()).toEqual([
      stateKey('client_error_burst', 'global'),
      stateKey('failed_login_burst', 'global'),
    ]);
  });

  it('carries state between ticks: disarmed until recovered past the hysteresis, then the cooldown', () => {
    const first = evaluateRules(input({ client_errors_per_minute: 40 }, T0));
    const states = new Map(first.states);
    const again = evaluateRules(input({ client_errors_per_minute: 45 }, T0 + 60_000, { states }));
    expect(again.firings).toEqual([]);
    expect(again.suppressed).toEqual([{ kind: 'client_error_burst', subject: 'global', value: 45, by: 'disarmed' }]);
    const recovered = evaluateRules(input({ client_errors_per_minute: 5 }, T0 + 120_000, { states }));
    for (const [k, v] of recovered.states) states.set(k, v);
    const inCooldown = evaluateRules(input({ client_errors_per_minute: 40 }, T0 + 180_000, { states }));
    expect(inCooldown.suppressed[0].by).toBe('cooldown');
    expect(evaluateRules(input({ client_errors_per_minute: 40 }, T0 + 11 * 60_000, { states })).firings).toHaveLength(
      1,
    );
  });

  it('throughput fires when it falls below a fifth of its baseline', () => {
    expect(evaluateRules(input({ throughput_ratio: 0.1 }, T0)).firings.map((f) => f.kind)).toEqual(['throughput_drop']);
    expect(evaluateRules(input({ throughput_ratio: 0.5 }, T0)).firings).toEqual([]);
  });

  it('a goal far behind its path fires with the goal as subject', () => {
    const goals = [
      {
        key: 'revenue',
        direction: 'AT_LEAST' as const,
        current: 100,
        target: 200,
        startValue: 100,
        startedAt: new Date(T0 - 100 * 86_400_000),
        dueAt: new Date(T0 + 100 * 86_400_000),
      },
    ];
    const [firing] = evaluateRules(input({}, T0, { goals })).firings;
    expect(firing).toMatchObject({ kind: 'goal_off_track', category: 'business', subject: 'revenue' });
    expect(firing.value).toBeCloseTo(50);
  });

  it('routines run when their time passed since the previous tick, not on the first tick', () => {
    expect(evaluateRules(input({}, T0 + 3_600_000)).firings).toEqual([]);
    const due = evaluateRules(input({}, T0 + 3_600_000, { since: T0 })).firings;
    expect(due).toMatchObject([{ kind: 'morning_routine', category: 'time', dedupKey: 'morning_routine:2030-05-01' }]);
  });
});
