import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { requireUser } from '../../../platform/subgraph/context.js';
import type { VehiclesContext } from '../context.js';
import type { DeviceService } from './device.service.js';
import { ObdDevice, ObdPairing } from './device.type.js';

@Resolver(() => ObdDevice)
export class DeviceMutationResolver {
  constructor(private readonly devices: DeviceService) {}

  @Authorized()
  @Mutation(() => ObdPairing, {
    description: 'Pairs an OBD dongle with a vehicle (its owner, staff). Pairing a serial again replaces its token',
  })
  pairObdDevice(
    @Arg('vehicleId', () => ID) vehicleId: string,
    @Arg('serial', () => String) serial: string,
    @Ctx() ctx: VehiclesContext,
  ) {
    return this.devices.pair(requireUser(ctx), vehicleId, serial);
  }

  @Authorized()
  @Mutation(() => ObdDevice, { description: "Revokes a device's token at once (the vehicle's owner, staff)" })
  revokeObdDevice(@Arg('id', () => ID) id: string, @Ctx() ctx: VehiclesContext) {
    return this.devices.revoke(requireUser(ctx), id);
  }
}
