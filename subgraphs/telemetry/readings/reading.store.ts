import { LRUCache } from 'lru-cache';
import type { Collection, Db, Document } from 'mongodb';
import { ensureIndexes, type IndexDeclaration } from '../../../platform/mongo/indexes.js';
import { BUCKET_SPAN_MS, DEFAULT_BUCKET_CAPACITY, planBucketWrites, summarise } from './bucketing.js';
import type { PartialAggregate } from './downsample.js';
import type { TimedReading } from './series.js';
import { toSnapshots, type Snapshot } from './snapshot.js';
import {
  chunkDocuments,
  DEFAULT_OWN_CAPACITY,
  DEFAULT_SLOT_MS,
  type ChunkDocuments,
  planUploadChunks,
  type UploadChunk,
} from './upload-placement.js';
import { isDuplicateKey } from '../../../platform/mongo/duplicate-key.js';

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
  /** Keyed by upload id (upload-placement.ts): the uploads whose readings this document holds. */
  receipts?: Record<string, UploadReceipt>;
}

/** What a document keeps of an upload whose readings it holds: enough to answer its retry. */
export interface UploadReceipt {
  /** The request's fingerprint (a prefix is enough), so that a key reused for another upload is caught. */
  f: string;
  /** The upload's result, in the document of its first chunk only. */
  r?: Document;
}

/** An upload to store once: its id (from its idempotency key), fingerprint and result. */
export interface UploadIdentity {
  id: string;
  fingerprint: string;
  result: Document;
  /** False for an upload without an idempotency key: nothing to answer a retry with. */
  receipts: boolean;
}

export interface AppendOnceOutcome {
  /** The readings this call stored (none when every chunk was there already). */
  stored: TimedReading[];
  /** The result kept by the upload's first try, when its first chunk was stored before. */
  earlier: Document | null;
  /** A chunk's document holds this upload id with another fingerprint: the key was reused. */
  conflict: boolean;
}

/** Where a vehicle's hour is being filled, as far as this process knows: a hint the database checks. */
interface OpenDocument {
  seq: number;
  /** Readings this process has sent to it (other instances may have added some). */
  count: number;
}

/** Far beyond any real hour: a guard against looping, not a limit. */
const MAX_SEQUENCE = 100_000;

const bucketId = (hour: string, seq: number) => `${hour}:${seq}`;
const sequenceOf = (id: string) => Number(id.slice(id.lastIndexOf(':') + 1));

/** What one chunk adds to its bucket document. */
function bucketUpdate(vehicleId: string, start: Date, readings: readonly TimedReading[]): Record<string, Document> {
  const times = readings.map((r) => r.recordedAt.getTime());
  return bucketUpdateSpanning(vehicleId, start, readings, new Date(Math.min(...times)), new Date(Math.max(...times)));
}

function bucketUpdateSpanning(
  vehicleId: string,
  start: Date,
  readings: readonly TimedReading[],
  first: Date,
  last: Date,
): Record<string, Document> {
  const update: Record<string, Document> = {
    $setOnInsert: { vehicleId, start },
    $inc: { count: readings.length },
    $min: { first },
    $max: { last },
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

/** A chunk's update, with the upload's receipt: `$set` and `$push` left out when empty. */
function chunkUpdate(vehicleId: string, chunk: UploadChunk, receipt: [string, UploadReceipt] | null) {
  const update = bucketUpdateSpanning(vehicleId, chunk.start, chunk.readings, chunk.first, chunk.last);
  if (receipt) update.$set[`receipts.${receipt[0]}`] = receipt[1];
  for (const op of ['$set', '$push']) if (Object.keys(update[op]).length === 0) delete update[op];
  return update;
}

/**
 * A chunk's own document, whole: what `chunkUpdate` makes of no document, written as one insert.
 * An upload's own document is never written again, so it needs no update operators, which cost
 * the embedded database most of its CPU per upload (it checks an update's paths against each
 * other, about 180 of them for a chunk of 20 series, before applying them one by one).
 */
function chunkDocument(
  _id: string,
  vehicleId: string,
  chunk: UploadChunk,
  receipt: [string, UploadReceipt] | null,
): BucketDocument {
  const start = chunk.start.getTime();
  const series: Record<string, SeriesDocument> = {};
  for (const s of summarise(chunk.readings)) {
    series[s.key] = {
      pid: s.pid,
      name: s.name,
      unit: s.unit,
      count: s.count,
      sum: s.sum,
      min: s.min,
      max: s.max,
      t: s.points.map((p) => p.t.getTime() - start),
      v: s.points.map((p) => p.v),
    };
  }
  const doc: BucketDocument = {
    _id,
    vehicleId,
    start: chunk.start,
    count: chunk.readings.length,
    first: chunk.first,
    last: chunk.last,
    series,
  };
  if (receipt) doc.receipts = { [receipt[0]]: receipt[1] };
  return doc;
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
    private readonly slotMs = DEFAULT_SLOT_MS,
    /** Readings an upload's own document holds at most (upload-placement.ts). */
    private readonly ownCapacity = DEFAULT_OWN_CAPACITY,
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
        if (!isDuplicateKey(error)) throw error;
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
   * Stores an upload's readings once, however often it is retried and in whichever process: each
   * chunk (upload-placement.ts) is one write into a document that the upload alone decides, and
   * the same write leaves the receipt: an upsert into a shared document on condition that it
   * holds no receipt of the upload yet and has room, or an insert of the upload's own document,
   * which only a try of the same upload can have written. A retry's chunk finds its receipt and stores nothing;
   * a chunk a failed try did not store is stored by the retry. The first chunk's receipt keeps
   * the upload's result, which a retry gets back (`earlier`). Chunks go one after another.
   * The filter is `_id` plus conditions checked on that one document: the embedded FerretDB
   * build holds that `_id`'s write lock across its read-check-write (scripts/install-ferretdb.sh),
   * so, as on MongoDB, of two tries racing for a document exactly one leaves its receipt.
   */
  async appendOnce(
    vehicleId: string,
    upload: UploadIdentity,
    readings: readonly TimedReading[],
    at: Date,
  ): Promise<AppendOnceOutcome> {
    const outcome: AppendOnceOutcome = { stored: [], earlier: null, conflict: false };
    const chunks = planUploadChunks(readings, at, this.capacity, this.ownCapacity);
    for (const [index, chunk] of chunks.entries()) {
      const receipt: UploadReceipt =
        index === 0 ? { f: upload.fingerprint, r: upload.result } : { f: upload.fingerprint };
      const docs = chunkDocuments(String(vehicleId), upload.id, chunk, index, this.capacity, this.slotMs);
      const found = await this.storeChunk(String(vehicleId), docs, upload, chunk, upload.receipts ? receipt : null);
      if (!found) {
        outcome.stored.push(...chunk.readings);
        continue;
      }
      if (found.f !== upload.fingerprint) return { ...outcome, conflict: true };
      if (index === 0) outcome.earlier = found.r ?? null;
    }
    return outcome;
  }

  /**
   * Stores one chunk (null), or finds the receipt of the try that stored it before. A shared
   * document takes the chunk by a conditional upsert; the upload's own document is inserted
   * whole, and an `_id` taken means a try of this upload stored it already.
   */
  private async storeChunk(
    vehicleId: string,
    docs: ChunkDocuments,
    upload: UploadIdentity,
    chunk: UploadChunk,
    receipt: UploadReceipt | null,
  ): Promise<UploadReceipt | null> {
    const entry: [string, UploadReceipt] | null = receipt ? [upload.id, receipt] : null;
    const first = docs.shared
      ? await this.upsertOnce(docs.first, upload, chunkUpdate(vehicleId, chunk, entry), chunk.readings.length)
      : await this.insertOnce(chunkDocument(docs.first, vehicleId, chunk, entry));
    if (first === 'stored') return null;
    // The document is there and refused the chunk: it holds the upload already, or (shared) has no room.
    const inFirst = upload.receipts ? await this.receipt(docs.first, upload.id) : null;
    if (inFirst || !docs.overflow) return inFirst ?? this.missingReceipt(upload);
    if ((await this.insertOnce(chunkDocument(docs.overflow, vehicleId, chunk, entry))) === 'stored') return null;
    return (await this.receipt(docs.overflow, upload.id)) ?? this.missingReceipt(upload);
  }

  /** One insert of an upload's own document: 'exists' when a try of the upload inserted it before. */
  private async insertOnce(doc: BucketDocument): Promise<'stored' | 'exists'> {
    try {
      await this.buckets.insertOne(doc);
      return 'stored';
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      return 'exists';
    }
  }

  private missingReceipt(upload: UploadIdentity): never {
    // An upload's own document is written with its receipt, in one update: it cannot lack it.
    throw new Error(`a bucket document of upload ${upload.id} lacks its receipt`);
  }

  /** One conditional upsert into a shared document: 'stored', or 'exists' when the document is there and refused it. */
  private async upsertOnce(
    _id: string,
    upload: UploadIdentity,
    update: Record<string, Document>,
    size: number,
  ): Promise<'stored' | 'exists'> {
    const filter: Document = { _id, count: { $lte: this.capacity - size } };
    if (upload.receipts) filter[`receipts.${upload.id}`] = { $exists: false };
    try {
      await this.buckets.updateOne(filter, update, { upsert: true });
      return 'stored';
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      return 'exists';
    }
  }

  private async receipt(_id: string, upload: string): Promise<UploadReceipt | null> {
    const doc = await this.buckets.findOne({ _id }, { projection: { [`receipts.${upload}`]: 1 } });
    return doc?.receipts?.[upload] ?? null;
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
    // appendOnce's documents in the same hour have no sequence number.
    return docs.reduce((newest, doc) => Math.max(newest, sequenceOf(doc._id) || 0), 0);
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
