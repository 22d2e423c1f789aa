import type { Collection, Db } from 'mongodb';
import { insertUnlessTaken } from '../../../platform/mongo/duplicate-key.js';
import { ensureIndexes, type IndexDeclaration } from '../../../platform/mongo/indexes.js';

export const PAYOUT_STATUSES = ['PENDING', 'PAID', 'FAILED'] as const;
export type PayoutStatusValue = (typeof PAYOUT_STATUSES)[number];

/**
 * One payout of a centre's balance in one currency. `_id` is `<centreId>:<currency>:<seq>`,
 * seq counting that centre's payouts in that currency from 1: two instances deciding the same
 * next payout both try to insert the same id, and only one can.
 */
export interface PayoutDocument {
  _id: string;
  centreId: string;
  currency: string;
  seq: number;
  amountMinor: number;
  status: PayoutStatusValue;
  providerTransferId: string | null;
  failureCode: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const PAYOUT_INDEXES: IndexDeclaration[] = [
  { key: { centreId: 1, currency: 1, seq: -1 } },
  { key: { status: 1, createdAt: 1 } },
];

export const payoutId = (centreId: string, currency: string, seq: number) => `${centreId}:${currency}:${seq}`;

export class PayoutStore {
  static readonly collection = 'payouts';
  readonly payouts: Collection<PayoutDocument>;

  constructor(db: Db) {
    this.payouts = db.collection<PayoutDocument>(PayoutStore.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.payouts, PAYOUT_INDEXES);
  }

  latest(centreId: string, currency: string): Promise<PayoutDocument | null> {
    return this.payouts.findOne({ centreId: String(centreId), currency: String(currency) }, { sort: { seq: -1 } });
  }

  /** false when another run created this payout first. */
  create(doc: PayoutDocument): Promise<boolean> {
    return insertUnlessTaken(this.payouts, doc);
  }

  findById(id: string): Promise<PayoutDocument | null> {
    return this.payouts.findOne({ _id: String(id) });
  }

  /** Settles a PENDING payout; false when another run settled it first. */
  async settle(
    id: string,
    change: { status: 'PAID' | 'FAILED'; providerTransferId: string | null; failureCode: string | null },
    at: Date,
  ): Promise<boolean> {
    const { modifiedCount } = await this.payouts.updateOne(
      { _id: id, status: 'PENDING' },
      { $set: { ...change, updatedAt: at } },
    );
    return modifiedCount === 1;
  }

  pending(): Promise<PayoutDocument[]> {
    return this.payouts.find({ status: 'PENDING' }).sort({ createdAt: 1 }).limit(500).toArray();
  }
}
