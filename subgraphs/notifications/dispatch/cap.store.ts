import type { Collection, Db } from 'mongodb';

interface CapDocument {
  /** `<userId>|<hour bucket>` */
  _id: string;
  count: number;
  hourStart: Date;
}

/** Interrupting deliveries per user per clock hour (NOTIFY_USER_HOURLY_CAP), counted with one atomic `$inc`. */
export class CapStore {
  static readonly collection = 'notification_caps';
  private readonly caps: Collection<CapDocument>;

  constructor(db: Db) {
    this.caps = db.collection<CapDocument>(CapStore.collection);
  }

  init(): Promise<void> {
    return Promise.resolve();
  }

  /** Counts one more for the user's current hour; true while the count stays within `cap`. */
  async take(userId: string, now: Date, cap: number): Promise<boolean> {
    const hourStart = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);
    const doc = await this.caps.findOneAndUpdate(
      { _id: `${userId}|${hourStart.getTime()}` },
      { $inc: { count: 1 }, $setOnInsert: { hourStart } },
      { upsert: true, returnDocument: 'after' },
    );
    return (doc?.count ?? 1) <= cap;
  }

  async deleteOlderThan(cutoff: Date): Promise<number> {
    return (await this.caps.deleteMany({ hourStart: { $lt: cutoff } })).deletedCount;
  }
}
