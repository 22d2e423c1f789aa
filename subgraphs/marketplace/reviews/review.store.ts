import { ObjectId, type Collection, type Db } from 'mongodb';
import { paginate, type Connection, type PageArgs } from '../../../platform/graphql/pagination.js';
import { insertUnlessTaken } from '../../../platform/mongo/duplicate-key.js';
import { ensureIndexes, type IndexDeclaration } from '../../../platform/mongo/indexes.js';
import { toObjectId } from '../../../platform/mongo/object-id.js';

/** One review per booking: its `_id` is the booking's, so a second one cannot be stored. */
export interface ReviewDocument {
  _id: ObjectId;
  centreId: string;
  customerId: string;
  rating: number;
  comment: string | null;
  createdAt: Date;
  /** Whether its stars are in the centre's rating yet (the follow-up after the insert). */
  counted: boolean;
  reply: string | null;
  repliedBy: string | null;
  repliedAt: Date | null;
}

/** A centre's reviews, newest first. */
export const REVIEW_INDEXES: IndexDeclaration[] = [{ key: { centreId: 1, _id: -1 } }];

export class ReviewStore {
  static readonly collection = 'reviews';
  private readonly reviews: Collection<ReviewDocument>;

  constructor(db: Db) {
    this.reviews = db.collection<ReviewDocument>(ReviewStore.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.reviews, REVIEW_INDEXES);
  }

  /** False when the booking has a review already. */
  insert(doc: ReviewDocument): Promise<boolean> {
    return insertUnlessTaken(this.reviews, doc);
  }

  findByBooking(bookingId: string): Promise<ReviewDocument | null> {
    const _id = toObjectId(bookingId);
    return _id ? this.reviews.findOne({ _id }) : Promise.resolve(null);
  }

  async markCounted(id: ObjectId): Promise<void> {
    await this.reviews.updateOne({ _id: id }, { $set: { counted: true } });
  }

  /**
   * How many reviews a centre has and their stars' sum, from its star histogram counted in the
   * database (at most five rows, one per star). One accumulator per group: the embedded
   * database (FerretDB 1.24) answers 0 for every `$sum` after the first in one `$group`.
   */
  async tally(centreId: string): Promise<{ count: number; sum: number }> {
    const stars = await this.reviews
      .aggregate<{ _id: number; n: number }>([
        { $match: { centreId: String(centreId) } },
        { $group: { _id: '$rating', n: { $sum: 1 } } },
      ])
      .toArray();
    return {
      count: stars.reduce((total, s) => total + s.n, 0),
      sum: stars.reduce((total, s) => total + s._id * s.n, 0),
    };
  }

  /** Sets the reply unless there is one: the updated review, or null. */
  reply(id: ObjectId, reply: string, by: string, at: Date): Promise<ReviewDocument | null> {
    return this.reviews.findOneAndUpdate(
      { _id: id, reply: null },
      { $set: { reply, repliedBy: by, repliedAt: at } },
      { returnDocument: 'after' },
    );
  }

  forCentre(centreId: string, args: PageArgs): Promise<Connection<ReviewDocument>> {
    return paginate(this.reviews, { centreId: String(centreId) }, args, (doc) => doc);
  }
}
