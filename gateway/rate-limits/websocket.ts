import type { DocumentNode, GraphQLError, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import type { GatewayContext } from '../context.js';
import type { RateLimits } from './rate-limits.js';

/**
 * For graphql-ws `onSubscribe`: charges a subscription as it starts, and answers a refusal with
 * the same RATE_LIMITED error as HTTP. Queries and mutations on the socket are left to the
 * Apollo plugin, which charges them when they run, so nothing is charged twice.
 */
export async function chargeSubscriptionStart(
  limits: RateLimits,
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  context: GatewayContext,
): Promise<GraphQLError[] | undefined> {
  if (operation.operation !== 'subscription') return undefined;
  const refused = await limits.charge(schema, document, operation, context);
  return refused ? [refused] : undefined;
}
