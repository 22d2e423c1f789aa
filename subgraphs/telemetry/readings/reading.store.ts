import { LRUCache } from 'lru-cache';
import type { Collection, Db, Document } from 'mongodb';
import { ensureIndexes, type IndexDeclaration } from '../../../platform/mongo/indexes.js';
import { BUCKET_SPAN_MS, DEFAULT_BUCKET_CAPACITY, planBucketWrites, summarise } from './bucketing.js';
import type { PartialAggregate } from './downsample.js';
import type { TimedReading } from './series.js';
import { toSnapshots, type Snapshot } from './snapshot.js';

/**
 * One series of a bucket: a summary, then its points as two parallel columns, times as
 * milliseconds after the bucket's start. Columns take a third of the space of an array of
 * { t, v } objects, and FerretDB's cost per update grows with the document's size.
 */
interface SeriesDocument {
  pid: string;
  name: string;
  unit: string;
  count: number;
  sum: number;
  min: number;
  max: number;
  t: number[];
  v: number[];
}

/** The bucket pattern: one vehicle's readings of one UTC hour, up to `capacity` per document. */
export interface BucketDocument {
  /** `<vehicleId>:<start ms>:<seq>`: the hour's documents in the order they filled up. */
  _id: string;
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

/** Where a vehicle's hour is being filled, as far as this process knows: a hint the database checks. */
interface OpenDocument {
  seq: number;
  /** Readings this process has sent to it (other instances may have added some). */
  count: number;
}

const DUPLICATE_KEY = 11000;
/** Far beyond any real hour: a guard against looping, not a limit. */
const MAX_SEQUENCE = 100_000;

const bucketId = (hour: string, seq: number) => `${hour}:${seq}`;
const sequenceOf = (id: string) => Number(id.slice(id.lastIndexOf(':') + 1));

/** What one chunk adds to its bucket document. */
function bucketUpdate(vehicleId: string, start: Date, readings: readonly TimedReading[]): Record<string, Document> {
  const times = readings.map((r) => r.recordedAt.getTime());
  const update: Record<string, Document> = {
    $setOnInsert: { vehicleId, start },
    $inc: { count: readings.length },
    $min: { first: new Date(Math.min(...times)) },
    $max: { last: new Date(Math.max(...times)) },
    $set: {},
    $push: {},
  };
  for (const s of summarise(readings)) {
    const at = `series.${s.key}`;
    Object.assign(update.$inc, { [`${at}.count`]: s.count, [`${at}.sum`]: s.sum });
    Object.assign(update.$min, { [`${at}.min`]: s.min });
    Object.assign(update.$max, { [`${at}.max`]: s.max });
    Object.assign(update.$set, { [`${at}.pid`]: s.pid, [`${at}.name`]: s.name, [`${at}.unit`]: s.unit });
    Object.assign(update.$push, {
      [`${at}.t`]: { $each: s.points.map((p) => p.t.getTime() - start.getTime()) },
      [`${at}.v`]: { $each: s.points.map((p) => p.v) },
    });
  }
  return update;
}

const columnsOf = (keys: readonly string[]) =>
  Object.fromEntries([
    ['start', 1],
    ...keys.flatMap((k) => [
      [`series.${k}.t`, 1],
      [`series.${k}.v`, 1],
    ]),
  ]);

/** A series' points in [from, to), times in epoch milliseconds. */
function* pointsOf(doc: Pick<BucketDocument, 'start' | 'series'>, key: string, from: Date, to: Date) {
  const series = doc.series?.[key];
  if (!series?.t) return;
  const start = doc.start.getTime();
  for (let i = 0; i < series.t.length; i++) {
    const t = start + series.t[i];
    if (t >= from.getTime() && t < to.getTime()) yield { t, v: series.v[i] };
  }
}

export const READING_BUCKET_INDEXES: IndexDeclaration[] = [
  // Charts and analyses read a vehicle's hours in order; appends go by _id, and list an hour's
  // documents after a restart.
  { key: { vehicleId: 1, start: 1 } },
  // The retention job deletes by age across vehicles.
  { key: { start: 1 } },
];

export class ReadingStore {
  static readonly collection = 'reading_buckets';

  private readonly buckets: Collection<BucketDocument>;
  /** Per vehicle and hour, the document appends go to. Only saves round trips: the database decides. */
  private readonly open = new LRUCache<string, OpenDocument>({ max: 100_000 });

  constructor(
    db: Db,
    private readonly capacity = DEFAULT_BUCKET_CAPACITY,
  ) {
    this.buckets = db.collection<BucketDocument>(ReadingStore.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.buckets, READING_BUCKET_INDEXES);
  }

  /**
   * The bucket pattern with a fill cap, decided by the database: each chunk is one upsert into
   * `<vehicle>:<hour>:<seq>` on condition that the document has room for it. A full document
   * does not match, the upsert then collides with its `_id` (E11000), and the chunk goes on to
   * the next `seq`. Each update is atomic, so instances appending to one vehicle at once never
   * overfill a document nor lose a reading. Which `seq` to try first is only remembered here to
   * save round trips; after a restart the hour's documents are listed once.
   */
  async append(vehicleId: string, readings: readonly TimedReading[]): Promise<void> {
    for (const write of planBucketWrites(readings, this.capacity)) {
      await this.appendChunk(String(vehicleId), write.start, write.readings);
    }
  }

  private async appendChunk(vehicleId: string, start: Date, readings: readonly TimedReading[]): Promise<void> {
    const hour = `${vehicleId}:${start.getTime()}`;
    const size = readings.length;
    const update = bucketUpdate(vehicleId, start, readings);
    let hinted = this.open.has(hour);
    let seq = this.reserve(hour, size);
    for (;;) {
      try {
        await this.buckets.updateOne({ _id: bucketId(hour, seq), count: { $lte: this.capacity - size } }, update, {
          upsert: true,
        });
        return;
      } catch (error) {
        if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
      }
      // That document has no room for this chunk. Without a hint, skip to the hour's newest
      // document rather than trying every full one before it.
      const full = hinted ? seq : Math.max(seq, (await this.newestSequence(vehicleId, start)) - 1);
      hinted = true;
      seq = this.reserve(hour, size, full);
      if (seq > MAX_SEQUENCE) throw new Error(`bucket ${hour} has no room left`);
    }
  }

  /**
   * The `seq` to try for `size` more readings (past `full`, a document known to lack room), and
   * counts them in at once, so that appends to one vehicle in flight together in this process
   * go to different documents when one cannot take both, instead of racing for it.
   */
  private reserve(hour: string, size: number, full = -1): number {
    const cached = this.open.get(hour);
    let open = cached && cached.seq > full ? cached : { seq: full + 1, count: 0 };
    if (open.count + size > this.capacity) open = { seq: open.seq + 1, count: 0 };
    this.open.set(hour, { seq: open.seq, count: open.count + size });
    return open.seq;
  }

  /** The highest `seq` among the hour's documents (0 when there is none). */
  private async newestSequence(vehicleId: string, start: Date): Promise<number> {
    const docs = await this.buckets.find({ vehicleId, start }, { projection: { _id: 1 } }).toArray();
    return docs.reduce((newest, doc) => Math.max(newest, sequenceOf(doc._id)), 0);
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
    const cursor = this.buckets.find(this.range(vehicleId, from, to), { projection: columnsOf([key]) });
    for await (const doc of cursor) {
      for (const p of pointsOf(doc, key, from, to)) yield { t: new Date(p.t), v: p.v };
    }
  }

  /**
   * Several series in [from, to) as snapshots in time order, an hour at a time, so analyses
   * over weeks of data hold one hour in memory, not the whole range.
   */
  async *snapshots(vehicleId: string, keys: readonly string[], from: Date, to: Date): AsyncGenerator<Snapshot> {
    const cursor = this.buckets
      .find(this.range(vehicleId, from, to), { projection: columnsOf(keys) })
      // Hour by hour; the documents of one hour may come in any order (points are sorted by time).
      .sort({ start: 1 });
    let hour: number | undefined;
    let points: { key: string; t: number; v: number }[] = [];
    const flush = function* () {
      yield* toSnapshots(points);
      points = [];
    };
    for await (const doc of cursor) {
      if (hour !== undefined && doc.start.getTime() !== hour) yield* flush();
      hour = doc.start.getTime();
      for (const key of keys) {
        for (const p of pointsOf(doc, key, from, to)) points.push({ key, ...p });
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
