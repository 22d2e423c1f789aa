import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { IdentityContext } from '../context.js';
import type { AuthService } from './auth.service.js';

@Resolver()
export class LogoutResolver {
  constructor(private readonly auth: AuthService) {}

  @Mutation(() => Boolean, { description: 'Revokes the session (token family) the refresh token belongs to' })
  logout(@Arg('refreshToken', () => String) refreshToken: string, @Ctx() ctx: IdentityContext) {
    return this.auth.logout(refreshToken, { ip: ctx.clientIp, requestId: ctx.requestId });
  }
}
