import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { isStaff } from '../../../platform/auth/viewer.js';
import { ForbiddenError } from '../../../platform/errors.js';
import { requireUser } from '../../../platform/subgraph/context.js';
import type { MarketplaceContext } from '../context.js';
import { centreDetails, isCompact, type CentreRoot } from './centre-details.js';
import { CentreMember, ServiceCentre, type Closure, type Rating, type ServiceOffering } from './centre.type.js';
import { isOpenAt } from './opening-hours.js';

@Resolver(() => ServiceCentre)
export class CentreFieldsResolver {
  @FieldResolver(() => Boolean, { description: 'Open at this moment, by its hours and closures in its own time zone' })
  openNow(@Root() centre: CentreRoot): boolean {
    return isOpenAt(isCompact(centre) ? centre.schedule : centre, new Date());
  }

  @FieldResolver(() => [CentreMember], {
    nullable: true,
    description: "Owner and staff: for the centre's members and platform staff only (FORBIDDEN otherwise)",
  })
  async members(@Root() centre: CentreRoot, @Ctx() ctx: MarketplaceContext): Promise<CentreMember[]> {
    const user = requireUser(ctx);
    const { memberIds } = await centreDetails(centre, ctx);
    if (!memberIds.includes(user.userId) && !isStaff(user)) throw new ForbiddenError();
    const doc = await ctx.loaders.byId.load(centre.id);
    return (doc?.members ?? []).map((m) => ({ user: { id: m.userId }, role: m.role, addedAt: m.addedAt }));
  }
}

/**
 * The fields a search's compact centre lacks (centre-details.ts), from the whole centre: types
 * and descriptions stay those of ServiceCentre's fields.
 */
@Resolver(() => ServiceCentre)
export class CentreDetailsResolver {
  @FieldResolver()
  async name(@Root() centre: CentreRoot, @Ctx() ctx: MarketplaceContext): Promise<string> {
    return centre.name ?? (await centreDetails(centre, ctx)).name;
  }

  @FieldResolver()
  async address(@Root() centre: CentreRoot, @Ctx() ctx: MarketplaceContext): Promise<string> {
    return (await centreDetails(centre, ctx)).address;
  }

  @FieldResolver()
  async phone(@Root() centre: CentreRoot, @Ctx() ctx: MarketplaceContext): Promise<string> {
    return (await centreDetails(centre, ctx)).phone;
  }

  @FieldResolver()
  async services(@Root() centre: CentreRoot, @Ctx() ctx: MarketplaceContext): Promise<ServiceOffering[]> {
    return (await centreDetails(centre, ctx)).services;
  }

  @FieldResolver()
  async closures(@Root() centre: CentreRoot, @Ctx() ctx: MarketplaceContext): Promise<Closure[]> {
    return (await centreDetails(centre, ctx)).closures;
  }

  @FieldResolver()
  async bays(@Root() centre: CentreRoot, @Ctx() ctx: MarketplaceContext): Promise<number> {
    return (await centreDetails(centre, ctx)).bays;
  }

  @FieldResolver()
  async rating(@Root() centre: CentreRoot, @Ctx() ctx: MarketplaceContext): Promise<Rating> {
    return (await centreDetails(centre, ctx)).rating;
  }
}
