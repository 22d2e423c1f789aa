import { z } from 'zod';
import type { StreamEvent } from '../../../platform/events/bus.js';
import type { Dispatcher } from '../dispatch/dispatcher.js';
import type { RecipientDirectory } from '../recipients/directory.js';
import type { NotificationKind } from '../vocabulary.js';
import type { StreamSource } from './stream-sources.js';

/**
 * Orders, payments, roadside and stock, as notes/commerce-contract.md fixes them. The
 * publishers (marketplace orders/roadside/inventory, payments) own the topic constants and zod
 * schemas in their contract.ts; these local copies hold only the fields read here, so this
 * consumer keeps working whichever lands first. Extra fields pass through.
 */
export const ORDER_UPDATED_STREAM = 'marketplace.order.updated';
export const STOCK_LOW_STREAM = 'marketplace.stock.low';
export const ROADSIDE_UPDATED_STREAM = 'marketplace.roadside.updated';
export const PAYMENT_STREAMS = {
  'payments.payment.succeeded': 'PAYMENT_SUCCEEDED',
  'payments.payment.failed': 'PAYMENT_FAILED',
  'payments.payment.refunded': 'PAYMENT_REFUNDED',
} as const satisfies Record<string, NotificationKind>;

const at = z.coerce.date();
const id = z.string().min(1).max(64);

export const orderUpdatedPayload = z
  .object({
    orderId: id,
    customerId: id,
    centreId: id,
    status: z.string().max(32),
    totalMinor: z.number().int(),
    currency: z.string().length(3),
    at,
  })
  .loose();
export const stockLowPayload = z
  .object({
    centreId: id,
    partId: id,
    sku: z.string().max(100),
    name: z.string().max(200),
    quantity: z.number(),
    threshold: z.number(),
    at,
  })
  .loose();
export const roadsideUpdatedPayload = z
  .object({ requestId: id, customerId: id, vehicleId: id, status: z.string().max(32), centreId: id.nullable(), at })
  .loose();
export const paymentEventPayload = z
  .object({
    paymentId: id,
    subjectKind: z.string().max(16),
    subjectId: id,
    customerId: id,
    centreId: id.nullable().optional(),
    amountMinor: z.number().int(),
    refundedMinor: z.number().int().default(0),
    currency: z.string().length(3),
    at,
    failureCode: z.string().max(100).nullable().optional(),
  })
  .loose();

const iso = (d: Date) => new Date(d).toISOString();

/** An order moved: its customer hears of it; the centre's members hear of a new paid order (to prepare it). */
export function ordersSource(
  dispatcher: Dispatcher,
  recipients: RecipientDirectory,
): StreamSource<z.infer<typeof orderUpdatedPayload>> {
  return {
    stream: ORDER_UPDATED_STREAM,
    schema: orderUpdatedPayload,
    async handle({ payload: o }: StreamEvent<z.infer<typeof orderUpdatedPayload>>) {
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
export function paymentSources(dispatcher: Dispatcher): StreamSource<z.infer<typeof paymentEventPayload>>[] {
  return Object.entries(PAYMENT_STREAMS).map(([stream, kind]) => ({
    stream,
    schema: paymentEventPayload,
    async handle({ payload: p }: StreamEvent<z.infer<typeof paymentEventPayload>>) {
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
export function roadsideSource(dispatcher: Dispatcher): StreamSource<z.infer<typeof roadsideUpdatedPayload>> {
  return {
    stream: ROADSIDE_UPDATED_STREAM,
    schema: roadsideUpdatedPayload,
    async handle({ payload: r }: StreamEvent<z.infer<typeof roadsideUpdatedPayload>>) {
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
export function stockSource(
  dispatcher: Dispatcher,
  recipients: RecipientDirectory,
): StreamSource<z.infer<typeof stockLowPayload>> {
  return {
    stream: STOCK_LOW_STREAM,
    schema: stockLowPayload,
    async handle({ payload: s }: StreamEvent<z.infer<typeof stockLowPayload>>) {
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
