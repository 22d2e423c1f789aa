import { ObjectId } from 'mongodb';
import { z } from 'zod';
import type { Viewer } from '../../../platform/auth/viewer.js';
import {
  BadUserInputError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnauthenticatedError,
} from '../../../platform/errors.js';
import { parseInput } from '../../../platform/graphql/parse-input.js';
import type { BookingStore } from '../bookings/booking.store.js';
import type { CentreSource } from '../bookings/booking.service.js';
import type { ReviewDocument, ReviewStore } from './review.store.js';

/** The centre store's rating (reviews keep it). */
export interface RatingSink {
  setRatingIfFuller(centreId: ObjectId, count: number, sum: number): Promise<void>;
}

const reviewSchema = z.object({
  rating: z
    .number()
    .int('rating must be a whole number')
    .min(1, 'rating must be 1 to 5')
    .max(5, 'rating must be 1 to 5'),
  comment: z.string().trim().max(2000, 'comment must be at most 2,000 characters').nullish(),
});
const replySchema = z
  .string()
  .trim()
  .min(1, 'reply must not be empty')
  .max(2000, 'reply must be at most 2,000 characters');

const userOf = (viewer: Viewer | undefined) => {
  if (!viewer) throw new UnauthenticatedError();
  if (viewer.kind !== 'user') throw new ForbiddenError('Reviews need a user account');
  return viewer;
};

const bookingIdOf = (id: string) => {
  if (typeof id !== 'string' || !/^[0-9a-f]{24}$/.test(id)) throw new BadUserInputError('id is not a valid id', 'id');
  return id;
};

export class ReviewService {
  constructor(
    private readonly reviews: ReviewStore,
    private readonly bookings: BookingStore,
    private readonly centres: CentreSource & RatingSink,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** The customer rates a completed booking, once; the centre's rating counts it. */
  async review(
    viewer: Viewer | undefined,
    id: string,
    rating: number,
    comment: string | null | undefined,
  ): Promise<ReviewDocument> {
    const user = userOf(viewer);
    const parsed = parseInput(reviewSchema, { rating, comment });
    const booking = await this.bookings.findById(bookingIdOf(id));
    if (!booking) throw new NotFoundError('Booking');
    if (booking.customerId !== user.userId) throw new ForbiddenError('Only its customer reviews a booking');
    if (booking.status !== 'COMPLETED') throw new ConflictError('Only a completed booking can be reviewed');
    const doc: ReviewDocument = {
      _id: booking._id,
      centreId: booking.centreId,
      customerId: user.userId,
      rating: parsed.rating,
      comment: parsed.comment || null,
      createdAt: this.clock(),
      counted: false,
      reply: null,
      repliedBy: null,
      repliedAt: null,
    };
    if (!(await this.reviews.insert(doc))) throw new ConflictError('This booking has been reviewed already');
    // The rating is recounted from the reviews rather than incremented: a recount is idempotent,
    // so no transaction is needed. A crash before it leaves the review out only until the
    // centre's next review recounts.
    const { count, sum } = await this.reviews.tally(booking.centreId);
    await this.centres.setRatingIfFuller(new ObjectId(booking.centreId), count, sum);
    await this.reviews.markCounted(doc._id);
    return { ...doc, counted: true };
  }

  /** A member of the reviewed centre answers, once. */
  async reply(viewer: Viewer | undefined, id: string, text: string): Promise<ReviewDocument> {
    const user = userOf(viewer);
    const reply = parseInput(replySchema, text);
    const review = await this.reviews.findByBooking(bookingIdOf(id));
    if (!review) throw new NotFoundError('Review');
    const centre = await this.centres.findById(new ObjectId(review.centreId));
    if (!centre?.memberIds.includes(user.userId))
      throw new ForbiddenError("Only the centre's members reply to its reviews");
    const replied = await this.reviews.reply(review._id, reply, user.userId, this.clock());
    if (!replied) throw new ConflictError('This review has a reply already');
    return replied;
  }
}
