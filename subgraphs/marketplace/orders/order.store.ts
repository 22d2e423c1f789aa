import type { Collection, Db, Filter, ObjectId } from 'mongodb';
import { paginate, type Connection, type PageArgs } from '../../../platform/graphql/pagination.js';
import { insertUnlessTaken } from '../../../platform/mongo/duplicate-key.js';
import { ensureIndexes, type IndexDeclaration } from '../../../platform/mongo/indexes.js';
import { toObjectId } from '../../../platform/mongo/object-id.js';
import type { Fulfilment, OrderStatusName } from './order-state.js';

export interface OrderItemDocument {
  partId: string;
  sku: string;
  name: string;
  brand: string;
  quantity: number;
  unitPriceMinor: number;
}

export interface OrderHistoryEntry {
  status: OrderStatusName;
  at: Date;
  /** The user who made the change, or `payments` / `hold-expiry`. */
  by: string;
}

/** What payments told us (payments.payment.succeeded / refunded). */
export interface OrderPaymentDocument {
  paymentId: string;
  paidMinor: number;
  refundedMinor: number;
  /** Paid after its hold had lapsed and the units could not be taken again: payments must refund it. */
  lateAndUnfilled: boolean;
}

/**
 * One parts order. Its units are held on the parts' stock documents while it is unpaid
 * (inventory/stock.store.ts); everything a transition changes is in this one document, moved
 * with a condition on the status it was decided from.
 */
export interface OrderDocument {
  _id: ObjectId;
  customerId: string;
  centreId: string;
  items: OrderItemDocument[];
  totalMinor: number;
  currency: string;
  fulfilment: Fulfilment;
  status: OrderStatusName;
  /** `<customerId>:<client key>`: unique. */
  idempotencyKey: string;
  /** The request's centre, fulfilment, parts and quantities, hashed: a key reused for another request is refused. */
  fingerprint: string;
  /** When the unpaid order lets go of its units. */
  holdUntil: Date;
  payment: OrderPaymentDocument | null;
  /**
   * Set by every change, cleared once `marketplace.order.updated` for the change is on the bus: an
   * outbox the hold sweep drains, so a change whose append failed is still announced.
   */
  announceDue: Date | null;
  history: OrderHistoryEntry[];
  createdAt: Date;
  updatedAt: Date;
}

/** Retries find their order by key; customers and centres page their orders newest first; the outbox by due time. */
export const ORDER_INDEXES: IndexDeclaration[] = [
  { key: { idempotencyKey: 1 }, options: { unique: true } },
  { key: { customerId: 1, _id: -1 } },
  { key: { centreId: 1, _id: -1 } },
  { key: { centreId: 1, status: 1, _id: -1 } },
  { key: { announceDue: 1 } },
];

export class OrderStore {
  static readonly collection = 'part_orders';
  private readonly orders: Collection<OrderDocument>;

  constructor(db: Db) {
    this.orders = db.collection<OrderDocument>(OrderStore.collection);
  }

  init(): Promise<void> {
    return ensureIndexes(this.orders, ORDER_INDEXES);
  }

  /** False when the idempotency key is taken (a concurrent retry stored its order first). */
  insert(doc: OrderDocument): Promise<boolean> {
    return insertUnlessTaken(this.orders, doc);
  }

  findById(id: string): Promise<OrderDocument | null> {
    const _id = toObjectId(id);
    return _id ? this.orders.findOne({ _id }) : Promise.resolve(null);
  }

  findByIdempotencyKey(key: string): Promise<OrderDocument | null> {
    return this.orders.findOne({ idempotencyKey: String(key) });
  }

  /** Applies a decided move if the order is still in `from`: the order after, or null when something else moved it first. */
  transition(
    id: ObjectId,
    from: OrderStatusName,
    to: OrderStatusName,
    entry: Omit<OrderHistoryEntry, 'status'>,
    set: Partial<Pick<OrderDocument, 'payment'>> = {},
  ): Promise<OrderDocument | null> {
    return this.orders.findOneAndUpdate(
      { _id: id, status: from },
      {
        $set: { ...set, status: to, updatedAt: entry.at, announceDue: entry.at },
        $push: { history: { status: to, ...entry } },
      },
      { returnDocument: 'after' },
    );
  }

  /** Records what payments said without a move (a partial refund, a late payment that could not be filled). */
  setPayment(id: ObjectId, payment: OrderPaymentDocument, now: Date): Promise<OrderDocument | null> {
    return this.orders.findOneAndUpdate(
      { _id: id },
      { $set: { payment, updatedAt: now } },
      { returnDocument: 'after' },
    );
  }

  /** The change announced in `status` is on the bus. */
  async announced(id: ObjectId, status: OrderStatusName): Promise<void> {
    await this.orders.updateOne({ _id: id, status }, { $set: { announceDue: null } });
  }

  /** Orders whose last change was due to be announced by `before` and is not yet. */
  unannounced(before: Date, limit: number): Promise<OrderDocument[]> {
    return this.orders
      .find({ announceDue: { $lte: before } })
      .limit(limit)
      .toArray();
  }

  forCustomer(customerId: string, args: PageArgs): Promise<Connection<OrderDocument>> {
    return this.page({ customerId: String(customerId) }, args);
  }

  forCentre(centreId: string, status: OrderStatusName | null, args: PageArgs): Promise<Connection<OrderDocument>> {
    return this.page(status ? { centreId: String(centreId), status } : { centreId: String(centreId) }, args);
  }

  private page(filter: Filter<OrderDocument>, args: PageArgs): Promise<Connection<OrderDocument>> {
    return paginate(this.orders, filter, args, (doc) => doc);
  }
}
