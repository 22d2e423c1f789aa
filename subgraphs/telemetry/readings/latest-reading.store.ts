import type { Collection, Db } from 'mongodb';
import { seriesKey, type TimedReading } from './series.js';

/** `recordedAt` must stay the first field: `record` relies on it. */
interface LatestValue {
  recordedAt: Date;
  value: number;
  pid: string;
  name: string;
  unit: string;
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
   * Keeps, per series, whichever value was measured last, whatever order uploads arrive in, in
   * one atomic upsert: `$max` on a sub-document compares its fields in order, and `recordedAt`
   * comes first, so the newer measurement wins (on a tie, the larger value). This is BSON's
   * documented comparison order, which FerretDB follows too.
   */
  async record(vehicleId: string, readings: readonly TimedReading[]): Promise<void> {
    const newest: Record<string, LatestValue> = {};
    for (const r of readings) {
      const path = `values.${seriesKey(r.pid, r.name)}`;
      const current = newest[path];
      if (current && current.recordedAt > r.recordedAt) continue;
      // Field order matters: see above.
      newest[path] = { recordedAt: r.recordedAt, value: r.value, pid: r.pid, name: r.name, unit: r.unit };
    }
    if (Object.keys(newest).length === 0) return;
    // Filtered on `_id` alone: should two first uploads race to create the document, MongoDB
    // retries the loser's insert as an update, and the embedded database runs them in turn.
    await this.latest.updateOne({ _id: String(vehicleId) }, { $max: newest }, { upsert: true });
  }

  /** The vehicle's latest values, ordered by PID then name. */
  async find(vehicleId: string): Promise<LatestValue[]> {
    const doc = await this.latest.findOne({ _id: String(vehicleId) });
    return Object.values(doc?.values ?? {}).sort((a, b) => a.pid.localeCompare(b.pid) || a.name.localeCompare(b.name));
  }
}
