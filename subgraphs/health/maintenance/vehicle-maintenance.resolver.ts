import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { VehicleAccess } from '../../../platform/access/vehicle-access.js';
import type { SubgraphContext } from '../../../platform/subgraph/context.js';
import type { HealthReader } from '../scoring/health-reader.js';
import { authorizeRead } from '../../../platform/access/vehicle-read.js';
import { Vehicle } from '../vehicles/vehicle.type.js';
import type { MaintenanceService } from './maintenance.service.js';
import { MaintenancePlan, toMaintenanceItem, toRecommendation, toServiceRecord } from './maintenance.type.js';

@Resolver(() => Vehicle)
export class VehicleMaintenanceResolver {
  constructor(
    private readonly access: VehicleAccess,
    private readonly reader: HealthReader,
    private readonly service: MaintenanceService,
  ) {}

  @FieldResolver(() => MaintenancePlan, { description: 'Maintenance schedule, recommendations and service history' })
  async maintenance(@Root() vehicle: Vehicle, @Ctx() ctx: SubgraphContext): Promise<MaintenancePlan> {
    await authorizeRead(this.access, ctx, vehicle.id, 'HEALTH');
    const plan = await this.service.plan(vehicle.id, await this.reader.read(ctx, vehicle.id));
    return {
      schedule: plan.schedule.map(toMaintenanceItem),
      recommendations: plan.recommendations.map(toRecommendation),
      services: plan.services.map(toServiceRecord),
      odometerKm: plan.odometerKm,
      trackedKm: plan.trackedKm,
    };
  }
}
