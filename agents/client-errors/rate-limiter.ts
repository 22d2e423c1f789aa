import { ObjectId, type Collection, type Db } from 'mongodb';
import { RateLimitedError } from '../../platform/errors.js';
import { ensureIndexes, type IndexDeclaration } from '../../platform/mongo/indexes.js';

interface HitDocument {
  _id: ObjectId;
  key: string;
  at: Date;
}

export const RATE_HIT_INDEXES: IndexDeclaration[] = [{ key: { key: 1, at: -1 } }, { key: { at: 1 } }];

/**
 * A sliding-log limiter shared by every instance: each accepted call is one document, and a
 * call is accepted when fewer than `limit` calls of its caller came before it in the window.
 * It inserts first and then counts the hits up to its own (ObjectIds grow with time), so
 * concurrent calls rank themselves without a read-modify-write, which not every
 * MongoDB-compatible server runs atomically. A refused call removes its hit again.
 */
export class WindowRateLimiter {
  static readonly collection = 'rate_hits';
  private readonly hits: Collection<HitDocument>;

  constructor(
    db: Db,
    private readonly scope: string,
    private readonly windowMs = 60_000,
  ) {
    this.hits = db.collection<HitDocument>(WindowRateLimiter.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.hits, RATE_HIT_INDEXES);
  }

  /** Counts one call by `caller`; throws RATE_LIMITED when `limit` calls came before it in the window. */
  async consume(caller: string, limit: number, now: number): Promise<void> {
    const key = `${this.scope}:${caller}`;
    const hit: HitDocument = { _id: new ObjectId(), key, at: new Date(now) };
    await this.hits.insertOne(hit);
    const since = new Date(now - this.windowMs);
    const rank = await this.hits.countDocuments({ key, at: { $gt: since }, _id: { $lte: hit._id } });
    if (rank <= Math.floor(limit)) return;
    await this.hits.deleteOne({ _id: hit._id });
    const oldest = await this.hits.findOne({ key, at: { $gt: since } }, { sort: { at: 1 } });
    const retryAfter = Math.max(1, Math.ceil(((oldest?.at.getTime() ?? now) + this.windowMs - now) / 1000));
    throw new RateLimitedError(
      `Too many reports; at most ${Math.floor(limit)} a minute. Try again in ${retryAfter} s`,
      retryAfter,
    );
  }

  async deleteExpired(now: Date): Promise<number> {
    return (await this.hits.deleteMany({ at: { $lt: new Date(now.getTime() - this.windowMs) } })).deletedCount;
  }
}
