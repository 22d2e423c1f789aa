import { Ctx, Query, Resolver } from 'type-graphql';
import type { IdentityContext } from '../context.js';
import { User } from './user.type.js';

@Resolver(() => User)
export class MeResolver {
  @Query(() => User, { nullable: true, description: 'The signed-in user; null when the caller is not a user' })
  async me(@Ctx() context: IdentityContext): Promise<User | null> {
    if (context.viewer?.kind !== 'user') return null;
    return context.userLoader.load(context.viewer.userId);
  }
}
