/** The brief's five trigger families; actions and team members are matched on these. */
export const TRIGGER_CATEGORIES = ['performance', 'errors', 'security', 'business', 'time'] as const;
export type TriggerCategory = (typeof TRIGGER_CATEGORIES)[number];

/**
 * Concrete trigger kinds. Learning keys its arms on the kind, not the category: what
 * helps a failed-login burst differs from what helps a FORBIDDEN burst.
 */
export const TRIGGER_KINDS = {
  p95_latency: { category: 'performance', description: 'p95 response time above its objective' },
  throughput_drop: { category: 'performance', description: 'request throughput fell below its floor' },
  error_rate: {
    category: 'errors',
    description: 'server errors burning the error budget (0.05 % of requests) at an alerting rate',
  },
  availability: {
    category: 'errors',
    description: 'requests the service could not answer burning the availability budget (99.95 %) at an alerting rate',
  },
  client_error_burst: { category: 'errors', description: 'a burst of errors reported by frontends' },
  ops_alerts: {
    category: 'errors',
    description: 'ops alerts: events a pipeline could not handle were moved to a dead-letter stream',
  },
  failed_login_burst: { category: 'security', description: 'a burst of failed logins' },
  rate_limit_burst: { category: 'security', description: 'a burst of rate-limited requests' },
  forbidden_burst: { category: 'security', description: 'a burst of FORBIDDEN answers' },
  goal_off_track: { category: 'business', description: 'a business goal is behind its expected progress' },
  critical_alerts: { category: 'business', description: 'vehicles with open critical health alerts' },
  morning_routine: { category: 'time', description: 'morning health check, overnight review and security scan' },
  evening_routine: {
    category: 'time',
    description: 'evening performance summary, goal assessment and learning update',
  },
} as const satisfies Record<string, { category: TriggerCategory; description: string }>;

export type TriggerKind = keyof typeof TRIGGER_KINDS;

export function isTriggerKind(value: string): value is TriggerKind {
  return Object.hasOwn(TRIGGER_KINDS, value);
}

export function categoryOf(kind: TriggerKind): TriggerCategory {
  return TRIGGER_KINDS[kind].category;
}

export function kindsInCategory(category: TriggerCategory): TriggerKind[] {
  return (Object.keys(TRIGGER_KINDS) as TriggerKind[]).filter((k) => TRIGGER_KINDS[k].category === category);
}
