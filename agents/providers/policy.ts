import { actionsForCategory, parseDecision, type ActionId, type AgentDecision } from '../actions/catalogue.js';
import { goalSeverity } from '../goals/goal-escalation.js';
import { SERVICES } from '../actions/parameters.js';
import { categoryOf, TRIGGER_KINDS, type TriggerKind } from '../triggers/categories.js';
import { debugLoggingWarranted } from './debug-logging-signal.js';
import type { DecisionRequest } from './types.js';

/**
 * The deterministic decider: no network, same input → same decision. It is the default
 * without keys and the last resort after every provider failure or rejected answer, so it
 * prefers low-risk, diagnostic actions and never guesses targets it was not given.
 */
export const POLICY_PREFERENCES: Record<TriggerKind, ActionId[]> = {
  p95_latency: ['check_database_indexes', 'open_incident'],
  throughput_drop: ['open_incident', 'raise_log_level'],
  error_rate: ['raise_log_level', 'open_incident'],
  // The service cannot answer: humans look first; more logs of a down dependency add little.
  availability: ['open_incident'],
  client_error_burst: ['raise_log_level', 'open_incident', 'tighten_rate_limits', 'block_client'],
  ops_alerts: ['open_incident'],
  // The one client behind it first; a limit everyone shares only when no single client stands out.
  failed_login_burst: ['block_client', 'tighten_rate_limits', 'open_incident'],
  rate_limit_burst: ['open_incident', 'raise_log_level'],
  forbidden_burst: ['open_incident', 'raise_log_level'],
  goal_off_track: ['open_incident'],
  critical_alerts: ['notify_critical_owners', 'recompute_vehicle_health', 'open_incident'],
  morning_routine: ['check_database_indexes', 'recompute_vehicle_health'],
  evening_routine: [],
};

type Builder = (request: DecisionRequest) => Record<string, unknown> | null;

const targetServices = (r: DecisionRequest) => (r.targets?.services?.length ? [...new Set(r.targets.services)] : null);
const targetVehicles = (r: DecisionRequest) =>
  r.targets?.vehicleIds?.length ? [...new Set(r.targets.vehicleIds)] : null;

function severityFor(kind: TriggerKind): 'LOW' | 'MEDIUM' | 'HIGH' {
  const category = categoryOf(kind);
  return category === 'security' ? 'HIGH' : category === 'business' ? 'LOW' : 'MEDIUM';
}

function summary(request: DecisionRequest): string {
  const figures = Object.entries(request.metrics).map(([k, v]) => `${k}=${Number.isInteger(v) ? v : v.toFixed(3)}`);
  return figures.length ? figures.join(', ') : 'no figures attached';
}

/** Parameters per action, or null when the request lacks what the action needs. */
const BUILDERS: Record<ActionId, Builder> = {
  tighten_rate_limits: (r) => ({
    scopes: [
      r.triggerKind === 'failed_login_burst'
        ? 'login'
        : r.triggerKind === 'client_error_burst'
          ? 'client_errors'
          : 'api',
    ],
    factor: 0.5,
    durationMinutes: 30,
  }),
  // Relaxing protection is never the safe default; the policy leaves it to a model or a human.
  relax_rate_limits: () => null,
  // Not on anonymous traffic alone (see debugLoggingWarranted): no parameters means not eligible.
  raise_log_level: (r) =>
    debugLoggingWarranted(r.triggerKind, r.metrics)
      ? { services: targetServices(r) ?? ['gateway'], level: 'debug', durationMinutes: 30 }
      : null,
  block_client: (r) => (r.targets?.clients?.length ? { client: r.targets.clients[0], durationMinutes: 15 } : null),
  recompute_vehicle_health: (r) => (targetVehicles(r) ? { vehicleIds: targetVehicles(r) } : null),
  notify_critical_owners: (r) =>
    targetVehicles(r)
      ? {
          vehicleIds: targetVehicles(r),
          message: 'Your vehicle has a critical health alert. Please check the Clutch app and book a service.',
        }
      : null,
  open_incident: (r) => ({
    title: `${TRIGGER_KINDS[r.triggerKind].description}`.slice(0, 200),
    severity:
      r.triggerKind === 'goal_off_track' ? goalSeverity(r.metrics.goal_points_behind ?? 0) : severityFor(r.triggerKind),
    summary: `Trigger ${r.triggerKind} fired (${summary(r)}).`.slice(0, 2000),
  }),
  check_database_indexes: (r) => ({ services: targetServices(r) ?? [...SERVICES] }),
  no_op: () => ({}),
};

const POLICY_CONFIDENCE = 0.5;

export function policyDecide(request: DecisionRequest): AgentDecision {
  const eligible = request.eligibleActions ?? actionsForCategory(categoryOf(request.triggerKind));
  const description = TRIGGER_KINDS[request.triggerKind].description;
  for (const action of POLICY_PREFERENCES[request.triggerKind]) {
    if (!eligible.includes(action)) continue;
    const parameters = BUILDERS[action](request);
    if (!parameters) continue;
    const parsed = parseDecision(
      {
        action,
        parameters,
        reasoning: `Policy: ${description} (${summary(request)}); the standing response to ${request.triggerKind} is ${action}.`,
        confidence: POLICY_CONFIDENCE,
      },
      eligible,
    );
    if (parsed.ok) return parsed.value;
  }
  // Doing nothing is always allowed: it is what the guardrails fall back to anyway.
  const why = POLICY_PREFERENCES[request.triggerKind].length
    ? 'no eligible action applies with the given targets, so none is taken'
    : 'this calls for a report, not a corrective action';
  return {
    action: 'no_op',
    parameters: {},
    reasoning: `Policy: ${description} (${summary(request)}); ${why}.`,
    confidence: POLICY_CONFIDENCE,
  };
}
