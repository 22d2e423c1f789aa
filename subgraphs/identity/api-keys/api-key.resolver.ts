import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { PageArgs } from '../../../platform/graphql/pagination.js';
import { requireUser } from '../../../platform/subgraph/context.js';
import type { IdentityContext } from '../context.js';
import type { ApiKeyService } from './api-key.service.js';
import { ApiKey, ApiKeyConnection, CreateApiKeyInput, CreatedApiKey } from './api-key.type.js';

@Authorized('ADMIN')
@Resolver(() => ApiKey)
export class ApiKeyResolver {
  constructor(private readonly keys: ApiKeyService) {}

  @Mutation(() => CreatedApiKey, { description: 'Creates a B2B API key (admins)' })
  createApiKey(@Arg('input', () => CreateApiKeyInput) input: CreateApiKeyInput, @Ctx() ctx: IdentityContext) {
    return this.keys.create({ ...input }, requireUser(ctx).userId, { ip: ctx.clientIp, requestId: ctx.requestId });
  }

  @Mutation(() => ApiKey, { description: 'Revokes an API key at once (admins)' })
  revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: IdentityContext) {
    return this.keys.revoke(id, requireUser(ctx).userId, { ip: ctx.clientIp, requestId: ctx.requestId });
  }

  @Query(() => ApiKeyConnection, { description: 'API keys, newest first (admins)' })
  apiKeys(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('includeRevoked', () => Boolean, { defaultValue: false }) includeRevoked: boolean,
  ) {
    return this.keys.list(includeRevoked, page);
  }
}
