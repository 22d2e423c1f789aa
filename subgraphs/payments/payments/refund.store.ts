import { ObjectId, type Collection, type Db } from 'mongodb';
import { insertUnlessTaken } from '../../../platform/mongo/duplicate-key.js';
import { ensureIndexes, type IndexDeclaration } from '../../../platform/mongo/indexes.js';

/** A refund asked for through refundPayment: its key makes the mutation idempotent. */
export interface RefundRequestDocument {
  _id: ObjectId;
  paymentId: string;
  idempotencyKey: string;
  amountMinor: number;
  reason: string | null;
  requestedBy: string;
  status: 'PENDING' | 'SUCCEEDED' | 'FAILED';
  providerRefundId: string | null;
  createdAt: Date;
}

export const REFUND_REQUEST_INDEXES: IndexDeclaration[] = [
  { key: { paymentId: 1, idempotencyKey: 1 }, options: { unique: true } },
  // Reconciliation: requests whose provider answer never came.
  { key: { status: 1, createdAt: 1 } },
];

export class RefundRequestStore {
  static readonly collection = 'refund_requests';
  readonly requests: Collection<RefundRequestDocument>;

  constructor(db: Db) {
    this.requests = db.collection<RefundRequestDocument>(RefundRequestStore.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.requests, REFUND_REQUEST_INDEXES);
  }

  insert(doc: RefundRequestDocument): Promise<boolean> {
    return insertUnlessTaken(this.requests, doc);
  }

  byKey(paymentId: string, idempotencyKey: string): Promise<RefundRequestDocument | null> {
    return this.requests.findOne({ paymentId: String(paymentId), idempotencyKey: String(idempotencyKey) });
  }

  byId(id: string): Promise<RefundRequestDocument | null> {
    if (!/^[0-9a-f]{24}$/.test(id)) return Promise.resolve(null);
    return this.requests.findOne({ _id: new ObjectId(id) });
  }

  settle(id: ObjectId, status: 'SUCCEEDED' | 'FAILED', providerRefundId: string | null): Promise<unknown> {
    return this.requests.updateOne({ _id: id, status: 'PENDING' }, { $set: { status, providerRefundId } });
  }

  /** Requests still PENDING that were made before `before` (their answer was lost). */
  pendingBefore(before: Date): AsyncIterable<RefundRequestDocument> {
    return this.requests.find({ status: 'PENDING', createdAt: { $lt: before } });
  }

  /** Settles a PENDING request with no provider refund; true for the one caller that moved it. */
  async settleIfPending(id: ObjectId, status: 'FAILED'): Promise<boolean> {
    const { modifiedCount } = await this.requests.updateOne({ _id: id, status: 'PENDING' }, { $set: { status } });
    return modifiedCount === 1;
  }

  remove(id: ObjectId): Promise<unknown> {
    return this.requests.deleteOne({ _id: id });
  }
}
