import { createHash } from 'node:crypto';
import { ObjectId } from 'mongodb';
import { z } from 'zod';
import { isStaff, type Viewer } from '../../../platform/auth/viewer.js';
import { BadUserInputError, ConflictError, ForbiddenError, NotFoundError } from '../../../platform/errors.js';
import type { Connection, PageArgs } from '../../../platform/graphql/pagination.js';
import { parseInput } from '../../../platform/graphql/parse-input.js';
import { parseId } from '../ids.js';
import { centreForMember, isMember, requireUser, type CentreSource } from '../inventory/centre-membership.js';
import type { StockEvents } from '../inventory/stock-events.js';
import type { StockStore } from '../inventory/stock.store.js';
import type { PartStore } from '../parts/part.store.js';
import type { OrderEvents } from './order-events.js';
import { OrderMetrics } from './order-metrics.js';
import { orderTransition, type OrderAction, type OrderActor, type OrderStatusName } from './order-state.js';
import type { OrderDocument, OrderItemDocument, OrderPaymentDocument, OrderStore } from './order.store.js';

export const MAX_ORDER_ITEMS = 20;
export const MAX_ITEM_QUANTITY = 1000;
/** A GraphQL Int holds 2^31 - 1: an order's total stays well below. */
export const MAX_ORDER_TOTAL_MINOR = 100_000_000;

const objectId = (field: string) => z.string().regex(/^[0-9a-f]{24}$/, `${field} is not a valid id`);
const orderSchema = z.object({
  centreId: objectId('centreId'),
  items: z
    .array(
      z.object({
        partId: objectId('partId'),
        quantity: z
          .number()
          .int('quantity must be a whole number')
          .min(1, 'quantity must be at least 1')
          .max(MAX_ITEM_QUANTITY, `quantity must be at most ${MAX_ITEM_QUANTITY}`),
      }),
    )
    .min(1, 'an order needs at least one item')
    .max(MAX_ORDER_ITEMS, `at most ${MAX_ORDER_ITEMS} items`)
    .refine((items) => new Set(items.map((i) => i.partId)).size === items.length, 'each part once per order'),
  fulfilment: z.enum(['PICKUP', 'SHIPPING']),
  idempotencyKey: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{8,100}$/, 'idempotencyKey must be 8 to 100 letters, digits or _.:-'),
});
export type OrderRequest = z.input<typeof orderSchema>;

export interface OrderSettings {
  /** An unpaid order lets go of its units after this long. */
  paymentHoldMs: number;
}

/** Who the order's viewer is to it: its customer, a member of its centre, staff, or nobody. */
type Relation = 'customer' | 'partner' | 'staff' | null;

/** Places orders (holding their units), moves them through their states, and reads them. */
export class OrderService {
  constructor(
    private readonly orders: OrderStore,
    private readonly parts: PartStore,
    private readonly stock: StockStore,
    private readonly centres: CentreSource,
    private readonly events: OrderEvents,
    private readonly stockEvents: StockEvents,
    private readonly settings: OrderSettings,
    private readonly clock: () => Date = () => new Date(),
    private readonly metrics: OrderMetrics = new OrderMetrics(),
  ) {}

  /**
   * Holds every item's units, each by one conditional update on its stock document, then stores
   * the order. An item short of stock is CONFLICT and lets go of the items already held. A retry
   * with the same key returns the first order; the key with another request is CONFLICT.
   */
  async place(viewer: Viewer | undefined, input: OrderRequest): Promise<OrderDocument> {
    const user = requireUser(viewer);
    const parsed = parseInput(orderSchema, input);
    const key = `${user.userId}:${parsed.idempotencyKey}`;
    const fingerprint = fingerprintOf(parsed);
    const first = await this.orders.findByIdempotencyKey(key);
    if (first) return sameRequest(first, fingerprint);

    const centre = await this.centres.findById(new ObjectId(parsed.centreId));
    if (!centre) throw new NotFoundError('Service centre');
    const found = await this.parts.findMany(parsed.items.map((i) => new ObjectId(i.partId)));
    const items: OrderItemDocument[] = parsed.items.map((item, n) => {
      const part = found[n];
      if (!part) throw new NotFoundError(`Part ${item.partId}`);
      if (part.centreId !== parsed.centreId) {
        throw new BadUserInputError(`${part.sku} is sold by another centre`, `items.${n}.partId`);
      }
      return {
        partId: item.partId,
        sku: part.sku,
        name: part.name,
        brand: part.brand,
        quantity: item.quantity,
        unitPriceMinor: part.priceMinor,
      };
    });
    const currencies = new Set(parsed.items.map((_, n) => found[n]!.currency));
    if (currencies.size > 1) {
      throw new BadUserInputError(
        `An order is paid in one currency; these parts are in ${[...currencies].join(', ')}`,
        'items',
      );
    }
    const totalMinor = items.reduce((sum, i) => sum + i.quantity * i.unitPriceMinor, 0);
    if (totalMinor > MAX_ORDER_TOTAL_MINOR)
      throw new BadUserInputError('The order is too large to pay at once', 'items');

    const now = this.clock();
    const _id = new ObjectId();
    const holdUntil = new Date(now.getTime() + this.settings.paymentHoldMs);
    // A read first: under a rush on the last units most orders are refused here without a write
    // (the embedded database has one writer); the conditional update below still decides.
    const free = await this.stock.findMany(items.map((i) => new ObjectId(i.partId)));
    const short =
      items.find((item, n) => (free[n]?.quantity ?? 0) < item.quantity) ??
      (await this.hold(_id.toHexString(), items, holdUntil, now));
    if (short) {
      // A concurrent retry with the same key may hold the units: its order is then the answer.
      const stored = await this.orders.findByIdempotencyKey(key);
      if (stored) return sameRequest(stored, fingerprint);
      this.metrics.shortOfStock.inc();
      throw new ConflictError(`Not enough ${short.sku} in stock for ${short.quantity}`);
    }
    const doc: OrderDocument = {
      _id,
      customerId: user.userId,
      centreId: parsed.centreId,
      items,
      totalMinor,
      currency: [...currencies][0]!,
      fulfilment: parsed.fulfilment,
      status: 'PENDING_PAYMENT',
      idempotencyKey: key,
      holdUntil,
      payment: null,
      announceDue: now,
      history: [{ status: 'PENDING_PAYMENT', at: now, by: user.userId }],
      createdAt: now,
      updatedAt: now,
      fingerprint,
    };
    if (!(await this.orders.insert(doc))) {
      // A concurrent retry with the same key stored its order first: that one is the answer.
      await this.releaseItems(_id.toHexString(), items);
      const stored = await this.orders.findByIdempotencyKey(key);
      if (!stored) throw new ConflictError('This order is being placed; retry it');
      return sameRequest(stored, fingerprint);
    }
    this.metrics.placed.inc();
    await this.events.changed(doc);
    return doc;
  }

  /** Takes each item's units for the order; when one is short, gives back those taken and returns it. */
  private async hold(
    orderId: string,
    items: OrderItemDocument[],
    until: Date,
    now: Date,
  ): Promise<OrderItemDocument | null> {
    const taken: OrderItemDocument[] = [];
    for (const item of items) {
      const after = await this.stock.reserve(new ObjectId(item.partId), orderId, item.quantity, until, now);
      if (!after) {
        await this.releaseItems(orderId, taken);
        return item;
      }
      taken.push(item);
      await this.stockEvents.afterWrite(after);
    }
    return null;
  }

  /** Gives the order's held units back (each at most once, whoever else tries). */
  async releaseItems(orderId: string, items: readonly OrderItemDocument[]): Promise<void> {
    const now = this.clock();
    for (const item of items) {
      const after = await this.stock.release(new ObjectId(item.partId), orderId, now);
      await this.stockEvents.afterWrite(after);
    }
  }

  /** The units of a paid order are sold: their holds go. */
  async settleItems(order: OrderDocument): Promise<void> {
    const now = this.clock();
    for (const item of order.items) await this.stock.settle(new ObjectId(item.partId), order._id.toHexString(), now);
  }

  async read(viewer: Viewer | undefined, id: string): Promise<OrderDocument> {
    const user = requireUser(viewer);
    const order = await this.orders.findById(parseId(id, 'id').toHexString());
    if (!order || !(await this.relation(user, order))) throw new NotFoundError('Order');
    return order;
  }

  mine(viewer: Viewer | undefined, args: PageArgs): Promise<Connection<OrderDocument>> {
    return this.orders.forCustomer(requireUser(viewer).userId, args);
  }

  async forCentre(
    viewer: Viewer | undefined,
    centreId: string,
    status: OrderStatusName | null,
    args: PageArgs,
  ): Promise<Connection<OrderDocument>> {
    const centre = await centreForMember(this.centres, requireUser(viewer), parseId(centreId, 'centreId'), true);
    return this.orders.forCentre(centre._id.toHexString(), status, args);
  }

  /** The customer cancels an unpaid order: its units go back to stock at once. */
  async cancel(viewer: Viewer | undefined, id: string): Promise<OrderDocument> {
    const cancelled = await this.act(viewer, id, 'cancel');
    await this.releaseItems(cancelled._id.toHexString(), cancelled.items);
    return cancelled;
  }

  markReady(viewer: Viewer | undefined, id: string) {
    return this.act(viewer, id, 'ready');
  }

  markShipped(viewer: Viewer | undefined, id: string) {
    return this.act(viewer, id, 'ship');
  }

  complete(viewer: Viewer | undefined, id: string) {
    return this.act(viewer, id, 'complete');
  }

  private async act(viewer: Viewer | undefined, id: string, action: OrderAction): Promise<OrderDocument> {
    const user = requireUser(viewer);
    const order = await this.orders.findById(parseId(id, 'id').toHexString());
    const relation = order ? await this.relation(user, order) : null;
    if (!order || !relation) throw new NotFoundError('Order');
    if (relation === 'staff') throw new ForbiddenError("Only the order's customer or centre may change it");
    return this.move(order, action, relation, user.userId);
  }

  /** Applies `action` as `actor` (payments and the hold sweep act as `system`). */
  async move(
    order: OrderDocument,
    action: OrderAction,
    actor: OrderActor,
    by: string,
    payment?: OrderPaymentDocument,
  ): Promise<OrderDocument> {
    const decided = orderTransition(action, { status: order.status, actor, fulfilment: order.fulfilment });
    if (!decided.ok) {
      throw decided.reason === 'FORBIDDEN' ? new ForbiddenError(decided.message) : new ConflictError(decided.message);
    }
    const moved = await this.orders.transition(
      order._id,
      order.status,
      decided.to,
      { at: this.clock(), by },
      payment ? { payment } : {},
    );
    if (!moved) throw new ConflictError('The order changed meanwhile; reload it and try again');
    this.metrics.moved.inc({ status: moved.status, actor });
    await this.events.changed(moved);
    return moved;
  }

  private async relation(user: Extract<Viewer, { kind: 'user' }>, order: OrderDocument): Promise<Relation> {
    if (order.customerId === user.userId) return 'customer';
    const centre = await this.centres.findById(new ObjectId(order.centreId));
    if (centre && isMember(centre, user.userId)) return 'partner';
    return isStaff(user) ? 'staff' : null;
  }
}

/** What makes two requests with one key the same order: centre, fulfilment, parts and quantities. */
function fingerprintOf(parsed: z.output<typeof orderSchema>): string {
  const items = [...parsed.items]
    .sort((a, b) => a.partId.localeCompare(b.partId))
    .map((i) => `${i.partId}x${i.quantity}`);
  return createHash('sha256')
    .update(`${parsed.centreId}|${parsed.fulfilment}|${items.join(',')}`)
    .digest('base64url');
}

function sameRequest(first: OrderDocument, fingerprint: string): OrderDocument {
  if (first.fingerprint !== fingerprint) throw new ConflictError('idempotencyKey was already used for another order');
  return first;
}
