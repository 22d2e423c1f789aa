import type { Collection, Db } from 'mongodb';
import { isDuplicateKey } from '../../../platform/mongo/duplicate-key.js';
import type { IndexDeclaration } from '../../../platform/mongo/indexes.js';
import { ensureIndexes } from '../../../platform/mongo/indexes.js';

/**
 * One document per idempotency key in use, `_id: <customerId>:<key>`, inserted before anything
 * else a request does: of concurrent requests with one key exactly one goes on to claim a slot,
 * and the others wait for its booking instead of taking a second bay. A key whose request
 * failed is released; one whose writer died is taken over after a grace period.
 */
export interface RequestKeyDocument {
  _id: string;
  bookingId: string;
  claimedAt: Date;
}

/** Retention deletes old keys (the booking keeps its key for good). */
export const REQUEST_KEY_INDEXES: IndexDeclaration[] = [{ key: { claimedAt: 1 } }];

export class RequestKeyStore {
  static readonly collection = 'booking_request_keys';
  private readonly keys: Collection<RequestKeyDocument>;

  constructor(db: Db) {
    this.keys = db.collection<RequestKeyDocument>(RequestKeyStore.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.keys, REQUEST_KEY_INDEXES);
  }

  /** Null when the key is now ours; otherwise who holds it. */
  async claim(key: string, bookingId: string, now: Date): Promise<RequestKeyDocument | null> {
    try {
      await this.keys.insertOne({ _id: String(key), bookingId, claimedAt: now });
      return null;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    return this.keys.findOne({ _id: String(key) });
  }

  /** Gives a key back (its request stored nothing), only if `bookingId` still holds it. */
  async release(key: string, bookingId: string): Promise<void> {
    await this.keys.deleteOne({ _id: String(key), bookingId });
  }

  async deleteOlderThan(cutoff: Date): Promise<number> {
    return (await this.keys.deleteMany({ claimedAt: { $lt: cutoff } })).deletedCount;
  }
}
