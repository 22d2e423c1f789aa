import { Arg, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { VehicleAccess } from '../../../platform/access/vehicle-access.js';
import type { SubgraphContext } from '../../../platform/subgraph/context.js';
import { authorizeRead } from '../../../platform/access/vehicle-read.js';
import { Vehicle } from '../vehicles/vehicle.type.js';
import type { DtcStatus as DtcStatusName } from './dtc-status.js';
import type { DtcService } from './dtc.service.js';
import { Dtc, DtcStatus } from './dtc.type.js';

@Resolver(() => Vehicle)
export class DtcsResolver {
  constructor(
    private readonly access: VehicleAccess,
    private readonly service: DtcService,
  ) {}

  @FieldResolver(() => [Dtc], { description: 'Trouble codes the vehicle reported, most recently seen first' })
  async dtcs(
    @Root() vehicle: Vehicle,
    @Arg('status', () => DtcStatus, { nullable: true, description: 'Only codes with this status' })
    status: DtcStatusName | null | undefined,
    @Ctx() ctx: SubgraphContext,
  ): Promise<Dtc[]> {
    await authorizeRead(this.access, ctx, vehicle.id);
    return this.service.list(vehicle.id, status);
  }
}
