import { ObjectId, type Collection, type Db, type Filter } from 'mongodb';
import type { PageArgs } from '../../../platform/graphql/pagination.js';
import { paginate } from '../../../platform/graphql/pagination.js';
import { insertUnlessTaken } from '../../../platform/mongo/duplicate-key.js';
import { ensureIndexes, type IndexDeclaration } from '../../../platform/mongo/indexes.js';
import type { SubjectKind } from '../ledger/journal.js';

export const PAYMENT_STATUSES = [
  'PROCESSING',
  'REQUIRES_ACTION',
  'SUCCEEDED',
  'FAILED',
  'PARTIALLY_REFUNDED',
  'REFUNDED',
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];
/** Statuses in which the provider has the money (refundable while something is left). */
export const CAPTURED: readonly PaymentStatus[] = ['SUCCEEDED', 'PARTIALLY_REFUNDED', 'REFUNDED'];
/** Statuses a success may still move from (the provider is the truth: a FAILED attempt may be confirmed later). */
export const OPEN: readonly PaymentStatus[] = ['PROCESSING', 'REQUIRES_ACTION', 'FAILED'];

export interface PaymentDocument {
  _id: ObjectId;
  subjectKind: SubjectKind;
  subjectId: string;
  customerId: string;
  centreId: string;
  /** Who may refund for the centre (from the marketplace's payable when the payment was made). */
  centreMemberIds: string[];
  amountMinor: number;
  currency: string;
  description: string;
  /** Platform fee rate when the payment was made, and the fee (accounts.ts rounding). */
  feeBps: number;
  feeMinor: number;
  status: PaymentStatus;
  /** Applied refunds: their total, their provider ids, and each as applied (what its ledger entry is built from). */
  refundedMinor: number;
  refunds: AppliedRefund[];
  /** Refunds asked of the provider and not yet settled, so two refunds cannot exceed the payment. */
  reservedRefundMinor: number;
  appliedRefunds: string[];
  /** The client's key for createPayment (unique per customer). */
  idempotencyKey: string;
  paymentMethodId: string;
  /** Its subject claim (claimKeyOf). */
  claimKey: string;
  providerIntentId: string | null;
  clientSecret: string | null;
  failureCode: string | null;
  /** Events appended for this payment (`succeeded`, `failed`, `refunded:<refundedMinor>`): reconciliation re-sends the missing. */
  published: string[];
  createdAt: Date;
  updatedAt: Date;
}

export interface AppliedRefund {
  providerRefundId: string;
  amountMinor: number;
  /** Refunded before this one: the fee reversal's base (accounts.ts). */
  refundedBefore: number;
  at: Date;
}

export const PAYMENT_INDEXES: IndexDeclaration[] = [
  { key: { customerId: 1, idempotencyKey: 1 }, options: { unique: true } },
  // myPayments: a customer's, newest first.
  { key: { customerId: 1, _id: -1 } },
  { key: { providerIntentId: 1 } },
  // Reconciliation: payments still open, and terminal ones whose event may not have gone out.
  { key: { status: 1, updatedAt: 1 } },
];

/**
 * One document per thing being paid: the claim that stops two payments of one order. Its id is
 * `<kind>:<subjectId>`, and for a booking's payment at completion `BOOKING:<id>:final` (a
 * booking may owe a deposit first and the rest once completed: two payments, one each).
 */
export const claimKeyOf = (kind: SubjectKind, subjectId: string, subjectStatus: string) =>
  kind === 'BOOKING' && subjectStatus === 'COMPLETED' ? `BOOKING:${subjectId}:final` : `${kind}:${subjectId}`;

export interface SubjectClaim {
  _id: string;
  paymentId: string;
}

export class PaymentStore {
  static readonly collection = 'payments';
  static readonly claimsCollection = 'payment_subject_claims';
  readonly payments: Collection<PaymentDocument>;
  readonly claims: Collection<SubjectClaim>;

  constructor(db: Db) {
    this.payments = db.collection<PaymentDocument>(PaymentStore.collection);
    this.claims = db.collection<SubjectClaim>(PaymentStore.claimsCollection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.payments, PAYMENT_INDEXES);
  }

  insert(doc: PaymentDocument): Promise<boolean> {
    return insertUnlessTaken(this.payments, doc);
  }

  byId(id: string): Promise<PaymentDocument | null> {
    if (!ObjectId.isValid(id) || !/^[0-9a-f]{24}$/i.test(id)) return Promise.resolve(null);
    return this.payments.findOne({ _id: new ObjectId(id) });
  }

  byKey(customerId: string, idempotencyKey: string): Promise<PaymentDocument | null> {
    return this.payments.findOne({ customerId: String(customerId), idempotencyKey: String(idempotencyKey) });
  }

  forCustomer(customerId: string, page: PageArgs) {
    return paginate(this.payments, { customerId: String(customerId) }, page, (d) => d);
  }

  /** Sets fields when the payment is in one of `from`; the updated document, or null when it was not. */
  transition(
    id: ObjectId,
    from: readonly PaymentStatus[],
    set: Partial<PaymentDocument>,
  ): Promise<PaymentDocument | null> {
    return this.payments.findOneAndUpdate(
      { _id: id, status: { $in: [...from] } },
      { $set: { ...set, updatedAt: new Date() } },
      { returnDocument: 'after' },
    );
  }

  set(id: ObjectId, set: Partial<PaymentDocument>): Promise<unknown> {
    return this.payments.updateOne({ _id: id }, { $set: { ...set, updatedAt: new Date() } });
  }

  /** Holds `amount` for a refund when what is refunded and held leaves room for it. */
  reserveRefund(payment: PaymentDocument, amount: number): Promise<PaymentDocument | null> {
    return this.payments.findOneAndUpdate(
      {
        _id: payment._id,
        status: { $in: ['SUCCEEDED', 'PARTIALLY_REFUNDED'] },
        reservedRefundMinor: { $lte: payment.amountMinor - amount },
      } as Filter<PaymentDocument>,
      { $inc: { reservedRefundMinor: amount }, $set: { updatedAt: new Date() } },
      { returnDocument: 'after' },
    );
  }

  releaseRefund(id: ObjectId, amount: number): Promise<unknown> {
    return this.payments.updateOne({ _id: id }, { $inc: { reservedRefundMinor: -amount } });
  }

  /**
   * Applies a settled refund once (by its provider id): one conditional update, so a webhook,
   * our own request and reconciliation applying the same refund count it once.
   */
  applyRefund(
    payment: PaymentDocument,
    providerRefundId: string,
    amount: number,
    reserved: boolean,
    at: Date,
  ): Promise<PaymentDocument | null> {
    const refunded = payment.refundedMinor + amount;
    return this.payments.findOneAndUpdate(
      { _id: payment._id, appliedRefunds: { $ne: providerRefundId }, refundedMinor: payment.refundedMinor },
      {
        $inc: { refundedMinor: amount, ...(reserved ? {} : { reservedRefundMinor: amount }) },
        $push: {
          appliedRefunds: providerRefundId,
          refunds: { providerRefundId, amountMinor: amount, refundedBefore: payment.refundedMinor, at },
        },
        $set: { status: refunded >= payment.amountMinor ? 'REFUNDED' : 'PARTIALLY_REFUNDED', updatedAt: new Date() },
      },
      { returnDocument: 'after' },
    );
  }

  markPublished(id: ObjectId, what: string): Promise<unknown> {
    return this.payments.updateOne({ _id: id }, { $addToSet: { published: what } });
  }

  /** Payments in these statuses last changed within [from, before) (reconciliation's window). */
  changedBetween(statuses: readonly PaymentStatus[], from: Date, before: Date): AsyncIterable<PaymentDocument> {
    return this.payments.find({ status: { $in: [...statuses] }, updatedAt: { $gte: from, $lt: before } });
  }

  claimSubject(claimKey: string, paymentId: string): Promise<boolean> {
    return insertUnlessTaken(this.claims, { _id: claimKey, paymentId });
  }

  subjectClaim(claimKey: string): Promise<SubjectClaim | null> {
    return this.claims.findOne({ _id: String(claimKey) });
  }

  /** Takes over a claim whose payment failed: only the caller that replaces `previous` wins. */
  async replaceClaim(claimKey: string, previous: string, paymentId: string): Promise<boolean> {
    const { modifiedCount } = await this.claims.updateOne(
      { _id: claimKey, paymentId: previous },
      { $set: { paymentId } },
    );
    return modifiedCount === 1;
  }
}
