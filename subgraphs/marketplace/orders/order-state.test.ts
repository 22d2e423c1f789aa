import { ORDER_STATUSES, orderTransition, type OrderAction, type OrderActor } from './order-state.js';

const at = (
  status: (typeof ORDER_STATUSES)[number],
  actor: OrderActor,
  fulfilment: 'PICKUP' | 'SHIPPING' = 'PICKUP',
) => ({
  status,
  actor,
  fulfilment,
});

describe('order state machine', () => {
  it('walks a pickup order and a shipped order to COMPLETED', () => {
    expect(orderTransition('pay', at('PENDING_PAYMENT', 'system'))).toEqual({ ok: true, to: 'PAID' });
    expect(orderTransition('ready', at('PAID', 'partner'))).toEqual({ ok: true, to: 'READY' });
    expect(orderTransition('complete', at('READY', 'partner'))).toEqual({ ok: true, to: 'COMPLETED' });
    expect(orderTransition('ship', at('PAID', 'partner', 'SHIPPING'))).toEqual({ ok: true, to: 'SHIPPED' });
    expect(orderTransition('complete', at('SHIPPED', 'partner', 'SHIPPING'))).toEqual({ ok: true, to: 'COMPLETED' });
  });

  it('lets the customer cancel only an unpaid order (CONFLICT after), and the hold lapse only then', () => {
    expect(orderTransition('cancel', at('PENDING_PAYMENT', 'customer'))).toEqual({ ok: true, to: 'CANCELLED' });
    expect(orderTransition('expire', at('PENDING_PAYMENT', 'system'))).toEqual({ ok: true, to: 'CANCELLED' });
    for (const status of ORDER_STATUSES.filter((s) => s !== 'PENDING_PAYMENT')) {
      expect(orderTransition('cancel', at(status, 'customer'))).toMatchObject({ ok: false, reason: 'CONFLICT' });
      expect(orderTransition('expire', at(status, 'system'))).toMatchObject({ ok: false, reason: 'CONFLICT' });
    }
  });

  it('refunds a paid order in any later state, never an unpaid, cancelled or refunded one', () => {
    for (const status of ['PAID', 'READY', 'SHIPPED', 'COMPLETED'] as const) {
      expect(orderTransition('refund', at(status, 'system'))).toEqual({ ok: true, to: 'REFUNDED' });
    }
    for (const status of ['PENDING_PAYMENT', 'CANCELLED', 'REFUNDED'] as const) {
      expect(orderTransition('refund', at(status, 'system'))).toMatchObject({ ok: false, reason: 'CONFLICT' });
    }
  });

  it('takes a payment that lands after the order was cancelled only from CANCELLED, by payments', () => {
    expect(orderTransition('payLate', at('CANCELLED', 'system'))).toEqual({ ok: true, to: 'PAID' });
    expect(orderTransition('payLate', at('PENDING_PAYMENT', 'system'))).toMatchObject({
      ok: false,
      reason: 'CONFLICT',
    });
    expect(orderTransition('payLate', at('CANCELLED', 'customer'))).toMatchObject({ ok: false, reason: 'FORBIDDEN' });
  });

  it('refunds a late payment whose units were gone only from CANCELLED, by payments', () => {
    expect(orderTransition('refundUnfilled', at('CANCELLED', 'system'))).toEqual({ ok: true, to: 'REFUNDED' });
    for (const status of ['PENDING_PAYMENT', 'PAID', 'REFUNDED'] as const) {
      expect(orderTransition('refundUnfilled', at(status, 'system'))).toMatchObject({ ok: false, reason: 'CONFLICT' });
    }
    expect(orderTransition('refundUnfilled', at('CANCELLED', 'partner'))).toMatchObject({
      ok: false,
      reason: 'FORBIDDEN',
    });
  });

  it('keeps each move to its actor (FORBIDDEN otherwise)', () => {
    const cases: [OrderAction, OrderActor][] = [
      ['pay', 'customer'],
      ['pay', 'partner'],
      ['ready', 'customer'],
      ['ship', 'customer'],
      ['complete', 'customer'],
      ['cancel', 'partner'],
      ['refund', 'partner'],
      ['refund', 'customer'],
    ];
    for (const [action, actor] of cases) {
      const status =
        action === 'complete' ? 'READY' : action === 'pay' || action === 'cancel' ? 'PENDING_PAYMENT' : 'PAID';
      expect(orderTransition(action, at(status, actor))).toMatchObject({ ok: false, reason: 'FORBIDDEN' });
    }
  });

  it('readies only pickup orders and ships only shipping orders; nothing moves from a final status', () => {
    expect(orderTransition('ship', at('PAID', 'partner', 'PICKUP'))).toMatchObject({ ok: false, reason: 'CONFLICT' });
    expect(orderTransition('ready', at('PAID', 'partner', 'SHIPPING'))).toMatchObject({
      ok: false,
      reason: 'CONFLICT',
    });
    expect(orderTransition('ready', at('PENDING_PAYMENT', 'partner'))).toMatchObject({ ok: false, reason: 'CONFLICT' });
    for (const status of ['COMPLETED', 'CANCELLED', 'REFUNDED'] as const) {
      for (const action of ['pay', 'ready', 'ship', 'complete'] as const) {
        const actor = action === 'pay' ? 'system' : 'partner';
        expect(orderTransition(action, at(status, actor))).toMatchObject({ ok: false, reason: 'CONFLICT' });
      }
    }
  });
});
