import type { Collection, Db, ObjectId } from 'mongodb';
import { isDuplicateKey } from '../../../platform/mongo/duplicate-key.js';
import { findManyById } from '../../../platform/mongo/find-many-by-id.js';

export const PAYMENT_POLICY_KINDS = ['NONE', 'DEPOSIT', 'FULL'] as const;
export type PaymentPolicyKind = (typeof PAYMENT_POLICY_KINDS)[number];

/** How a centre's bookings are paid: not through us, a deposit when requested, or the total once completed. */
export interface PaymentPolicy {
  kind: PaymentPolicyKind;
  /** DEPOSIT only (capped at the service's price): minor units of the service's currency. */
  depositMinor: number;
}

export const NO_PAYMENT: PaymentPolicy = { kind: 'NONE', depositMinor: 0 };

/** A centre's policy (`_id` is the centre's), kept beside the centre document so the centre store stays as it is. */
export interface PaymentPolicyDocument extends PaymentPolicy {
  _id: ObjectId;
  updatedBy: string;
  updatedAt: Date;
}

/** What a booking's payments came to (`_id` is the booking's), with the policy it was booked under. */
export interface BookingPaymentDocument {
  _id: ObjectId;
  policy: PaymentPolicy;
  /** By payment id: amounts only ever grow ($max), so redelivered or reordered events change nothing. */
  payments: Record<string, { amountMinor: number; refundedMinor: number }>;
}

export class PaymentPolicyStore {
  static readonly collection = 'centre_payment_policies';
  static readonly bookingsCollection = 'booking_payments';
  private readonly policies: Collection<PaymentPolicyDocument>;
  private readonly bookings: Collection<BookingPaymentDocument>;

  constructor(db: Db) {
    this.policies = db.collection<PaymentPolicyDocument>(PaymentPolicyStore.collection);
    this.bookings = db.collection<BookingPaymentDocument>(PaymentPolicyStore.bookingsCollection);
  }

  async policy(centreId: ObjectId): Promise<PaymentPolicy> {
    const doc = await this.policies.findOne({ _id: centreId });
    return doc ? { kind: doc.kind, depositMinor: doc.depositMinor } : NO_PAYMENT;
  }

  async policiesOf(centreIds: ObjectId[]): Promise<PaymentPolicy[]> {
    const docs = await findManyById(this.policies, centreIds);
    return docs.map((d) => (d ? { kind: d.kind, depositMinor: d.depositMinor } : NO_PAYMENT));
  }

  async setPolicy(centreId: ObjectId, policy: PaymentPolicy, by: string, now: Date): Promise<PaymentPolicy> {
    await this.policies.updateOne(
      { _id: centreId },
      { $set: { kind: policy.kind, depositMinor: policy.depositMinor, updatedBy: by, updatedAt: now } },
      { upsert: true },
    );
    return policy;
  }

  /**
   * The booking's payments, its policy fixed the first time it is asked for (`current`): a centre
   * changing its policy later does not change what an earlier booking owes.
   */
  async forBooking(bookingId: ObjectId, current: () => Promise<PaymentPolicy>): Promise<BookingPaymentDocument> {
    const found = await this.bookings.findOne({ _id: bookingId });
    if (found) return found;
    const doc: BookingPaymentDocument = { _id: bookingId, policy: await current(), payments: {} };
    try {
      await this.bookings.insertOne(doc);
      return doc;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      return (await this.bookings.findOne({ _id: bookingId }))!;
    }
  }

  findBookingPayments(bookingId: ObjectId): Promise<BookingPaymentDocument | null> {
    return this.bookings.findOne({ _id: bookingId });
  }

  /** Records a payment's amount and refunds so far; each only ever grows, so any delivery order ends the same. */
  async recordBookingPayment(
    bookingId: ObjectId,
    paymentId: string,
    amountMinor: number,
    refundedMinor: number,
    policy: () => Promise<PaymentPolicy>,
  ): Promise<void> {
    await this.forBooking(bookingId, policy);
    await this.bookings.updateOne(
      { _id: bookingId },
      {
        $max: {
          [`payments.${paymentId}.amountMinor`]: amountMinor,
          [`payments.${paymentId}.refundedMinor`]: refundedMinor,
        },
      },
    );
  }
}
