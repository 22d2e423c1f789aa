import type { GraphQLSchema } from 'graphql';
import { buildSubgraphSchema, type ResolverInstances } from '../../platform/subgraph/build-subgraph-schema.js';
import { authChecker } from '../../platform/subgraph/context.js';
import { ApiKeyResolver } from './api-keys/api-key.resolver.js';
import { AuditLogResolver } from './audit/audit-log.resolver.js';
import { LoginResolver } from './auth/login.resolver.js';
import { LogoutResolver } from './auth/logout.resolver.js';
import { RefreshTokenResolver } from './auth/refresh-token.resolver.js';
import { RegisterResolver } from './auth/register.resolver.js';
import { MeResolver } from './users/me.resolver.js';
import { resolveUserReference } from './users/user.reference.js';
import { UsersResolver } from './users/users.resolver.js';

export const IDENTITY_RESOLVERS = [
  RegisterResolver,
  LoginResolver,
  RefreshTokenResolver,
  LogoutResolver,
  MeResolver,
  UsersResolver,
  AuditLogResolver,
  ApiKeyResolver,
] as const;

/** `instances` maps each resolver class to its constructed instance (empty to print the SDL). */
export function buildIdentitySchema(instances: ResolverInstances = new Map()): Promise<GraphQLSchema> {
  return buildSubgraphSchema(
    {
      resolvers: [...IDENTITY_RESOLVERS],
      authChecker,
      container: { get: (cls) => instances.get(cls) },
    },
    { User: { __resolveReference: resolveUserReference } },
  );
}
