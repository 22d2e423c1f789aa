import type { Router } from 'express';
import { InternalReply, serveInternalRoute } from '../../../platform/http/internal-route.js';
import { marketplaceRoutes, type Payable, type PayableKind } from '../contract.js';
import type { PaymentEvent } from './payment-event.js';

/**
 * What one kind of payable subject (an order, a booking, a roadside request) answers: what a
 * payment for it is for, and what its payments do to it. Each kind registers its own (orders and
 * bookings in payables/, roadside requests in roadside/), so none of them knows the others.
 */
export interface PayableKindHandler {
  /** What a payment for subject `id` is for; null when there is no such subject. */
  resolve(id: string): Promise<Payable | null>;
  /**
   * A payment for the subject succeeded (at-least-once: must be idempotent). A kind without it
   * consumes payments' events in a consumer group of its own (roadside does).
   */
  succeeded?(event: PaymentEvent): Promise<void>;
  /** A payment for the subject was refunded, in part or in full (`refundedMinor` is the total so far). */
  refunded?(event: PaymentEvent): Promise<void>;
}

/** The per-kind resolver map behind POST /internal/marketplace/payables and the payment consumer. */
export class Payables {
  private readonly kinds = new Map<PayableKind, PayableKindHandler>();

  register(kind: PayableKind, handler: PayableKindHandler): void {
    if (this.kinds.has(kind)) throw new Error(`payable kind ${kind} is registered twice`);
    this.kinds.set(kind, handler);
  }

  handler(kind: PayableKind): PayableKindHandler | undefined {
    return this.kinds.get(kind);
  }

  async resolve(kind: PayableKind, id: string): Promise<Payable | null> {
    return (await this.kinds.get(kind)?.resolve(id)) ?? null;
  }

  /** Serves the payables route: 404 `{ code: 'NOT_FOUND' }` for an unknown kind or id. */
  mount(router: Router): void {
    serveInternalRoute(router, marketplaceRoutes.payables, async ({ kind, id }) => {
      const payable = await this.resolve(kind, id);
      return payable ?? new InternalReply(404, { code: 'NOT_FOUND', error: `no ${kind.toLowerCase()} ${id}` });
    });
  }
}
