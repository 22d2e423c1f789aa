import { ObjectId, type AnyBulkWriteOperation, type Collection, type Db } from 'mongodb';
import { paginate, type PageArgs } from '../../../platform/graphql/pagination.js';
import { isDuplicateKey } from '../../../platform/mongo/duplicate-key.js';
import { ensureIndexes, type IndexDeclaration } from '../../../platform/mongo/indexes.js';
import type { VehicleScope } from './event-types.js';

/**
 * QUEUED -> SENDING (claimed under a lease) -> SENT, or FAILED and due again after a backoff,
 * or DEAD once the retry window is over (or the URL is refused); DROPPED: not sent on purpose
 * (the org's access to the vehicle was revoked, or the endpoint was disabled or removed).
 */
export type WebhookDeliveryStatus = 'QUEUED' | 'SENDING' | 'SENT' | 'FAILED' | 'DEAD' | 'DROPPED';

export interface WebhookAttempt {
  at: Date;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export interface WebhookDeliveryDocument {
  _id: ObjectId;
  endpointId: ObjectId;
  organizationId: string;
  /** The Standard Webhooks message id (`webhook-id`): the event's, the same on every attempt and replay. */
  eventId: string;
  eventType: string;
  /** Consent checked again at delivery time for events about a vehicle. */
  vehicleId: string | null;
  scope: VehicleScope | null;
  /** The exact body signed and sent. */
  payload: string;
  /** `<endpoint>:<event>` for fan-out (one delivery per endpoint and event), `replay:<id>` for replays. */
  dedupeKey: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  leaseUntil: Date | null;
  /** Retries stop (DEAD) after this. */
  giveUpAt: Date;
  lastStatusCode: number | null;
  lastError: string | null;
  lastResponse: string | null;
  /** The latest attempts, newest last (at most 20). */
  log: WebhookAttempt[];
  createdAt: Date;
  sentAt: Date | null;
  replayOf: ObjectId | null;
}

export const WEBHOOK_DELIVERY_INDEXES: IndexDeclaration[] = [
  { key: { dedupeKey: 1 }, options: { unique: true } },
  { key: { status: 1, nextAttemptAt: 1 } },
  { key: { endpointId: 1, _id: -1 } },
];

export class WebhookDeliveryStore {
  static readonly collection = 'webhook_deliveries';
  readonly deliveries: Collection<WebhookDeliveryDocument>;

  constructor(db: Db) {
    this.deliveries = db.collection(WebhookDeliveryStore.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.deliveries, WEBHOOK_DELIVERY_INDEXES);
  }

  /** Inserts what is not there yet (by dedupeKey); returns the ones inserted now. */
  async insertNew(docs: WebhookDeliveryDocument[]): Promise<WebhookDeliveryDocument[]> {
    if (docs.length === 0) return [];
    try {
      await this.deliveries.insertMany(docs, { ordered: false });
      return docs;
    } catch (error) {
      const failed = new Set<number>(
        ((error as { writeErrors?: { index: number; code?: number }[] }).writeErrors ?? [])
          .filter((e) => e.code === 11000)
          .map((e) => e.index),
      );
      if (failed.size === 0 && !isDuplicateKey(error)) throw error;
      if (failed.size === 0) return [];
      return docs.filter((_, i) => !failed.has(i));
    }
  }

  get(id: ObjectId): Promise<WebhookDeliveryDocument | null> {
    return this.deliveries.findOne({ _id: id });
  }

  /** Due deliveries: queued or failed whose time has come, or claims whose lease ran out. */
  async due(now: Date, limit: number): Promise<WebhookDeliveryDocument[]> {
    const [waiting, stale] = await Promise.all([
      this.deliveries
        .find({ status: { $in: ['QUEUED', 'FAILED'] }, nextAttemptAt: { $lte: now } })
        .limit(limit)
        .toArray(),
      this.deliveries
        .find({ status: 'SENDING', nextAttemptAt: { $lte: now }, leaseUntil: { $lt: now } })
        .limit(limit)
        .toArray(),
    ]);
    return [...waiting, ...stale];
  }

  /** Takes `doc` for one attempt if nobody else did meanwhile (its status and attempts unchanged). */
  async claim(doc: WebhookDeliveryDocument, leaseUntil: Date): Promise<boolean> {
    const taken = await this.deliveries.updateOne(
      { _id: doc._id, status: doc.status, attempts: doc.attempts },
      { $set: { status: 'SENDING', leaseUntil } },
    );
    return taken.modifiedCount === 1;
  }

  /** Settles attempts in one round trip; each only if it is still the claim it was (attempts unchanged). */
  async settle(outcomes: { id: ObjectId; attempts: number; set: Partial<WebhookDeliveryDocument> }[]): Promise<void> {
    if (outcomes.length === 0) return;
    const ops: AnyBulkWriteOperation<WebhookDeliveryDocument>[] = outcomes.map((o) => ({
      updateOne: {
        filter: { _id: o.id, status: 'SENDING', attempts: o.attempts },
        update: { $set: { ...o.set, leaseUntil: null } },
      },
    }));
    await this.deliveries.bulkWrite(ops, { ordered: false });
  }

  page(filter: { endpointId: ObjectId } | { organizationId: string }, args: PageArgs) {
    return paginate(this.deliveries, filter, args, (doc) => doc);
  }

  countByStatus(status: WebhookDeliveryStatus): Promise<number> {
    return this.deliveries.countDocuments({ status });
  }
}
