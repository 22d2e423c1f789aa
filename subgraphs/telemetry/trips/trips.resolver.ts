import { Arg, Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { VehicleAccess } from '../../../platform/access/vehicle-access.js';
import { PageArgs } from '../../../platform/graphql/pagination.js';
import type { SubgraphContext } from '../../../platform/subgraph/context.js';
import { authorizeRead } from '../../../platform/access/vehicle-read.js';
import { Vehicle } from '../vehicles/vehicle.type.js';
import { TripConnection } from './trip.type.js';
import type { TripsService } from './trips.service.js';

@Resolver(() => Vehicle)
export class TripsResolver {
  constructor(
    private readonly access: VehicleAccess,
    private readonly service: TripsService,
  ) {}

  @FieldResolver(() => TripConnection, {
    description: 'Trips between from and to (default: the last 7 days; at most 31), newest first',
  })
  async trips(
    @Root() vehicle: Vehicle,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('from', () => Date, { nullable: true }) from: Date | null | undefined,
    @Arg('to', () => Date, { nullable: true }) to: Date | null | undefined,
    @Ctx() ctx: SubgraphContext,
  ) {
    await authorizeRead(this.access, ctx, vehicle.id, 'TELEMETRY');
    return this.service.list(vehicle.id, { ...page, from, to });
  }
}
