import type { Collection, Db } from 'mongodb';
import { isDuplicateKey } from '../platform/mongo/duplicate-key.js';

interface ClaimDocument {
  _id: string;
  at: Date;
}

/**
 * "Exactly one caller does this": the first to insert the key wins. For steps whose side
 * effect comes before, or beside, the status change that records it (running an approved
 * action, reverting an effect before marking the decision ROLLED_BACK, recording a judged
 * outcome's learning): the decision's own status cannot say "someone is doing it" without a
 * status the API does not have. A change that is itself the whole step is one conditional
 * update instead (DecisionStore.transition, ActiveEffectStore.markReverted).
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
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /** Gives a claim back when its step did not happen after all (an approval the budget held back). */
  async release(key: string): Promise<void> {
    await this.claims.deleteOne({ _id: key });
  }
}
