import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import {
  authorizePartnerRead,
  NO_PARTNER_ACCESS,
  type PartnerAccess,
} from '../../../platform/access/partner-access.js';
import type { VehicleAccess } from '../../../platform/access/vehicle-access.js';
import type { SubgraphContext } from '../../../platform/subgraph/context.js';
import { Vehicle } from '../vehicles/vehicle.type.js';
import type { HealthReader } from './health-reader.js';
import { toVehicleHealth, VehicleHealth } from './vehicle-health.type.js';

@Resolver(() => Vehicle)
export class VehicleHealthResolver {
  constructor(
    private readonly access: VehicleAccess,
    private readonly reader: HealthReader,
    /** Centre members read the health of vehicles booked at their centres. */
    private readonly partners: PartnerAccess = NO_PARTNER_ACCESS,
  ) {}

  @FieldResolver(() => VehicleHealth, {
    description: 'Health score, grade and the health of each part, from telemetry, trouble codes and recorded services',
  })
  async health(@Root() vehicle: Vehicle, @Ctx() ctx: SubgraphContext): Promise<VehicleHealth> {
    await authorizePartnerRead(this.access, this.partners, ctx, vehicle.id, 'work', 'HEALTH');
    return toVehicleHealth((await this.reader.read(ctx, vehicle.id)).assessment);
  }
}
