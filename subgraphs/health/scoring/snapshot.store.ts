import type { Collection, Db } from 'mongodb';
import { ensureIndexes } from '../../../platform/mongo/indexes.js';
import type { SnapshotRecord } from '../consumer/effects.js';

/** One document per vehicle and UTC day, `_id: <vehicleId>:<day>`: rewriting a day is an idempotent upsert. */
export interface SnapshotDocument extends Omit<SnapshotRecord, 'at'> {
  _id: string;
  at: Date;
}

export class SnapshotStore {
  private readonly snapshots: Collection<SnapshotDocument>;

  constructor(db: Db) {
    this.snapshots = db.collection<SnapshotDocument>('health_snapshots');
  }

  init(): Promise<void> {
    return ensureIndexes(this.snapshots, [
      { key: { vehicleId: 1, day: 1 } },
      // The retention job deletes by age across vehicles.
      { key: { at: 1 } },
    ]);
  }

  /**
   * Keeps the later of two writes of one day, whatever order they arrive in. Filtered by `_id`
   * alone (FerretDB scans the collection for anything else); a race between two writers of one
   * vehicle-day can at worst keep the earlier of two snapshots taken within the hour.
   */
  async record(snapshot: SnapshotRecord): Promise<void> {
    const _id = `${snapshot.vehicleId}:${snapshot.day}`;
    const at = new Date(snapshot.at);
    const existing = await this.snapshots.findOne({ _id }, { projection: { at: 1 } });
    if (existing && existing.at >= at) return;
    const { vehicleId, day, score, grade, parts } = snapshot;
    await this.snapshots
      .updateOne({ _id }, { $set: { vehicleId, day, at, score, grade, parts } }, { upsert: true })
      .catch((error: { code?: number }) => {
        // Another writer created the day at the same moment; its snapshot is as recent.
        if (error.code !== 11000) throw error;
      });
  }

  /** Days from `fromDay` to `toDay` (inclusive, YYYY-MM-DD), oldest first. */
  between(vehicleId: string, fromDay: string, toDay: string): Promise<SnapshotDocument[]> {
    const id = String(vehicleId);
    // A range of _id (days are fixed-width): answered from the primary key on both databases.
    return this.snapshots
      .find({ _id: { $gte: `${id}:${fromDay}`, $lte: `${id}:${toDay}` }, vehicleId: id })
      .sort({ day: 1 })
      .toArray();
  }

  /** Deletes the days whose last snapshot was taken before `cutoff`; returns how many went. */
  async deleteOlderThan(cutoff: Date): Promise<number> {
    return (await this.snapshots.deleteMany({ at: { $lt: cutoff } })).deletedCount;
  }
}
