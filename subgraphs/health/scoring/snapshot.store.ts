import type { Collection, Db } from 'mongodb';
import { ensureIndexes, type IndexDeclaration } from '../../../platform/mongo/indexes.js';
import type { SnapshotRecord } from '../state-machine/effects.js';
import { isDuplicateKey } from '../../../platform/mongo/duplicate-key.js';

/** One document per vehicle and UTC day, `_id: <vehicleId>:<day>`: rewriting a day is an idempotent upsert. */
export interface SnapshotDocument extends Omit<SnapshotRecord, 'at'> {
  _id: string;
  at: Date;
}

export const SNAPSHOT_INDEXES: IndexDeclaration[] = [
  { key: { vehicleId: 1, day: 1 } },
  // The retention job deletes by age across vehicles.
  { key: { at: 1 } },
];

export class SnapshotStore {
  static readonly collection = 'health_snapshots';
  private readonly snapshots: Collection<SnapshotDocument>;

  constructor(db: Db) {
    this.snapshots = db.collection<SnapshotDocument>(SnapshotStore.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.snapshots, SNAPSHOT_INDEXES);
  }

  /**
   * Keeps the later of two writes of one day, whatever order they arrive in: one atomic upsert
   * that matches the day only while its snapshot is older. When it is not, the upsert's insert
   * collides with the day's `_id`, and the newer snapshot stays.
   */
  async record(snapshot: SnapshotRecord): Promise<void> {
    const _id = `${snapshot.vehicleId}:${snapshot.day}`;
    const at = new Date(snapshot.at);
    const { vehicleId, day, score, grade, parts } = snapshot;
    await this.snapshots
      .updateOne({ _id, at: { $lt: at } }, { $set: { vehicleId, day, at, score, grade, parts } }, { upsert: true })
      .catch((error: { code?: number }) => {
        if (!isDuplicateKey(error)) throw error;
      });
  }

  /** Days from `fromDay` to `toDay` (inclusive, YYYY-MM-DD), oldest first. */
  between(vehicleId: string, fromDay: string, toDay: string): Promise<SnapshotDocument[]> {
    return this.snapshots
      .find({ vehicleId: String(vehicleId), day: { $gte: String(fromDay), $lte: String(toDay) } })
      .sort({ day: 1 })
      .toArray();
  }

  /** Deletes the days whose last snapshot was taken before `cutoff`; returns how many went. */
  async deleteOlderThan(cutoff: Date): Promise<number> {
    return (await this.snapshots.deleteMany({ at: { $lt: cutoff } })).deletedCount;
  }
}
