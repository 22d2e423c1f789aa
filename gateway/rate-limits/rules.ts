import type { Config } from '../../platform/config/environment.js';
import type { OverridableScope } from '../../platform/ops/rate-limit-overrides.js';

/**
 * Per-endpoint rate limits. Each can be set through the environment variable named beside it;
 * an operation over any of them is refused with RATE_LIMITED (HTTP 429 with Retry-After, or a
 * graphql-ws error), before anything is executed. Every window is one minute.
 */
export interface RateLimitOptions {
  /** RATE_LIMITS_ENABLED, default true. */
  enabled: boolean;
  /** Every operation, per signed-in user, API key or device. RATE_LIMIT_API_PER_MINUTE, default 1200. */
  apiPerMinute: number;
  /** Every operation, per client IP, for callers without credentials. RATE_LIMIT_ANONYMOUS_PER_MINUTE, default 300. */
  anonymousPerMinute: number;
  /** login, register and refreshToken, per client IP. RATE_LIMIT_AUTH_PER_MINUTE, default 30. */
  authPerMinute: number;
  /**
   * ingestObdFrames, ingestObdRounds and ingestReadings, per device, user or API key (an upload of
   * several rounds counts once). RATE_LIMIT_INGEST_PER_MINUTE, default 1200: a dongle sends about
   * one batch a second at most, so this leaves room for catching up.
   */
  ingestPerMinute: number;
}

export const DEFAULT_RATE_LIMIT_OPTIONS: RateLimitOptions = {
  enabled: true,
  apiPerMinute: 1200,
  anonymousPerMinute: 300,
  authPerMinute: 30,
  ingestPerMinute: 1200,
};

export const rateLimitOptionsFromConfig = (config: Config): RateLimitOptions => ({
  enabled: config.RATE_LIMITS_ENABLED,
  apiPerMinute: config.RATE_LIMIT_API_PER_MINUTE,
  anonymousPerMinute: config.RATE_LIMIT_ANONYMOUS_PER_MINUTE,
  authPerMinute: config.RATE_LIMIT_AUTH_PER_MINUTE,
  ingestPerMinute: config.RATE_LIMIT_INGEST_PER_MINUTE,
});

export type RuleName = 'auth' | 'ingest' | 'api';

/** The scope that names each rule in rate-limit override commands (platform/ops/rate-limit-overrides.ts). */
export const RULE_SCOPES = { auth: 'login', ingest: 'ingest', api: 'api' } as const satisfies Record<
  RuleName,
  OverridableScope
>;

export interface RateLimitRule {
  name: RuleName;
  /** Root fields the rule covers, as `Type.field`; `'*'` covers every operation. */
  fields: readonly string[] | '*';
  /**
   * Whose counter an operation is charged to: always the client IP (sign-in must not be
   * spread over accounts), or the caller, which is the client IP for anonymous callers.
   */
  keyBy: 'ip' | 'caller';
  /** Operations per window for one key. */
  points: number;
  /** Operations per window for an anonymous caller's IP, where it differs from `points`. */
  anonymousPoints?: number;
  windowSeconds: number;
}

export const AUTH_FIELDS = ['Mutation.login', 'Mutation.register', 'Mutation.refreshToken'] as const;
/** Uploads: rate-limited per caller, and bounded in flight (limits/ingest-admission.ts). */
export const INGEST_FIELDS = [
  'Mutation.ingestObdFrames',
  'Mutation.ingestObdRounds',
  'Mutation.ingestReadings',
] as const;

export function rateLimitRules(options: RateLimitOptions): RateLimitRule[] {
  return [
    { name: 'auth', fields: AUTH_FIELDS, keyBy: 'ip', points: options.authPerMinute, windowSeconds: 60 },
    { name: 'ingest', fields: INGEST_FIELDS, keyBy: 'caller', points: options.ingestPerMinute, windowSeconds: 60 },
    {
      name: 'api',
      fields: '*',
      keyBy: 'caller',
      points: options.apiPerMinute,
      anonymousPoints: options.anonymousPerMinute,
      windowSeconds: 60,
    },
  ];
}

export interface Charge {
  rule: RateLimitRule;
  points: number;
}

/**
 * What an operation costs under each rule: `'*'` rules count operations (1 each); a rule
 * naming fields counts each call of them, so 15 aliased logins in one operation are 15 tries.
 */
export function chargesFor(rules: readonly RateLimitRule[], rootFields: readonly string[]): Charge[] {
  return rules.flatMap((rule) => {
    const fields = rule.fields;
    const points = fields === '*' ? 1 : rootFields.filter((field) => fields.includes(field)).length;
    return points > 0 ? [{ rule, points }] : [];
  });
}
