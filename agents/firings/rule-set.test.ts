import { loadConfig } from '../../platform/config/environment.js';
import { recoveryOf } from '../learning/counterfactual.js';
import { agentsSettingsFromConfig } from '../settings.js';
import { evaluateRules } from './evaluate.js';
import { GOAL_RULE, memoryRules, metricRules, ruleAt } from './rule-set.js';

const p95Firings = (p95: number, rules = metricRules()) =>
  evaluateRules({
    observations: { at: Date.parse('2030-05-01T06:00:00Z'), metrics: { p95_ms: p95 } },
    metricRules: rules,
    goalRule: GOAL_RULE,
    goals: [],
    routines: [],
    since: null,
    states: new Map(),
  }).firings;

describe('the p95 latency line (AGENTS_P95_THRESHOLD_MS)', () => {
  it('is 150 ms by default and set by the variable', () => {
    expect(agentsSettingsFromConfig(loadConfig({}), 'http://x/graphql').p95ThresholdMs).toBe(150);
    expect(
      agentsSettingsFromConfig(loadConfig({ AGENTS_P95_THRESHOLD_MS: '400' }), 'http://x/graphql').p95ThresholdMs,
    ).toBe(400);
    expect(() => loadConfig({ AGENTS_P95_THRESHOLD_MS: '0' })).toThrow(/AGENTS_P95_THRESHOLD_MS/);
  });

  it('moves where p95_latency fires, in the tick and in the in-memory detector alike', () => {
    expect(p95Firings(300).map((f) => [f.kind, f.threshold])).toEqual([['p95_latency', 150]]);
    const at400 = metricRules({ p95ThresholdMs: 400 });
    expect(p95Firings(300, at400)).toEqual([]);
    expect(p95Firings(300, memoryRules(at400))).toEqual([]);
    expect(p95Firings(500, at400).map((f) => [f.kind, f.threshold])).toEqual([['p95_latency', 400]]);
    expect(at400.find((r) => r.kind === 'p95_latency')).toMatchObject({ threshold: 400, hysteresis: 80 });
    // Only that rule moves.
    expect(at400.filter((r) => r.kind !== 'p95_latency')).toEqual(
      metricRules().filter((r) => r.kind !== 'p95_latency'),
    );
  });

  it("judges a firing's recovery against the line it fired at", () => {
    expect(recoveryOf(ruleAt('p95_latency', 400)!, 300)).toBe('RECOVERED');
    expect(recoveryOf(ruleAt('p95_latency', 150)!, 300)).toBe('NOT_RECOVERED');
  });
});
