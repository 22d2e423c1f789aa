import { ObjectId, type Collection, type Db, type Filter, type UpdateFilter } from 'mongodb';
import { paginate, type Connection, type PageArgs } from '../../../platform/graphql/pagination.js';
import { ensureIndexes, type IndexDeclaration } from '../../../platform/mongo/indexes.js';
import { toObjectId } from '../../../platform/mongo/object-id.js';
import type { LatLng } from '../geo/haversine.js';
import {
  RESPONDING_STATUSES,
  WAITING_STATUSES,
  type RoadsideKindName,
  type RoadsideStatusName,
} from './roadside-state.js';

export interface RoadsideOfferEntry {
  centreId: string;
  wave: number;
  distanceKm: number;
  offeredAt: Date;
}

export interface RoadsideResponder {
  centreId: string;
  /** The member who accepted. */
  userId: string;
  acceptedAt: Date;
  location: LatLng | null;
  locatedAt: Date | null;
}

export interface RoadsideCharge {
  amountMinor: number;
  currency: string;
  completedAt: Date;
}

export interface RoadsideHistoryEntry {
  status: RoadsideStatusName;
  at: Date;
  /** A user id, or `system` for the wave job. */
  by: string;
}

/**
 * One request for help (owned by the marketplace: see notes/commerce-contract). Everything a
 * move changes is in this one document, moved with a condition on what it was decided from: the
 * status (and the wave, for the wave job; the offered or responding centre, for partners).
 */
export interface RoadsideDocument {
  _id: ObjectId;
  customerId: string;
  vehicleId: string;
  kind: RoadsideKindName;
  notes: string | null;
  location: LatLng;
  status: RoadsideStatusName;
  /** Waves offered so far (0 before the first). */
  wave: number;
  offers: RoadsideOfferEntry[];
  /** Every centre offered the request so far (any of them may accept while it is OFFERED). */
  offeredCentreIds: string[];
  /** When the current wave runs out, while the request waits; null otherwise. */
  dueAt: Date | null;
  responder: RoadsideResponder | null;
  charge: RoadsideCharge | null;
  /** Set once payments says the charge was paid (`payments.payment.succeeded`, subject ROADSIDE). */
  payment: { paymentId: string; paidAt: Date } | null;
  reason: string | null;
  history: RoadsideHistoryEntry[];
  /** Bumped by every change; events carry it so a follower can drop a stale one. */
  version: number;
  /** Whether `marketplace.roadside.updated` took this version; the wave job announces what was not. */
  announced: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * A driver's requests, newest first; a centre's open offers; the wave job's due requests; the
 * requests a centre responds to (partner access); staff's list by status; unannounced changes.
 */
export const ROADSIDE_INDEXES: IndexDeclaration[] = [
  { key: { customerId: 1, _id: -1 } },
  { key: { offeredCentreIds: 1, status: 1 } },
  { key: { status: 1, dueAt: 1 } },
  { key: { 'responder.centreId': 1, status: 1 } },
  { key: { status: 1, _id: -1 } },
  { key: { announced: 1, updatedAt: 1 } },
];

/** What a move sets besides the status (never `_id`, the history or the version). */
export type RoadsideChanges = Partial<
  Omit<RoadsideDocument, '_id' | 'history' | 'version' | 'status' | 'announced' | 'offers' | 'offeredCentreIds'>
>;

export class RoadsideStore {
  static readonly collection = 'roadside_requests';
  private readonly requests: Collection<RoadsideDocument>;

  constructor(db: Db) {
    this.requests = db.collection<RoadsideDocument>(RoadsideStore.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.requests, ROADSIDE_INDEXES);
  }

  async insert(doc: RoadsideDocument): Promise<void> {
    await this.requests.insertOne(doc);
  }

  findById(id: string): Promise<RoadsideDocument | null> {
    const _id = toObjectId(id);
    return _id ? this.requests.findOne({ _id }) : Promise.resolve(null);
  }

  /**
   * Applies a decided move if the request is still as it was decided from: the status, and
   * optionally the wave (the wave job) or the centre (a partner). The updated request, or null
   * when another change got there first.
   */
  move(
    id: ObjectId,
    expect: { status: RoadsideStatusName; wave?: number; offeredTo?: string; respondingCentre?: string },
    to: RoadsideStatusName,
    changes: RoadsideChanges,
    entry: RoadsideHistoryEntry | null,
    offers: RoadsideOfferEntry[] = [],
  ): Promise<RoadsideDocument | null> {
    const filter: Filter<RoadsideDocument> = { _id: id, status: expect.status };
    if (expect.wave !== undefined) filter.wave = expect.wave;
    if (expect.offeredTo !== undefined) filter.offeredCentreIds = String(expect.offeredTo);
    if (expect.respondingCentre !== undefined) filter['responder.centreId'] = String(expect.respondingCentre);
    const update: UpdateFilter<RoadsideDocument> = {
      $set: { ...changes, status: to, announced: false, updatedAt: entry?.at ?? changes.updatedAt ?? new Date() },
      $inc: { version: 1 },
    };
    const push: Record<string, unknown> = {};
    if (entry) push.history = entry;
    if (offers.length > 0) {
      push.offers = { $each: offers };
      push.offeredCentreIds = { $each: offers.map((o) => o.centreId) };
    }
    if (Object.keys(push).length > 0) update.$push = push as never;
    return this.requests.findOneAndUpdate(filter, update, { returnDocument: 'after' });
  }

  /** Requests whose current wave ran out by `now`, oldest due first (the wave job's work). */
  due(now: Date, limit: number): Promise<RoadsideDocument[]> {
    return this.requests
      .find({ status: { $in: [...WAITING_STATUSES] }, dueAt: { $lte: now } })
      .sort({ status: 1, dueAt: 1 })
      .limit(limit)
      .toArray();
  }

  /** Requests offered to any of the centres and still waiting for a responder, newest first. */
  openOffers(centreIds: readonly string[], limit: number): Promise<RoadsideDocument[]> {
    if (centreIds.length === 0) return Promise.resolve([]);
    return this.requests
      .find({ offeredCentreIds: { $in: centreIds.map(String) }, status: 'OFFERED' })
      .sort({ _id: -1 })
      .limit(limit)
      .toArray();
  }

  forCustomer(customerId: string, args: PageArgs): Promise<Connection<RoadsideDocument>> {
    return paginate(this.requests, { customerId: String(customerId) }, args, (doc) => doc);
  }

  withStatus(status: RoadsideStatusName, args: PageArgs): Promise<Connection<RoadsideDocument>> {
    return paginate(this.requests, { status }, args, (doc) => doc);
  }

  /** Which of `vehicleIds` a request answered by one of `centreIds` is being helped with right now. */
  async vehiclesHelpedBy(centreIds: string[], vehicleIds: string[]): Promise<string[]> {
    if (centreIds.length === 0 || vehicleIds.length === 0) return [];
    const docs = await this.requests
      .find(
        {
          'responder.centreId': { $in: centreIds.map(String) },
          status: { $in: [...RESPONDING_STATUSES] },
          vehicleId: { $in: vehicleIds.map(String) },
        },
        { projection: { _id: 0, vehicleId: 1 } },
      )
      .toArray();
    return [...new Set(docs.map((d) => d.vehicleId))];
  }

  /** The event for `version` went out (a later change has its own to send). */
  async markAnnounced(id: ObjectId, version: number): Promise<void> {
    await this.requests.updateOne({ _id: id, version }, { $set: { announced: true } });
  }

  /** Changes whose event did not go out, changed before `before` (so not one still being announced). */
  unannounced(before: Date, limit: number): Promise<RoadsideDocument[]> {
    return this.requests
      .find({ announced: false, updatedAt: { $lt: before } })
      .sort({ announced: 1, updatedAt: 1 })
      .limit(limit)
      .toArray();
  }

  /** Records the payment once; null when it was paid already (or is not a completed request). */
  markPaid(id: ObjectId, paymentId: string, paidAt: Date): Promise<RoadsideDocument | null> {
    return this.requests.findOneAndUpdate(
      { _id: id, status: 'COMPLETED', payment: null },
      {
        $set: { payment: { paymentId: String(paymentId), paidAt }, announced: false, updatedAt: paidAt },
        $inc: { version: 1 },
      },
      { returnDocument: 'after' },
    );
  }
}
