import type { Collection, Db, ObjectId } from 'mongodb';

/** A durable append the bus refused, waiting to be appended later. */
export interface StreamOutboxEntry {
  /** Generated when the append was tried: the relay sends entries in this order. */
  _id: ObjectId;
  stream: string;
  /** The event's JSON, exactly as the bus would have carried it (no field-name limits, no BSON types). */
  payload: string;
  queuedAt: Date;
  /** Why the bus did not take it. */
  error: string;
}

/**
 * The outbox collection. Every filter is on `_id` alone, which FerretDB answers from its index
 * (any other filter is a scan), and the oldest-first read sorts on it: no index to declare.
 */
export class StreamOutboxStore {
  private readonly entries: Collection<StreamOutboxEntry>;

  constructor(db: Db, collection: string) {
    this.entries = db.collection<StreamOutboxEntry>(collection);
  }

  /** Also puts back a claimed entry whose append failed: same `_id`, so it keeps its place. */
  async add(entry: StreamOutboxEntry): Promise<void> {
    await this.entries.insertOne(entry);
  }

  oldest(limit: number): Promise<StreamOutboxEntry[]> {
    return this.entries.find().sort({ _id: 1 }).limit(limit).toArray();
  }

  /**
   * Takes the entry out: true for the one caller whose delete removed it, false when another
   * relay took it first. Not `findOneAndDelete`: FerretDB 1.24 can hand the same document to
   * two concurrent callers of that one, while its `deletedCount` is exact.
   */
  async claim(id: ObjectId): Promise<boolean> {
    return (await this.entries.deleteOne({ _id: id })).deletedCount === 1;
  }
}
