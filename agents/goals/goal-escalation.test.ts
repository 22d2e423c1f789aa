import { evaluateRules, stateKey, type EvaluationInput } from '../firings/evaluate.js';
import { GOAL_RULE, METRIC_RULES } from '../firings/rule-set.js';
import { policyDecide } from '../providers/policy.js';
import { goalSeverity } from './goal-escalation.js';

const HOUR = 3_600_000;
const START = Date.parse('2030-01-01T00:00:00Z');
const DUE = START + 100 * 24 * HOUR;
/** A goal from 0 to 100 over 100 days that stays at `current`: behind by (day - current) points. */
const goal = (current: number) => ({
  key: 'customers',
  direction: 'AT_LEAST' as const,
  current,
  target: 100,
  startValue: 0,
  startedAt: new Date(START),
  dueAt: new Date(DUE),
});
const day = (d: number) => START + d * 24 * HOUR;

describe('an off-track goal', () => {
  it('fires again every repeat interval while it stays behind, each time with its gap, instead of once', () => {
    let states = new Map();
    const tick = (at: number, current: number) => {
      const input: EvaluationInput = {
        observations: { at, metrics: {} },
        metricRules: METRIC_RULES,
        goalRule: GOAL_RULE,
        goals: [goal(current)],
        routines: [],
        since: null,
        states,
      };
      const result = evaluateRules(input);
      states = new Map([...states, ...result.states]);
      return result.firings.map((f) => Math.round(f.value));
    };
    expect(tick(day(20), 5)).toEqual([15]);
    // Inside the repeat interval: quiet.
    expect(tick(day(20) + GOAL_RULE.repeatMs - 60_000, 5)).toEqual([]);
    // Still behind after it: fires again, with the larger gap of now.
    expect(tick(day(20) + GOAL_RULE.repeatMs, 5)).toEqual([15]);
    expect(tick(day(40), 5)).toEqual([35]);
    expect(tick(day(60), 5)).toEqual([55]);
    // Back on track: re-armed, nothing fires.
    expect(tick(day(61), 60)).toEqual([]);
    expect(states.get(stateKey('goal_off_track', 'customers'))).toMatchObject({ armed: true });
  });

  it('gets a severity that rises with the gap', () => {
    expect([12, 20, 30, 49, 50, 90].map(goalSeverity)).toEqual([
      'LOW',
      'MEDIUM',
      'HIGH',
      'HIGH',
      'CRITICAL',
      'CRITICAL',
    ]);
    const incident = (behind: number) =>
      policyDecide({
        taskClass: 'routine',
        triggerKind: 'goal_off_track',
        metrics: { goal_points_behind: behind },
        eligibleActions: ['open_incident'],
      }).parameters as { severity: string };
    expect(incident(12).severity).toBe('LOW');
    expect(incident(35).severity).toBe('HIGH');
    expect(incident(70).severity).toBe('CRITICAL');
  });
});
