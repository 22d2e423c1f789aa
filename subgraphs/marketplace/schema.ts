import type { GraphQLSchema } from 'graphql';
import { buildSubgraphSchema, type ResolverInstances } from '../../platform/subgraph/build-subgraph-schema.js';
import { authChecker } from '../../platform/subgraph/context.js';
import { CentreQueryResolver } from './centres/centre-query.resolver.js';
import { resolveCentreReference } from './centres/centre.reference.js';
import { resolveUserReference } from './centres/user.type.js';

/** Bookings and reviews add their resolver classes here (and their instances in index.ts). */
export const MARKETPLACE_RESOLVERS = [CentreQueryResolver] as const;

/** `instances` maps each resolver class to its constructed instance (empty to print the SDL). */
export function buildMarketplaceSchema(instances: ResolverInstances = new Map()): Promise<GraphQLSchema> {
  return buildSubgraphSchema(
    {
      resolvers: [...MARKETPLACE_RESOLVERS],
      authChecker,
      container: { get: (cls) => instances.get(cls) },
    },
    {
      ServiceCentre: { __resolveReference: resolveCentreReference },
      User: { __resolveReference: resolveUserReference },
    },
  );
}
