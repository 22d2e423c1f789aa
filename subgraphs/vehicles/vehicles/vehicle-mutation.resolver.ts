import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { requireUser } from '../../../platform/subgraph/context.js';
import type { VehiclesContext } from '../context.js';
import type { VehicleService } from './vehicle.service.js';
import { AddVehicleInput, UpdateVehicleInput, Vehicle } from './vehicle.type.js';

@Resolver(() => Vehicle)
export class VehicleMutationResolver {
  constructor(private readonly vehicles: VehicleService) {}

  @Authorized()
  @Mutation(() => Vehicle, { description: 'Registers a vehicle to the caller; one active vehicle per VIN' })
  addVehicle(@Arg('input', () => AddVehicleInput) input: AddVehicleInput, @Ctx() ctx: VehiclesContext) {
    return this.vehicles.add(requireUser(ctx), input);
  }

  @Authorized()
  @Mutation(() => Vehicle, { description: "Changes a vehicle's details (its owner, staff)" })
  updateVehicle(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateVehicleInput) input: UpdateVehicleInput,
    @Ctx() ctx: VehiclesContext,
  ) {
    return this.vehicles.update(requireUser(ctx), id, input);
  }

  @Authorized()
  @Mutation(() => Vehicle, {
    description: 'Removes a vehicle (its owner, staff): kept as history, its VIN free again, its devices revoked',
  })
  removeVehicle(@Arg('id', () => ID) id: string, @Ctx() ctx: VehiclesContext) {
    return this.vehicles.remove(requireUser(ctx), id);
  }
}
