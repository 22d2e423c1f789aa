import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { MarketplaceContext } from '../context.js';
import { toObjectIdOrNull } from '../ids.js';
import { toCentre } from './centre.store.js';
import { ServiceCentre } from './centre.type.js';

@Resolver(() => ServiceCentre)
export class CentreQueryResolver {
  @Query(() => ServiceCentre, { nullable: true, description: 'A service centre (public); null for an unknown id' })
  async serviceCentre(@Arg('id', () => ID) id: string, @Ctx() ctx: MarketplaceContext) {
    if (!toObjectIdOrNull(id)) return null;
    const doc = await ctx.loaders.byId.load(id);
    return doc ? toCentre(doc) : null;
  }
}
