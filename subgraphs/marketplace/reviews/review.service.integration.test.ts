import { ObjectId } from 'mongodb';
import type { Viewer } from '../../../platform/auth/viewer.js';
import { useScratchDatabase } from '../../../test/scratch-database.js';
import { BookingStore, type BookingDocument } from '../bookings/booking.store.js';
import { CentreStore, type CentreDocument } from '../centres/centre.store.js';
import { ReviewService } from './review.service.js';
import { ReviewStore } from './review.store.js';

const db = useScratchDatabase('reviews');
let bookings: BookingStore;
let centres: CentreStore;
let reviews: ReviewStore;
let service: ReviewService;
const now = new Date('2026-03-02T10:00:00Z');

beforeAll(async () => {
  bookings = new BookingStore(db());
  centres = new CentreStore(db());
  reviews = new ReviewStore(db());
  await Promise.all([bookings.init(), reviews.init()]);
  service = new ReviewService(reviews, bookings, centres, () => now);
});

async function centre(): Promise<ObjectId> {
  const _id = new ObjectId();
  await db()
    .collection<Partial<CentreDocument>>(CentreStore.collection)
    .insertOne({ _id, memberIds: ['mechanic'], ratingCount: 0, ratingSum: 0 });
  return _id;
}

async function completed(centreId: ObjectId, customerId: string): Promise<string> {
  const _id = new ObjectId();
  await bookings.insert({
    _id,
    centreId: centreId.toHexString(),
    customerId,
    status: 'COMPLETED',
    idempotencyKey: `auto:${_id.toHexString()}`,
  } as BookingDocument);
  return _id.toHexString();
}

const user = (userId: string): Viewer => ({ kind: 'user', userId, roles: ['CUSTOMER'] });
const rating = async (id: ObjectId) => {
  const doc = await centres.findById(id);
  return { count: doc!.ratingCount, sum: doc!.ratingSum };
};

describe('ReviewService', () => {
  it('counts every one of many concurrent reviews of a centre once', async () => {
    const id = await centre();
    const made = await Promise.all(Array.from({ length: 20 }, (_, i) => completed(id, `customer-${i}`)));
    await Promise.all(made.map((bookingId, i) => service.review(user(`customer-${i}`), bookingId, (i % 5) + 1, null)));
    expect(await rating(id)).toEqual({ count: 20, sum: 60 });
  });

  it('refuses a second review and counts nothing for it', async () => {
    const id = await centre();
    const bookingId = await completed(id, 'alice');
    await service.review(user('alice'), bookingId, 4, 'Good');
    await expect(service.review(user('alice'), bookingId, 1, null)).rejects.toMatchObject({
      extensions: { code: 'CONFLICT' },
    });
    expect(await rating(id)).toEqual({ count: 1, sum: 4 });
  });

  it("heals a rating that missed a review (a crash after its insert) at the centre's next review", async () => {
    const id = await centre();
    const lost = await completed(id, 'bob');
    await reviews.insert({
      _id: new ObjectId(lost),
      centreId: id.toHexString(),
      customerId: 'bob',
      rating: 2,
      comment: null,
      createdAt: now,
      counted: false,
      reply: null,
      repliedBy: null,
      repliedAt: null,
    });
    expect(await rating(id)).toEqual({ count: 0, sum: 0 });
    await service.review(user('carol'), await completed(id, 'carol'), 5, null);
    expect(await rating(id)).toEqual({ count: 2, sum: 7 });
    // an older, smaller recount arriving late changes nothing
    await centres.setRatingIfFuller(id, 1, 2);
    expect(await rating(id)).toEqual({ count: 2, sum: 7 });
  });
});
