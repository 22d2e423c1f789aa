import OpenAI from 'openai';
import type { Clock } from '../clock.js';
import {
  DECISION_SCHEMA_NAME,
  parseJsonText,
  type CompletionRequest,
  type CompletionResult,
  type ProviderAdapter,
} from './adapter.js';
import { PROBE_TIMEOUT_MS, type StructuredOutputMode } from './config.js';
import { normaliseSdkError } from './provider-error.js';
import type { ProviderId } from './types.js';

export interface OpenAiCompatibleOptions {
  id: ProviderId;
  apiKey: string;
  baseURL: string;
  model: string;
  timeoutMs: number;
  structuredOutput: Exclude<StructuredOutputMode, 'tool'>;
  clock: Clock;
}

/** OpenAI itself, and Gemini, DeepSeek and Grok through their OpenAI-compatible endpoints. */
export function createOpenAiCompatibleAdapter(options: OpenAiCompatibleOptions): ProviderAdapter {
  const client = new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    timeout: options.timeoutMs,
    // The router owns retries, so it can count them, back off and fail over.
    maxRetries: 0,
    // Keep the SDK from picking up an organisation or project from the environment.
    organization: null,
    project: null,
  });
  const isOpenAi = options.id === 'openai';

  return {
    id: options.id,
    model: options.model,
    structuredOutput: options.structuredOutput,
    async probe() {
      try {
        const page = await client.models.list({ timeout: Math.min(options.timeoutMs, PROBE_TIMEOUT_MS) });
        return { models: page.data.map((m) => m.id).slice(0, 200) };
      } catch (error) {
        throw normaliseSdkError(error, options.clock.now(), options.apiKey);
      }
    },
    async complete(request: CompletionRequest): Promise<CompletionResult> {
      try {
        const response = await client.chat.completions.create({
          model: options.model,
          messages: [
            { role: 'system', content: request.system },
            { role: 'user', content: request.user },
          ],
          // OpenAI's newer models take only max_completion_tokens; compatible endpoints know max_tokens.
          ...(isOpenAi ? { max_completion_tokens: request.maxOutputTokens } : { max_tokens: request.maxOutputTokens }),
          response_format:
            options.structuredOutput === 'json_schema'
              ? {
                  type: 'json_schema',
                  json_schema: { name: DECISION_SCHEMA_NAME, schema: request.schema, strict: true },
                }
              : { type: 'json_object' },
        });
        const message = response.choices?.[0]?.message;
        const usage = response.usage
          ? { inputTokens: response.usage.prompt_tokens ?? 0, outputTokens: response.usage.completion_tokens ?? 0 }
          : null;
        const model = response.model || options.model;
        if (message?.refusal)
          return { value: undefined, invalid: `refused: ${message.refusal.slice(0, 200)}`, model, usage };
        return { ...parseJsonText(message?.content), model, usage };
      } catch (error) {
        throw normaliseSdkError(error, options.clock.now(), options.apiKey);
      }
    },
  };
}
