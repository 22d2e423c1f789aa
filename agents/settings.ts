import type { Config } from '../platform/config/environment.js';
import type { OwnerNotifier } from './effects/owner-notifier.js';
import { ACTION_IDS, isActionId, type ActionId, type RiskLevel } from './actions/catalogue.js';
import type { ActionBudget } from './decisions/guardrails.js';
import type { Clock } from './clock.js';
import type { ProviderSettings } from './providers/config.js';
import type { ProviderId } from './providers/types.js';
import { validateRoutines, type DailyRoutine } from './triggers/schedule.js';
import type { AutonomousModeValue } from './contract.js';

export { AUTONOMOUS_MODES, type AutonomousModeValue } from './contract.js';

export interface AgentsSettings {
  /** Names this instance in the leader lease; random when absent. */
  instanceId?: string;
  /** The mode on first start; afterwards the persisted kill switch decides. */
  defaultMode: AutonomousModeValue;
  loopIntervalMs: number;
  leaseMs: number;
  /** Seeds Thompson sampling: the same seed and history give the same choices. */
  seed: number;
  /** How long after acting the outcome is checked (0: at the next tick). */
  outcomeDelayMs: number;
  maxActionsPerHour: number;
  /** Per risk level and per category, within maxActionsPerHour; absent: as many as maxActionsPerHour. */
  budget?: { perRisk: Record<RiskLevel, number>; perCategory: number };
  /** How long a decision waits for approval, or for the mode or budget, before it expires (default 1 h). */
  approvalTtlMs?: number;
  /** Actions that wait for an admin whatever their catalogue risk (HIGH ones always do). */
  approvalActions: ActionId[];
  /** Share of low-risk firings left alone on purpose, as no-op controls (0 in tests unless set). */
  controlShare?: number;
  /** The service objectives the burn-rate triggers protect, in percent. */
  objectives?: { availabilityPct: number; errorRatePct: number };
  routines: DailyRoutine[];
  /** Client error reports accepted per caller per minute, before any tightening. */
  clientErrorsPerMinute: number;
  /** How often gateways publish metrics; a snapshot older than three intervals is stale. */
  gatewayMetricsIntervalMs: number;
  providers: Partial<Record<ProviderId, ProviderSettings>>;
  /** Providers are checked at start-up, then this often (0: at start-up only). */
  providerCheckMs?: number;
  /** How often an off-track goal fires again while it stays behind (default 6 h). */
  goalRepeatMs?: number;
  /** The p95_latency trigger's line, in ms (default 150, the latency objective). */
  p95ThresholdMs?: number;
  /** How long owners have to act on a notification before it is judged (default 24 h). */
  ownerResponseMs?: number;
  /** Where identity answers (its /graphql URL), for the customer count. */
  identityUrl?: string;
  /** Where each service answers (its /graphql URL), for goals and index checks through their contracts. */
  serviceUrls?: Partial<Record<string, string>>;
  /** Who tells vehicle owners (notify_critical_owners); by default the notifications subgraph's route. */
  ownerNotifier?: OwnerNotifier;
  internalSecret: string;
  subscriberQueue: number;
  /** False: no timers, ticks only through `tickNow()` (tests and benchmarks). */
  autoStart: boolean;
  clock?: Clock;
}

/** Comma-separated action ids; a typo stops start-up with the variable's name. */
export function parseActionList(raw: string, variable: string): ActionId[] {
  const ids = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = ids.filter((id) => !isActionId(id));
  if (unknown.length) {
    throw new Error(`${variable}: unknown action(s) ${unknown.join(', ')}; known: ${ACTION_IDS.join(', ')}`);
  }
  return [...new Set(ids)] as ActionId[];
}

const PROVIDER_VARIABLES: Record<ProviderId, { key: keyof Config; url: keyof Config }> = {
  openai: { key: 'OPENAI_API_KEY', url: 'OPENAI_BASE_URL' },
  anthropic: { key: 'ANTHROPIC_API_KEY', url: 'ANTHROPIC_BASE_URL' },
  gemini: { key: 'GEMINI_API_KEY', url: 'GEMINI_BASE_URL' },
  deepseek: { key: 'DEEPSEEK_API_KEY', url: 'DEEPSEEK_BASE_URL' },
  grok: { key: 'GROK_API_KEY', url: 'GROK_BASE_URL' },
};

/** Providers with a key; a provider without one is left out and the policy covers for it. */
export function providersFromConfig(config: Config): Partial<Record<ProviderId, ProviderSettings>> {
  const providers: Partial<Record<ProviderId, ProviderSettings>> = {};
  for (const [id, names] of Object.entries(PROVIDER_VARIABLES) as Array<
    [ProviderId, (typeof PROVIDER_VARIABLES)[ProviderId]]
  >) {
    const apiKey = config[names.key] as string | undefined;
    if (!apiKey) continue;
    const baseURL = config[names.url] as string | undefined;
    providers[id] = { apiKey, dailyBudgetUsd: config.AI_DAILY_BUDGET_USD, ...(baseURL ? { baseURL } : {}) };
  }
  return providers;
}

export function agentsSettingsFromConfig(
  config: Config,
  identityUrl: string,
  serviceUrls: Partial<Record<string, string>> = { identity: identityUrl },
): AgentsSettings {
  return {
    defaultMode: config.AGENTS_MODE,
    loopIntervalMs: config.AGENTS_LOOP_INTERVAL_SECONDS * 1000,
    leaseMs: config.AGENTS_LEASE_SECONDS * 1000,
    seed: config.AGENTS_SEED,
    outcomeDelayMs: config.AGENTS_OUTCOME_DELAY_SECONDS * 1000,
    maxActionsPerHour: config.AGENTS_MAX_ACTIONS_PER_HOUR,
    budget: {
      perRisk: {
        LOW: config.AGENTS_MAX_LOW_RISK_ACTIONS_PER_HOUR,
        MEDIUM: config.AGENTS_MAX_MEDIUM_RISK_ACTIONS_PER_HOUR,
        HIGH: config.AGENTS_MAX_HIGH_RISK_ACTIONS_PER_HOUR,
      },
      perCategory: config.AGENTS_MAX_ACTIONS_PER_CATEGORY_PER_HOUR,
    },
    approvalTtlMs: config.AGENTS_APPROVAL_TTL_MINUTES * 60_000,
    approvalActions: parseActionList(config.AGENTS_APPROVAL_ACTIONS, 'AGENTS_APPROVAL_ACTIONS'),
    controlShare: config.AGENTS_CONTROL_SHARE,
    objectives: { availabilityPct: config.SLO_AVAILABILITY_PCT, errorRatePct: config.SLO_ERROR_RATE_PCT },
    routines: validateRoutines([
      { kind: 'morning_routine', at: config.AGENTS_MORNING_ROUTINE_AT },
      { kind: 'evening_routine', at: config.AGENTS_EVENING_ROUTINE_AT },
    ]),
    clientErrorsPerMinute: config.CLIENT_ERROR_REPORTS_PER_MINUTE,
    gatewayMetricsIntervalMs: config.GATEWAY_METRICS_INTERVAL_SECONDS * 1000,
    providers: providersFromConfig(config),
    providerCheckMs: config.AGENTS_PROVIDER_CHECK_SECONDS * 1000,
    goalRepeatMs: config.AGENTS_GOAL_REPEAT_MINUTES * 60_000,
    p95ThresholdMs: config.AGENTS_P95_THRESHOLD_MS,
    ownerResponseMs: config.AGENTS_OWNER_RESPONSE_HOURS * 3_600_000,
    identityUrl,
    serviceUrls,
    internalSecret: config.INTERNAL_SECRET,
    subscriberQueue: config.SUBSCRIPTION_MAX_QUEUE,
    autoStart: true,
  };
}

/** The hour's budgets from the settings: a budget left out allows as many as the total. */
export function actionBudget(settings: Pick<AgentsSettings, 'maxActionsPerHour' | 'budget'>): ActionBudget {
  const all = settings.maxActionsPerHour;
  return {
    perHour: all,
    perRisk: settings.budget?.perRisk ?? { LOW: all, MEDIUM: all, HIGH: all },
    perCategory: settings.budget?.perCategory ?? all,
  };
}
