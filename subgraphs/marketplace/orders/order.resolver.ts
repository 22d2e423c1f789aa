import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ForbiddenError } from '../../../platform/errors.js';
import { mapNodes, PageArgs } from '../../../platform/graphql/pagination.js';
import { toCentre } from '../centres/centre.store.js';
import { ServiceCentre } from '../centres/centre.type.js';
import type { MarketplaceContext } from '../context.js';
import type { OrderStatusName } from './order-state.js';
import type { OrderService } from './order.service.js';
import { Order, OrderConnection, OrderInput, OrderStatus, toOrder } from './order.type.js';

@Resolver(() => Order)
export class OrderResolver {
  constructor(private readonly orders: OrderService) {}

  @Authorized()
  @Mutation(() => Order, {
    description:
      'Orders parts from one centre, holding the units until paid (PENDING_PAYMENT). CONFLICT when one is short (nothing is held then); a retry with the same idempotencyKey returns the first order',
  })
  async placeOrder(@Arg('input', () => OrderInput) input: OrderInput, @Ctx() ctx: MarketplaceContext) {
    return toOrder(await this.orders.place(ctx.viewer, input));
  }

  @Authorized()
  @Mutation(() => Order, { description: 'The customer cancels an unpaid order; its units go back to stock' })
  async cancelOrder(@Arg('id', () => ID) id: string, @Ctx() ctx: MarketplaceContext) {
    return toOrder(await this.orders.cancel(ctx.viewer, id));
  }

  @Authorized()
  @Mutation(() => Order, { description: 'A paid pickup order is ready to collect (its centre)' })
  async markOrderReady(@Arg('id', () => ID) id: string, @Ctx() ctx: MarketplaceContext) {
    return toOrder(await this.orders.markReady(ctx.viewer, id));
  }

  @Authorized()
  @Mutation(() => Order, { description: 'A paid shipping order has left (its centre)' })
  async markOrderShipped(@Arg('id', () => ID) id: string, @Ctx() ctx: MarketplaceContext) {
    return toOrder(await this.orders.markShipped(ctx.viewer, id));
  }

  @Authorized()
  @Mutation(() => Order, { description: 'A ready order was collected, or a shipped one delivered (its centre)' })
  async completeOrder(@Arg('id', () => ID) id: string, @Ctx() ctx: MarketplaceContext) {
    return toOrder(await this.orders.complete(ctx.viewer, id));
  }

  @Authorized()
  @Query(() => OrderConnection, { description: 'Your parts orders, newest first' })
  async myOrders(@Args(() => PageArgs) page: PageArgs, @Ctx() ctx: MarketplaceContext) {
    return mapNodes(await this.orders.mine(ctx.viewer, page), toOrder);
  }

  @Authorized()
  @Query(() => Order, {
    description: 'An order: its customer, its centre’s members, staff (NOT_FOUND for anyone else)',
  })
  async order(@Arg('id', () => ID) id: string, @Ctx() ctx: MarketplaceContext) {
    return toOrder(await this.orders.read(ctx.viewer, id));
  }

  @Authorized()
  @Query(() => OrderConnection, {
    description: "A centre's parts orders, newest first, optionally of one status (its members, staff)",
  })
  async centreOrders(
    @Arg('centreId', () => ID) centreId: string,
    @Arg('status', () => OrderStatus, { nullable: true }) status: OrderStatusName | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: MarketplaceContext,
  ) {
    return mapNodes(await this.orders.forCentre(ctx.viewer, centreId, status ?? null, page), toOrder);
  }

  @FieldResolver(() => ServiceCentre)
  async centre(@Root() order: Order, @Ctx() ctx: MarketplaceContext): Promise<ServiceCentre> {
    const doc = await ctx.loaders.byId.load(order.centreId);
    if (!doc) throw new ForbiddenError('The service centre is gone');
    return toCentre(doc);
  }
}
