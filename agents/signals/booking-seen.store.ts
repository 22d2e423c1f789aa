import type { Collection, Db } from 'mongodb';
import { ensureIndexes, type IndexDeclaration } from '../../platform/mongo/indexes.js';
import type { BookingChanged } from '../../subgraphs/marketplace/contract.js';

interface BookingEntry {
  /** The booking's id: redelivery and every later change of the same booking upsert one entry. */
  _id: string;
  vehicleId: string;
  /** The earliest change seen of this booking: when it was asked for. */
  requestedAt: Date;
}

export const BOOKING_SEEN_INDEXES: IndexDeclaration[] = [{ key: { vehicleId: 1, requestedAt: 1 } }];

/**
 * What the agents know of the marketplace's bookings, from its `marketplace.booking.changed`
 * stream: which vehicle got a booking, and when. Only for judging whether owners acted on a
 * notification (loop/action-judges.ts): nothing about the customer or the centre is kept.
 */
export class BookingSeenStore {
  static readonly collection = 'bookings_seen';
  private readonly bookings: Collection<BookingEntry>;

  constructor(db: Db) {
    this.bookings = db.collection<BookingEntry>(BookingSeenStore.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.bookings, BOOKING_SEEN_INDEXES);
  }

  /** Idempotent: the entry keeps the earliest moment any change of the booking carried. */
  async record(change: Pick<BookingChanged, 'bookingId' | 'vehicleId' | 'at'>): Promise<void> {
    await this.bookings.updateOne(
      { _id: change.bookingId },
      { $min: { requestedAt: new Date(change.at) }, $setOnInsert: { vehicleId: change.vehicleId } },
      { upsert: true },
    );
  }

  /** Which of these vehicles got a booking asked for between `from` and `to`. */
  async bookedBetween(vehicleIds: readonly string[], from: Date, to: Date): Promise<Set<string>> {
    const docs = await this.bookings
      .find(
        { vehicleId: { $in: vehicleIds.map(String) }, requestedAt: { $gte: from, $lte: to } },
        { projection: { vehicleId: 1 } },
      )
      .toArray();
    return new Set(docs.map((d) => d.vehicleId));
  }
}
