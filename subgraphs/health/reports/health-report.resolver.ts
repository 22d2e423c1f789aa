import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { VehicleAccess } from '../../../platform/access/vehicle-access.js';
import type { SubgraphContext } from '../../../platform/subgraph/context.js';
import { toMaintenanceItem } from '../maintenance/maintenance.type.js';
import { authorizeRead } from '../../../platform/access/vehicle-read.js';
import { Vehicle } from '../vehicles/vehicle.type.js';
import type { HealthReportService } from './health-report.service.js';
import { HealthReport } from './health-report.type.js';

@Resolver(() => Vehicle)
export class HealthReportResolver {
  constructor(
    private readonly access: VehicleAccess,
    private readonly reports: HealthReportService,
  ) {}

  @FieldResolver(() => HealthReport, { description: 'Score trend, issues and recommendations, ready for a dashboard' })
  async healthReport(@Root() vehicle: Vehicle, @Ctx() ctx: SubgraphContext): Promise<HealthReport> {
    await authorizeRead(this.access, ctx, vehicle.id, 'HEALTH');
    const report = await this.reports.report(ctx, vehicle.id);
    return {
      ...report,
      generatedAt: new Date(report.generatedAt),
      nextService: report.nextService && toMaintenanceItem(report.nextService),
    };
  }
}
