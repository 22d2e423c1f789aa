import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { IdentityContext } from '../context.js';
import type { AuthService } from './auth.service.js';
import { AuthPayload } from './auth-payload.type.js';

@Resolver()
export class LoginResolver {
  constructor(private readonly auth: AuthService) {}

  @Mutation(() => AuthPayload, { description: 'Wrong password and unknown email fail alike (UNAUTHENTICATED)' })
  login(
    @Arg('email', () => String) email: string,
    @Arg('password', () => String) password: string,
    @Ctx() ctx: IdentityContext,
  ) {
    return this.auth.login(email, password, { ip: ctx.clientIp, requestId: ctx.requestId });
  }
}
