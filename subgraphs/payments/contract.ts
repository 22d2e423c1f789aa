import { z } from 'zod';
import { InternalClient, internalRoute, type InternalClientOptions } from '../../platform/http/internal-route.js';
import { indexCheckRoute } from '../../platform/ops/index-check.js';

/**
 * What the payments subgraph publishes (it owns money: Stripe calls, payments, refunds,
 * webhooks, the double-entry ledger, invoices, payouts, reconciliation). Durable streams,
 * at-least-once: consumers dedupe (on `paymentId` + status, or the event id).
 * Marketplace consumes them: ORDER -> PAID / REFUNDED (full refund), BOOKING -> deposit or
 * paid flag, ROADSIDE -> paid flag.
 */
export const PAYMENT_SUCCEEDED = 'payments.payment.succeeded';
export const PAYMENT_FAILED = 'payments.payment.failed';
export const PAYMENT_REFUNDED = 'payments.payment.refunded';
export const PAYMENT_TOPICS = [PAYMENT_SUCCEEDED, PAYMENT_FAILED, PAYMENT_REFUNDED] as const;
export type PaymentTopic = (typeof PAYMENT_TOPICS)[number];

export const PAYMENT_SUBJECT_KINDS = ['ORDER', 'BOOKING', 'ROADSIDE'] as const;

export const paymentEventSchema = z.object({
  paymentId: z.string().regex(/^[0-9a-f]{24}$/),
  subjectKind: z.enum(PAYMENT_SUBJECT_KINDS),
  subjectId: z.string().min(1).max(64),
  customerId: z.string().min(1).max(64),
  centreId: z.string().min(1).max(64),
  amountMinor: z.number().int().positive(),
  /** Everything refunded so far (equal to amountMinor after a full refund). */
  refundedMinor: z.number().int().min(0),
  currency: z.string().regex(/^[A-Z]{3}$/),
  at: z.coerce.date(),
  /** The provider's decline code on payments.payment.failed (card_declined...), else null. */
  failureCode: z.string().max(100).nullable(),
});
export type PaymentEvent = z.infer<typeof paymentEventSchema>;

/**
 * Agents -> payments (internal secret): the ledger's revenue over [from, to) in one currency, for
 * the revenue goal. `feeMinor` is the platform's own revenue (fees less fees refunds reversed);
 * `grossMinor` what customers paid, `refundedMinor` what went back, `partnerMinor` the centres'.
 */
export const PAYMENTS_REVENUE_ROUTE = '/internal/payments/revenue';
export const revenueRequestSchema = z.object({
  from: z.coerce.date(),
  to: z.coerce.date(),
  currency: z.string().regex(/^[A-Z]{3}$/),
});
export type RevenueRequest = z.input<typeof revenueRequestSchema>;
export const revenueResponseSchema = z.object({
  currency: z.string(),
  grossMinor: z.number().int(),
  refundedMinor: z.number().int(),
  feeMinor: z.number().int(),
  partnerMinor: z.number().int(),
  payments: z.number().int().nonnegative(),
});
export type RevenueTotals = z.infer<typeof revenueResponseSchema>;

/**
 * Gateway -> payments (internal secret, the caller's viewer forwarded): one invoice's PDF, for
 * the gateway's public `GET /invoices/<id>.pdf`. A GET with a binary answer (application/pdf),
 * or a GraphQL-shaped error with 401, 404 (NOT_FOUND: unknown or not the caller's) or 503.
 */
export const INVOICE_PDF_ROUTE = '/internal/payments/invoices/:id/pdf';
export const invoicePdfPath = (id: string) => `/internal/payments/invoices/${encodeURIComponent(id)}/pdf`;

/** The payments subgraph's internal routes. */
export const paymentsRoutes = {
  /** The agents' index check: payments' declared indexes against its database. */
  indexes: indexCheckRoute('payments'),
  revenue: internalRoute({
    method: 'POST',
    path: PAYMENTS_REVENUE_ROUTE,
    request: revenueRequestSchema,
    response: revenueResponseSchema,
  }),
};

/** A typed client of payments' internal routes; every failure is an InternalCallError. */
export function paymentsClient(options: InternalClientOptions) {
  const client = new InternalClient(options);
  return {
    revenue: (request: RevenueRequest, timeoutMs?: number) =>
      client.call(paymentsRoutes.revenue, request, { timeoutMs }),
  };
}
