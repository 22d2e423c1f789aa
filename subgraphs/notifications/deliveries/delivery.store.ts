import { ObjectId, type Collection, type Db } from 'mongodb';
import { paginate, type Connection, type PageArgs } from '../../../platform/graphql/pagination.js';
import { isDuplicateKey } from '../../../platform/mongo/duplicate-key.js';
import { ensureIndexes, type IndexDeclaration } from '../../../platform/mongo/indexes.js';
import type { RenderedMessage } from '../channels/channel.js';
import type { Category, ChannelName, DeliveryStatus, NotificationKind, NotificationSeverity } from '../vocabulary.js';

export interface DeliveryEvent {
  status: DeliveryStatus;
  at: Date;
  reason: string | null;
}

/** One notification on one channel, from queued to sent or dead (see channels/channel.ts). */
export interface DeliveryDocument {
  _id: ObjectId;
  /** `<notificationId>:<channel>`: unique, so a redelivered source queues nothing twice. */
  key: string;
  notificationId: string;
  userId: string;
  channel: ChannelName;
  category: Category;
  kind: NotificationKind;
  severity: NotificationSeverity;
  message: RenderedMessage;
  status: DeliveryStatus;
  /** Attempts started so far. */
  attempts: number;
  /** When it may be claimed next (later than creation: quiet hours, a backoff). */
  nextAttemptAt: Date;
  /** A claimed delivery whose worker died is claimable again after this. */
  leaseUntil: Date | null;
  lastError: string | null;
  providerId: string | null;
  history: DeliveryEvent[];
  createdAt: Date;
  updatedAt: Date;
  sentAt: Date | null;
}

export const DELIVERY_INDEXES: IndexDeclaration[] = [
  { key: { key: 1 }, options: { unique: true } },
  // The worker's claim: due deliveries of the channels it has.
  { key: { status: 1, channel: 1, nextAttemptAt: 1 } },
  // Staff's view of a user's deliveries, and a notification's.
  { key: { userId: 1, _id: -1 } },
  { key: { notificationId: 1 } },
];

export type NewDelivery = Pick<
  DeliveryDocument,
  'notificationId' | 'userId' | 'channel' | 'category' | 'kind' | 'severity' | 'message'
> & {
  status: 'QUEUED' | 'SUPPRESSED';
  nextAttemptAt: Date;
  reason: string | null;
  /** Already sent, inline, before it was stored (`Channel.inline`). */
  sentInline?: { providerId: string | null };
  /**
   * Claimed from birth until then by the instance that queues it and sends it at once: a due
   * delivery costs no separate claim; if that instance dies, the lease runs out and any takes it.
   */
  claimedUntil?: Date;
};

export const deliveryKey = (notificationId: string, channel: ChannelName) => `${notificationId}:${channel}`;

export class DeliveryStore {
  static readonly collection = 'notification_deliveries';
  private readonly deliveries: Collection<DeliveryDocument>;

  constructor(db: Db) {
    this.deliveries = db.collection<DeliveryDocument>(DeliveryStore.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.deliveries, DELIVERY_INDEXES);
  }

  /**
   * Queues them (one notification's channels) in one write, leaving out the channels the
   * notification already has a delivery on (a redelivered source); the stored ones either way.
   */
  async enqueue(deliveries: NewDelivery[], now: Date): Promise<(DeliveryDocument & { fresh: boolean })[]> {
    if (deliveries.length === 0) return [];
    const docs: DeliveryDocument[] = deliveries.map(({ reason, claimedUntil, sentInline, ...fields }) => ({
      _id: new ObjectId(),
      key: deliveryKey(fields.notificationId, fields.channel),
      ...fields,
      ...(claimedUntil ? { status: 'SENDING' as const } : {}),
      ...(sentInline ? { status: 'SENT' as const } : {}),
      attempts: claimedUntil || sentInline ? 1 : 0,
      leaseUntil: claimedUntil ?? null,
      lastError: reason,
      providerId: sentInline?.providerId ?? null,
      history: sentInline
        ? [{ status: 'SENT' as const, at: now, reason: null }]
        : [{ status: fields.status, at: now, reason }],
      createdAt: now,
      updatedAt: now,
      sentAt: sentInline ? now : null,
    }));
    try {
      await this.deliveries.insertMany(docs, { ordered: false });
      return docs.map((d) => ({ ...d, fresh: true }));
    } catch (error) {
      if (!isDuplicateKey(error) && !(error as { writeErrors?: unknown }).writeErrors) throw error;
      // A redelivered source: what is stored stands (a claimed one is its claimant's to send).
      const stored = await this.deliveries.find({ key: { $in: docs.map((d) => d.key) } }).toArray();
      if (stored.length !== docs.length) throw error;
      return stored.map((d) => ({ ...d, fresh: docs.some((n) => n._id.equals(d._id)) }));
    }
  }

  /**
   * Due deliveries of these channels, earliest first, up to `limit`: plain index searches (one
   * per channel and status: equality, equality, range, sorted) that lock nothing. Claiming each
   * is then a write on its own `_id` (`claim`), so the database locks one document, not the
   * collection, and deliveries being settled meanwhile do not wait.
   */
  async due(channels: ChannelName[], now: Date, limit: number): Promise<{ _id: ObjectId; at: Date }[]> {
    const searches = channels.flatMap((channel) => [
      ...(['QUEUED', 'FAILED'] as const).map((status) =>
        this.deliveries
          .find({ status, channel, nextAttemptAt: { $lte: now } }, { projection: { _id: 1, nextAttemptAt: 1 } })
          .sort({ nextAttemptAt: 1 })
          .limit(limit)
          .toArray(),
      ),
      // A worker died mid-send: its lease ran out.
      this.deliveries
        .find({ status: 'SENDING', channel, leaseUntil: { $lte: now } }, { projection: { _id: 1, nextAttemptAt: 1 } })
        .limit(limit)
        .toArray(),
    ]);
    const found = (await Promise.all(searches)).flat();
    return found
      .map((d) => ({ _id: d._id, at: d.nextAttemptAt }))
      .sort((a, b) => a.at.getTime() - b.at.getTime())
      .slice(0, limit);
  }

  /**
   * Claims the delivery for `leaseMs` if it is still due: one conditional update on its `_id`,
   * so of two instances that found it only one gets it. Null when another got there first.
   */
  claim(id: ObjectId, now: Date, leaseMs: number): Promise<DeliveryDocument | null> {
    return this.deliveries.findOneAndUpdate(
      {
        _id: id,
        $or: [
          { status: { $in: ['QUEUED', 'FAILED'] }, nextAttemptAt: { $lte: now } },
          { status: 'SENDING', leaseUntil: { $lte: now } },
        ],
      },
      {
        $set: { status: 'SENDING', leaseUntil: new Date(now.getTime() + leaseMs), updatedAt: now },
        $inc: { attempts: 1 },
      },
      { returnDocument: 'after' },
    );
  }

  /** Records how the attempt ended; only the holder of the claim (status SENDING, this attempt) may. */
  async settle(
    claimed: DeliveryDocument,
    outcome:
      | { status: 'SENT'; providerId: string | null }
      | { status: 'FAILED'; reason: string; nextAttemptAt: Date }
      | { status: 'DEAD'; reason: string }
      | { status: 'QUEUED'; reason: string; nextAttemptAt: Date; uncount: true },
    now: Date,
  ): Promise<boolean> {
    const reason = outcome.status === 'SENT' ? null : outcome.reason;
    const set: Partial<DeliveryDocument> = { status: outcome.status, leaseUntil: null, updatedAt: now };
    if (outcome.status === 'SENT') Object.assign(set, { sentAt: now, providerId: outcome.providerId, lastError: null });
    else set.lastError = reason;
    if (outcome.status === 'FAILED' || outcome.status === 'QUEUED') set.nextAttemptAt = outcome.nextAttemptAt;
    const result = await this.deliveries.updateOne(
      { _id: claimed._id, status: 'SENDING', attempts: claimed.attempts },
      {
        $set: set,
        $push: { history: { status: outcome.status, at: now, reason } },
        ...(outcome.status === 'QUEUED' ? { $inc: { attempts: -1 } } : {}),
      },
    );
    return result.modifiedCount === 1;
  }

  forUser(userId: string, args: PageArgs): Promise<Connection<DeliveryDocument>> {
    return paginate(this.deliveries, { userId }, args, (doc) => doc);
  }

  forNotification(notificationId: string): Promise<DeliveryDocument[]> {
    return this.deliveries.find({ notificationId }).toArray();
  }

  /** For tests and the bench: a user's deliveries on a channel. */
  byUserAndChannel(userId: string, channel: ChannelName): Promise<DeliveryDocument[]> {
    return this.deliveries.find({ userId, channel }).toArray();
  }
}
