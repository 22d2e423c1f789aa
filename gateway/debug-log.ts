import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from '../platform/logger.js';
import type { GatewayContext } from './context.js';
import { rootFields } from './rate-limits/keys.js';

/** One operation in this many is logged at debug; every one that fails is. */
export const DEBUG_SAMPLE_EVERY = 10;

/**
 * What the gateway did with an operation, at debug level: the operation, its root fields, who
 * called (the kind only, never an id or a token), how long each phase took and the error codes
 * sent. Off at the default level; the agents' raise_log_level turns it on for a while
 * (platform/ops/log-level.ts), which is what makes that action worth taking. Sampled, so a
 * raised level costs little under load, but never the failures, which are what one looks for.
 */
export function debugLogPlugin(logger: Logger, sampleEvery = DEBUG_SAMPLE_EVERY): ApolloServerPlugin<GatewayContext> {
  let seen = 0;
  return {
    async requestDidStart({ contextValue }) {
      if (!logger.isLevelEnabled('debug')) return;
      const sampled = seen++ % sampleEvery === 0;
      const started = performance.now();
      let resolvedAt: number | null = null;
      let fields: string[] = [];
      return {
        async didResolveOperation({ schema, document, operation }) {
          resolvedAt = performance.now();
          fields = rootFields(schema, document, operation);
        },
        async willSendResponse({ response, operation, operationName }) {
          const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          if (!sampled && errors.length === 0) return;
          const ms = (t: number | null) => (t === null ? null : Math.round((t - started) * 10) / 10);
          (contextValue.logger ?? logger).debug(
            {
              operation: operationName ?? null,
              type: operation?.operation ?? null,
              fields: fields.slice(0, 20),
              caller: contextValue.viewer?.kind ?? 'anonymous',
              resolvedMs: ms(resolvedAt),
              totalMs: ms(performance.now()),
              status: response.http.status ?? 200,
              errors: errors.map((e) => e.extensions?.code ?? 'UNKNOWN'),
              sampled,
            },
            'operation served',
          );
        },
      };
    },
  };
}
