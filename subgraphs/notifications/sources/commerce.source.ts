import type { StreamEvent } from '../../../platform/events/bus.js';
import {
  ORDER_UPDATED,
  orderUpdatedSchema,
  ROADSIDE_UPDATED,
  roadsideUpdatedSchema,
  STOCK_LOW,
  stockLowSchema,
  type OrderUpdated,
  type RoadsideUpdated,
  type StockLow,
} from '../../marketplace/contract.js';
import {
  PAYMENT_FAILED,
  PAYMENT_REFUNDED,
  PAYMENT_SUCCEEDED,
  paymentEventSchema,
  type PaymentEvent,
} from '../../payments/contract.js';
import type { Dispatcher } from '../dispatch/dispatcher.js';
import type { RecipientDirectory } from '../recipients/directory.js';
import type { NotificationKind } from '../vocabulary.js';
import type { StreamSource } from './stream-sources.js';

/**
 * Orders, payments, roadside and stock (notes/commerce-contract.md): the publishers own the
 * topics and payload schemas (marketplace/contract.ts, payments/contract.ts); this consumer
 * parses with theirs, so an event that breaks the contract is dead-lettered, never guessed at.
 */
const PAYMENT_KINDS = {
  [PAYMENT_SUCCEEDED]: 'PAYMENT_SUCCEEDED',
  [PAYMENT_FAILED]: 'PAYMENT_FAILED',
  [PAYMENT_REFUNDED]: 'PAYMENT_REFUNDED',
} as const satisfies Record<string, NotificationKind>;

const iso = (d: Date) => new Date(d).toISOString();

/** An order moved: its customer hears of it; the centre's members hear of a new paid order (to prepare it). */
export function ordersSource(dispatcher: Dispatcher, recipients: RecipientDirectory): StreamSource<OrderUpdated> {
  return {
    stream: ORDER_UPDATED,
    orderKey: (o) => o.orderId,
    schema: orderUpdatedSchema,
    async handle({ payload: o }: StreamEvent<OrderUpdated>) {
      const members = o.status === 'PAID' ? await recipients.centreMembers(o.centreId) : [];
      await dispatcher.dispatch({
        sourceKey: `order:${o.orderId}:${o.status}:${iso(o.at)}`,
        userIds: [o.customerId, ...members],
        category: 'ORDERS_PAYMENTS',
        kind: 'ORDER_UPDATED',
        severity: 'INFO',
        vars: { orderId: o.orderId, status: o.status, totalMinor: String(o.totalMinor), currency: o.currency },
      });
    },
  };
}

/** Receipts: a payment succeeded, failed or was refunded, for the paying customer. */
export function paymentSources(dispatcher: Dispatcher): StreamSource<PaymentEvent>[] {
  return Object.entries(PAYMENT_KINDS).map(([stream, kind]) => ({
    stream,
    schema: paymentEventSchema,
    orderKey: (p) => p.paymentId,
    async handle({ payload: p }: StreamEvent<PaymentEvent>) {
      await dispatcher.dispatch({
        sourceKey: `payment:${p.paymentId}:${kind}:${p.refundedMinor}:${iso(p.at)}`,
        userIds: [p.customerId],
        category: 'ORDERS_PAYMENTS',
        kind,
        severity: kind === 'PAYMENT_FAILED' ? 'MEDIUM' : 'INFO',
        vars: {
          paymentId: p.paymentId,
          subjectKind: p.subjectKind,
          subjectId: p.subjectId,
          amountMinor: String(p.amountMinor),
          refundedMinor: String(p.refundedMinor),
          currency: p.currency,
          ...(p.failureCode ? { failureCode: p.failureCode } : {}),
        },
      });
    },
  }));
}

/** A roadside request moved: its customer hears of each step (a safety matter: they are stranded). */
export function roadsideSource(dispatcher: Dispatcher): StreamSource<RoadsideUpdated> {
  return {
    stream: ROADSIDE_UPDATED,
    orderKey: (r) => r.requestId,
    schema: roadsideUpdatedSchema,
    async handle({ payload: r }: StreamEvent<RoadsideUpdated>) {
      // The driver asked (REQUESTED) and centres are being asked (OFFERED): nothing new for the driver yet.
      if (r.status === 'REQUESTED' || r.status === 'OFFERED') return;
      await dispatcher.dispatch({
        sourceKey: `roadside:${r.requestId}:${r.status}:${iso(r.at)}`,
        userIds: [r.customerId],
        category: 'SAFETY',
        kind: 'ROADSIDE_UPDATED',
        severity: 'HIGH',
        vars: { requestId: r.requestId, vehicleId: r.vehicleId, status: r.status },
      });
    },
  };
}

/** Stock fell to its threshold: the centre's members (partners) hear of it. */
export function stockSource(dispatcher: Dispatcher, recipients: RecipientDirectory): StreamSource<StockLow> {
  return {
    stream: STOCK_LOW,
    orderKey: (s) => `${s.centreId}:${s.partId}`,
    schema: stockLowSchema,
    async handle({ payload: s }: StreamEvent<StockLow>) {
      const members = await recipients.centreMembers(s.centreId);
      if (members.length === 0) return;
      await dispatcher.dispatch({
        sourceKey: `stock:${s.centreId}:${s.partId}:${iso(s.at)}`,
        userIds: members,
        category: 'ORDERS_PAYMENTS',
        kind: 'STOCK_LOW',
        severity: 'LOW',
        vars: {
          centreId: s.centreId,
          partId: s.partId,
          sku: s.sku,
          name: s.name,
          quantity: String(s.quantity),
          threshold: String(s.threshold),
        },
      });
    },
  };
}
