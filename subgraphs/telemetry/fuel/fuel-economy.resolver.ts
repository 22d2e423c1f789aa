import { Arg, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { VehicleAccess } from '../../../platform/access/vehicle-access.js';
import type { SubgraphContext } from '../../../platform/subgraph/context.js';
import { authorizeRead } from '../../../platform/access/vehicle-read.js';
import { Vehicle } from '../vehicles/vehicle.type.js';
import type { FuelEconomyService } from './fuel-economy.service.js';
import { FuelEconomy } from './fuel-economy.type.js';

@Resolver(() => Vehicle)
export class FuelEconomyResolver {
  constructor(
    private readonly access: VehicleAccess,
    private readonly economy: FuelEconomyService,
  ) {}

  @FieldResolver(() => FuelEconomy, {
    description: 'L/100 km between from and to (at most 31 days), from fuel rate or MAF with speed',
  })
  async fuelEconomy(
    @Root() vehicle: Vehicle,
    @Arg('from', () => Date) from: Date,
    @Arg('to', () => Date) to: Date,
    @Ctx() ctx: SubgraphContext,
  ): Promise<FuelEconomy> {
    await authorizeRead(this.access, ctx, vehicle.id, 'TELEMETRY');
    return this.economy.between(vehicle.id, from, to);
  }
}
