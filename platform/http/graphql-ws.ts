import { GraphQLError, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import type { WebSocketServer } from 'ws';
import { maskError } from '../errors.js';
import type { Logger } from '../logger.js';
import { hideSuggestions } from './hide-suggestions.js';

type AnyError = GraphQLError | GraphQLFormattedError;

/**
 * graphql-ws hooks that put every error through the same masking as HTTP responses. Results
 * that arrive already formatted (from Apollo or an upstream subgraph) are not masked again;
 * `hideSuggestions` (production) still takes "Did you mean" out of every one.
 */
export function errorMaskingHooks(logger: Logger, options: { hideSuggestions?: boolean } = {}) {
  const mask = (error: AnyError, what: string): GraphQLFormattedError => {
    const masked =
      error instanceof GraphQLError
        ? maskError(error.toJSON(), error, (cause) => logger.error({ err: cause }, what))
        : error;
    return options.hideSuggestions ? hideSuggestions(masked) : masked;
  };
  return {
    onNext: (_ctx: unknown, _id: string, _payload: unknown, _args: unknown, result: ExecutionResult) =>
      result.errors
        ? { ...result, errors: (result.errors as AnyError[]).map((e) => mask(e, 'subscription event failed')) }
        : undefined,
    onError: (_ctx: unknown, _id: string, _payload: unknown, errors: readonly GraphQLError[]) =>
      errors.map((e) => mask(e, 'subscription refused with an unexpected error')) as GraphQLFormattedError[],
  };
}

export async function closeWebSocketServer(
  disposable: { dispose(): Promise<void> | void },
  wss: WebSocketServer,
): Promise<void> {
  await disposable.dispose();
  await new Promise<void>((resolve) => wss.close(() => resolve()));
}
