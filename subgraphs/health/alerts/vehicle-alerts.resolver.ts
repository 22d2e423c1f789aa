import { Arg, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import {
  authorizePartnerRead,
  NO_PARTNER_ACCESS,
  type PartnerAccess,
} from '../../../platform/access/partner-access.js';
import type { VehicleAccess } from '../../../platform/access/vehicle-access.js';
import type { SubgraphContext } from '../../../platform/subgraph/context.js';
import { Vehicle } from '../vehicles/vehicle.type.js';
import { VEHICLE_ALERTS_LIMIT, type AlertStatus as AlertStatusName, type AlertStore } from './alert.store.js';
import { alertFromDocument, AlertStatus, HealthAlert } from './alert.type.js';

@Resolver(() => Vehicle)
export class VehicleAlertsResolver {
  constructor(
    private readonly access: VehicleAccess,
    private readonly store: AlertStore,
    /** The centre helping the vehicle at the roadside reads its alerts while it helps. */
    private readonly partners: PartnerAccess = NO_PARTNER_ACCESS,
  ) {}

  @FieldResolver(() => [HealthAlert], {
    description: `The vehicle's alerts, newest first (at most ${VEHICLE_ALERTS_LIMIT}); all of them, history included, unless a status is given`,
  })
  async alerts(
    @Root() vehicle: Vehicle,
    @Arg('status', () => AlertStatus, { nullable: true }) status: AlertStatusName | null | undefined,
    @Ctx() ctx: SubgraphContext,
  ): Promise<HealthAlert[]> {
    await authorizePartnerRead(this.access, this.partners, ctx, vehicle.id, 'roadside', 'HEALTH');
    const docs = await this.store.forVehicle(vehicle.id, status ? [status] : undefined);
    return docs.map(alertFromDocument);
  }
}
