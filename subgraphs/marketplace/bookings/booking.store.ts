import { ObjectId, type Collection, type Db, type Filter } from 'mongodb';
import { paginate, type Connection, type PageArgs } from '../../../platform/graphql/pagination.js';
import { insertUnlessTaken } from '../../../platform/mongo/duplicate-key.js';
import { ensureIndexes, type IndexDeclaration } from '../../../platform/mongo/indexes.js';
import { toObjectId } from '../../../platform/mongo/object-id.js';
import type { ServiceKind } from '../centres/centre.type.js';
import { HELD_SLOT_INDEX } from '../slots/held-slots.js';
import { HOLDING_STATUSES, isHolding, type BookingStatusName } from './booking-state.js';
import type { ClaimDocument } from './slot-claim.store.js';

export interface BookingHistoryEntry {
  status: BookingStatusName;
  at: Date;
  /** The user who made the change. */
  by: string;
  reason: string | null;
}

export interface BookingCompletion {
  workDone: string;
  odometerKm: number | null;
  partsReplaced: string[];
  totalMinor: number;
  currency: string;
  completedAt: Date;
  /** Whether health was told (the durable stream took it); a completion retried until it was. */
  announced: boolean;
}

/**
 * One booking, holding its slot claim: the bay and the claim ids (slot_claims) it keeps while
 * its status holds the slot. Everything a transition changes is in this one document, moved
 * with a condition on the status it was decided from.
 */
export interface BookingDocument {
  _id: ObjectId;
  centreId: string;
  vehicleId: string;
  customerId: string;
  service: ServiceKind;
  slotStart: Date;
  slotEnd: Date;
  bay: number;
  claims: string[];
  status: BookingStatusName;
  notes: string | null;
  alertId: string | null;
  /** `<customerId>:<client key>`, or `auto:<_id>` when the client gave none: unique either way. */
  idempotencyKey: string;
  priceMinor: number;
  currency: string;
  /** Why it was declined or cancelled. */
  reason: string | null;
  completion: BookingCompletion | null;
  /**
   * Set by every change, cleared once `marketplace.booking.changed` for it is on the bus: an
   * outbox the announce sweep drains, so a change whose append failed is still announced.
   * Absent on bookings stored before it existed (announced or not, nothing re-sends those).
   */
  announceDue?: Date | null;
  history: BookingHistoryEntry[];
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Retries find their first result by key; lists page newest first per customer, vehicle and
 * centre; availability reads a centre's bookings by slot start (slots/held-slots.ts).
 */
export const BOOKING_INDEXES: IndexDeclaration[] = [
  { key: { idempotencyKey: 1 }, options: { unique: true } },
  { key: { customerId: 1, _id: -1 } },
  { key: { vehicleId: 1, _id: -1 } },
  { key: { centreId: 1, _id: -1 } },
  HELD_SLOT_INDEX,
  { key: { announceDue: 1 } },
];

/** How long a claim may wait for its booking document before another writer may take it. */
export const CLAIM_GRACE_MS = 60_000;

export class BookingStore {
  static readonly collection = 'bookings';
  private readonly bookings: Collection<BookingDocument>;

  constructor(db: Db) {
    this.bookings = db.collection<BookingDocument>(BookingStore.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.bookings, BOOKING_INDEXES);
  }

  /** Inserts the booking; false when its idempotency key is taken (a concurrent retry won). */
  insert(doc: BookingDocument): Promise<boolean> {
    return insertUnlessTaken(this.bookings, doc);
  }

  findById(id: string): Promise<BookingDocument | null> {
    const _id = toObjectId(id);
    return _id ? this.bookings.findOne({ _id }) : Promise.resolve(null);
  }

  findByIdempotencyKey(key: string): Promise<BookingDocument | null> {
    return this.bookings.findOne({ idempotencyKey: String(key) });
  }

  /**
   * Applies a decided transition if the booking is still in the status it was decided from:
   * the updated booking, or null when another change got there first.
   */
  transition(
    id: ObjectId,
    from: BookingStatusName,
    set: Partial<Omit<BookingDocument, '_id' | 'history'>>,
    entry: BookingHistoryEntry,
  ): Promise<BookingDocument | null> {
    return this.bookings.findOneAndUpdate(
      { _id: id, status: from },
      { $set: { ...set, updatedAt: entry.at, announceDue: entry.at }, $push: { history: entry } },
      { returnDocument: 'after' },
    );
  }

  /** The completion reached health's stream. */
  markAnnounced(id: ObjectId): Promise<BookingDocument | null> {
    return this.bookings.findOneAndUpdate(
      { _id: id, status: 'COMPLETED' },
      { $set: { 'completion.announced': true } },
      { returnDocument: 'after' },
    );
  }

  /**
   * The change `doc` is (its status at its updatedAt) is on the bus. A later change matches
   * neither and stays due.
   */
  async changeAnnounced(doc: Pick<BookingDocument, '_id' | 'status' | 'updatedAt'>): Promise<void> {
    await this.bookings.updateOne(
      { _id: doc._id, status: doc.status, updatedAt: doc.updatedAt },
      { $set: { announceDue: null } },
    );
  }

  /** Bookings whose last change was due to be announced by `before` and is not yet. */
  unannounced(before: Date, limit: number): Promise<BookingDocument[]> {
    return this.bookings
      .find({ announceDue: { $lte: before } })
      .limit(limit)
      .toArray();
  }

  /**
   * Takes a due announcement for one sweep: moves its due time to `now` if it is still the one
   * read, so a second instance that read the same booking matches nothing, and the taker's
   * append, if it fails, is due again one grace later. The booking as taken, or null.
   */
  takeAnnouncement(doc: BookingDocument, now: Date): Promise<BookingDocument | null> {
    return this.bookings.findOneAndUpdate(
      { _id: doc._id, announceDue: doc.announceDue ?? null, updatedAt: doc.updatedAt },
      { $set: { announceDue: now } },
      { returnDocument: 'after' },
    );
  }

  /** Whether the booking a claim names still holds it (see SlotClaimStore). */
  async claimOwner(claim: ClaimDocument, now: Date): Promise<'holds' | 'stale'> {
    // A young claim is its writer's still (it may be between two writes): no need to read its
    // booking, which is what makes a request refused on a busy slot cheap. A booking cancelled
    // whose release then failed holds its cells for this grace at most.
    if (now.getTime() - claim.claimedAt.getTime() <= CLAIM_GRACE_MS) return 'holds';
    const booking = await this.findById(claim.bookingId);
    // Past the grace, a claim is held only by a holding booking that still names it.
    return booking && isHolding(booking.status) && booking.claims.includes(claim._id) ? 'holds' : 'stale';
  }

  forCustomer(customerId: string, args: PageArgs): Promise<Connection<BookingDocument>> {
    return this.page({ customerId: String(customerId) }, args);
  }

  forVehicle(vehicleId: string, args: PageArgs): Promise<Connection<BookingDocument>> {
    return this.page({ vehicleId: String(vehicleId) }, args);
  }

  forCentre(centreId: string, args: PageArgs): Promise<Connection<BookingDocument>> {
    return this.page({ centreId: String(centreId) }, args);
  }

  /**
   * Which of `vehicleIds` any of `centreIds` works on (partners' access to a vehicle): a booking
   * there that is open (requested, confirmed, in progress) or was completed since
   * `completedSince`. A declined, cancelled or no-show booking grants nothing, nor an older
   * completed one: a centre a customer once asked does not keep watching the car.
   */
  async vehiclesAtCentres(centreIds: string[], vehicleIds: string[], completedSince: Date): Promise<string[]> {
    if (centreIds.length === 0 || vehicleIds.length === 0) return [];
    const docs = await this.bookings
      .find(
        {
          vehicleId: { $in: vehicleIds.map(String) },
          centreId: { $in: centreIds.map(String) },
          $or: [
            { status: { $in: [...HOLDING_STATUSES] } },
            { status: 'COMPLETED', 'completion.completedAt': { $gte: completedSince } },
          ],
        },
        { projection: { _id: 0, vehicleId: 1 } },
      )
      .toArray();
    return [...new Set(docs.map((d) => d.vehicleId))];
  }

  private page(filter: Filter<BookingDocument>, args: PageArgs): Promise<Connection<BookingDocument>> {
    return paginate(this.bookings, filter, args, (doc) => doc);
  }
}
