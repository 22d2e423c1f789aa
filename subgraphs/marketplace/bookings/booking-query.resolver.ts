import { Args, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root, Arg } from 'type-graphql';
import { isStaff } from '../../../platform/auth/viewer.js';
import { ForbiddenError } from '../../../platform/errors.js';
import { mapNodes, PageArgs } from '../../../platform/graphql/pagination.js';
import { requireUser } from '../../../platform/subgraph/context.js';
import type { MarketplaceContext } from '../context.js';
import { toCentre } from '../centres/centre.store.js';
import { ServiceCentre } from '../centres/centre.type.js';
import { HealthAlert } from './alert-suggestions.resolver.js';
import type { BookingService } from './booking.service.js';
import type { BookingStore } from './booking.store.js';
import { Booking, BookingConnection, BookingDetails, toBooking, toDetails } from './booking.type.js';

@Resolver(() => Booking)
export class BookingQueryResolver {
  constructor(
    private readonly bookings: BookingService,
    private readonly store: BookingStore,
  ) {}

  @Authorized()
  @Query(() => BookingConnection, { description: 'Your bookings, newest first' })
  async myBookings(@Args(() => PageArgs) page: PageArgs, @Ctx() ctx: MarketplaceContext) {
    const user = requireUser(ctx);
    return mapNodes(await this.store.forCustomer(user.userId, page), toBooking);
  }

  @Authorized()
  @Query(() => Booking, { description: "A booking: its customer's, its centre's members', staff's" })
  async booking(@Arg('id', () => ID) id: string, @Ctx() ctx: MarketplaceContext) {
    return toBooking(await this.bookings.read(ctx.viewer, id));
  }

  @FieldResolver(() => ServiceCentre)
  async centre(@Root() booking: Booking, @Ctx() ctx: MarketplaceContext): Promise<ServiceCentre> {
    const doc = await ctx.loaders.byId.load(booking.centreId);
    if (!doc) throw new ForbiddenError('The service centre is gone');
    return toCentre(doc);
  }

  @FieldResolver(() => HealthAlert, {
    nullable: true,
    description: 'The health alert that prompted the booking, if it cites one (health decides who may read it)',
  })
  async alert(@Root() booking: Booking, @Ctx() ctx: MarketplaceContext): Promise<HealthAlert | null> {
    const doc = booking.doc ?? (await this.bookings.read(ctx.viewer, booking.id));
    return doc.alertId ? ({ id: doc.alertId } as HealthAlert) : null;
  }

  @FieldResolver(() => BookingDetails, {
    description: 'Notes, price, reasons, the work done and the history (the same readers as the booking)',
  })
  async details(@Root() booking: Booking, @Ctx() ctx: MarketplaceContext): Promise<BookingDetails> {
    // Events carry no details, and whoever reads an event may not read every booking: read it as `booking(id)` does.
    const doc = booking.doc ?? (await this.bookings.read(ctx.viewer, booking.id));
    return toDetails(doc);
  }
}

/** Staff, or the user themselves. */
export function assertSelfOrStaff(ctx: MarketplaceContext, userId: string): void {
  const viewer = requireUser(ctx);
  if (viewer.userId !== userId && !isStaff(viewer)) throw new ForbiddenError('Not your bookings');
}
