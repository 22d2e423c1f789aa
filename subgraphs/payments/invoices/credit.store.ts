import type { Collection, Db } from 'mongodb';
import { isDuplicateKey } from '../../../platform/mongo/duplicate-key.js';

/**
 * How much of a payment has been credited, and in which steps. Refund events carry the
 * cumulative amount refunded, at least once and in any order; a step is recorded only when it
 * raises the total (one conditional update), so a redelivered or older event adds nothing, and
 * each step's credit note is its rise over the step before.
 */
interface CreditDocument {
  _id: string;
  credited: number;
  steps?: number[];
}

export class CreditStore {
  static readonly collection = 'invoice_credits';
  private readonly credits: Collection<CreditDocument>;

  constructor(db: Db) {
    this.credits = db.collection<CreditDocument>(CreditStore.collection);
  }

  /** Records `refundedMinor` for `paymentId` if it raises the total; answers every step so far, in order. */
  async raise(paymentId: string, refundedMinor: number): Promise<number[]> {
    try {
      await this.credits.updateOne({ _id: paymentId }, { $setOnInsert: { credited: 0 } }, { upsert: true });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    await this.credits.updateOne(
      { _id: paymentId, credited: { $lt: refundedMinor } },
      { $set: { credited: refundedMinor }, $push: { steps: refundedMinor } },
    );
    return (await this.credits.findOne({ _id: paymentId }))?.steps ?? [];
  }
}
