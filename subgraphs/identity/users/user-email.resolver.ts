import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { isStaff } from '../../../platform/auth/viewer.js';
import { ForbiddenError } from '../../../platform/errors.js';
import type { SubgraphContext } from '../../../platform/subgraph/context.js';
import { User } from './user.type.js';

/**
 * Other subgraphs point at users (a booking's customer for its centre's members, a centre's
 * staff): any signed-in caller may resolve the reference and read the name, but an email is
 * contact data, read only by its user and staff (and API keys, as before), so a partner who
 * sees a customer's name through a booking does not get their email.
 */
@Resolver(() => User)
export class UserEmailResolver {
  @FieldResolver(() => String, { description: 'Visible to the user themselves and to staff' })
  email(@Root() user: User, @Ctx() ctx: SubgraphContext): string {
    const viewer = ctx.viewer;
    if (viewer?.kind === 'user' && viewer.userId !== user.id && !isStaff(viewer))
      throw new ForbiddenError("Only the user and staff see a user's email");
    if (viewer?.kind === 'device') throw new ForbiddenError("Devices do not see users' emails");
    return user.email;
  }
}
