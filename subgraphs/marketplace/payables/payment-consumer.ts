import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { EventBus, StreamConsumer, StreamEvent } from '../../../platform/events/bus.js';
import type { Logger } from '../../../platform/logger.js';
import type { Payables } from './payables.js';
import {
  PAYMENT_REFUNDED_TOPIC,
  PAYMENT_SUCCEEDED_TOPIC,
  paymentEventSchema,
  type PaymentEvent,
} from './payment-event.js';

/** The consumer group of marketplace instances on payments' streams. */
export const PAYMENTS_GROUP = 'marketplace';

export interface PaymentConsumerSettings {
  claimIdleMs?: number;
  blockMs?: number;
}

/**
 * Applies payments' successes and refunds to their subjects through the kind's handler
 * (payables.ts). At-least-once: handlers are idempotent. A kind whose handler takes no payment
 * events (roadside consumes them in its own group) is skipped.
 */
export class PaymentConsumer {
  private consumers: StreamConsumer[] = [];

  constructor(
    private readonly bus: EventBus,
    private readonly payables: Payables,
    private readonly logger: Logger,
    private readonly settings: PaymentConsumerSettings = {},
  ) {}

  start(): Promise<void> {
    const name = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    const { claimIdleMs, blockMs } = this.settings;
    const options = {
      schema: paymentEventSchema,
      orderKey: (payload: unknown) => String((payload as PaymentEvent).subjectId),
      ...(claimIdleMs !== undefined ? { claimIdleMs } : {}),
      ...(blockMs !== undefined ? { blockMs } : {}),
    };
    this.consumers = [
      this.bus.consume<PaymentEvent>(
        PAYMENT_SUCCEEDED_TOPIC,
        PAYMENTS_GROUP,
        `${name}-paid`,
        (e) => this.handle(e, 'succeeded'),
        options,
      ),
      this.bus.consume<PaymentEvent>(
        PAYMENT_REFUNDED_TOPIC,
        PAYMENTS_GROUP,
        `${name}-refunded`,
        (e) => this.handle(e, 'refunded'),
        options,
      ),
    ];
    return Promise.all(this.consumers.map((c) => c.ready)).then(() => undefined);
  }

  async stop(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.stop()));
    this.consumers = [];
  }

  async handle(event: StreamEvent<PaymentEvent>, what: 'succeeded' | 'refunded'): Promise<void> {
    const payment = event.payload;
    const apply = this.payables.handler(payment.subjectKind)?.[what];
    if (!apply) return;
    await apply.call(this.payables.handler(payment.subjectKind), payment);
    this.logger.debug({ paymentId: payment.paymentId, kind: payment.subjectKind, what }, 'payment applied');
  }
}
