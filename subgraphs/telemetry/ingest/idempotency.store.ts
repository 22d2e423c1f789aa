import type { Collection, Db } from 'mongodb';
import { ensureIndexes, type IndexDeclaration } from '../../../platform/mongo/indexes.js';
import { isDuplicateKey } from '../../../platform/mongo/duplicate-key.js';

/**
 * The time the server gave an upload that named none (`recordedAt` left out), kept per
 * (vehicle, key) so that a retry is stored under the first try's time, and so in the same bucket
 * documents, where its receipt is found (upload-placement.ts). Uploads that carry their times
 * need no such document.
 */
export interface IdempotencyDocument {
  /** `<vehicleId>:<key>`: the unique `_id` decides between concurrent first tries (of two inserts, one fails). */
  _id: string;
  vehicleId: string;
  key: string;
  /** Hash of the request, so that a key reused for another upload is caught. */
  fingerprint: string;
  /** The server's time for the upload. Missing on keys written before it was kept. */
  at?: Date;
  createdAt: Date;
}

/** Vehicle ids hold no ':' (checked at ingestion), so the pair maps to one id and back. */
const keyId = (vehicleId: string, key: string) => `${String(vehicleId)}:${String(key)}`;

/** Old keys are swept by their creation time. */
export const IDEMPOTENCY_INDEXES: IndexDeclaration[] = [{ key: { createdAt: 1 } }];

export class IdempotencyStore {
  static readonly collection = 'ingest_idempotency';

  private readonly keys: Collection<IdempotencyDocument>;

  constructor(db: Db) {
    this.keys = db.collection<IdempotencyDocument>(IdempotencyStore.collection);
  }

  init(): Promise<void> {
    // Keys are found by _id; the retention job deletes by age.
    return ensureIndexes(this.keys, IDEMPOTENCY_INDEXES);
  }

  /** Keeps `at` for (vehicle, key) unless a try kept one before: returns the document that holds. */
  async pin(vehicleId: string, key: string, fingerprint: string, at: Date): Promise<IdempotencyDocument> {
    const doc: IdempotencyDocument = {
      _id: keyId(vehicleId, key),
      vehicleId: String(vehicleId),
      key: String(key),
      fingerprint,
      at,
      createdAt: at,
    };
    try {
      await this.keys.insertOne(doc);
      return doc;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    const existing = await this.keys.findOne({ _id: doc._id });
    if (!existing) throw new Error(`idempotency key ${doc._id} vanished while it was read`);
    return existing;
  }

  async deleteOlderThan(cutoff: Date): Promise<number> {
    return (await this.keys.deleteMany({ createdAt: { $lt: cutoff } })).deletedCount;
  }
}
