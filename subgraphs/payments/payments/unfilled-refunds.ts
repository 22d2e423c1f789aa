import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { EventBus, StreamConsumer } from '../../../platform/events/bus.js';
import type { Logger } from '../../../platform/logger.js';
import {
  ORDER_PAYMENT_UNFILLED,
  orderPaymentUnfilledSchema,
  type OrderPaymentUnfilled,
} from '../../marketplace/contract.js';
import type { PaymentService } from './payment.service.js';

export const UNFILLED_REFUNDS_GROUP = 'payments-unfilled-refunds';

/**
 * Money is never kept for goods that were never sold: marketplace's ORDER_PAYMENT_UNFILLED (a
 * payment that landed after its order lapsed and its units were gone) is refunded in full through
 * the ordinary refund path. At-least-once: PaymentService.refundUnfilled refunds once per payment.
 */
export class UnfilledRefunds {
  private consumer: StreamConsumer | null = null;

  constructor(
    private readonly bus: EventBus,
    private readonly payments: PaymentService,
    private readonly logger: Logger,
    private readonly options: { claimIdleMs?: number; blockMs?: number } = {},
  ) {}

  start(): Promise<void> {
    const name = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.consumer = this.bus.consume<OrderPaymentUnfilled>(
      ORDER_PAYMENT_UNFILLED,
      UNFILLED_REFUNDS_GROUP,
      name,
      async ({ payload }) => {
        const refunded = await this.payments.refundUnfilled(payload.paymentId);
        this.logger.info(
          { paymentId: payload.paymentId, orderId: payload.orderId, status: refunded?.status },
          'unfilled order payment refunded',
        );
      },
      { schema: orderPaymentUnfilledSchema, ...this.options },
    );
    return this.consumer.ready;
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
    this.consumer = null;
  }
}
