import type { AnyBulkWriteOperation, Collection, Db, Document, ObjectId } from 'mongodb';
import { ensureIndexes } from '../../../platform/mongo/indexes.js';
import { BUCKET_SPAN_MS, DEFAULT_BUCKET_CAPACITY, planBucketWrites, summarise } from './bucketing.js';
import type { PartialAggregate } from './downsample.js';
import type { TimedReading } from './series.js';
import { toSnapshots, type Snapshot } from './snapshot.js';

interface SeriesDocument {
  pid: string;
  name: string;
  unit: string;
  count: number;
  sum: number;
  min: number;
  max: number;
  points: { t: Date; v: number }[];
}

/** The bucket pattern: one vehicle's readings of one UTC hour, up to `capacity` per document. */
export interface BucketDocument {
  _id: ObjectId;
  vehicleId: string;
  /** Start of the hour. */
  start: Date;
  /** Readings in this document, all series together; the capacity check reads it. */
  count: number;
  first: Date;
  last: Date;
  /** Keyed by `seriesKey`. */
  series: Record<string, SeriesDocument>;
}

export class ReadingStore {
  private readonly buckets: Collection<BucketDocument>;

  constructor(
    db: Db,
    private readonly capacity = DEFAULT_BUCKET_CAPACITY,
  ) {
    this.buckets = db.collection<BucketDocument>('reading_buckets');
  }

  init(): Promise<void> {
    return ensureIndexes(this.buckets, [
      // Appends find the open document of an hour; queries scan a vehicle's hours in order.
      { key: { vehicleId: 1, start: 1 } },
      // The retention job deletes by age across vehicles.
      { key: { start: 1 } },
    ]);
  }

  /**
   * One upsert per hour and chunk, in one round trip. The filter only matches a document with
   * room for the whole chunk; when none has, the upsert starts a new document for that hour.
   */
  async append(vehicleId: string, readings: readonly TimedReading[]): Promise<void> {
    const operations: AnyBulkWriteOperation<BucketDocument>[] = planBucketWrites(readings, this.capacity).map(
      (write) => {
        const times = write.readings.map((r) => r.recordedAt.getTime());
        const update: Record<string, Document> = {
          $inc: { count: write.readings.length },
          $min: { first: new Date(Math.min(...times)) },
          $max: { last: new Date(Math.max(...times)) },
          $set: {},
          $push: {},
        };
        for (const s of summarise(write.readings)) {
          const at = `series.${s.key}`;
          Object.assign(update.$inc, { [`${at}.count`]: s.count, [`${at}.sum`]: s.sum });
          Object.assign(update.$min, { [`${at}.min`]: s.min });
          Object.assign(update.$max, { [`${at}.max`]: s.max });
          Object.assign(update.$set, { [`${at}.pid`]: s.pid, [`${at}.name`]: s.name, [`${at}.unit`]: s.unit });
          Object.assign(update.$push, { [`${at}.points`]: { $each: s.points } });
        }
        return {
          updateOne: {
            filter: {
              vehicleId: String(vehicleId),
              start: write.start,
              count: { $lte: this.capacity - write.readings.length },
            },
            update,
            upsert: true,
          },
        };
      },
    );
    if (operations.length > 0) await this.buckets.bulkWrite(operations, { ordered: false });
  }

  /** The per-document summaries of one series, for charts in whole hours. */
  async summaries(vehicleId: string, key: string, from: Date, to: Date): Promise<PartialAggregate[]> {
    const path = `series.${key}`;
    const docs = await this.buckets
      .find(this.range(vehicleId, from, to), {
        projection: { start: 1, [`${path}.count`]: 1, [`${path}.sum`]: 1, [`${path}.min`]: 1, [`${path}.max`]: 1 },
      })
      .toArray();
    return docs.flatMap((doc) => {
      const s = doc.series?.[key];
      return s && s.count > 0 ? [{ start: doc.start, count: s.count, sum: s.sum, min: s.min, max: s.max }] : [];
    });
  }

  /** Raw points of one series in [from, to), in no particular order. */
  async *points(vehicleId: string, key: string, from: Date, to: Date): AsyncGenerator<{ t: Date; v: number }> {
    const cursor = this.buckets.find(this.range(vehicleId, from, to), { projection: { [`series.${key}.points`]: 1 } });
    for await (const doc of cursor) {
      for (const p of doc.series?.[key]?.points ?? []) {
        if (p.t >= from && p.t < to) yield p;
      }
    }
  }

  /**
   * Several series in [from, to) as snapshots in time order, an hour at a time, so analyses
   * over weeks of data hold one hour in memory, not the whole range.
   */
  async *snapshots(vehicleId: string, keys: readonly string[], from: Date, to: Date): AsyncGenerator<Snapshot> {
    const projection = Object.fromEntries([['start', 1], ...keys.map((k) => [`series.${k}.points`, 1])]);
    const cursor = this.buckets.find(this.range(vehicleId, from, to), { projection }).sort({ start: 1, _id: 1 });
    let hour: number | undefined;
    let points: { key: string; t: number; v: number }[] = [];
    const flush = function* () {
      yield* toSnapshots(points);
      points = [];
    };
    const lo = from.getTime();
    const hi = to.getTime();
    for await (const doc of cursor) {
      if (hour !== undefined && doc.start.getTime() !== hour) yield* flush();
      hour = doc.start.getTime();
      for (const key of keys) {
        for (const p of doc.series?.[key]?.points ?? []) {
          const t = p.t.getTime();
          if (t >= lo && t < hi) points.push({ key, t, v: p.v });
        }
      }
    }
    yield* flush();
  }

  /** Deletes every bucket whose whole hour is older than `cutoff`. */
  async deleteOlderThan(cutoff: Date): Promise<number> {
    const result = await this.buckets.deleteMany({ start: { $lt: new Date(cutoff.getTime() - BUCKET_SPAN_MS) } });
    return result.deletedCount;
  }

  private range(vehicleId: string, from: Date, to: Date) {
    // A document's readings lie in [start, start + 1 h): it overlaps [from, to) when start > from - 1 h.
    return { vehicleId: String(vehicleId), start: { $gt: new Date(from.getTime() - BUCKET_SPAN_MS), $lt: to } };
  }
}
