import { Arg, Args, Authorized, Ctx, Float, ID, Int, Query, Resolver } from 'type-graphql';
import { PageArgs } from '../../../platform/graphql/pagination.js';
import { requireUser } from '../../../platform/subgraph/context.js';
import { MarketplaceAuditEntryConnection } from '../audit/audit.type.js';
import type { MarketplaceContext } from '../context.js';
import { toObjectIdOrNull } from '../ids.js';
import type { NearbyService } from '../search/nearby.service.js';
import type { CentreService } from './centre.service.js';
import { toCentre } from './centre.store.js';
import { GeoPointInput, ServiceCentre, ServiceCentreConnection, ServiceKind } from './centre.type.js';

@Resolver(() => ServiceCentre)
export class CentreQueryResolver {
  constructor(
    private readonly nearby: NearbyService,
    private readonly centres: CentreService,
  ) {}

  @Query(() => ServiceCentre, { nullable: true, description: 'A service centre (public); null for an unknown id' })
  async serviceCentre(@Arg('id', () => ID) id: string, @Ctx() ctx: MarketplaceContext) {
    if (!toObjectIdOrNull(id)) return null;
    const doc = await ctx.loaders.byId.load(id);
    return doc ? toCentre(doc) : null;
  }

  @Query(() => ServiceCentreConnection, {
    description:
      'Centres within radiusKm (0 to 200) of a point, nearest first by great-circle distance; ' +
      "optionally offering a service, or open at a given instant in each centre's own time zone. first: 1 to 50 (20)",
  })
  serviceCentres(
    @Arg('near', () => GeoPointInput) near: GeoPointInput,
    @Arg('radiusKm', () => Float) radiusKm: number,
    @Arg('service', () => ServiceKind, { nullable: true }) service: ServiceKind | null,
    @Arg('openAt', () => Date, { nullable: true }) openAt: Date | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ) {
    return this.nearby.searchCompact({ near, radiusKm, service, openAt, first, after });
  }

  @Authorized()
  @Query(() => [ServiceCentre], { description: 'The centres the caller is a member of (owner or staff), oldest first' })
  async myServiceCentres(@Ctx() ctx: MarketplaceContext) {
    return (await this.centres.mine(requireUser(ctx))).map((doc) => toCentre(doc));
  }

  @Authorized()
  @Query(() => MarketplaceAuditEntryConnection, {
    description: "A centre's change log, newest first: its members and platform staff",
  })
  centreAuditLog(
    @Arg('centreId', () => ID) centreId: string,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: MarketplaceContext,
  ) {
    return this.centres.auditLog(requireUser(ctx), centreId, page);
  }
}
