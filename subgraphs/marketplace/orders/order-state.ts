/**
 * The order lifecycle as a pure function, so every rule about who may move an order where is
 * decided (and tested) in one place; the store then applies the move conditioned on the status it
 * was decided from, so a concurrent move (a payment, the hold sweep) cannot slip in between.
 *
 *   PENDING_PAYMENT ──pay──▶ PAID ──ready (pickup)──▶ READY ───┐
 *        │                    └──ship (shipping)──▶ SHIPPED ───┴──complete──▶ COMPLETED
 *        └──cancel (customer, or the hold lapsing)──▶ CANCELLED
 *   PAID | READY | SHIPPED | COMPLETED ──refund (in full)──▶ REFUNDED
 *   CANCELLED ──payLate (paid after all, units held again)──▶ PAID
 *   CANCELLED ──refundUnfilled (paid after all, no units left: the payment refunded in full)──▶ REFUNDED
 *
 * Payments (`pay`, `refund`) and the hold sweep act as the system; partners move a paid order on;
 * customers cancel only while it is unpaid (after that, a refund is the way back).
 */
import { ORDER_STATUSES, type OrderStatusName } from '../contract.js';

export { ORDER_STATUSES, type OrderStatusName };

export type OrderAction =
  'pay' | 'payLate' | 'refundUnfilled' | 'ready' | 'ship' | 'complete' | 'cancel' | 'expire' | 'refund';
export type OrderActor = 'customer' | 'partner' | 'system';
export type Fulfilment = 'PICKUP' | 'SHIPPING';

export type OrderTransition =
  { ok: true; to: OrderStatusName } | { ok: false; reason: 'FORBIDDEN' | 'CONFLICT'; message: string };

const MOVES: Record<
  OrderAction,
  { from: readonly OrderStatusName[]; to: OrderStatusName; by: readonly OrderActor[]; fulfilment?: Fulfilment }
> = {
  pay: { from: ['PENDING_PAYMENT'], to: 'PAID', by: ['system'] },
  // A payment that lands after the order was cancelled (its hold lapsed meanwhile), once its units are held again.
  payLate: { from: ['CANCELLED'], to: 'PAID', by: ['system'] },
  // Such a payment whose units were gone, once payments has given the money back.
  refundUnfilled: { from: ['CANCELLED'], to: 'REFUNDED', by: ['system'] },
  ready: { from: ['PAID'], to: 'READY', by: ['partner'], fulfilment: 'PICKUP' },
  ship: { from: ['PAID'], to: 'SHIPPED', by: ['partner'], fulfilment: 'SHIPPING' },
  complete: { from: ['READY', 'SHIPPED'], to: 'COMPLETED', by: ['partner'] },
  cancel: { from: ['PENDING_PAYMENT'], to: 'CANCELLED', by: ['customer'] },
  expire: { from: ['PENDING_PAYMENT'], to: 'CANCELLED', by: ['system'] },
  refund: { from: ['PAID', 'READY', 'SHIPPED', 'COMPLETED'], to: 'REFUNDED', by: ['system'] },
};

/** Statuses whose order still holds its units (unsold, not returned). */
export const isHolding = (status: OrderStatusName) => status === 'PENDING_PAYMENT';

/** Decides whether `actor` may apply `action` to an order in `status` with this fulfilment. */
export function orderTransition(
  action: OrderAction,
  ctx: { status: OrderStatusName; actor: OrderActor; fulfilment: Fulfilment },
): OrderTransition {
  const move = MOVES[action];
  if (!move.by.includes(ctx.actor)) {
    return { ok: false, reason: 'FORBIDDEN', message: `Only the ${move.by.join(' or ')} may ${action} an order` };
  }
  if (!move.from.includes(ctx.status)) {
    return {
      ok: false,
      reason: 'CONFLICT',
      message: `A ${ctx.status} order cannot ${action === 'expire' ? 'lapse' : action}`,
    };
  }
  if (move.fulfilment && move.fulfilment !== ctx.fulfilment) {
    return {
      ok: false,
      reason: 'CONFLICT',
      message: `A ${ctx.fulfilment.toLowerCase()} order cannot ${action}: it is ${ctx.fulfilment === 'PICKUP' ? 'collected' : 'shipped'}`,
    };
  }
  return { ok: true, to: move.to };
}
