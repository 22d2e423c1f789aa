import { Arg, Authorized, ID, Resolver, Root, Subscription } from 'type-graphql';
import { isStaff, type Viewer } from '../../../platform/auth/viewer.js';
import { ForbiddenError, NotFoundError } from '../../../platform/errors.js';
import type { EventBus } from '../../../platform/events/bus.js';
import { busIterator } from '../../../platform/events/bus-iterator.js';
import { requireUser } from '../../../platform/subgraph/context.js';
import type { MarketplaceContext } from '../context.js';
import { BOOKING_UPDATES, centreBookingsTopic, customerBookingsTopic, type BookingUpdate } from '../contract.js';
import { parseId } from '../ids.js';
import type { BookingDocument } from './booking.store.js';
import { Booking, bookingFromUpdate, toBooking } from './booking.type.js';

/**
 * What bookingUpdates (and a Booking reference) needs from the context: type-graphql's
 * `subscribe` and federation's `__resolveReference` get the context, not a resolver instance.
 */
export interface LiveBookings {
  bus: EventBus;
  /** Events held per subscriber that is not reading; the oldest are dropped past it. */
  maxQueue: number;
  /** A booking as `booking(id)` reads it: its customer, its centre's members, staff. */
  read(viewer: Viewer | undefined, id: string): Promise<BookingDocument>;
}

/** Another subgraph's Booking reference resolves under the same rule as booking(id). */
export async function resolveBookingReference(
  reference: { id: string },
  context: MarketplaceContext,
): Promise<Booking> {
  if (!context.bookingsLive) throw new Error('Booking references need the live bookings context');
  return toBooking(await context.bookingsLive.read(context.viewer, String(reference.id)));
}

/** Checked before the bus subscription exists, so a refused caller never receives an event. */
async function subscribeToBookings({
  args,
  context,
}: {
  args: { centreId?: string | null };
  context: MarketplaceContext;
}) {
  const viewer = requireUser(context);
  const live = context.bookingsLive;
  if (!live) throw new Error('bookingUpdates needs the live bookings context');
  const { bus, maxQueue } = live;
  if (args.centreId === undefined || args.centreId === null) {
    if (isStaff(viewer)) return busIterator<BookingUpdate>(bus, BOOKING_UPDATES, { maxQueue });
    return busIterator<BookingUpdate>(bus, customerBookingsTopic(viewer.userId), { maxQueue });
  }
  const id = parseId(String(args.centreId), 'centreId').toHexString();
  const centre = await context.loaders.byId.load(id);
  if (!centre) {
    if (isStaff(viewer)) throw new NotFoundError('Service centre');
    throw new ForbiddenError("Only the centre's members follow its bookings");
  }
  if (!isStaff(viewer) && !centre.memberIds.includes(viewer.userId))
    throw new ForbiddenError("Only the centre's members follow its bookings");
  return busIterator<BookingUpdate>(bus, centreBookingsTopic(id), { maxQueue });
}

@Resolver()
export class BookingUpdatesResolver {
  @Authorized()
  @Subscription(() => Booking, {
    subscribe: subscribeToBookings,
    description:
      "Bookings as they change: a centre's (its members, staff) with centreId; without it your own (every booking for staff)",
  })
  bookingUpdates(
    @Root() event: BookingUpdate,
    @Arg('centreId', () => ID, { nullable: true }) _centreId: string | null,
  ): Booking {
    return bookingFromUpdate(event);
  }
}
