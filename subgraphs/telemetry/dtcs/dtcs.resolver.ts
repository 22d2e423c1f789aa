import { Arg, Args, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import {
  authorizePartnerRead,
  NO_PARTNER_ACCESS,
  type PartnerAccess,
} from '../../../platform/access/partner-access.js';
import type { VehicleAccess } from '../../../platform/access/vehicle-access.js';
import { PageArgs } from '../../../platform/graphql/pagination.js';
import type { SubgraphContext } from '../../../platform/subgraph/context.js';
import { authorizeRead } from '../../../platform/access/vehicle-read.js';
import { Vehicle } from '../vehicles/vehicle.type.js';
import type { DtcStatus as DtcStatusName } from './dtc-status.js';
import { DTC_LIST_CAP, type DtcService } from './dtc.service.js';
import { Dtc, DtcConnection, DtcStatus } from './dtc.type.js';

@Resolver(() => Vehicle)
export class DtcsResolver {
  constructor(
    private readonly access: VehicleAccess,
    private readonly service: DtcService,
    /** Centre members read the trouble codes of vehicles booked at their centres (not the rest of the history). */
    private readonly partners: PartnerAccess = NO_PARTNER_ACCESS,
  ) {}

  @FieldResolver(() => [Dtc], {
    description: `Trouble codes the vehicle reported, most recently seen first: at most \`first\` of them (1 to ${DTC_LIST_CAP}, default ${DTC_LIST_CAP}). dtcConnection pages through all of them`,
  })
  async dtcs(
    @Root() vehicle: Vehicle,
    @Arg('status', () => DtcStatus, { nullable: true, description: 'Only codes with this status' })
    status: DtcStatusName | null | undefined,
    @Arg('first', () => Int, {
      nullable: true,
      description: `How many, 1 to ${DTC_LIST_CAP} (default ${DTC_LIST_CAP})`,
    })
    first: number | null | undefined,
    @Ctx() ctx: SubgraphContext,
  ): Promise<Dtc[]> {
    await authorizePartnerRead(this.access, this.partners, ctx, vehicle.id, 'work', 'TELEMETRY');
    return this.service.list(vehicle.id, status, first);
  }

  @FieldResolver(() => DtcConnection, {
    description: 'Trouble codes the vehicle reported, most recently seen first, a page at a time, with their total',
  })
  async dtcConnection(
    @Root() vehicle: Vehicle,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('status', () => DtcStatus, { nullable: true, description: 'Only codes with this status' })
    status: DtcStatusName | null | undefined,
    @Ctx() ctx: SubgraphContext,
  ) {
    await authorizeRead(this.access, ctx, vehicle.id, 'TELEMETRY');
    return this.service.connection(vehicle.id, { ...page, status });
  }
}
