import { categoryOf, type TriggerCategory, type TriggerKind } from '../triggers/categories.js';
import type { ProviderId, TaskClass } from './types.js';

export type StructuredOutputMode = 'json_schema' | 'json_object' | 'tool';

export interface ProviderSettings {
  /** No key, no provider: it is simply left out of every route. */
  apiKey?: string;
  baseURL?: string;
  model?: string;
  dailyBudgetUsd?: number;
  timeoutMs?: number;
  maxOutputTokens?: number;
  /** Override for OpenAI-compatible endpoints that lack `json_schema`. */
  structuredOutput?: Exclude<StructuredOutputMode, 'tool'>;
}

export interface ProviderDefaults {
  sdk: 'openai' | 'anthropic';
  baseURL: string;
  model: string;
  structuredOutput: StructuredOutputMode;
}

export const PROVIDER_DEFAULTS: Record<ProviderId, ProviderDefaults> = {
  openai: { sdk: 'openai', baseURL: 'https://api.openai.com/v1', model: 'gpt-4.1', structuredOutput: 'json_schema' },
  anthropic: {
    sdk: 'anthropic',
    baseURL: 'https://api.anthropic.com',
    model: 'claude-sonnet-4-6',
    structuredOutput: 'tool',
  },
  gemini: {
    sdk: 'openai',
    baseURL: 'https://generativelanguage.googleapis.com/v1beta/openai/',
    model: 'gemini-2.5-flash',
    structuredOutput: 'json_schema',
  },
  // DeepSeek's compatible endpoint offers JSON mode but not schema-constrained output.
  deepseek: {
    sdk: 'openai',
    baseURL: 'https://api.deepseek.com/v1',
    model: 'deepseek-chat',
    structuredOutput: 'json_object',
  },
  grok: { sdk: 'openai', baseURL: 'https://api.x.ai/v1', model: 'grok-3-mini', structuredOutput: 'json_schema' },
};

export const DEFAULT_DAILY_BUDGET_USD = 5;
export const DEFAULT_TIMEOUT_MS = 20_000;
export const DEFAULT_MAX_OUTPUT_TOKENS = 800;
/** A provider check (its models listed) gives up sooner than a decision: a deploy waits for it. */
export const PROBE_TIMEOUT_MS = 5_000;

/** First choice per task class, then the fallbacks in order; overridable per deployment. */
export const DEFAULT_ROUTES: Record<TaskClass, ProviderId[]> = {
  complex: ['openai', 'anthropic', 'gemini', 'deepseek', 'grok'],
  // Security decisions stay with the providers trusted for safety-critical work.
  security: ['anthropic', 'openai'],
  routine: ['deepseek', 'gemini', 'openai', 'anthropic', 'grok'],
  creative: ['gemini', 'openai', 'anthropic', 'deepseek', 'grok'],
  experimental: ['grok', 'openai', 'gemini', 'deepseek', 'anthropic'],
};

/** The key names of the brief, as they arrive in the parsed config. */
export interface ProviderKeys {
  OPENAI_API_KEY?: string;
  ANTHROPIC_API_KEY?: string;
  GEMINI_API_KEY?: string;
  DEEPSEEK_API_KEY?: string;
  GROK_API_KEY?: string;
}

const KEY_NAMES: Record<ProviderId, keyof ProviderKeys> = {
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
  gemini: 'GEMINI_API_KEY',
  deepseek: 'DEEPSEEK_API_KEY',
  grok: 'GROK_API_KEY',
};

/** Maps the config's keys to provider settings; blank keys count as absent. */
export function providerSettingsFromKeys(keys: ProviderKeys): Partial<Record<ProviderId, ProviderSettings>> {
  const settings: Partial<Record<ProviderId, ProviderSettings>> = {};
  for (const [provider, name] of Object.entries(KEY_NAMES) as Array<[ProviderId, keyof ProviderKeys]>) {
    const apiKey = keys[name]?.trim();
    if (apiKey) settings[provider] = { apiKey };
  }
  return settings;
}

/** Outcomes learned for a trigger below which the team is still exploring it: experimental work. */
export const EXPLORATION_SAMPLES = 5;

/**
 * Who is asked first, by the work a trigger calls for, after the brief's roles: security
 * decisions to the safety-critical providers (never experimental); reports (the daily routines)
 * and messages to owners (critical vehicle alerts, answered by notifying them) to the creative
 * route, Gemini first; a trigger the team has fewer than EXPLORATION_SAMPLES outcomes for to
 * the experimental route, Grok first; the rest by category.
 */
export function taskClassFor(kind: TriggerKind, { learnedOutcomes }: { learnedOutcomes?: number } = {}): TaskClass {
  const category = categoryOf(kind);
  if (category === 'security') return 'security';
  if (CREATIVE_KINDS.includes(kind)) return 'creative';
  if (learnedOutcomes !== undefined && learnedOutcomes < EXPLORATION_SAMPLES) return 'experimental';
  return defaultTaskClass(category);
}

/** Reports and owner messages: text people read. */
export const CREATIVE_KINDS: readonly TriggerKind[] = ['morning_routine', 'evening_routine', 'critical_alerts'];

/** A sensible task class for a trigger category, for callers with no better idea. */
export function defaultTaskClass(category: TriggerCategory): TaskClass {
  switch (category) {
    case 'security':
      return 'security';
    case 'time':
      return 'routine';
    default:
      return 'complex';
  }
}
