import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { VehicleAccess } from '../../../platform/access/vehicle-access.js';
import type { SubgraphContext } from '../../../platform/subgraph/context.js';
import { authorizeRead } from '../../../platform/access/vehicle-read.js';
import { Vehicle } from '../vehicles/vehicle.type.js';
import { HealthEstimates } from './estimates.type.js';

@Resolver(() => Vehicle)
export class VehicleEstimatesResolver {
  constructor(private readonly access: VehicleAccess) {}

  @FieldResolver(() => HealthEstimates, {
    description:
      'Insurance and resale impact, warranty coverage, road safety and a comparison with similar vehicles: all estimates',
  })
  async healthEstimates(
    @Root() vehicle: Vehicle,
    @Ctx() ctx: SubgraphContext,
  ): Promise<Pick<HealthEstimates, 'vehicleId'>> {
    await authorizeRead(this.access, ctx, vehicle.id, 'HEALTH');
    return { vehicleId: vehicle.id };
  }
}
