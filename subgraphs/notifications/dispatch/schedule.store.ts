import type { Collection, Db } from 'mongodb';
import type { NotificationRequest } from './dispatcher.js';

/** A notification to dispatch later (a booking reminder), keyed so that a newer plan replaces an older one. */
interface ScheduledDocument {
  /** `reminder:<bookingId>`: one reminder per booking, moved when the booking moves. */
  _id: string;
  dueAt: Date;
  request: NotificationRequest;
  /** Claimed by a scheduler run until then (two instances never dispatch one twice at once). */
  leaseUntil: Date | null;
}

export const SCHEDULE_INDEXES = [{ key: { dueAt: 1 } }];

export class ScheduleStore {
  static readonly collection = 'notification_schedule';
  private readonly scheduled: Collection<ScheduledDocument>;

  constructor(db: Db) {
    this.scheduled = db.collection<ScheduledDocument>(ScheduleStore.collection);
  }

  async init(): Promise<void> {
    await this.scheduled.createIndex({ dueAt: 1 });
  }

  async plan(key: string, dueAt: Date, request: NotificationRequest): Promise<void> {
    await this.scheduled.updateOne({ _id: key }, { $set: { dueAt, request, leaseUntil: null } }, { upsert: true });
  }

  async cancel(key: string): Promise<void> {
    await this.scheduled.deleteOne({ _id: key });
  }

  /** Claims the earliest due entry for `leaseMs`. */
  claim(now: Date, leaseMs: number): Promise<ScheduledDocument | null> {
    return this.scheduled.findOneAndUpdate(
      { dueAt: { $lte: now }, $or: [{ leaseUntil: null }, { leaseUntil: { $lte: now } }] },
      { $set: { leaseUntil: new Date(now.getTime() + leaseMs) } },
      { sort: { dueAt: 1 }, returnDocument: 'after' },
    );
  }

  /** Done: removed, unless it was re-planned meanwhile (its dueAt moved). */
  async done(entry: ScheduledDocument): Promise<void> {
    await this.scheduled.deleteOne({ _id: entry._id, dueAt: entry.dueAt });
  }
}
