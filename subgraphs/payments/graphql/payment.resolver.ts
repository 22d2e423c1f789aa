import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { mapNodes, PageArgs } from '../../../platform/graphql/pagination.js';
import { requireUser, type SubgraphContext } from '../../../platform/subgraph/context.js';
import type { PaymentService } from '../payments/payment.service.js';
import type { PaymentStore } from '../payments/payment.store.js';
import type { Reconciler } from '../reconcile/reconciler.js';
import {
  CreatePaymentInput,
  Payment,
  PaymentConnection,
  ReconciliationReport,
  RefundPaymentInput,
  toPayment,
} from './payment.type.js';

@Resolver(() => Payment)
export class PaymentResolver {
  constructor(
    private readonly payments: PaymentService,
    private readonly store: PaymentStore,
  ) {}

  @Authorized()
  @Mutation(() => Payment, {
    description: 'Pays an order, booking or roadside request of yours; the amount is what the marketplace says is owed',
  })
  async createPayment(@Arg('input', () => CreatePaymentInput) input: CreatePaymentInput, @Ctx() ctx: SubgraphContext) {
    const user = requireUser(ctx);
    return toPayment(await this.payments.create(user, input), user.userId);
  }

  @Authorized()
  @Mutation(() => Payment, { description: "Refunds part or all of a payment: the centre's members and staff" })
  async refundPayment(@Arg('input', () => RefundPaymentInput) input: RefundPaymentInput, @Ctx() ctx: SubgraphContext) {
    const user = requireUser(ctx);
    return toPayment(await this.payments.refund(user, input), user.userId);
  }

  @Authorized()
  @Query(() => Payment, { nullable: true, description: "A payment: its customer's, its centre's members', staff's" })
  async payment(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    const doc = await this.payments.read(ctx.viewer, id);
    return doc ? toPayment(doc, requireUser(ctx).userId) : null;
  }

  @Authorized()
  @Query(() => PaymentConnection, { description: 'Your payments, newest first' })
  async myPayments(@Args(() => PageArgs) page: PageArgs, @Ctx() ctx: SubgraphContext) {
    const user = requireUser(ctx);
    return mapNodes(await this.store.forCustomer(user.userId, page), (doc) => toPayment(doc, user.userId));
  }
}

@Resolver()
export class ReconciliationResolver {
  constructor(private readonly reconciler: Reconciler) {}

  @Authorized('ADMIN', 'STAFF')
  @Mutation(() => ReconciliationReport, {
    description:
      "Compares the provider's payments and refunds with the ledger, records what is missing, reports it (staff)",
  })
  reconcilePayments(): Promise<ReconciliationReport> {
    return this.reconciler.run();
  }
}
