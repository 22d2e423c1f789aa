import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { SUBGRAPHS } from '../../subgraphs/registry.js';
import { localUrl, portVariable, urlVariable } from '../subgraph/descriptor.js';

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();
const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');
/** A flag whose default depends on NODE_ENV (resolved in loadConfig). */
const optionalFlag = optionalString
  .pipe(z.enum(['true', 'false', '1', '0']).optional())
  .transform((v) => (v === undefined ? undefined : v === 'true' || v === '1'));
const isOrigin = (value: string) => {
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
};

export type ServiceName = (typeof SUBGRAPHS)[number]['name'];
export const SERVICE_NAMES: readonly ServiceName[] = SUBGRAPHS.map((s) => s.name);

type ServiceShape = { [N in ServiceName as `${Uppercase<N>}_PORT`]: ReturnType<typeof port> } & {
  [N in ServiceName as `${Uppercase<N>}_URL`]: z.ZodOptional<z.ZodURL>;
};

/** `<NAME>_PORT` (the descriptor's port by default) and `<NAME>_URL` for each subgraph in subgraphs/registry.ts. */
function serviceVariables(): ServiceShape {
  const shape: Record<string, z.ZodType> = {};
  for (const { name, port: fallback } of SUBGRAPHS) {
    shape[portVariable(name)] = port(fallback);
    shape[urlVariable(name)] = z.url().optional();
  }
  return shape as ServiceShape;
}

/** Every variable the system reads. `.env.example` documents the same list. */
const variables = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().default('127.0.0.1'),
  PORT: port(4000),
  ...serviceVariables(),

  DATA_DIR: z.string().default('.data'),
  MONGODB_URI: optionalString,
  MONGODB_DB_PREFIX: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,30}$/, 'lowercase letters, digits and _ only')
    .default('clutch'),
  MONGODB_POOL_SIZE: positiveInt(20),
  MONGODB_CONNECT_RETRIES: positiveInt(10),
  MONGODB_SERVER_SELECTION_TIMEOUT_MS: positiveInt(5000),
  REDIS_URL: optionalString,

  JWT_SECRET: optionalString,
  INTERNAL_SECRET: optionalString,
  ACCESS_TOKEN_TTL_SECONDS: positiveInt(15 * 60),
  REFRESH_TOKEN_TTL_SECONDS: positiveInt(30 * 24 * 3600),
  BCRYPT_ROUNDS: z.coerce.number().int().min(4).max(15).default(12),
  ADMIN_EMAIL: optionalString.pipe(z.email().optional()),
  ADMIN_PASSWORD: optionalString.pipe(z.string().min(12).optional()),
  LOGIN_MAX_FAILURES: positiveInt(5),
  LOGIN_LOCK_BASE_SECONDS: positiveInt(30),
  /** An email's failures (from any clients) within the window that slow its checks for unknown clients. */
  LOGIN_EMAIL_SLOWDOWN_AFTER: positiveInt(10),
  LOGIN_EMAIL_WINDOW_SECONDS: positiveInt(15 * 60),
  LOGIN_EMAIL_SLOWDOWN_SECONDS: positiveInt(5),
  LOGIN_KNOWN_CLIENT_DAYS: positiveInt(30),
  /** Password hashes at once (default: CPUs - 1, at most libuv's pool - 1) and waiting beyond them. */
  PASSWORD_HASH_CONCURRENCY: optionalString.pipe(z.coerce.number<string | undefined>().int().positive().optional()),
  PASSWORD_HASH_QUEUE: positiveInt(16),

  /** Telemetry readings are kept this long; the retention job runs every interval. */
  TELEMETRY_RETENTION_DAYS: positiveInt(30),
  TELEMETRY_RETENTION_INTERVAL_MINUTES: positiveInt(60),
  /** Health snapshots and resolved alerts are kept this long (service records always); the job runs every interval. */
  HEALTH_RETENTION_DAYS: positiveInt(730),
  HEALTH_RETENTION_INTERVAL_MINUTES: positiveInt(60),
  /** Health's durable consumption of telemetry (group "health"): batch size, visibility timeout, vehicles at once. */
  HEALTH_CONSUMER_BATCH_SIZE: positiveInt(1024),
  HEALTH_CONSUMER_CLAIM_IDLE_MS: positiveInt(30_000),
  HEALTH_CONSUMER_CONCURRENCY: positiveInt(16),
  /** Customers cancel or move a booking themselves up to this long before its slot (the centre at any time). */
  BOOKING_CUSTOMER_CUTOFF_MINUTES: positiveInt(120),
  /** A centre's members see a booked vehicle (health, DTCs) this long after completing its booking; an open booking shows it, a declined, cancelled or no-show one never. */
  PARTNER_VEHICLE_ACCESS_DAYS: positiveInt(30),
  /** An unpaid parts order lets go of its units after this long (fractions allowed: tests use seconds). */
  ORDER_PAYMENT_HOLD_MINUTES: z.coerce.number().positive().max(10_080).default(15),
  /** How often each marketplace instance looks for lapsed order holds and unannounced order changes. */
  ORDER_HOLD_SWEEP_SECONDS: z.coerce.number().positive().max(3600).default(30),
  /** Roadside help: centres offered a request at once, how long a wave waits, waves before staff are alerted. */
  ROADSIDE_WAVE_SIZE: positiveInt(3),
  ROADSIDE_WAVE_SECONDS: z.coerce.number().positive().max(3600).default(60),
  ROADSIDE_WAVES: positiveInt(3),
  /** How far from the driver a centre may be offered a request, and the speed the ETA assumes. */
  ROADSIDE_RADIUS_KM: z.coerce.number().positive().max(200).default(50),
  ROADSIDE_SPEED_KMH: z.coerce.number().positive().max(300).default(40),
  /**
   * Payments (subgraphs/payments): Stripe through the official SDK. Without STRIPE_SECRET_KEY the
   * SDK talks to STRIPE_API_URL, or outside production to a local fake Stripe started with the
   * subgraph on STRIPE_FAKE_PORT (subgraphs/payments/stripe-fake).
   */
  STRIPE_SECRET_KEY: optionalString,
  /** The webhook endpoint's signing secret (whsec_...); with the local fake, derived from INTERNAL_SECRET when unset. */
  STRIPE_WEBHOOK_SECRET: optionalString,
  /** Where the SDK sends its requests instead of api.stripe.com (the fake, stripe-mock, a proxy). */
  STRIPE_API_URL: optionalString.pipe(z.url().optional()),
  STRIPE_FAKE_PORT: port(12111),
  /** The platform's fee, percent of each payment, at most two decimals (rounding: subgraphs/payments/ledger/accounts.ts). */
  PLATFORM_FEE_PERCENT: z.coerce
    .number()
    .min(0)
    .max(100)
    .refine((v) => Math.abs(Math.round(v * 100) - v * 100) < 1e-6, 'at most two decimals')
    .default(10),
  /** Reconciliation of the provider's records with the ledger: how often, over how far back. */
  PAYMENTS_RECONCILE_INTERVAL_MINUTES: positiveInt(15),
  PAYMENTS_RECONCILE_WINDOW_HOURS: positiveInt(72),
  /** A payment the provider has no record of this long after it was asked for never reached it: FAILED. */
  PAYMENTS_ABANDON_AFTER_MINUTES: positiveInt(30),
  /** Notifications: one interrupting delivery per vehicle and alert rule per window; later changes fold into the inbox entry. */
  NOTIFY_DEDUPE_MINUTES: positiveInt(30),
  /** Interrupting notifications (push, email, SMS) per user per hour; CRITICAL safety alerts are not counted. */
  NOTIFY_USER_HOURLY_CAP: positiveInt(20),
  /** Delivery attempts before a delivery is DEAD, and the exponential backoff between them (with jitter). */
  NOTIFY_MAX_ATTEMPTS: positiveInt(10),
  NOTIFY_RETRY_BASE_MS: positiveInt(5_000),
  NOTIFY_RETRY_MAX_MS: positiveInt(3_600_000),
  /** How often due deliveries (retries, quiet-hour holds) are looked for, and how long one claim lasts. */
  NOTIFY_POLL_MS: positiveInt(1_000),
  NOTIFY_LEASE_MS: positiveInt(30_000),
  /** A confirmed booking's reminder goes this long before its slot. */
  NOTIFY_BOOKING_REMINDER_MINUTES: positiveInt(24 * 60),
  /** The page a marketing message's unsubscribe link opens (it calls unsubscribeMarketing(token)). */
  NOTIFY_UNSUBSCRIBE_URL: z.url().default('http://localhost:4000/unsubscribe'),
  /**
   * B2B webhooks: retried with exponential backoff and jitter (WEBHOOK_RETRY_BASE_MS doubling up to
   * WEBHOOK_RETRY_MAX_MS) for WEBHOOK_RETRY_HOURS (fractions allowed) after an event was queued; an
   * endpoint is disabled after WEBHOOK_DISABLE_AFTER_FAILURES failed attempts in a row; a rotated
   * secret keeps signing for WEBHOOK_SECRET_OVERLAP_HOURS.
   */
  WEBHOOK_RETRY_HOURS: z.coerce.number().positive().max(168).default(24),
  WEBHOOK_RETRY_BASE_MS: positiveInt(10_000),
  WEBHOOK_RETRY_MAX_MS: positiveInt(3_600_000),
  WEBHOOK_DISABLE_AFTER_FAILURES: positiveInt(20),
  WEBHOOK_SECRET_OVERLAP_HOURS: z.coerce.number().positive().max(720).default(24),
  /** One attempt's limit, connection to last byte; and how many attempts one instance has in flight. */
  WEBHOOK_TIMEOUT_MS: positiveInt(5_000),
  WEBHOOK_CONCURRENCY: positiveInt(32),
  /** Webhook URLs on loopback (local receivers); default true outside production, false in production. */
  WEBHOOKS_ALLOW_LOOPBACK: optionalFlag,
  /** SMS provider (HttpSmsProvider protocol); unset: a local fake on SMS_FAKE_PORT outside production, none in production. */
  SMS_PROVIDER_URL: optionalString.pipe(z.url().optional()),
  SMS_PROVIDER_TOKEN: optionalString,
  SMS_FAKE_PORT: port(4090),
  /**
   * Web Push (VAPID, RFC 8292). Without keys a pair is generated on first start and kept in the
   * database outside production; production without them has no push channel (deliveries queued).
   */
  VAPID_PUBLIC_KEY: optionalString,
  VAPID_PRIVATE_KEY: optionalString,
  /** The contact push services see in the VAPID JWT (`sub`): mailto: or https:. */
  VAPID_SUBJECT: z
    .string()
    .regex(/^(mailto:|https:)/, 'mailto: or https: URL')
    .default('mailto:notifications@clutch.example'),
  /** Push endpoints on loopback (local push services) are accepted; default true outside production. */
  PUSH_ALLOW_LOOPBACK: optionalFlag,
  PUSH_MAX_DEVICES_PER_USER: positiveInt(10),
  /** How long a push service keeps an undelivered push, and how long one push request may take. */
  PUSH_TTL_SECONDS: positiveInt(86_400),
  PUSH_TIMEOUT_MS: positiveInt(5_000),
  /** Email over SMTP (smtp:// or smtps://); unset: a local catcher outside production, none in production. */
  SMTP_URL: optionalString.pipe(z.url().optional()),
  EMAIL_FROM: z.string().default('Clutch <notifications@clutch.example>'),
  SMTP_TIMEOUT_MS: positiveInt(10_000),
  /** The development email catcher: its SMTP port, its page's port (/ and /messages), messages kept. */
  EMAIL_CATCHER_SMTP_PORT: port(2525),
  EMAIL_CATCHER_PORT: port(4091),
  EMAIL_CATCHER_KEEP: positiveInt(50),
  /** VAT on invoices (payments), a percent with at most two decimals; prices include it (invoices/invoice-math.ts). */
  VAT_RATE_PERCENT: z.coerce
    .number()
    .min(0)
    .max(100)
    .refine((v) => Math.abs(Math.round(v * 100) - v * 100) < 1e-6, 'at most two decimals')
    .default(20),
  /** How often partners' balances are paid out (payments' payout job; runPayouts does it at once). */
  PAYOUT_INTERVAL_MINUTES: positiveInt(1440),
  /**
   * Money a centre earned is paid out only once it is this many days old (fractions allowed: tests
   * use seconds), so a refund within the hold is paid from the money it refunds and never drives a
   * paid-out balance negative; 0 pays at once.
   */
  PAYOUT_HOLD_DAYS: z.coerce.number().min(0).max(365).default(7),

  GRAPHQL_MAX_DEPTH: positiveInt(12),
  GRAPHQL_MAX_ALIASES: positiveInt(15),
  GRAPHQL_MAX_COST: positiveInt(5000),
  GRAPHQL_MAX_TOKENS: positiveInt(5000),
  GRAPHQL_MAX_BATCH: positiveInt(10),
  HTTP_BODY_LIMIT_BYTES: positiveInt(100 * 1024),
  SUBGRAPH_TIMEOUT_MS: positiveInt(10_000),
  SUBSCRIPTION_MAX_QUEUE: positiveInt(100),
  /** Live-connection caps at each gateway instance (gateway/subscriptions/socket-limits.ts). */
  WS_MAX_SUBSCRIPTIONS_PER_SOCKET: positiveInt(50),
  WS_MAX_SOCKETS_PER_PRINCIPAL: positiveInt(20),
  WS_MAX_ANONYMOUS_SOCKETS_PER_IP: positiveInt(20),
  API_KEY_CACHE_SECONDS: positiveInt(30),
  /** Device verdicts live longer: a dongle that uploads every 30 s would otherwise wait for one each time. */
  DEVICE_TOKEN_CACHE_SECONDS: positiveInt(120),
  GRAPHQL_INTROSPECTION: flag(true),
  /** Production may accept only the operations codegen registered (gateway/persisted/manifest.json). */
  GRAPHQL_PERSISTED_ONLY: flag(false),
  /** Comma-separated origins (scheme://host[:port]) or `*`; default `*`, none in production. */
  CORS_ORIGINS: optionalString.pipe(
    z
      .string()
      .refine(
        (v) => v.split(',').every((o) => o.trim() === '*' || isOrigin(o.trim())),
        'comma-separated origins such as https://app.example.com (no path or trailing slash), or *',
      )
      .optional(),
  ),
  /** The offline playground at GET /graphql for browsers; default on, off in production. */
  PLAYGROUND_ENABLED: optionalFlag,
  /** Bearer token for /metrics and /health/detailed; unset: public, except in production (refused). */
  METRICS_TOKEN: optionalString.pipe(z.string().min(32, 'at least 32 characters').optional()),
  /** Per-endpoint rate limits at the gateway, operations per minute (see gateway/rate-limits/). */
  RATE_LIMITS_ENABLED: flag(true),
  RATE_LIMIT_API_PER_MINUTE: positiveInt(1200),
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: positiveInt(300),
  RATE_LIMIT_AUTH_PER_MINUTE: positiveInt(30),
  RATE_LIMIT_INGEST_PER_MINUTE: positiveInt(1200),
  /** Failed authentications (bad tokens, device tokens, API keys) per client IP a minute before 429. */
  RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: positiveInt(30),
  /**
   * Ingest operations a gateway runs at once; past it, refused at once with SERVICE_UNAVAILABLE
   * and Retry-After (gateway/limits/ingest-admission.ts): 1,000 uploads a second at 32 ms each;
   * more in flight than the database pool (MONGODB_POOL_SIZE) only wait longer.
   */
  INGEST_MAX_IN_FLIGHT: positiveInt(32),

  OPENAI_API_KEY: optionalString,
  GEMINI_API_KEY: optionalString,
  DEEPSEEK_API_KEY: optionalString,
  ANTHROPIC_API_KEY: optionalString,
  GROK_API_KEY: optionalString,
  /** Base URLs override each provider's public endpoint (proxies, gateways, local fakes). */
  OPENAI_BASE_URL: optionalString.pipe(z.url().optional()),
  ANTHROPIC_BASE_URL: optionalString.pipe(z.url().optional()),
  GEMINI_BASE_URL: optionalString.pipe(z.url().optional()),
  DEEPSEEK_BASE_URL: optionalString.pipe(z.url().optional()),
  GROK_BASE_URL: optionalString.pipe(z.url().optional()),
  AI_DAILY_BUDGET_USD: z.coerce.number().min(0).default(5),

  /** The autonomous loop (agents subgraph). */
  AGENTS_MODE: z.enum(['OFF', 'DRY_RUN', 'ON']).default('ON'),
  AGENTS_LOOP_INTERVAL_SECONDS: positiveInt(60),
  AGENTS_LEASE_SECONDS: positiveInt(30),
  AGENTS_SEED: z.coerce.number().int().min(0).default(1),
  AGENTS_OUTCOME_DELAY_SECONDS: z.coerce.number().int().min(0).default(300),
  AGENTS_MAX_ACTIONS_PER_HOUR: z.coerce.number().int().min(0).default(20),
  /** Hourly budgets per assessed risk level and per trigger category, within the total; approved actions count too. */
  AGENTS_MAX_LOW_RISK_ACTIONS_PER_HOUR: z.coerce.number().int().min(0).default(20),
  AGENTS_MAX_MEDIUM_RISK_ACTIONS_PER_HOUR: z.coerce.number().int().min(0).default(6),
  AGENTS_MAX_HIGH_RISK_ACTIONS_PER_HOUR: z.coerce.number().int().min(0).default(2),
  AGENTS_MAX_ACTIONS_PER_CATEGORY_PER_HOUR: z.coerce.number().int().min(0).default(10),
  /** How long a decision waits for approval (or for the mode or budget to allow it) before it expires. */
  AGENTS_APPROVAL_TTL_MINUTES: positiveInt(60),
  AGENTS_APPROVAL_ACTIONS: z.string().default(''),
  /** Share of low-risk firings left alone on purpose (no-op controls), to measure what doing nothing does. */
  AGENTS_CONTROL_SHARE: z.coerce.number().min(0).max(0.5).default(0.1),
  /** Service objectives the burn-rate triggers protect (request-based, over 30 days). */
  SLO_AVAILABILITY_PCT: z.coerce.number().gt(90).lt(100).default(99.95),
  SLO_ERROR_RATE_PCT: z.coerce.number().gt(0).lt(10).default(0.05),
  AGENTS_MORNING_ROUTINE_AT: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour UTC')
    .default('07:00'),
  AGENTS_EVENING_ROUTINE_AT: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour UTC')
    .default('19:00'),
  CLIENT_ERROR_REPORTS_PER_MINUTE: positiveInt(60),
  GATEWAY_METRICS_INTERVAL_SECONDS: positiveInt(10),
  /** AI providers are checked (their models listed, no tokens spent) at start-up and then this often; 0: at start-up only. */
  AGENTS_PROVIDER_CHECK_SECONDS: z.coerce.number().int().min(0).default(300),
  /** An off-track goal fires again this often while it stays behind, with a severity that follows its gap. */
  AGENTS_GOAL_REPEAT_MINUTES: positiveInt(360),
  /** The p95_latency trigger fires when the gateways' p95 reaches this many ms (the latency objective). */
  AGENTS_P95_THRESHOLD_MS: positiveInt(150),
  /** Owners have this long to act on a notification (acknowledge an alert, book) before it is judged. */
  AGENTS_OWNER_RESPONSE_HOURS: positiveInt(24),
});

export const CONFIG_VARIABLES = Object.keys(variables.shape);

/** Production refuses generated secrets and the embedded database. */
function productionProblems(env: NodeJS.ProcessEnv): string[] {
  if (env.NODE_ENV !== 'production') return [];
  const problems: string[] = [];
  for (const key of ['JWT_SECRET', 'INTERNAL_SECRET']) {
    if ((env[key]?.trim().length ?? 0) < 32) problems.push(`${key}: required in production, at least 32 characters`);
  }
  if (!env.MONGODB_URI?.trim()) problems.push('MONGODB_URI: required in production');
  return problems;
}

export type Environment = z.infer<typeof variables>;

/** Where each subgraph answers (its /graphql URL), by name. */
export type ServiceUrls = Record<ServiceName, string>;

export interface Config extends Omit<
  Environment,
  'JWT_SECRET' | 'INTERNAL_SECRET' | 'CORS_ORIGINS' | 'PLAYGROUND_ENABLED'
> {
  JWT_SECRET: string;
  INTERNAL_SECRET: string;
  CORS_ORIGINS: string;
  PLAYGROUND_ENABLED: boolean;
  /** Where each subgraph answers (its /graphql URL); from <NAME>_URL, else the local port. */
  serviceUrls: ServiceUrls;
  isProduction: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once. Outside production a missing secret is generated for this
 * process, so a fresh clone starts with no configuration; production refuses to start.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = variables.safeParse(env);
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)),
    ...productionProblems(env),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    ...e,
    JWT_SECRET: e.JWT_SECRET ?? randomBytes(32).toString('hex'),
    INTERNAL_SECRET: e.INTERNAL_SECRET ?? randomBytes(32).toString('hex'),
    serviceUrls: serviceUrls(e),
    isProduction: e.NODE_ENV === 'production',
    CORS_ORIGINS: e.CORS_ORIGINS ?? (e.NODE_ENV === 'production' ? '' : '*'),
    PLAYGROUND_ENABLED: e.PLAYGROUND_ENABLED ?? e.NODE_ENV !== 'production',
  };
}

function serviceUrls(e: Environment): ServiceUrls {
  const urls = {} as ServiceUrls;
  for (const { name } of SUBGRAPHS) urls[name] = e[urlVariable(name)] ?? localUrl(e[portVariable(name)]);
  return urls;
}

/** For entry points: the parsed configuration, or the list of problems and exit code 1. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  }
}
