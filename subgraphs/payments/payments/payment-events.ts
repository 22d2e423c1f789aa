import type { EventBus } from '../../../platform/events/bus.js';
import type { Logger } from '../../../platform/logger.js';
import {
  PAYMENT_FAILED,
  PAYMENT_REFUNDED,
  PAYMENT_SUCCEEDED,
  paymentEventSchema,
  type PaymentTopic,
} from '../contract.js';
import type { PaymentDocument, PaymentStore } from './payment.store.js';

/** The mark a payment keeps once an event went out (`published`), so reconciliation re-sends only the missing. */
export const publishedMark = (topic: PaymentTopic, doc: Pick<PaymentDocument, 'refundedMinor'>) =>
  topic === PAYMENT_REFUNDED ? `refunded:${doc.refundedMinor}` : topic === PAYMENT_SUCCEEDED ? 'succeeded' : 'failed';

/**
 * Durable events (at-least-once): appended after the payment and the ledger are written, then
 * marked on the payment. A process that dies in between leaves the mark missing, and
 * reconciliation appends the event again; consumers dedupe.
 */
export class PaymentEvents {
  constructor(
    private readonly bus: EventBus,
    private readonly store: PaymentStore,
    private readonly logger: Logger,
  ) {}

  async publish(topic: PaymentTopic, doc: PaymentDocument): Promise<void> {
    const payload = paymentEventSchema.parse({
      paymentId: doc._id.toHexString(),
      subjectKind: doc.subjectKind,
      subjectId: doc.subjectId,
      customerId: doc.customerId,
      centreId: doc.centreId,
      amountMinor: doc.amountMinor,
      refundedMinor: doc.refundedMinor,
      currency: doc.currency,
      at: doc.updatedAt,
      failureCode: topic === PAYMENT_FAILED ? (doc.failureCode ?? 'failed') : null,
    });
    try {
      await this.bus.append(topic, payload);
      await this.store.markPublished(doc._id, publishedMark(topic, doc));
    } catch (err) {
      // The money is recorded; reconciliation sends what did not go out.
      this.logger.warn({ err, topic, paymentId: payload.paymentId }, 'payment event not appended; reconciliation will');
    }
  }
}

export const TOPIC_FOR_STATUS: Partial<Record<PaymentDocument['status'], PaymentTopic>> = {
  SUCCEEDED: PAYMENT_SUCCEEDED,
  FAILED: PAYMENT_FAILED,
  PARTIALLY_REFUNDED: PAYMENT_REFUNDED,
  REFUNDED: PAYMENT_REFUNDED,
};
