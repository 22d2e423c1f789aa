import Anthropic from '@anthropic-ai/sdk';
import type { Clock } from '../clock.js';
import {
  DECISION_SCHEMA_NAME,
  type CompletionRequest,
  type CompletionResult,
  type ProviderAdapter,
} from './adapter.js';
import { PROBE_TIMEOUT_MS } from './config.js';
import { normaliseSdkError } from './provider-error.js';

export interface AnthropicOptions {
  apiKey: string;
  baseURL: string;
  model: string;
  timeoutMs: number;
  clock: Clock;
}

/** Structured output through a single forced tool whose input schema is the decision schema. */
export function createAnthropicAdapter(options: AnthropicOptions): ProviderAdapter {
  const client = new Anthropic({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    timeout: options.timeoutMs,
    maxRetries: 0,
  });

  return {
    id: 'anthropic',
    model: options.model,
    structuredOutput: 'tool',
    async probe() {
      try {
        const page = await client.models.list({}, { timeout: Math.min(options.timeoutMs, PROBE_TIMEOUT_MS) });
        return { models: page.data.map((m) => m.id).slice(0, 200) };
      } catch (error) {
        throw normaliseSdkError(error, options.clock.now(), options.apiKey);
      }
    },
    async complete(request: CompletionRequest): Promise<CompletionResult> {
      try {
        const response = await client.messages.create({
          model: options.model,
          max_tokens: request.maxOutputTokens,
          system: request.system,
          messages: [{ role: 'user', content: request.user }],
          tools: [
            {
              name: DECISION_SCHEMA_NAME,
              description: 'Record the chosen action, its parameters, the reasoning and the confidence.',
              input_schema: request.schema as Anthropic.Tool.InputSchema,
            },
          ],
          tool_choice: { type: 'tool', name: DECISION_SCHEMA_NAME, disable_parallel_tool_use: true },
        });
        const usage = response.usage
          ? { inputTokens: response.usage.input_tokens ?? 0, outputTokens: response.usage.output_tokens ?? 0 }
          : null;
        const model = response.model || options.model;
        const call = response.content?.find(
          (block) => block.type === 'tool_use' && block.name === DECISION_SCHEMA_NAME,
        );
        if (!call || call.type !== 'tool_use')
          return { value: undefined, invalid: 'no decision tool call in the answer', model, usage };
        return { value: call.input, model, usage };
      } catch (error) {
        throw normaliseSdkError(error, options.clock.now(), options.apiKey);
      }
    },
  };
}
