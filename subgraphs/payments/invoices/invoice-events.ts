import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { EventBus, StreamConsumer, StreamEvent } from '../../../platform/events/bus.js';
import type { Logger } from '../../../platform/logger.js';
import { PAYMENT_REFUNDED, PAYMENT_SUCCEEDED, paymentEventSchema, type PaymentEvent } from '../contract.js';
import type { FeeInvoices } from './fee-invoices.js';
import type { InvoiceService } from './invoice.service.js';

export const INVOICES_GROUP = 'payments-invoices';

/**
 * Invoices follow payments' own durable events (at least once, maybe twice, maybe on two
 * instances): a success is invoiced (by the centre to the customer, and by the platform to the
 * centre for its fee), a refund credited. Both are idempotent by source (the
 * payment, the refunded total), so a redelivery finds what the first delivery issued.
 */
export class InvoiceEvents {
  private readonly consumers: StreamConsumer[] = [];

  constructor(
    private readonly bus: EventBus,
    private readonly invoices: InvoiceService,
    private readonly logger: Logger,
    private readonly options: { claimIdleMs?: number; blockMs?: number } = {},
    /** The platform's fee invoices to centres; absent: only the centres' invoices to customers. */
    private readonly fees?: FeeInvoices,
  ) {}

  start(): Promise<void> {
    const name = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    const on = (stream: string, handle: (event: PaymentEvent) => Promise<unknown>) =>
      this.consumers.push(
        this.bus.consume<PaymentEvent>(
          stream,
          INVOICES_GROUP,
          `${name}-${stream}`,
          async (e: StreamEvent<PaymentEvent>) => void (await handle(e.payload)),
          {
            schema: paymentEventSchema,
            ...this.options,
          },
        ),
      );
    on(PAYMENT_SUCCEEDED, async (e) => {
      await this.invoices.invoiceFor(e);
      await this.fees?.invoiceFor(e);
    });
    on(PAYMENT_REFUNDED, async (e) => {
      await this.invoices.creditNotesFor(e);
      await this.fees?.creditNotesFor(e);
    });
    this.logger.debug('payments: invoicing from payment events');
    return Promise.all(this.consumers.map((c) => c.ready)).then(() => undefined);
  }

  async stop(): Promise<void> {
    await Promise.all(this.consumers.splice(0).map((c) => c.stop()));
  }
}
