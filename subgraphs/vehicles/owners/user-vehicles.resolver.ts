import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { ForbiddenError } from '../../../platform/errors.js';
import { requireUser } from '../../../platform/subgraph/context.js';
import type { VehiclesContext } from '../context.js';
import { canAccessVehicle } from '../vehicles/vehicle-policy.js';
import { toVehicle } from '../vehicles/vehicle.store.js';
import { Vehicle } from '../vehicles/vehicle.type.js';
import { User } from './user.type.js';

@Resolver(() => User)
export class UserVehiclesResolver {
  @FieldResolver(() => [Vehicle], {
    description: "The user's active vehicles, oldest first (the user themselves, staff)",
  })
  async vehicles(@Root() user: User, @Ctx() ctx: VehiclesContext): Promise<Vehicle[]> {
    if (!canAccessVehicle(requireUser(ctx), user.id)) throw new ForbiddenError('Not your vehicles');
    return (await ctx.loaders.activeByOwner.load(user.id)).map(toVehicle);
  }
}
