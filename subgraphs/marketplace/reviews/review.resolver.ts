import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import { mapNodes, PageArgs } from '../../../platform/graphql/pagination.js';
import type { MarketplaceContext } from '../context.js';
import { ServiceCentre } from '../centres/centre.type.js';
import { Booking } from '../bookings/booking.type.js';
import type { BookingService } from '../bookings/booking.service.js';
import type { ReviewService } from './review.service.js';
import type { ReviewStore } from './review.store.js';
import { Review, ReviewConnection, toReview } from './review.type.js';

@Resolver(() => Review)
export class ReviewMutationResolver {
  constructor(private readonly reviews: ReviewService) {}

  @Authorized()
  @Mutation(() => Review, { description: 'Rates a completed booking of yours, once (1-5, optional comment)' })
  async reviewBooking(
    @Arg('id', () => ID, { description: 'The booking' }) id: string,
    @Arg('rating', () => Int) rating: number,
    @Arg('comment', () => String, { nullable: true }) comment: string | null | undefined,
    @Ctx() ctx: MarketplaceContext,
  ) {
    return toReview(await this.reviews.review(ctx.viewer, id, rating, comment));
  }

  @Authorized()
  @Mutation(() => Review, { description: 'The centre answers a review of one of its bookings, once (its members)' })
  async replyToReview(
    @Arg('id', () => ID, { description: 'The review (its booking id)' }) id: string,
    @Arg('reply', () => String) reply: string,
    @Ctx() ctx: MarketplaceContext,
  ) {
    return toReview(await this.reviews.reply(ctx.viewer, id, reply));
  }
}

@Resolver(() => ServiceCentre)
export class CentreReviewsResolver {
  constructor(private readonly store: ReviewStore) {}

  @FieldResolver(() => ReviewConnection, { description: "The centre's reviews, newest first (public)" })
  async reviews(@Root() centre: ServiceCentre, @Args(() => PageArgs) page: PageArgs) {
    return mapNodes(await this.store.forCentre(centre.id, page), toReview);
  }
}

@Resolver(() => Booking)
export class BookingReviewResolver {
  constructor(
    private readonly store: ReviewStore,
    private readonly bookings: BookingService,
  ) {}

  @FieldResolver(() => Review, { nullable: true, description: "The customer's review, once there is one" })
  async review(@Root() booking: Booking, @Ctx() ctx: MarketplaceContext) {
    if (!booking.doc) await this.bookings.read(ctx.viewer, booking.id);
    const doc = await this.store.findByBooking(booking.id);
    return doc ? toReview(doc) : null;
  }
}
