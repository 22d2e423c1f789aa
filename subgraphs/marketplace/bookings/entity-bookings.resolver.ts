import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { authorizeVehicle, type VehicleAccess } from '../../../platform/access/vehicle-access.js';
import { isStaff } from '../../../platform/auth/viewer.js';
import { ForbiddenError, NotFoundError } from '../../../platform/errors.js';
import { mapNodes, PageArgs } from '../../../platform/graphql/pagination.js';
import { requireUser } from '../../../platform/subgraph/context.js';
import type { MarketplaceContext } from '../context.js';
import { centreDetails, type CentreRoot } from '../centres/centre-details.js';
import { ServiceCentre } from '../centres/centre.type.js';
import { User } from '../centres/user.type.js';
import { assertSelfOrStaff } from './booking-query.resolver.js';
import type { BookingStore } from './booking.store.js';
import { BookingConnection, toBooking, Vehicle } from './booking.type.js';

@Resolver(() => Vehicle)
export class VehicleBookingsResolver {
  constructor(
    private readonly access: VehicleAccess,
    private readonly store: BookingStore,
  ) {}

  @FieldResolver(() => BookingConnection, { description: "The vehicle's bookings, newest first (its owner, staff)" })
  async bookings(@Root() vehicle: Vehicle, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: MarketplaceContext) {
    await authorizeVehicle(this.access, ctx.viewer, vehicle.id, 'read');
    return mapNodes(await this.store.forVehicle(vehicle.id, page), toBooking);
  }
}

@Resolver(() => User)
export class UserBookingsResolver {
  constructor(private readonly store: BookingStore) {}

  @FieldResolver(() => BookingConnection, { description: "The user's bookings, newest first (the user, staff)" })
  async bookings(@Root() user: User, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: MarketplaceContext) {
    assertSelfOrStaff(ctx, user.id);
    return mapNodes(await this.store.forCustomer(user.id, page), toBooking);
  }
}

@Resolver(() => ServiceCentre)
export class CentreBookingsResolver {
  constructor(private readonly store: BookingStore) {}

  @FieldResolver(() => BookingConnection, {
    description: "The centre's bookings, newest first (its members, staff)",
  })
  async bookings(@Root() centre: CentreRoot, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: MarketplaceContext) {
    const viewer = requireUser(ctx);
    if (!isStaff(viewer) && !((await centreDetails(centre, ctx)).memberIds ?? []).includes(viewer.userId))
      throw new ForbiddenError("Only the centre's members see its bookings");
    if (!centre.id) throw new NotFoundError('Service centre');
    return mapNodes(await this.store.forCentre(centre.id, page), toBooking);
  }
}
