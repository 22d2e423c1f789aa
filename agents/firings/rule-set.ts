import { OFF_TRACK_POINTS } from '../goals/goal-math.js';
import type { ThresholdRule } from '../triggers/threshold.js';
import type { GoalRule } from '../goals/goal-escalation.js';

const MINUTE = 60_000;

/**
 * One rule per metric trigger kind. Thresholds sit at the objectives (p95 150 ms) or at
 * levels that mean an incident rather than noise; hysteresis and cooldown keep a value
 * hovering at the line from firing over and over.
 */
export const METRIC_RULES: readonly ThresholdRule[] = [
  { kind: 'p95_latency', metric: 'p95_ms', threshold: 150, hysteresis: 30, cooldownMs: 15 * MINUTE }, // AGENTS_P95_THRESHOLD_MS
  {
    kind: 'throughput_drop',
    metric: 'throughput_ratio',
    threshold: 0.2,
    hysteresis: 0.3,
    cooldownMs: 15 * MINUTE,
    direction: 'below',
  },
  // Burn-rate rules against the service objectives (signals/burn-rate.ts): the figure is the
  // largest burn over both windows of a rule divided by the rule's factor, so 1 is the line.
  { kind: 'error_rate', metric: 'error_burn', threshold: 1, hysteresis: 0.5, cooldownMs: 15 * MINUTE },
  { kind: 'availability', metric: 'availability_burn', threshold: 1, hysteresis: 0.5, cooldownMs: 15 * MINUTE },
  {
    kind: 'client_error_burst',
    metric: 'client_errors_per_minute',
    threshold: 25,
    hysteresis: 15,
    cooldownMs: 10 * MINUTE,
  },
  // One event parked in a dead-letter stream is already an incident: data was not processed.
  { kind: 'ops_alerts', metric: 'ops_alerts_last_hour', threshold: 1, hysteresis: 0.5, cooldownMs: 30 * MINUTE },
  {
    kind: 'failed_login_burst',
    metric: 'failed_logins_per_minute',
    threshold: 20,
    hysteresis: 10,
    cooldownMs: 10 * MINUTE,
  },
  {
    kind: 'rate_limit_burst',
    metric: 'rate_limited_per_minute',
    threshold: 30,
    hysteresis: 15,
    cooldownMs: 10 * MINUTE,
  },
  { kind: 'forbidden_burst', metric: 'forbidden_per_minute', threshold: 30, hysteresis: 15, cooldownMs: 10 * MINUTE },
  { kind: 'critical_alerts', metric: 'critical_alerts_open', threshold: 1, hysteresis: 0.5, cooldownMs: 30 * MINUTE },
];

/**
 * Evaluated per goal with a deadline (the goal is the subject). It repeats every `repeatMs`
 * while the goal stays behind (AGENTS_GOAL_REPEAT_MINUTES), each time with the gap of the
 * moment, which sets the incident's severity (goal-escalation.ts).
 */
export const GOAL_RULE: GoalRule = {
  kind: 'goal_off_track',
  metric: 'goal_points_behind',
  threshold: OFF_TRACK_POINTS,
  hysteresis: 5,
  cooldownMs: 6 * 60 * MINUTE,
  repeatMs: 6 * 60 * MINUTE,
};

/**
 * Rules on figures kept in memory (the gateways' traffic, failed logins): evaluated even while
 * the database is down. The others read the database (client errors, alerts, goals).
 */
export const MEMORY_METRICS: ReadonlySet<string> = new Set([
  'p95_ms',
  'throughput_ratio',
  'error_burn',
  'availability_burn',
  'failed_logins_per_minute',
  'rate_limited_per_minute',
  'forbidden_per_minute',
]);
export const MEMORY_RULES: readonly ThresholdRule[] = METRIC_RULES.filter((r) => MEMORY_METRICS.has(r.metric));

/** The p95 latency line when none is configured (AGENTS_P95_THRESHOLD_MS). */
export const DEFAULT_P95_THRESHOLD_MS = 150;

/**
 * The metric rules with the configured p95 latency line; its hysteresis keeps the default's
 * proportion (a fifth of the line). A firing keeps the threshold it fired at, and its outcome
 * and its held decision are judged against that (decision.trigger.threshold).
 */
export function metricRules(options: { p95ThresholdMs?: number } = {}): readonly ThresholdRule[] {
  const line = options.p95ThresholdMs;
  if (line === undefined || line === DEFAULT_P95_THRESHOLD_MS) return METRIC_RULES;
  return METRIC_RULES.map((r) => (r.kind === 'p95_latency' ? { ...r, threshold: line, hysteresis: line / 5 } : r));
}

export const memoryRules = (rules: readonly ThresholdRule[]): readonly ThresholdRule[] =>
  rules.filter((r) => MEMORY_METRICS.has(r.metric));

/** A rule as a firing was judged by: its threshold is the one the firing recorded. */
export function ruleAt(kind: string, threshold: number): ThresholdRule | undefined {
  const rule = ruleFor(kind);
  return rule && Number.isFinite(threshold) ? { ...rule, threshold } : rule;
}

export const ruleFor = (kind: string): ThresholdRule | undefined =>
  kind === GOAL_RULE.kind ? GOAL_RULE : METRIC_RULES.find((r) => r.kind === kind);
