import { Arg, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { requireUser } from '../../../platform/subgraph/context.js';
import type { VehiclesContext } from '../context.js';
import { Vehicle } from '../vehicles/vehicle.type.js';
import type { DeviceService } from './device.service.js';
import { ObdDevice } from './device.type.js';

@Resolver(() => Vehicle)
export class VehicleDevicesResolver {
  constructor(private readonly deviceService: DeviceService) {}

  @FieldResolver(() => [ObdDevice], { description: 'Paired OBD devices, newest first (the owner, staff)' })
  devices(
    @Root() vehicle: Vehicle,
    @Arg('includeRevoked', () => Boolean, { defaultValue: false }) includeRevoked: boolean,
    @Ctx() ctx: VehiclesContext,
  ) {
    return this.deviceService.listForVehicle(requireUser(ctx), vehicle, includeRevoked);
  }
}
