import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { isStaff } from '../../../platform/auth/viewer.js';
import { ForbiddenError } from '../../../platform/errors.js';
import { requireUser } from '../../../platform/subgraph/context.js';
import type { MarketplaceContext } from '../context.js';
import { CentreMember, ServiceCentre } from './centre.type.js';
import { isOpenAt } from './opening-hours.js';

@Resolver(() => ServiceCentre)
export class CentreFieldsResolver {
  @FieldResolver(() => Boolean, { description: 'Open at this moment, by its hours and closures in its own time zone' })
  openNow(@Root() centre: ServiceCentre): boolean {
    return isOpenAt(centre, new Date());
  }

  @FieldResolver(() => [CentreMember], {
    nullable: true,
    description: "Owner and staff: for the centre's members and platform staff only (FORBIDDEN otherwise)",
  })
  async members(@Root() centre: ServiceCentre, @Ctx() ctx: MarketplaceContext): Promise<CentreMember[]> {
    const user = requireUser(ctx);
    if (!centre.memberIds.includes(user.userId) && !isStaff(user)) throw new ForbiddenError();
    const doc = await ctx.loaders.byId.load(centre.id);
    return (doc?.members ?? []).map((m) => ({ user: { id: m.userId }, role: m.role, addedAt: m.addedAt }));
  }
}
