import { ObjectId, type Collection, type Db } from 'mongodb';
import { paginate, type Connection, type PageArgs } from '../../../platform/graphql/pagination.js';
import { countMatching } from '../../../platform/mongo/count.js';
import { insertUnlessTaken } from '../../../platform/mongo/duplicate-key.js';
import { ensureIndexes, type IndexDeclaration } from '../../../platform/mongo/indexes.js';
import type { Category, Locale, NotificationKind, NotificationSeverity } from '../vocabulary.js';

/** One inbox entry: what one user was told, in their language, and what folded into it since. */
export interface NotificationDocument {
  _id: ObjectId;
  userId: string;
  /** The source event that opened the entry; unique per user, so a redelivery adds nothing. */
  sourceKey: string;
  /** Later source events folded into this entry (a flapping alert), each at most once. */
  foldedSources: string[];
  category: Category;
  kind: NotificationKind;
  severity: NotificationSeverity;
  locale: Locale;
  title: string;
  body: string;
  deepLink: string;
  data: Record<string, string>;
  readAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const NOTIFICATION_INDEXES: IndexDeclaration[] = [
  { key: { userId: 1, sourceKey: 1 }, options: { unique: true } },
  // The inbox, newest first, and its unread part (paginate sorts on _id).
  { key: { userId: 1, _id: -1 } },
  { key: { userId: 1, readAt: 1, _id: -1 } },
];

export type NewNotification = Omit<NotificationDocument, '_id' | 'foldedSources' | 'readAt' | 'updatedAt'>;
export type FoldUpdate = Pick<NotificationDocument, 'kind' | 'severity' | 'title' | 'body' | 'deepLink' | 'data'>;

/** The inbox; every filter is built here from ids the server established, never from client input. */
export class NotificationStore {
  static readonly collection = 'notifications';
  private readonly notifications: Collection<NotificationDocument>;

  constructor(db: Db) {
    this.notifications = db.collection<NotificationDocument>(NotificationStore.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.notifications, NOTIFICATION_INDEXES);
  }

  /**
   * Inserts the entry (with `id` when the fold window chose it) unless this user already has
   * one for the source; either way the entry for the source, and whether this call made it.
   */
  async insertOnce(
    entry: NewNotification,
    id = new ObjectId(),
  ): Promise<{ doc: NotificationDocument; created: boolean }> {
    const doc: NotificationDocument = {
      _id: id,
      ...entry,
      foldedSources: [],
      readAt: null,
      updatedAt: entry.createdAt,
    };
    if (await insertUnlessTaken(this.notifications, doc)) return { doc, created: true };
    const existing = await this.notifications.findOne({ userId: entry.userId, sourceKey: entry.sourceKey });
    if (existing) return { doc: existing, created: false };
    // The id was taken by the window's entry under another source: that is the entry.
    const byId = await this.notifications.findOne({ _id: id });
    if (!byId) throw new Error('notification insert collided with nothing');
    return { doc: byId, created: false };
  }

  /**
   * Folds a later source into the entry: the newest words, unread again, the source recorded.
   * Null when this source was folded before (a redelivery) or the entry is gone.
   */
  fold(id: ObjectId, sourceKey: string, update: FoldUpdate, at: Date): Promise<NotificationDocument | null> {
    return this.notifications.findOneAndUpdate(
      { _id: id, sourceKey: { $ne: sourceKey }, foldedSources: { $ne: sourceKey } },
      { $set: { ...update, readAt: null, updatedAt: at }, $push: { foldedSources: sourceKey } },
      { returnDocument: 'after' },
    );
  }

  byId(id: ObjectId): Promise<NotificationDocument | null> {
    return this.notifications.findOne({ _id: id });
  }

  page(userId: string, unreadOnly: boolean, args: PageArgs): Promise<Connection<NotificationDocument>> {
    const filter = unreadOnly ? { userId, readAt: null } : { userId };
    return paginate(this.notifications, filter, args, (doc) => doc);
  }

  unreadCount(userId: string): Promise<number> {
    return countMatching(this.notifications, { userId, readAt: null });
  }

  /** Marks these of the user's own entries read; ids of other users' entries match nothing. */
  async markRead(userId: string, ids: ObjectId[], at: Date): Promise<number> {
    if (ids.length === 0) return 0;
    const result = await this.notifications.updateMany(
      { _id: { $in: ids }, userId, readAt: null },
      { $set: { readAt: at, updatedAt: at } },
    );
    return result.modifiedCount;
  }

  /** For tests and the bench: a user's entries, newest first. */
  forUser(userId: string, limit = 100): Promise<NotificationDocument[]> {
    return this.notifications.find({ userId }).sort({ _id: -1 }).limit(limit).toArray();
  }
}
