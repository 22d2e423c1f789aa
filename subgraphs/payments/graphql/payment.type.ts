import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType } from '../../../platform/graphql/pagination.js';
import { PAYMENT_SUBJECT_KINDS } from '../contract.js';
import type { SubjectKind } from '../ledger/journal.js';
import { PAYMENT_STATUSES, type PaymentDocument, type PaymentStatus } from '../payments/payment.store.js';

export const PaymentSubjectKind = Object.fromEntries(PAYMENT_SUBJECT_KINDS.map((k) => [k, k])) as {
  [K in SubjectKind]: K;
};
registerEnumType(PaymentSubjectKind, { name: 'PaymentSubjectKind', description: 'What a payment pays for' });
export const PaymentStatusEnum = Object.fromEntries(PAYMENT_STATUSES.map((s) => [s, s])) as {
  [S in PaymentStatus]: S;
};
registerEnumType(PaymentStatusEnum, { name: 'PaymentStatus' });

@ObjectType({ description: 'A payment for an order, a booking or a roadside request (amounts in minor units)' })
export class Payment {
  @Field(() => ID)
  id!: string;

  @Field(() => PaymentSubjectKind)
  subjectKind!: SubjectKind;

  @Field(() => ID)
  subjectId!: string;

  @Field(() => Int, { description: 'What was charged, set by the marketplace, never by the client' })
  amountMinor!: number;

  @Field(() => String, { description: 'ISO 4217' })
  currency!: string;

  @Field(() => PaymentStatusEnum)
  status!: PaymentStatus;

  @Field(() => Int)
  refundedMinor!: number;

  @Field(() => String, {
    nullable: true,
    description: "For the paying customer's app to finish authentication (REQUIRES_ACTION); null for others",
  })
  clientSecret!: string | null;

  @Field(() => String, { nullable: true, description: "The provider's decline code when FAILED (card_declined, ...)" })
  failureCode!: string | null;

  @Field(() => Date)
  createdAt!: Date;
}

export const toPayment = (doc: PaymentDocument, viewerId?: string): Payment => ({
  id: doc._id.toHexString(),
  subjectKind: doc.subjectKind,
  subjectId: doc.subjectId,
  amountMinor: doc.amountMinor,
  currency: doc.currency,
  status: doc.status,
  refundedMinor: doc.refundedMinor,
  clientSecret: viewerId === doc.customerId ? doc.clientSecret : null,
  failureCode: doc.failureCode,
  createdAt: doc.createdAt,
});

@ObjectType()
export class PaymentConnection extends ConnectionType(Payment) {}

@InputType()
export class CreatePaymentInput {
  @Field(() => PaymentSubjectKind)
  subjectKind!: SubjectKind;

  @Field(() => ID)
  subjectId!: string;

  @Field(() => String, {
    description:
      'A provider payment method id (pm_...); test mode: pm_card_visa, pm_card_chargeDeclined, pm_card_threeDSecure2Required',
  })
  paymentMethodId!: string;

  @Field(() => String, {
    description: 'Your key for this attempt (8-100 characters): the same key never charges twice',
  })
  idempotencyKey!: string;
}

@InputType()
export class RefundPaymentInput {
  @Field(() => ID)
  paymentId!: string;

  @Field(() => Int, { description: 'Minor units, at most what is left to refund' })
  amountMinor!: number;

  @Field(() => String, { nullable: true })
  reason?: string | null;

  @Field(() => String, { nullable: true, description: "ISO 4217; when given, must be the payment's currency" })
  currency?: string | null;

  @Field(() => String)
  idempotencyKey!: string;
}

@ObjectType({ description: 'What reconciliation compared and repaired (provider records against the ledger)' })
export class ReconciliationReport {
  @Field(() => Date)
  from!: Date;

  @Field(() => Date)
  to!: Date;

  @Field(() => Int)
  intentsChecked!: number;

  @Field(() => Int)
  refundsChecked!: number;

  @Field(() => [ID], { description: 'Payments the provider had taken and the ledger had not recorded, now recorded' })
  paymentsRecorded!: string[];

  @Field(() => [ID])
  failuresRecorded!: string[];

  @Field(() => [String], { description: 'Provider refund ids now recorded' })
  refundsRecorded!: string[];

  @Field(() => [String], { description: 'Journal entry ids that were missing and are now written' })
  entriesRepaired!: string[];

  @Field(() => Int)
  eventsRepublished!: number;

  @Field(() => [ID], { description: 'Payments that never reached the provider, now FAILED' })
  abandoned!: string[];

  @Field(() => [ID], {
    description: 'Refund holds whose answer was lost and which the provider never made, now released',
  })
  refundHoldsReleased!: string[];

  @Field(() => [String], { description: 'Provider records that match no payment of ours' })
  unmatched!: string[];

  @Field(() => Boolean, { description: "Whether every currency's journal lines sum to zero" })
  ledgerBalanced!: boolean;
}
