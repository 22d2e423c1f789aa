import { z } from 'zod';

/**
 * What payments publishes about a payment (the commerce contract; payments' own contract.ts has
 * the same topics and schema): parsed here, at the consumer, so a payload that breaks it is
 * dead-lettered instead of handled.
 */
export const PAYMENT_SUCCEEDED_TOPIC = 'payments.payment.succeeded';
export const PAYMENT_REFUNDED_TOPIC = 'payments.payment.refunded';

export const paymentEventSchema = z.object({
  paymentId: z.string().regex(/^[0-9a-f]{24}$/),
  subjectKind: z.enum(['ORDER', 'BOOKING', 'ROADSIDE']),
  subjectId: z.string().min(1).max(64),
  customerId: z.string().min(1).max(64),
  centreId: z.string().min(1).max(64),
  amountMinor: z.number().int().positive(),
  /** Everything refunded so far (equal to amountMinor after a full refund). */
  refundedMinor: z.number().int().min(0),
  currency: z.string().regex(/^[A-Z]{3}$/),
  at: z.coerce.date(),
  failureCode: z.string().max(100).nullable(),
});
export type PaymentEvent = z.infer<typeof paymentEventSchema>;
