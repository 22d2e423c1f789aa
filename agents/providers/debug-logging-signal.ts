import { METRIC_RULES } from '../firings/rule-set.js';
import type { TriggerKind } from '../triggers/categories.js';

/**
 * For each trigger that anyone can provoke without credentials, the same figure counted over
 * signed-in callers (users, API keys, devices) alone.
 */
export const SIGNED_IN_FIGURES: Partial<Record<TriggerKind, string>> = {
  client_error_burst: 'signed_in_client_errors_per_minute',
  rate_limit_burst: 'authenticated_rate_limited_per_minute',
  forbidden_burst: 'authenticated_forbidden_per_minute',
};

const thresholdOf = (kind: TriggerKind) => METRIC_RULES.find((rule) => rule.kind === kind)?.threshold;

/**
 * Whether switching services to debug logging (for 30 minutes, with its disk and noise) is
 * warranted. Anonymous traffic alone never is: a flood of anonymous requests, refusals or
 * client-error reports, or the throughput drop when such a flood stops, would otherwise let
 * anyone turn it on at will. It takes an error the server caused (the error-rate trigger, or
 * server errors burning the error budget at an alerting rate) or the trigger's own figure reached by signed-in
 * callers alone.
 */
export function debugLoggingWarranted(kind: TriggerKind, metrics: Readonly<Record<string, number>>): boolean {
  if (kind === 'error_rate') return true;
  // The error-rate trigger's figure (its burn rate over the alerting line) at the line.
  const errorRateLine = thresholdOf('error_rate');
  if (errorRateLine !== undefined && (metrics.error_burn ?? 0) >= errorRateLine) return true;
  const figure = SIGNED_IN_FIGURES[kind];
  const threshold = thresholdOf(kind);
  return figure !== undefined && threshold !== undefined && (metrics[figure] ?? 0) >= threshold;
}
