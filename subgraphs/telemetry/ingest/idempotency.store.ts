import type { Collection, Db, Document } from 'mongodb';
import { ensureIndexes } from '../../../platform/mongo/indexes.js';

/** A claim on (vehicle, key): `pending` while the first upload runs, `done` with its result after. */
export interface IdempotencyDocument<T extends Document = Document> {
  /** `<vehicleId>:<key>`: the unique `_id` is what makes claiming race-safe (of two inserts, one fails). */
  _id: string;
  vehicleId: string;
  key: string;
  /** Hash of the request, so a key reused for another batch is caught. */
  fingerprint: string;
  state: 'pending' | 'done';
  result: T | null;
  createdAt: Date;
  updatedAt: Date;
}

const DUPLICATE_KEY = 11000;

/** Vehicle ids hold no ':' (checked at ingestion), so the pair maps to one id and back. */
const claimId = (vehicleId: string, key: string) => `${String(vehicleId)}:${String(key)}`;

export class IdempotencyStore {
  private readonly claims: Collection<IdempotencyDocument>;

  constructor(db: Db) {
    this.claims = db.collection<IdempotencyDocument>('ingest_idempotency');
  }

  init(): Promise<void> {
    // Claims are found by _id; the retention job deletes by age.
    return ensureIndexes(this.claims, [{ key: { createdAt: 1 } }]);
  }

  /** Returns the new claim's id, or null when (vehicle, key) is claimed already. */
  async insertClaim(vehicleId: string, key: string, fingerprint: string, now: Date): Promise<string | null> {
    const _id = claimId(vehicleId, key);
    try {
      await this.claims.insertOne({
        _id,
        vehicleId: String(vehicleId),
        key: String(key),
        fingerprint,
        state: 'pending',
        result: null,
        createdAt: now,
        updatedAt: now,
      });
      return _id;
    } catch (error) {
      if ((error as { code?: number }).code === DUPLICATE_KEY) return null;
      throw error;
    }
  }

  find(vehicleId: string, key: string): Promise<IdempotencyDocument | null> {
    return this.claims.findOne({ _id: claimId(vehicleId, key) });
  }

  /** Deletes a pending claim untouched since `staleBefore`: its owner died mid-run. */
  async releaseIfStale(id: string, staleBefore: Date): Promise<void> {
    await this.claims.deleteOne({ _id: id, state: 'pending', updatedAt: { $lt: staleBefore } });
  }

  async complete(id: string, result: Document, now: Date): Promise<void> {
    await this.claims.updateOne({ _id: id }, { $set: { state: 'done', result, updatedAt: now } });
  }

  /** Gives the key back after a failed upload, so that a retry runs it again. */
  async release(id: string): Promise<void> {
    await this.claims.deleteOne({ _id: id, state: 'pending' });
  }

  async deleteOlderThan(cutoff: Date): Promise<number> {
    return (await this.claims.deleteMany({ createdAt: { $lt: cutoff } })).deletedCount;
  }
}
