import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { IdentityContext } from '../context.js';
import type { AuthService } from './auth.service.js';
import { AuthPayload } from './auth-payload.type.js';

@Resolver()
export class RefreshTokenResolver {
  constructor(private readonly auth: AuthService) {}

  @Mutation(() => AuthPayload, {
    description: 'Spends a refresh token for a new pair; presenting a spent one signs out its whole family',
  })
  refreshToken(@Arg('refreshToken', () => String) refreshToken: string, @Ctx() ctx: IdentityContext) {
    return this.auth.refresh(refreshToken, { ip: ctx.clientIp, requestId: ctx.requestId });
  }
}
