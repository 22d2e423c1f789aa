import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { RateLimitedError } from '../../platform/errors.js';
import type { GatewayContext } from '../context.js';
import type { RateLimits } from './rate-limits.js';

/**
 * Apollo answers an error thrown from a plugin hook with the status and headers in its
 * `extensions.http`, and takes them out of the body it sends. The refusal rides along as the
 * cause, so error masking shows the client its own code and retryAfterSeconds, nothing else.
 */
export function asHttpRefusal(error: RateLimitedError): GraphQLError {
  const retryAfter = String(error.extensions.retryAfterSeconds);
  return new GraphQLError(error.message, {
    originalError: error,
    extensions: { ...error.extensions, http: { status: 429, headers: new HeaderMap([['retry-after', retryAfter]]) } },
  });
}

/**
 * Charges each operation once it is parsed, validated and resolved (so its root fields are
 * known) and refuses it before anything executes. Also covers queries and mutations sent over
 * the WebSocket, which run through this server.
 */
export const rateLimitPlugin = (limits: RateLimits): ApolloServerPlugin<GatewayContext> => ({
  async requestDidStart() {
    return {
      async didResolveOperation({ schema, document, operation, contextValue }) {
        const refused = await limits.charge(schema, document, operation, contextValue);
        if (refused) throw asHttpRefusal(refused);
      },
    };
  },
});
