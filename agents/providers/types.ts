import type { ActionId, AgentDecision } from '../actions/catalogue.js';
import type { SERVICES } from '../actions/parameters.js';
import type { ClientKey } from '../../platform/ops/rate-limit-overrides.js';
import type { TriggerKind } from '../triggers/categories.js';

export const PROVIDER_IDS = ['openai', 'anthropic', 'gemini', 'deepseek', 'grok'] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

/** What a request needs, which decides who is asked first. */
export const TASK_CLASSES = ['complex', 'security', 'routine', 'creative', 'experimental'] as const;
export type TaskClass = (typeof TASK_CLASSES)[number];

export interface DecisionRequest {
  taskClass: TaskClass;
  triggerKind: TriggerKind;
  /** Observed figures only (numbers), so no client-supplied text reaches a prompt through them. */
  metrics: Record<string, number>;
  /** The bounded targets the trigger concerns; actions may only aim at these. */
  targets?: { vehicleIds?: string[]; services?: Array<(typeof SERVICES)[number]>; clients?: ClientKey[] };
  /** Defaults to every catalogue action for the trigger's category. */
  eligibleActions?: ActionId[];
  /** Extra facts for the prompt (goal progress, team member); shown to models as data. */
  context?: Record<string, string | number | boolean>;
}

export type AttemptOutcome = 'success' | 'invalid_output' | 'error' | 'skipped';
export type SkipReason = 'circuit_open' | 'budget_exhausted';

export interface Attempt {
  provider: ProviderId;
  model: string;
  outcome: AttemptOutcome;
  /** 0 for the first call to this provider, 1 for its first retry, ... */
  retry: number;
  status?: number;
  error?: string;
  skipReason?: SkipReason;
  latencyMs: number;
  costUsd: number;
}

export type FallbackReason =
  | 'no_provider_available'
  | 'all_providers_failed'
  | 'fatal_error'
  | 'budget_exhausted'
  | 'invalid_output'
  /** Only no_op was eligible, so no model was asked. */
  | 'nothing_to_decide';

export interface RouterResult {
  decision: AgentDecision;
  /** "policy" when no model's answer was used. */
  provider: ProviderId | 'policy';
  model: string;
  /** Everything spent for this decision, including failed and rejected calls. */
  costUsd: number;
  latencyMs: number;
  attempts: Attempt[];
  /** Why the policy decided; absent when a provider's answer was used. */
  fallbackReason?: FallbackReason;
}
