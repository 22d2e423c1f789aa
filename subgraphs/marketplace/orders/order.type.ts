import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType } from '../../../platform/graphql/pagination.js';
import { User } from '../centres/user.type.js';
import { ORDER_STATUSES, type OrderStatusName } from './order-state.js';
import type { OrderDocument } from './order.store.js';

export const OrderStatus = Object.fromEntries(ORDER_STATUSES.map((s) => [s, s])) as { [K in OrderStatusName]: K };
registerEnumType(OrderStatus, {
  name: 'OrderStatus',
  description:
    'PENDING_PAYMENT → PAID → READY (pickup) | SHIPPED → COMPLETED; CANCELLED (unpaid: by the customer or when the hold lapses; the units go back); REFUNDED (in full)',
});

export enum OrderFulfilment {
  PICKUP = 'PICKUP',
  SHIPPING = 'SHIPPING',
}
registerEnumType(OrderFulfilment, {
  name: 'OrderFulfilment',
  description: 'Collected at the centre, or shipped by it',
});

@InputType()
export class OrderItemInput {
  @Field(() => ID)
  partId!: string;

  @Field(() => Int, { description: '1 to 1,000' })
  quantity!: number;
}

@InputType({ description: "Parts from one centre's catalogue, paid in one currency" })
export class OrderInput {
  @Field(() => ID)
  centreId!: string;

  @Field(() => [OrderItemInput], { description: '1 to 20 items, each part once' })
  items!: OrderItemInput[];

  @Field(() => OrderFulfilment)
  fulfilment!: OrderFulfilment;

  @Field(() => String, {
    description:
      'Any 8-100 characters of [A-Za-z0-9_.:-] unique to this order: a retry with it returns the first order',
  })
  idempotencyKey!: string;
}

@ObjectType()
export class OrderItem {
  @Field(() => ID)
  partId!: string;

  @Field(() => String)
  sku!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  brand!: string;

  @Field(() => Int)
  quantity!: number;

  @Field(() => Int, { description: 'The price of one when ordered, in minor units' })
  unitPriceMinor!: number;

  @Field(() => Int)
  lineTotalMinor!: number;
}

@ObjectType()
export class OrderStatusChange {
  @Field(() => OrderStatus)
  status!: OrderStatusName;

  @Field(() => Date)
  at!: Date;
}

@ObjectType({ description: 'A parts order at one service centre (its customer, the centre’s members, staff)' })
export class Order {
  @Field(() => ID)
  id!: string;

  @Field(() => OrderStatus)
  status!: OrderStatusName;

  @Field(() => User)
  customer!: User;

  @Field(() => [OrderItem])
  items!: OrderItem[];

  @Field(() => Int, { description: 'Minor units of currency' })
  totalMinor!: number;

  @Field(() => String, { description: 'ISO 4217' })
  currency!: string;

  @Field(() => OrderFulfilment)
  fulfilment!: OrderFulfilment;

  @Field(() => Date, { description: 'An unpaid order lets go of its units at this time (ORDER_PAYMENT_HOLD_MINUTES)' })
  holdUntil!: Date;

  @Field(() => Int, { description: 'Refunded so far, in minor units' })
  refundedMinor!: number;

  @Field(() => [OrderStatusChange], { description: 'Oldest first' })
  history!: OrderStatusChange[];

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;

  centreId!: string;
}

export const OrderConnection = ConnectionType(Order);

export const toOrder = (doc: OrderDocument): Order => ({
  id: doc._id.toHexString(),
  status: doc.status,
  customer: { id: doc.customerId },
  items: doc.items.map((i) => ({ ...i, lineTotalMinor: i.quantity * i.unitPriceMinor })),
  totalMinor: doc.totalMinor,
  currency: doc.currency,
  fulfilment: doc.fulfilment as OrderFulfilment,
  holdUntil: doc.holdUntil,
  refundedMinor: doc.payment?.refundedMinor ?? 0,
  history: doc.history.map(({ status, at }) => ({ status, at })),
  createdAt: doc.createdAt,
  updatedAt: doc.updatedAt,
  centreId: doc.centreId,
});
