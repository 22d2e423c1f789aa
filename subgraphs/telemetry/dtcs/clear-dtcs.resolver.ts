import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { authorizeVehicle, type VehicleAccess } from '../../../platform/access/vehicle-access.js';
import type { SubgraphContext } from '../../../platform/subgraph/context.js';
import type { DtcService } from './dtc.service.js';
import { ClearDtcsResult } from './dtc.type.js';

@Resolver()
export class ClearDtcsResolver {
  constructor(
    private readonly access: VehicleAccess,
    private readonly dtcs: DtcService,
  ) {}

  /** Owners and staff only: a 'read' check refuses devices, which may only upload. */
  @Authorized('CUSTOMER', 'STAFF', 'ADMIN')
  @Mutation(() => ClearDtcsResult, {
    description:
      'Marks the active and pending trouble codes CLEARED (mode 04 semantics); their history is kept, and a later report reactivates a code',
  })
  async clearDtcs(
    @Arg('vehicleId', () => ID) vehicleId: string,
    @Ctx() ctx: SubgraphContext,
  ): Promise<ClearDtcsResult> {
    await authorizeVehicle(this.access, ctx.viewer, vehicleId, 'read');
    return this.dtcs.clear(vehicleId);
  }
}
