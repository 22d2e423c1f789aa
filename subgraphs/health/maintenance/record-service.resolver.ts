import { Arg, Authorized, Ctx, Float, ID, Mutation, Resolver } from 'type-graphql';
import type { SubgraphContext } from '../../../platform/subgraph/context.js';
import type { MaintenanceService } from './maintenance.service.js';
import { ServiceKind, ServiceRecord, toServiceRecord } from './maintenance.type.js';
import type { ServiceKind as ServiceKindName } from './service-kind.js';

@Resolver()
export class RecordServiceResolver {
  constructor(private readonly maintenance: MaintenanceService) {}

  @Authorized()
  @Mutation(() => ServiceRecord, {
    description:
      "Records a service done (the vehicle's owner or staff) and renews the health models that depend on it: an oil change resets oil life, a new battery the battery model",
  })
  async recordService(
    @Arg('vehicleId', () => ID) vehicleId: string,
    @Arg('kind', () => ServiceKind) kind: ServiceKindName,
    @Arg('odometerKm', () => Float, { nullable: true, description: 'The odometer reading at the service, if known' })
    odometerKm: number | null | undefined,
    @Arg('at', () => Date, { nullable: true, description: 'When it was done (default: now)' })
    at: Date | null | undefined,
    @Ctx() ctx: SubgraphContext,
  ): Promise<ServiceRecord> {
    return toServiceRecord(await this.maintenance.recordService(ctx.viewer, { vehicleId, kind, odometerKm, at }));
  }
}
