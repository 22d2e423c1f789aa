import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import {
  authorizePartnerRead,
  NO_PARTNER_ACCESS,
  type PartnerAccess,
} from '../../../platform/access/partner-access.js';
import type { VehicleAccess } from '../../../platform/access/vehicle-access.js';
import type { SubgraphContext } from '../../../platform/subgraph/context.js';
import { Vehicle } from '../vehicles/vehicle.type.js';
import type { ReadingHistoryService } from './reading-history.service.js';
import { Reading } from './reading.type.js';

@Resolver(() => Vehicle)
export class LatestReadingsResolver {
  constructor(
    private readonly access: VehicleAccess,
    private readonly history: ReadingHistoryService,
    /** The centre helping the vehicle at the roadside reads its latest readings while it helps. */
    private readonly partners: PartnerAccess = NO_PARTNER_ACCESS,
  ) {}

  @FieldResolver(() => [Reading], { description: 'The latest value of each PID, with when it was measured' })
  async latestReadings(@Root() vehicle: Vehicle, @Ctx() ctx: SubgraphContext): Promise<Reading[]> {
    await authorizePartnerRead(this.access, this.partners, ctx, vehicle.id, 'roadside', 'TELEMETRY');
    return this.history.latest(vehicle.id);
  }
}
