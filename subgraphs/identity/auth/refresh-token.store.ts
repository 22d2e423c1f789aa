import type { Collection, Db, ObjectId } from 'mongodb';
import { ensureIndexes, type IndexDeclaration } from '../../../platform/mongo/indexes.js';

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

/** A family's tokens (revoked together), retention by expiry, and families revoked lately. */
export const REFRESH_TOKEN_INDEXES: IndexDeclaration[] = [
  { key: { familyId: 1 } },
  { key: { expiresAt: 1 } },
  { key: { revokedAt: 1 } },
];

export class RefreshTokenStore {
  static readonly collection = 'refresh_tokens';
  private readonly tokens: Collection<RefreshTokenDocument>;

  constructor(db: Db) {
    this.tokens = db.collection<RefreshTokenDocument>(RefreshTokenStore.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.tokens, REFRESH_TOKEN_INDEXES);
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

  /** The families revoked at or after `since`, each once, from at most `limit` tokens (latest first). */
  async familiesRevokedSince(
    since: Date,
    limit: number,
  ): Promise<{ families: { familyId: ObjectId; userId: string; revokedAt: Date }[]; truncated: boolean }> {
    const docs = await this.tokens
      .find({ revokedAt: { $gte: since } }, { projection: { familyId: 1, userId: 1, revokedAt: 1 } })
      .sort({ revokedAt: -1 })
      .limit(limit)
      .toArray();
    const families = new Map<string, { familyId: ObjectId; userId: string; revokedAt: Date }>();
    for (const { familyId, userId, revokedAt } of docs) {
      const key = familyId.toHexString();
      if (!families.has(key)) families.set(key, { familyId, userId, revokedAt: revokedAt! });
    }
    return { families: [...families.values()], truncated: docs.length >= limit };
  }

  /** Retention: expired tokens serve no purpose once reuse of them can no longer matter. */
  async deleteExpiredBefore(cutoff: Date): Promise<number> {
    return (await this.tokens.deleteMany({ expiresAt: { $lt: cutoff } })).deletedCount;
  }
}
