import type { GoalFigures } from '../goals/goal-math.js';
import { pointsBehind } from '../goals/goal-math.js';
import { evaluateGoalRule, type GoalRule } from '../goals/goal-escalation.js';
import { categoryOf, type TriggerCategory, type TriggerKind } from '../triggers/categories.js';
import { dueRoutines, type DailyRoutine } from '../triggers/schedule.js';
import {
  evaluateThreshold,
  initialThresholdState,
  type SuppressedBy,
  type ThresholdRule,
  type ThresholdState,
} from '../triggers/threshold.js';
import type { Observations } from '../signals/observations.js';

export interface FiringDraft {
  kind: TriggerKind;
  category: TriggerCategory;
  metric: string;
  subject: string;
  value: number;
  threshold: number;
  firedAt: number;
  dedupKey: string;
}

export interface Suppression {
  kind: TriggerKind;
  subject: string;
  value: number;
  by: SuppressedBy;
}

export interface TrackedGoal extends GoalFigures {
  key: string;
}

export interface EvaluationInput {
  observations: Observations;
  metricRules: readonly ThresholdRule[];
  goalRule: GoalRule;
  goals: readonly TrackedGoal[];
  routines: readonly DailyRoutine[];
  /** The previous tick; routines due since then run now. Null on the very first tick. */
  since: number | null;
  states: ReadonlyMap<string, ThresholdState>;
}

export interface EvaluationResult {
  firings: FiringDraft[];
  suppressed: Suppression[];
  /** Only the states that changed, keyed by `stateKey`. */
  states: Map<string, ThresholdState>;
}

export const stateKey = (kind: string, subject: string) => `${kind}:${subject}`;

/** Pure: the observations against every rule, from the rules' stored states. */
export function evaluateRules(input: EvaluationInput): EvaluationResult {
  const now = input.observations.at;
  const result: EvaluationResult = { firings: [], suppressed: [], states: new Map() };
  const check = (
    rule: ThresholdRule,
    subject: string,
    value: number | undefined,
    evaluate: typeof evaluateThreshold = evaluateThreshold,
  ) => {
    if (value === undefined || !Number.isFinite(value)) return;
    const key = stateKey(rule.kind, subject);
    const before = input.states.get(key) ?? initialThresholdState();
    const evaluation = evaluate(rule, before, value, now, subject);
    if (evaluation.state !== before) result.states.set(key, evaluation.state);
    if (evaluation.firing) result.firings.push({ ...evaluation.firing, category: categoryOf(rule.kind) });
    else if (evaluation.suppressedBy)
      result.suppressed.push({ kind: rule.kind, subject, value, by: evaluation.suppressedBy });
  };
  for (const rule of input.metricRules) check(rule, 'global', input.observations.metrics[rule.metric]);
  // Goals repeat while they stay behind (goal-escalation.ts); metric triggers wait to recover.
  const goalEvaluation: typeof evaluateThreshold = (_rule, state, value, at, subject = 'global') =>
    evaluateGoalRule(input.goalRule, state, value, at, subject);
  for (const goal of input.goals) check(input.goalRule, goal.key, pointsBehind(goal, now), goalEvaluation);
  if (input.since !== null) {
    for (const run of dueRoutines(input.routines, input.since, now)) {
      result.firings.push({
        kind: run.kind,
        category: categoryOf(run.kind),
        metric: 'schedule',
        subject: 'daily',
        value: run.at,
        threshold: run.at,
        firedAt: now,
        dedupKey: run.dedupKey,
      });
    }
  }
  return result;
}
