import express, { type Express } from 'express';
import { Counter, type Registry } from 'prom-client';
import type Stripe from 'stripe';
import type { Logger } from '../../../platform/logger.js';
import type { PaymentRecorder } from '../payments/payment-recorder.js';
import type { PaymentStore } from '../payments/payment.store.js';
import { toIntent, toRefund, type PaymentProvider } from '../provider/stripe-provider.js';
import type { WebhookClaimStore } from './webhook-claims.store.js';

export const STRIPE_WEBHOOK_PATH = '/webhooks/stripe';

export interface WebhookDeps {
  stripe: Stripe;
  secret: string;
  claims: WebhookClaimStore;
  store: PaymentStore;
  provider: PaymentProvider;
  recorder: PaymentRecorder;
  logger: Logger;
}

export type WebhookOutcome = 'processed' | 'duplicate' | 'busy' | 'ignored' | 'bad_signature' | 'failed';

/**
 * `POST /webhooks/stripe`: the raw body is verified with the SDK (`stripe.webhooks.constructEvent`);
 * a bad signature gets 400 and nothing is read or written. A verified event is processed once
 * by its id (WebhookClaimStore), whichever instance gets it and however often it comes.
 */
export class StripeWebhooks {
  readonly outcomes = new Counter({
    name: 'payments_webhook_events_total',
    help: 'Stripe webhook deliveries by outcome (processed, duplicate, busy, ignored, bad_signature, failed)',
    labelNames: ['outcome'],
    registers: [],
  });

  constructor(private readonly deps: WebhookDeps) {}

  register(registry: Registry) {
    registry.registerMetric(this.outcomes);
  }

  mount(app: Express, bodyLimitBytes = 512 * 1024) {
    app.post(STRIPE_WEBHOOK_PATH, express.raw({ type: () => true, limit: bodyLimitBytes }), async (req, res) => {
      const outcome = await this.handle(
        Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
        req.header('stripe-signature'),
      );
      this.outcomes.inc({ outcome });
      const status = { bad_signature: 400, busy: 409, failed: 500 }[outcome as string] ?? 200;
      res.status(status).json({ received: status === 200, outcome });
    });
  }

  async handle(raw: Buffer, signature: string | undefined): Promise<WebhookOutcome> {
    let event: Stripe.Event;
    try {
      if (!signature) throw new Error('no Stripe-Signature header');
      event = this.deps.stripe.webhooks.constructEvent(raw, signature, this.deps.secret);
    } catch (err) {
      this.deps.logger.warn({ err: (err as Error).message }, 'stripe webhook refused: bad signature');
      return 'bad_signature';
    }
    if (!HANDLED.has(event.type)) return 'ignored';
    const claim = await this.deps.claims.claim(event.id, event.type);
    if (claim === 'done') return 'duplicate';
    if (claim === 'busy') return 'busy';
    try {
      await this.process(event);
      await this.deps.claims.done(event.id);
      return 'processed';
    } catch (err) {
      this.deps.logger.error({ err, eventId: event.id, type: event.type }, 'stripe webhook processing failed');
      await this.deps.claims.release(event.id).catch(() => undefined);
      return 'failed';
    }
  }

  private async process(event: Stripe.Event): Promise<void> {
    const { recorder, provider } = this.deps;
    switch (event.type) {
      case 'payment_intent.succeeded':
      case 'payment_intent.payment_failed': {
        const intent = toIntent(event.data.object);
        const doc = await this.paymentOf(intent.paymentId, intent.id);
        if (!doc) return;
        if (event.type === 'payment_intent.succeeded') await recorder.succeeded(doc, intent, 'webhook');
        else await recorder.failed(doc, intent.id, intent.failureCode ?? 'failed');
        return;
      }
      case 'charge.refunded': {
        const charge = event.data.object;
        const intentId = typeof charge.payment_intent === 'string' ? charge.payment_intent : charge.payment_intent?.id;
        if (!intentId) return;
        for await (const refund of provider.refundsOf(intentId)) await this.applyRefund(refund);
        return;
      }
      case 'refund.created':
      case 'refund.updated':
        await this.applyRefund(toRefund(event.data.object));
        return;
    }
  }

  private async applyRefund(refund: ReturnType<typeof toRefund>) {
    if (refund.status !== 'succeeded') return;
    let doc = await this.paymentOf(refund.paymentId, refund.intentId);
    if (!doc) return;
    const intentId = doc.providerIntentId ?? refund.intentId;
    if (!['SUCCEEDED', 'PARTIALLY_REFUNDED', 'REFUNDED'].includes(doc.status) && intentId) {
      doc = await this.deps.recorder.succeeded(doc, await this.deps.provider.retrieveIntent(intentId), 'webhook');
    }
    // Our own refundPayment held the amount before asking; a refund made elsewhere did not.
    await this.deps.recorder.refunded(doc, refund, refund.refundId !== null, 'webhook');
  }

  private async paymentOf(paymentId: string | null, intentId: string | null) {
    if (paymentId) return this.deps.store.byId(paymentId);
    return intentId ? this.deps.store.payments.findOne({ providerIntentId: intentId }) : null;
  }
}

const HANDLED = new Set([
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'charge.refunded',
  'refund.created',
  'refund.updated',
]);
