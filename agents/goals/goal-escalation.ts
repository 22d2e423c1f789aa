import { dedupKey } from '../triggers/dedup.js';
import {
  evaluateThreshold,
  type ThresholdEvaluation,
  type ThresholdRule,
  type ThresholdState,
} from '../triggers/threshold.js';
import type { IncidentSeverity } from '../effects/incident.store.js';

/** The off-track rule: a threshold on points behind, repeated while the goal stays behind. */
export interface GoalRule extends ThresholdRule {
  /** While still off track, the goal fires again this long after its last firing. */
  repeatMs: number;
}

/**
 * A goal's off-track trigger: fires when the goal falls behind, then again every `repeatMs`
 * while it stays behind (a metric trigger stays quiet until it recovers; a goal that stays
 * behind for weeks must not go silent after one incident). Each repeat carries the gap of
 * its time, so the incident it updates can rise in severity as the gap grows.
 */
export function evaluateGoalRule(
  rule: GoalRule,
  state: ThresholdState,
  pointsBehind: number,
  now: number,
  subject: string,
): ThresholdEvaluation {
  const evaluation = evaluateThreshold(rule, state, pointsBehind, now, subject);
  if (evaluation.suppressedBy !== 'disarmed' || state.lastFiredAt === null) return evaluation;
  if (now - state.lastFiredAt < rule.repeatMs) return evaluation;
  return {
    state: { armed: false, lastFiredAt: now },
    firing: {
      kind: rule.kind,
      metric: rule.metric,
      subject,
      value: pointsBehind,
      threshold: rule.threshold,
      firedAt: now,
      dedupKey: `${dedupKey(rule.kind, subject, now, rule.repeatMs)}:repeat`,
    },
  };
}

/** Severity rises with the gap: percentage points of the start-to-target distance behind the path. */
export const GOAL_SEVERITY_STEPS: ReadonlyArray<{ from: number; severity: IncidentSeverity }> = [
  { from: 50, severity: 'CRITICAL' },
  { from: 30, severity: 'HIGH' },
  { from: 20, severity: 'MEDIUM' },
];

export function goalSeverity(pointsBehind: number): IncidentSeverity {
  return GOAL_SEVERITY_STEPS.find((s) => pointsBehind >= s.from)?.severity ?? 'LOW';
}
