import type { StructuredOutputMode } from './config.js';
import type { TokenUsage } from './prices.js';
import type { ProviderId } from './types.js';

export interface CompletionRequest {
  system: string;
  user: string;
  /** The JSON schema the answer must follow. */
  schema: Record<string, unknown>;
  maxOutputTokens: number;
}

export interface CompletionResult {
  /** The parsed answer, or undefined when `invalid` says why there is none. */
  value: unknown;
  invalid?: string;
  /** The model that answered, as the provider reports it. */
  model: string;
  usage: TokenUsage | null;
}

/** One provider behind one SDK. Throws `ProviderError` for every failed call. */
export interface ProviderAdapter {
  readonly id: ProviderId;
  readonly model: string;
  readonly structuredOutput: StructuredOutputMode;
  complete(request: CompletionRequest): Promise<CompletionResult>;
  /**
   * A health check that costs nothing: lists the provider's models (the key is checked, the
   * endpoint answers). Throws `ProviderError` like `complete`.
   */
  probe(): Promise<{ models: string[] }>;
}

export const DECISION_SCHEMA_NAME = 'agent_decision';

export function parseJsonText(text: string | null | undefined): Pick<CompletionResult, 'value' | 'invalid'> {
  if (!text) return { value: undefined, invalid: 'empty answer' };
  try {
    return { value: JSON.parse(text) };
  } catch {
    return { value: undefined, invalid: `answer is not JSON: ${text.slice(0, 120)}` };
  }
}
