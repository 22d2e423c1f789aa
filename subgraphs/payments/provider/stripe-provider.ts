import Stripe from 'stripe';

/**
 * The provider as payments uses it: Stripe through the official SDK. Every call that moves money
 * carries an idempotency key derived from our own ids (`pi-<paymentId>`, `re-<refundId>`,
 * `tr-<payoutId>`), so a retry after a timeout or a crash never charges or refunds twice.
 * Without STRIPE_SECRET_KEY the SDK points at the local fake (stripe-fake/), with it at Stripe.
 */
export interface ProviderIntent {
  id: string;
  status: string;
  amountMinor: number;
  currency: string;
  clientSecret: string | null;
  /** The decline (card_declined, ...) when the last attempt failed. */
  failureCode: string | null;
  paymentId: string | null;
  created: Date;
}

export interface ProviderRefund {
  id: string;
  status: string;
  amountMinor: number;
  intentId: string | null;
  paymentId: string | null;
  refundId: string | null;
  created: Date;
}

export interface StripeConnection {
  secretKey: string;
  /** The fake's URL (http://127.0.0.1:12111) when not talking to Stripe. */
  apiUrl?: string;
  /** Per call; the SDK's own network retries keep the same idempotency key. */
  timeoutMs?: number;
  maxNetworkRetries?: number;
}

export function stripeClient({ secretKey, apiUrl, timeoutMs, maxNetworkRetries }: StripeConnection): Stripe {
  const url = apiUrl ? new URL(apiUrl) : undefined;
  return new Stripe(secretKey, {
    maxNetworkRetries: maxNetworkRetries ?? 2,
    timeout: timeoutMs ?? 20_000,
    telemetry: false,
    ...(url
      ? {
          host: url.hostname,
          port: url.port || (url.protocol === 'https:' ? 443 : 80),
          protocol: url.protocol.replace(':', '') as 'http' | 'https',
        }
      : {}),
  });
}

const metaId = (meta: Record<string, string> | null | undefined, key: string) => meta?.[key] ?? null;

export const toIntent = (pi: Stripe.PaymentIntent): ProviderIntent => ({
  id: pi.id,
  status: pi.status,
  amountMinor: pi.amount,
  currency: pi.currency.toUpperCase(),
  clientSecret: pi.client_secret ?? null,
  failureCode: pi.last_payment_error
    ? (pi.last_payment_error.code ?? pi.last_payment_error.decline_code ?? 'failed')
    : null,
  paymentId: metaId(pi.metadata, 'paymentId'),
  created: new Date(pi.created * 1000),
});

export const toRefund = (r: Stripe.Refund): ProviderRefund => ({
  id: r.id,
  status: r.status ?? 'pending',
  amountMinor: r.amount,
  intentId: typeof r.payment_intent === 'string' ? r.payment_intent : (r.payment_intent?.id ?? null),
  paymentId: metaId(r.metadata, 'paymentId'),
  refundId: metaId(r.metadata, 'refundId'),
  created: new Date(r.created * 1000),
});

/** A card the provider refused: the request is answered, the payment failed. */
export class ProviderDeclined extends Error {
  constructor(
    readonly intent: ProviderIntent | null,
    readonly code: string,
  ) {
    super(`declined: ${code}`);
    this.name = 'ProviderDeclined';
  }
}

export interface PaymentProvider {
  createIntent(input: {
    paymentId: string;
    amountMinor: number;
    currency: string;
    paymentMethodId: string;
    description: string;
    metadata: Record<string, string>;
  }): Promise<ProviderIntent>;
  retrieveIntent(id: string): Promise<ProviderIntent>;
  /** Every PaymentIntent created at or after `from` (the SDK pages through them). */
  intentsSince(from: Date): AsyncIterable<ProviderIntent>;
  createRefund(input: {
    refundId: string;
    paymentId: string;
    intentId: string;
    amountMinor: number;
  }): Promise<ProviderRefund>;
  refundsSince(from: Date): AsyncIterable<ProviderRefund>;
  refundsOf(intentId: string): AsyncIterable<ProviderRefund>;
}

export const intentKey = (paymentId: string) => `pi-${paymentId}`;
export const refundKey = (refundId: string) => `re-${refundId}`;

export class StripeProvider implements PaymentProvider {
  constructor(readonly stripe: Stripe) {}

  async createIntent(input: Parameters<PaymentProvider['createIntent']>[0]): Promise<ProviderIntent> {
    try {
      const pi = await this.stripe.paymentIntents.create(
        {
          amount: input.amountMinor,
          currency: input.currency.toLowerCase(),
          payment_method: input.paymentMethodId,
          // Cards only, confirmed now: no redirect, so no return_url (3-D Secure answers requires_action).
          automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
          confirm: true,
          description: input.description,
          metadata: input.metadata,
        },
        { idempotencyKey: intentKey(input.paymentId) },
      );
      return toIntent(pi);
    } catch (error) {
      if (error instanceof Stripe.errors.StripeCardError) {
        const pi = error.payment_intent;
        throw new ProviderDeclined(pi ? toIntent(pi) : null, error.code ?? error.decline_code ?? 'card_declined');
      }
      throw error;
    }
  }

  async retrieveIntent(id: string): Promise<ProviderIntent> {
    return toIntent(await this.stripe.paymentIntents.retrieve(id));
  }

  async *intentsSince(from: Date): AsyncIterable<ProviderIntent> {
    const list = this.stripe.paymentIntents.list({ created: { gte: Math.floor(from.getTime() / 1000) }, limit: 100 });
    for await (const pi of list) yield toIntent(pi);
  }

  async createRefund(input: Parameters<PaymentProvider['createRefund']>[0]): Promise<ProviderRefund> {
    const refund = await this.stripe.refunds.create(
      {
        payment_intent: input.intentId,
        amount: input.amountMinor,
        metadata: { paymentId: input.paymentId, refundId: input.refundId },
      },
      { idempotencyKey: refundKey(input.refundId) },
    );
    return toRefund(refund);
  }

  async *refundsSince(from: Date): AsyncIterable<ProviderRefund> {
    const list = this.stripe.refunds.list({ created: { gte: Math.floor(from.getTime() / 1000) }, limit: 100 });
    for await (const r of list) yield toRefund(r);
  }

  async *refundsOf(intentId: string): AsyncIterable<ProviderRefund> {
    for await (const r of this.stripe.refunds.list({ payment_intent: intentId, limit: 100 })) yield toRefund(r);
  }
}
