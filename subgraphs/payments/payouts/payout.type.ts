import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { PayoutDocument } from './payout.store.js';
import type { PayoutRunResult } from './payout.service.js';

export enum PayoutStatus {
  PENDING = 'PENDING',
  PAID = 'PAID',
  FAILED = 'FAILED',
}
registerEnumType(PayoutStatus, {
  name: 'PayoutStatus',
  description: 'PENDING: the transfer is not confirmed yet (retried with the same key); FAILED: refused, nothing moved',
});

@ObjectType({ description: "A transfer of a centre's balance in one currency" })
export class Payout {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  centreId!: string;

  @Field(() => Int, { description: "The centre's payouts in this currency are numbered from 1" })
  seq!: number;

  @Field(() => Int)
  amountMinor!: number;

  @Field(() => String)
  currency!: string;

  @Field(() => PayoutStatus)
  status!: PayoutStatus;

  @Field(() => String, { nullable: true })
  failureCode?: string | null;

  @Field(() => Date)
  createdAt!: Date;
}

@ObjectType({ description: 'What one payout run created or finished' })
export class PayoutRun {
  @Field(() => Date)
  startedAt!: Date;

  @Field(() => Date)
  finishedAt!: Date;

  @Field(() => [Payout])
  payouts!: Payout[];

  @Field(() => Int)
  paidMinorTotal!: number;
}

export const toPayout = (p: PayoutDocument): Payout => ({
  id: p._id,
  centreId: p.centreId,
  seq: p.seq,
  amountMinor: p.amountMinor,
  currency: p.currency,
  status: p.status as PayoutStatus,
  failureCode: p.failureCode,
  createdAt: p.createdAt,
});

export const toPayoutRun = (r: PayoutRunResult): PayoutRun => ({
  startedAt: r.startedAt,
  finishedAt: r.finishedAt,
  payouts: r.payouts.map(toPayout),
  paidMinorTotal: r.payouts.filter((p) => p.status === 'PAID').reduce((s, p) => s + p.amountMinor, 0),
});
