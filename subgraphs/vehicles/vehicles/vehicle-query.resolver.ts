import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, ID, Info, Query, Resolver } from 'type-graphql';
import { authorizeOrgRead } from '../../../platform/access/org-grants.js';
import { PageArgs } from '../../../platform/graphql/pagination.js';
import { selectedFields } from '../../../platform/graphql/selected-fields.js';
import { requireUser } from '../../../platform/subgraph/context.js';
import type { VehiclesContext } from '../context.js';
import { vehicleDocumentFields } from './vehicle-projection.js';
import type { VehicleService } from './vehicle.service.js';
import { Vehicle, VehicleConnection } from './vehicle.type.js';

@Resolver(() => Vehicle)
export class VehicleQueryResolver {
  constructor(private readonly vehicleService: VehicleService) {}

  @Authorized()
  @Query(() => [Vehicle], { description: "The caller's active vehicles, oldest first" })
  myVehicles(@Ctx() ctx: VehiclesContext, @Info() info: GraphQLResolveInfo) {
    return this.vehicleService.mine(requireUser(ctx), vehicleDocumentFields(selectedFields(info)));
  }

  // Not @Authorized(): an organisation's API key passes too, for a vehicle granted to it.
  @Query(() => Vehicle, {
    nullable: true,
    description:
      "A vehicle, removed ones included. Another owner's vehicle is FORBIDDEN; staff get null for an unknown id; an organisation's API key sees an active vehicle its owner granted it (any scope)",
  })
  async vehicle(@Arg('id', () => ID) id: string, @Ctx() ctx: VehiclesContext) {
    const viewer = ctx.viewer;
    if (viewer?.kind === 'apiKey') {
      await authorizeOrgRead(ctx.grants, viewer, String(id), null);
      return this.vehicleService.granted(String(id));
    }
    return this.vehicleService.get(requireUser(ctx), id);
  }

  @Authorized('ADMIN', 'STAFF')
  @Query(() => VehicleConnection, { description: 'Every vehicle, newest first (staff)' })
  vehicles(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('includeRemoved', () => Boolean, { defaultValue: false }) includeRemoved: boolean,
  ) {
    return this.vehicleService.list(includeRemoved, page);
  }
}
