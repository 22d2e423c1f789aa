import type { Collection, Db, ObjectId } from 'mongodb';
import { ensureIndexes } from '../../../platform/mongo/indexes.js';

export interface RefreshTokenDocument {
  _id: ObjectId;
  /** Every token rotated from one login shares a family; reuse revokes the family. */
  familyId: ObjectId;
  userId: string;
  secretHash: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
}

export class RefreshTokenStore {
  private readonly tokens: Collection<RefreshTokenDocument>;

  constructor(db: Db) {
    this.tokens = db.collection<RefreshTokenDocument>('refresh_tokens');
  }

  init(): Promise<void> {
    return ensureIndexes(this.tokens, [{ key: { familyId: 1 } }, { key: { expiresAt: 1 } }]);
  }

  async insert(doc: RefreshTokenDocument): Promise<void> {
    await this.tokens.insertOne(doc);
  }

  findById(id: ObjectId): Promise<RefreshTokenDocument | null> {
    return this.tokens.findOne({ _id: id });
  }

  /** Marks an unused, live token used; null when another request got there first. */
  claim(id: ObjectId, now: Date): Promise<RefreshTokenDocument | null> {
    return this.tokens.findOneAndUpdate(
      { _id: id, usedAt: null, revokedAt: null, expiresAt: { $gt: now } },
      { $set: { usedAt: now } },
      { returnDocument: 'after' },
    );
  }

  async revokeFamily(familyId: ObjectId, now: Date): Promise<void> {
    await this.tokens.updateMany({ familyId, revokedAt: null }, { $set: { revokedAt: now } });
  }

  /** Retention: expired tokens serve no purpose once reuse of them can no longer matter. */
  async deleteExpiredBefore(cutoff: Date): Promise<number> {
    return (await this.tokens.deleteMany({ expiresAt: { $lt: cutoff } })).deletedCount;
  }
}
