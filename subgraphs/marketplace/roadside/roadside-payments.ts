import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { EventBus, StreamConsumer, StreamEvent } from '../../../platform/events/bus.js';
import type { Logger } from '../../../platform/logger.js';
import { PAYMENT_SUCCEEDED, paymentEventSchema, type PaymentEvent } from '../../payments/contract.js';

/** The marketplace's roadside consumers of payments' events (each group gets every event). */
export const ROADSIDE_PAYMENTS_GROUP = 'marketplace-roadside';

/**
 * Marks a roadside request paid when payments says its charge succeeded. At-least-once: the
 * mark is one conditional update (`payment: null`), so a second delivery changes nothing.
 * Other subjects' payments (orders, bookings) are the orders' consumer's business.
 */
export class RoadsidePayments {
  private consumer: StreamConsumer | undefined;

  constructor(
    private readonly bus: EventBus,
    private readonly markPaid: (requestId: string, paymentId: string, at: Date) => Promise<boolean>,
    private readonly logger: Logger,
  ) {}

  start(): Promise<void> {
    const name = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.consumer = this.bus.consume<PaymentEvent>(
      PAYMENT_SUCCEEDED,
      ROADSIDE_PAYMENTS_GROUP,
      name,
      (event) => this.handle(event),
      { schema: paymentEventSchema },
    );
    return this.consumer.ready;
  }

  private async handle(event: StreamEvent<PaymentEvent>): Promise<void> {
    const payment = event.payload;
    if (payment.subjectKind !== 'ROADSIDE') return;
    const marked = await this.markPaid(payment.subjectId, payment.paymentId, new Date(payment.at));
    if (marked)
      this.logger.info({ requestId: payment.subjectId, paymentId: payment.paymentId }, 'roadside charge paid');
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
    this.consumer = undefined;
  }
}
