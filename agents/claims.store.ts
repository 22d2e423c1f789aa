import type { Collection, Db } from 'mongodb';

interface ClaimDocument {
  _id: string;
  at: Date;
}

const DUPLICATE_KEY = 11000;

/**
 * "Exactly one caller does this": the first to insert the key wins. Conditional updates
 * are not enough for that on every MongoDB-compatible server (FerretDB runs them as
 * read-then-write, so concurrent ones can all match); an insert on the _id always is.
 * Used for approving, rejecting, judging and undoing a decision once.
 */
export class ClaimStore {
  private readonly claims: Collection<ClaimDocument>;

  constructor(db: Db) {
    this.claims = db.collection<ClaimDocument>('claims');
  }

  async claim(key: string, at: Date): Promise<boolean> {
    try {
      await this.claims.insertOne({ _id: key, at });
      return true;
    } catch (error) {
      if ((error as { code?: number }).code === DUPLICATE_KEY) return false;
      throw error;
    }
  }
}
