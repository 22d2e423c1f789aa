import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, visit, BREAK, type DocumentNode } from 'graphql';
import { hasRole } from '../platform/auth/viewer.js';
import { ForbiddenError } from '../platform/errors.js';
import type { GatewayContext } from './context.js';

/** Per parsed document: Apollo hands every request for a known text the same cached DocumentNode. */
const verdicts = new WeakMap<DocumentNode, boolean>();

export function isIntrospection(document: DocumentNode): boolean {
  let found = verdicts.get(document);
  if (found === undefined) verdicts.set(document, (found = visitsIntrospection(document)));
  return found;
}

function visitsIntrospection(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** With introspection off (production), only admins may introspect. */
export function assertIntrospectionAllowed(document: DocumentNode, context: GatewayContext, openToAll: boolean): void {
  if (!openToAll && isIntrospection(document) && !hasRole(context.viewer, 'ADMIN')) {
    throw new ForbiddenError('Introspection is limited to admins');
  }
}

/**
 * Apollo answers an error thrown from `didResolveOperation` with HTTP 500 unless the error names
 * a status in `extensions.http` (which Apollo takes out of the body). The refusal rides along as
 * the cause, so the client sees FORBIDDEN and its message, with 403.
 */
export const introspectionGuard = (openToAll: boolean): ApolloServerPlugin<GatewayContext> => ({
  async requestDidStart() {
    return {
      async didResolveOperation({ document, contextValue }) {
        try {
          assertIntrospectionAllowed(document, contextValue, openToAll);
        } catch (error) {
          const refusal = error as ForbiddenError;
          throw new GraphQLError(refusal.message, {
            originalError: refusal,
            extensions: { ...refusal.extensions, http: { status: 403 } },
          });
        }
      },
    };
  },
});
