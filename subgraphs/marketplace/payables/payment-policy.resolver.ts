import { ObjectId } from 'mongodb';
import { z } from 'zod';
import {
  Arg,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  ID,
  InputType,
  Int,
  Mutation,
  ObjectType,
  registerEnumType,
  Resolver,
  Root,
} from 'type-graphql';
import { parseInput } from '../../../platform/graphql/parse-input.js';
import { Booking } from '../bookings/booking.type.js';
import type { BookingService } from '../bookings/booking.service.js';
import { ServiceCentre } from '../centres/centre.type.js';
import type { MarketplaceContext } from '../context.js';
import { parseId } from '../ids.js';
import { centreForMember, requireUser, type CentreSource } from '../inventory/centre-membership.js';
import type { BookingPayable } from './booking-payable.js';
import { PAYMENT_POLICY_KINDS, type PaymentPolicyKind, type PaymentPolicyStore } from './payment-policy.store.js';

export const BookingPaymentPolicyKind = Object.fromEntries(PAYMENT_POLICY_KINDS.map((k) => [k, k])) as {
  [K in PaymentPolicyKind]: K;
};
registerEnumType(BookingPaymentPolicyKind, {
  name: 'BookingPaymentPolicyKind',
  description:
    'NONE: paid at the centre; DEPOSIT: a deposit when requested, the rest once completed; FULL: the total once completed',
});

@ObjectType({ description: "How a centre's bookings are paid through the platform" })
export class BookingPaymentPolicy {
  @Field(() => BookingPaymentPolicyKind)
  kind!: PaymentPolicyKind;

  @Field(() => Int, {
    description: "DEPOSIT: minor units of the service's currency (capped at its price); 0 otherwise",
  })
  depositMinor!: number;
}

@InputType()
export class BookingPaymentPolicyInput {
  @Field(() => BookingPaymentPolicyKind)
  kind!: PaymentPolicyKind;

  @Field(() => Int, { nullable: true, description: 'Required for DEPOSIT: 1 to 10,000,000' })
  depositMinor?: number | null;
}

@ObjectType({ description: 'What a booking owes and has paid, under the policy it was booked with' })
export class BookingPayment {
  @Field(() => BookingPaymentPolicy)
  policy!: BookingPaymentPolicy;

  @Field(() => Int, { description: 'Paid so far, net of refunds (minor units)' })
  paidMinor!: number;

  @Field(() => Int, { description: 'Payable now (0 when nothing is due)' })
  dueMinor!: number;

  @Field(() => String)
  currency!: string;
}

const policySchema = z
  .object({
    kind: z.enum(PAYMENT_POLICY_KINDS),
    depositMinor: z
      .number()
      .int('depositMinor must be whole minor units')
      .min(1, 'depositMinor must be positive')
      .max(10_000_000)
      .nullish(),
  })
  .refine((p) => p.kind !== 'DEPOSIT' || typeof p.depositMinor === 'number', {
    message: 'A DEPOSIT policy needs depositMinor',
    path: ['depositMinor'],
  });

@Resolver(() => ServiceCentre)
export class CentrePaymentPolicyResolver {
  constructor(
    private readonly policies: PaymentPolicyStore,
    private readonly centreSource: CentreSource,
  ) {}

  @Authorized()
  @Mutation(() => BookingPaymentPolicy, {
    description: "Sets how your centre's new bookings are paid (its members); bookings made before keep theirs",
  })
  async setBookingPaymentPolicy(
    @Arg('centreId', () => ID) centreId: string,
    @Arg('input', () => BookingPaymentPolicyInput) input: BookingPaymentPolicyInput,
    @Ctx() ctx: MarketplaceContext,
  ): Promise<BookingPaymentPolicy> {
    const parsed = parseInput(policySchema, input);
    const user = requireUser(ctx.viewer);
    const centre = await centreForMember(this.centreSource, user, parseId(centreId, 'centreId'));
    const policy = { kind: parsed.kind, depositMinor: parsed.kind === 'DEPOSIT' ? parsed.depositMinor! : 0 };
    return this.policies.setPolicy(centre._id, policy, user.userId, new Date());
  }

  @FieldResolver(() => BookingPaymentPolicy, { description: 'How bookings here are paid' })
  bookingPaymentPolicy(@Root() centre: ServiceCentre): Promise<BookingPaymentPolicy> {
    return this.policies.policy(new ObjectId(centre.id));
  }
}

@Resolver(() => Booking)
export class BookingPaymentResolver {
  constructor(
    private readonly bookingService: BookingService,
    private readonly bookingPayable: BookingPayable,
  ) {}

  @FieldResolver(() => BookingPayment, { description: 'What it owes and has paid (the same readers as the booking)' })
  async payment(@Root() booking: Booking, @Ctx() ctx: MarketplaceContext): Promise<BookingPayment> {
    const doc = booking.doc ?? (await this.bookingService.read(ctx.viewer, booking.id));
    const due = await this.bookingPayable.due(doc);
    return { policy: due.policy, paidMinor: due.paidMinor, dueMinor: due.dueMinor, currency: doc.currency };
  }
}
