import { ObjectId } from 'mongodb';
import type { EventBus } from '../../../platform/events/bus.js';
import type { Logger } from '../../../platform/logger.js';
import { ORDER_PAYMENT_UNFILLED, orderPaymentUnfilledSchema, type Payable } from '../contract.js';
import type { CentreSource } from '../inventory/centre-membership.js';
import type { StockStore } from '../inventory/stock.store.js';
import type { OrderService } from '../orders/order.service.js';
import type { OrderDocument, OrderStore } from '../orders/order.store.js';
import type { PayableKindHandler } from './payables.js';
import type { PaymentEvent } from './payment-event.js';

const LATE_HOLD_MS = 5 * 60_000;

/** Parts orders as payables: an unpaid order within its hold is payable in full; payments move it to PAID or REFUNDED. */
export class OrderPayable implements PayableKindHandler {
  constructor(
    private readonly orders: OrderStore,
    private readonly service: OrderService,
    private readonly stock: StockStore,
    private readonly centres: CentreSource,
    private readonly logger: Logger,
    private readonly bus: Pick<EventBus, 'append'>,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async resolve(id: string): Promise<Payable | null> {
    const order = await this.orders.findById(id);
    if (!order) return null;
    const centre = await this.centres.findById(new ObjectId(order.centreId));
    return {
      kind: 'ORDER',
      id,
      customerId: order.customerId,
      centreId: order.centreId,
      centreMemberIds: centre?.memberIds ?? [],
      status: order.status,
      payable: order.status === 'PENDING_PAYMENT' && order.holdUntil.getTime() > this.clock().getTime(),
      amountMinor: order.totalMinor,
      currency: order.currency,
      description: `Parts order ${id}${centre ? ` at ${centre.name}` : ''}`,
      lines: order.items.map((i) => ({
        description: `${i.brand} ${i.name} (${i.sku})`,
        quantity: i.quantity,
        unitAmountMinor: i.unitPriceMinor,
      })),
    };
  }

  /**
   * PENDING_PAYMENT -> PAID, and the held units are sold. A redelivery finds the order paid and
   * changes nothing. A payment that lands after the hold lapsed holds the units again if it can
   * (then PAID); if not, the order stays CANCELLED, is marked, and ORDER_PAYMENT_UNFILLED asks
   * payments to refund it. A failed append throws, so the success is redelivered and the request
   * appended again (payments refunds once however often it is asked).
   */
  async succeeded(event: PaymentEvent): Promise<void> {
    const order = await this.orders.findById(event.subjectId);
    if (!order) throw new Error(`payment ${event.paymentId} names order ${event.subjectId}, which does not exist`);
    if (order.payment?.paymentId === event.paymentId) {
      if (order.status === 'CANCELLED' && order.payment.lateAndUnfilled) return this.askRefund(order, order.payment);
      if (order.status !== 'PENDING_PAYMENT' && order.status !== 'CANCELLED') await this.service.settleItems(order);
      return;
    }
    if (event.currency !== order.currency || event.amountMinor < order.totalMinor) {
      this.logger.error(
        {
          orderId: event.subjectId,
          paymentId: event.paymentId,
          amountMinor: event.amountMinor,
          currency: event.currency,
        },
        'payment does not cover the order: left unpaid',
      );
      return;
    }
    const payment = {
      paymentId: event.paymentId,
      paidMinor: event.amountMinor,
      refundedMinor: 0,
      lateAndUnfilled: false,
    };
    if (order.status === 'PENDING_PAYMENT') {
      const paid = await this.payOrReload(order, 'pay', payment);
      if (paid.status !== 'CANCELLED') {
        await this.service.settleItems(paid);
        return;
      }
      return this.late(paid, payment);
    }
    if (order.status === 'CANCELLED') return this.late(order, payment);
    this.logger.warn({ orderId: event.subjectId, paymentId: event.paymentId }, 'second payment for a paid order');
  }

  private async late(order: OrderDocument, payment: NonNullable<OrderDocument['payment']>): Promise<void> {
    const orderId = order._id.toHexString();
    const now = this.clock();
    const held: OrderDocument['items'] = [];
    // Long enough for the move below: a sweep meanwhile must not take these units back from a CANCELLED order.
    const until = new Date(now.getTime() + LATE_HOLD_MS);
    for (const item of order.items) {
      if (!(await this.stock.reserve(new ObjectId(item.partId), orderId, item.quantity, until, now))) break;
      held.push(item);
    }
    if (held.length === order.items.length) {
      const paid = await this.payOrReload(order, 'payLate', payment);
      if (paid.status === 'PAID') {
        await this.service.settleItems(paid);
        return;
      }
    }
    await this.service.releaseItems(orderId, held);
    const unfilled = { ...payment, lateAndUnfilled: true };
    await this.orders.setPayment(order._id, unfilled, now);
    this.logger.warn(
      { orderId, paymentId: payment.paymentId },
      'order paid after its hold lapsed and out of stock: asking payments to refund it',
    );
    await this.askRefund(order, unfilled);
  }

  private async askRefund(order: OrderDocument, payment: NonNullable<OrderDocument['payment']>): Promise<void> {
    await this.bus.append(
      ORDER_PAYMENT_UNFILLED,
      orderPaymentUnfilledSchema.parse({
        orderId: order._id.toHexString(),
        paymentId: payment.paymentId,
        customerId: order.customerId,
        centreId: order.centreId,
        amountMinor: payment.paidMinor,
        currency: order.currency,
        at: this.clock(),
      }),
    );
  }

  private async payOrReload(
    order: OrderDocument,
    action: 'pay' | 'payLate',
    payment: NonNullable<OrderDocument['payment']>,
  ): Promise<OrderDocument> {
    try {
      return await this.service.move(order, action, 'system', 'payments', payment);
    } catch {
      // The hold sweep (or a concurrent delivery) moved it first: go by what it is now.
      const now = await this.orders.findById(order._id.toHexString());
      if (!now) throw new Error(`order ${order._id.toHexString()} vanished`);
      return now;
    }
  }

  /** Records the refunded total; a full refund moves a paid order to REFUNDED (the units are not restocked: partners count returns in). */
  async refunded(event: PaymentEvent): Promise<void> {
    const order = await this.orders.findById(event.subjectId);
    if (!order)
      throw new Error(`refund of payment ${event.paymentId} names order ${event.subjectId}, which does not exist`);
    if (!order.payment || order.payment.paymentId !== event.paymentId) {
      this.logger.warn(
        { orderId: event.subjectId, paymentId: event.paymentId },
        'refund of a payment the order does not know',
      );
      return;
    }
    const refundedMinor = Math.max(order.payment.refundedMinor, event.refundedMinor);
    const payment = { ...order.payment, refundedMinor };
    if (order.status === 'CANCELLED' && payment.lateAndUnfilled && refundedMinor >= payment.paidMinor) {
      await this.payOrReloadRefund(order, payment, 'refundUnfilled');
      return;
    }
    if (refundedMinor >= order.totalMinor && ['PAID', 'READY', 'SHIPPED', 'COMPLETED'].includes(order.status)) {
      await this.payOrReloadRefund(order, payment);
      return;
    }
    if (refundedMinor !== order.payment.refundedMinor) await this.orders.setPayment(order._id, payment, this.clock());
  }

  private async payOrReloadRefund(
    order: OrderDocument,
    payment: NonNullable<OrderDocument['payment']>,
    action: 'refund' | 'refundUnfilled' = 'refund',
  ) {
    try {
      await this.service.move(order, action, 'system', 'payments', payment);
    } catch {
      // Moved meanwhile (a redelivery refunded it first): the next delivery, if any, settles it.
      const now = await this.orders.findById(order._id.toHexString());
      if (now && now.status !== 'REFUNDED') throw new Error(`order ${order._id.toHexString()} could not be refunded`);
    }
  }
}
