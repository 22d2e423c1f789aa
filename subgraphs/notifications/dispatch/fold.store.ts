import { ObjectId, type Collection, type Db } from 'mongodb';
import { isDuplicateKey } from '../../../platform/mongo/duplicate-key.js';

/**
 * The flap window: one per user and fold key (`alert:<vehicle>:<rule>`). The first event of a
 * window opens it and owns a new inbox entry with interrupting deliveries; every event until it
 * closes (NOTIFY_DEDUPE_MINUTES later) folds into that entry and sends nothing more.
 */
export interface FoldDocument {
  _id: string;
  notificationId: ObjectId;
  /** The source that opened the window: its redelivery is still the owner. */
  openedBy: string;
  windowEndsAt: Date;
}

export type FoldClaim = { owner: boolean; notificationId: ObjectId };

export class FoldStore {
  static readonly collection = 'notification_folds';
  private readonly folds: Collection<FoldDocument>;

  constructor(db: Db) {
    this.folds = db.collection<FoldDocument>(FoldStore.collection);
  }

  init(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * Opens the window unless an open one exists, in one conditional upsert: two instances
   * handling two flaps at once cannot both open it (the loser's insert hits the `_id`).
   */
  async claim(userId: string, foldKey: string, sourceKey: string, now: Date, windowMs: number): Promise<FoldClaim> {
    const _id = `${userId}|${foldKey}`;
    const notificationId = new ObjectId();
    try {
      await this.folds.updateOne(
        { _id, windowEndsAt: { $lte: now } },
        { $set: { notificationId, openedBy: sourceKey, windowEndsAt: new Date(now.getTime() + windowMs) } },
        { upsert: true },
      );
      return { owner: true, notificationId };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    const open = await this.folds.findOne({ _id });
    if (!open) return this.claim(userId, foldKey, sourceKey, now, windowMs);
    return { owner: open.openedBy === sourceKey, notificationId: open.notificationId };
  }

  /** Retention: windows closed before `cutoff`. */
  async deleteClosedBefore(cutoff: Date): Promise<number> {
    return (await this.folds.deleteMany({ windowEndsAt: { $lt: cutoff } })).deletedCount;
  }
}
