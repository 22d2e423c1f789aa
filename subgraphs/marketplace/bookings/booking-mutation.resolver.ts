import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { MarketplaceContext } from '../context.js';
import type { BookingService } from './booking.service.js';
import { Booking, BookingInput, CompletionInput, toBooking } from './booking.type.js';

@Resolver(() => Booking)
export class BookingMutationResolver {
  constructor(private readonly bookings: BookingService) {}

  @Authorized()
  @Mutation(() => Booking, {
    description:
      'Books a slot for your vehicle (REQUESTED). CONFLICT when every bay is taken; a retry with the same idempotencyKey returns the first booking',
  })
  async requestBooking(@Arg('input', () => BookingInput) input: BookingInput, @Ctx() ctx: MarketplaceContext) {
    return toBooking(await this.bookings.request(ctx.viewer, input));
  }

  @Authorized()
  @Mutation(() => Booking, { description: 'The centre accepts a request (its members)' })
  async confirmBooking(@Arg('id', () => ID) id: string, @Ctx() ctx: MarketplaceContext) {
    return toBooking(await this.bookings.confirm(ctx.viewer, id));
  }

  @Authorized()
  @Mutation(() => Booking, { description: 'The centre turns a request down, saying why (its members)' })
  async declineBooking(
    @Arg('id', () => ID) id: string,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: MarketplaceContext,
  ) {
    return toBooking(await this.bookings.decline(ctx.viewer, id, reason));
  }

  @Authorized()
  @Mutation(() => Booking, { description: 'Work begins on a confirmed booking (its centre)' })
  async startBooking(@Arg('id', () => ID) id: string, @Ctx() ctx: MarketplaceContext) {
    return toBooking(await this.bookings.start(ctx.viewer, id));
  }

  @Authorized()
  @Mutation(() => Booking, {
    description: "Records the work done (its centre); the vehicle's health hears of it (an oil change resets oil life)",
  })
  async completeBooking(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => CompletionInput) input: CompletionInput,
    @Ctx() ctx: MarketplaceContext,
  ) {
    return toBooking(await this.bookings.complete(ctx.viewer, id, input));
  }

  @Authorized()
  @Mutation(() => Booking, {
    description: 'The customer cancels before the cutoff; the centre cancels with a reason',
  })
  async cancelBooking(
    @Arg('id', () => ID) id: string,
    @Arg('reason', () => String, { nullable: true }) reason: string | null | undefined,
    @Ctx() ctx: MarketplaceContext,
  ) {
    return toBooking(await this.bookings.cancel(ctx.viewer, id, reason));
  }

  @Authorized()
  @Mutation(() => Booking, {
    description:
      'The customer moves a booking to another available slot before the cutoff; the centre confirms it again',
  })
  async rescheduleBooking(
    @Arg('id', () => ID) id: string,
    @Arg('slotStart', () => Date) slotStart: Date,
    @Ctx() ctx: MarketplaceContext,
  ) {
    return toBooking(await this.bookings.reschedule(ctx.viewer, id, slotStart));
  }

  @Authorized()
  @Mutation(() => Booking, { description: 'The customer did not come (its centre, once the slot has begun)' })
  async markNoShow(@Arg('id', () => ID) id: string, @Ctx() ctx: MarketplaceContext) {
    return toBooking(await this.bookings.noShow(ctx.viewer, id));
  }
}
