import type { GraphQLSchema } from 'graphql';
import { buildSubgraphSchema } from '../../platform/subgraph/build-subgraph-schema.js';
import { authChecker } from '../../platform/subgraph/context.js';
import { resolverOptions, resolverRegistry } from '../../platform/subgraph/resolvers.js';
import { ApiKeyResolver } from './api-keys/api-key.resolver.js';
import type { ApiKeyService } from './api-keys/api-key.service.js';
import { AuditLogResolver } from './audit/audit-log.resolver.js';
import type { AuditStore } from './audit/audit.store.js';
import type { AuthService } from './auth/auth.service.js';
import { LoginResolver } from './auth/login.resolver.js';
import { LogoutResolver } from './auth/logout.resolver.js';
import { RefreshTokenResolver } from './auth/refresh-token.resolver.js';
import { RegisterResolver } from './auth/register.resolver.js';
import { MeResolver } from './users/me.resolver.js';
import { UserEmailResolver } from './users/user-email.resolver.js';
import { resolveUserReference } from './users/user.reference.js';
import type { UserStore } from './users/user.store.js';
import { UsersResolver } from './users/users.resolver.js';

/** What identity's resolvers are constructed from, by name. */
export interface IdentityResolverDeps {
  auth: AuthService;
  users: UserStore;
  audit: AuditStore;
  apiKeys: ApiKeyService;
}

const resolver = resolverRegistry<IdentityResolverDeps>();

/** Every resolver, with the dependencies its constructor takes: the schema's list and its instances. */
export const IDENTITY_RESOLVERS = [
  resolver(RegisterResolver, 'auth'),
  resolver(LoginResolver, 'auth'),
  resolver(RefreshTokenResolver, 'auth'),
  resolver(LogoutResolver, 'auth'),
  resolver(MeResolver),
  resolver(UserEmailResolver),
  resolver(UsersResolver, 'users'),
  resolver(AuditLogResolver, 'audit'),
  resolver(ApiKeyResolver, 'apiKeys'),
];

/** Constructs every resolver from `deps` (a missing one stops here); without them, the schema to print. */
export async function buildIdentitySchema(deps?: IdentityResolverDeps): Promise<GraphQLSchema> {
  return buildSubgraphSchema(
    { ...resolverOptions(IDENTITY_RESOLVERS, deps), authChecker },
    { User: { __resolveReference: resolveUserReference } },
  );
}
