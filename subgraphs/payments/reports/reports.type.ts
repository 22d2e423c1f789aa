import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType } from '../../../platform/graphql/pagination.js';

export enum RevenueGroup {
  DAY = 'DAY',
  CENTRE = 'CENTRE',
  CATEGORY = 'CATEGORY',
}
registerEnumType(RevenueGroup, {
  name: 'RevenueGroup',
  description: 'How a revenue report groups: by UTC day, by centre, or by category (ORDER, BOOKING, ROADSIDE)',
});

@ObjectType({ description: "A centre's money in one currency (positive: the platform owes the centre)" })
export class CentreBalanceAmount {
  @Field(() => String)
  currency!: string;

  @Field(() => Int, { description: 'Owed now: earned less payouts (negative after a refund that followed a payout)' })
  balanceMinor!: number;

  @Field(() => Int, { description: "The centre's share of payments, less what refunds took back" })
  earnedMinor!: number;

  @Field(() => Int)
  paidOutMinor!: number;

  @Field(() => Int, {
    description:
      'What the next payout may pay: money credited before the payout hold (PAYOUT_HOLD_DAYS) less every refund and payout; never negative',
  })
  availableMinor!: number;

  @Field(() => Int, {
    description: 'Credits still inside the payout hold: balanceMinor less availableMinor, never negative',
  })
  pendingMinor!: number;
}

@ObjectType()
export class PartnerBalance {
  @Field(() => ID)
  centreId!: string;

  @Field(() => [CentreBalanceAmount], { description: 'One per currency the centre has been paid in' })
  balances!: CentreBalanceAmount[];
}

@ObjectType({ description: "One journal entry as it touched the centre's account" })
export class StatementLine {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'PAYMENT, REFUND or PAYOUT' })
  kind!: string;

  @Field(() => String)
  description!: string;

  @Field(() => Date)
  postedAt!: Date;

  @Field(() => Int, { description: "The centre's side: positive adds to what it is owed, negative takes away" })
  amountMinor!: number;

  @Field(() => String)
  currency!: string;

  @Field(() => ID, { nullable: true })
  paymentId?: string | null;

  @Field(() => String, { nullable: true })
  subjectKind?: string | null;

  @Field(() => ID, { nullable: true })
  subjectId?: string | null;
}

export const StatementLineConnection = ConnectionType(StatementLine);

@ObjectType({ description: 'Revenue of one group in one currency' })
export class RevenueRowType {
  @Field(() => String, { description: 'The day (YYYY-MM-DD, UTC), the centre id or the category' })
  key!: string;

  @Field(() => String)
  currency!: string;

  @Field(() => Int, { description: 'What customers paid' })
  grossMinor!: number;

  @Field(() => Int)
  refundedMinor!: number;

  @Field(() => Int, { description: "The platform's fees, less the fees refunds reversed: its own revenue" })
  feeMinor!: number;

  @Field(() => Int, { description: "The centres' share" })
  partnerMinor!: number;

  @Field(() => Int)
  payments!: number;
}

@ObjectType('RevenueReport')
export class RevenueReportType {
  @Field(() => Date)
  from!: Date;

  @Field(() => Date)
  to!: Date;

  @Field(() => RevenueGroup)
  groupBy!: RevenueGroup;

  @Field(() => [RevenueRowType])
  rows!: RevenueRowType[];
}
