import type { AnyBulkWriteOperation, Collection, Db } from 'mongodb';
import { seriesKey, type TimedReading } from './series.js';

const DUPLICATE_KEY = 11000;

interface LatestValue {
  pid: string;
  name: string;
  unit: string;
  value: number;
  recordedAt: Date;
}

/** One document per vehicle: the newest value of each series, keyed by `seriesKey`. */
interface LatestDocument {
  _id: string;
  values: Record<string, LatestValue>;
}

export class LatestReadingStore {
  private readonly latest: Collection<LatestDocument>;

  constructor(db: Db) {
    // Looked up by _id only: no secondary index to declare.
    this.latest = db.collection<LatestDocument>('latest_readings');
  }

  /**
   * Keeps, per series, whichever value was measured last, whatever order uploads arrive in: each
   * series is `$set` only when the stored value is older (or missing). The first operation makes
   * sure the document exists, so the conditional ones never need to upsert (which would clash on
   * `_id` when the condition is false).
   */
  async record(vehicleId: string, readings: readonly TimedReading[]): Promise<void> {
    const newest = new Map<string, TimedReading>();
    for (const r of readings) {
      const key = seriesKey(r.pid, r.name);
      const current = newest.get(key);
      if (!current || r.recordedAt >= current.recordedAt) newest.set(key, r);
    }
    if (newest.size === 0) return;
    const _id = String(vehicleId);
    const operations: AnyBulkWriteOperation<LatestDocument>[] = [
      { updateOne: { filter: { _id }, update: { $setOnInsert: { values: {} } }, upsert: true } },
    ];
    for (const [key, r] of newest) {
      const path = `values.${key}`;
      operations.push({
        updateOne: {
          filter: { _id, $or: [{ [path]: { $exists: false } }, { [`${path}.recordedAt`]: { $lt: r.recordedAt } }] },
          update: {
            $set: { [path]: { pid: r.pid, name: r.name, unit: r.unit, value: r.value, recordedAt: r.recordedAt } },
          },
        },
      });
    }
    try {
      await this.latest.bulkWrite(operations, { ordered: true });
    } catch (error) {
      // Two first uploads raced to create the document; it exists now, and every step is idempotent.
      if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
      await this.latest.bulkWrite(operations, { ordered: true });
    }
  }

  /** The vehicle's latest values, ordered by PID then name. */
  async find(vehicleId: string): Promise<LatestValue[]> {
    const doc = await this.latest.findOne({ _id: String(vehicleId) });
    return Object.values(doc?.values ?? {}).sort((a, b) => a.pid.localeCompare(b.pid) || a.name.localeCompare(b.name));
  }
}
