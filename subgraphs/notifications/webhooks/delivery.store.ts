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
  /** The poll's claim that took it last (claimMany). */
  claimToken?: string;
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

  private pendingInserts: {
    docs: WebhookDeliveryDocument[];
    resolve: (inserted: WebhookDeliveryDocument[]) => void;
    reject: (error: Error) => void;
  }[] = [];
  private pendingCount = 0;
  private insertTimer: NodeJS.Timeout | undefined;

  /**
   * Inserts what is not there yet (by dedupeKey); resolves with the ones inserted now. Inserts
   * asked for within a couple of milliseconds go in one insertMany: the embedded database has
   * one writer, and one write of fifty documents costs little more than one of one.
   */
  insertNew(docs: WebhookDeliveryDocument[]): Promise<WebhookDeliveryDocument[]> {
    if (docs.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.pendingInserts.push({ docs, resolve, reject });
      this.pendingCount += docs.length;
      if (this.pendingCount >= 500) void this.flushInserts();
      else this.insertTimer ??= setTimeout(() => void this.flushInserts(), 2);
    });
  }

  private async flushInserts(): Promise<void> {
    clearTimeout(this.insertTimer);
    this.insertTimer = undefined;
    const batch = this.pendingInserts;
    this.pendingInserts = [];
    this.pendingCount = 0;
    const all = batch.flatMap((b) => b.docs);
    let failed = new Map<number, number | undefined>();
    try {
      await this.deliveries.insertMany(all, { ordered: false });
    } catch (error) {
      const writeErrors = (error as { writeErrors?: { index: number; code?: number }[] }).writeErrors;
      if (!writeErrors) {
        if (!isDuplicateKey(error)) {
          for (const b of batch) b.reject(error as Error);
          return;
        }
        failed = new Map(all.map((_, i) => [i, 11000]));
      } else failed = new Map(writeErrors.map((e) => [e.index, e.code]));
    }
    let offset = 0;
    for (const b of batch) {
      const mine = b.docs.map((_, i) => failed.get(offset + i));
      offset += b.docs.length;
      if (mine.some((code) => code !== undefined && code !== 11000))
        b.reject(new Error('webhook deliveries not stored'));
      else b.resolve(b.docs.filter((_, i) => mine[i] === undefined));
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

  /**
   * Takes those of `docs` still due (nobody claimed them meanwhile) for one attempt each: one
   * update for the lot, marked with a token of this claim, and one read of what it took.
   */
  async claimMany(docs: WebhookDeliveryDocument[], leaseUntil: Date, now: Date): Promise<WebhookDeliveryDocument[]> {
    if (docs.length === 0) return [];
    const ids = docs.map((d) => d._id);
    const claimToken = new ObjectId().toHexString();
    await this.deliveries.updateMany(
      {
        _id: { $in: ids },
        $or: [
          { status: { $in: ['QUEUED', 'FAILED'] }, nextAttemptAt: { $lte: now } },
          { status: 'SENDING', leaseUntil: { $lt: now } },
        ],
      },
      { $set: { status: 'SENDING', leaseUntil, claimToken } },
    );
    return this.deliveries.find({ _id: { $in: ids }, claimToken }).toArray();
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
