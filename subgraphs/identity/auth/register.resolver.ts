import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { IdentityContext } from '../context.js';
import type { AuthService } from './auth.service.js';
import { AuthPayload, RegisterInput } from './auth-payload.type.js';

@Resolver()
export class RegisterResolver {
  constructor(private readonly auth: AuthService) {}

  @Mutation(() => AuthPayload, { description: 'Creates a customer account and signs it in' })
  register(@Arg('input', () => RegisterInput) input: RegisterInput, @Ctx() ctx: IdentityContext) {
    return this.auth.register({ ...input }, { ip: ctx.clientIp, requestId: ctx.requestId });
  }
}
