import { createHmac } from 'node:crypto';
import type Stripe from 'stripe';
import type { Config } from '../../../platform/config/environment.js';
import type { Logger } from '../../../platform/logger.js';
import { FakeStripeServer, type WebhookDeliver } from '../stripe-fake/fake-stripe-server.js';
import { stripeClient } from './stripe-provider.js';

/** The test-mode key the SDK presents to the fake (the fake only checks that it looks like one). */
export const FAKE_SECRET_KEY = 'sk_test_clutch_local_fake';

/** The fake's webhook secret when none is configured: stable for the deployment, never logged. */
export const fakeWebhookSecret = (internalSecret: string) =>
  `whsec_${createHmac('sha256', internalSecret).update('stripe-fake-webhooks').digest('base64url')}`;

type StripeConfig = Pick<
  Config,
  | 'STRIPE_SECRET_KEY'
  | 'STRIPE_WEBHOOK_SECRET'
  | 'STRIPE_API_URL'
  | 'STRIPE_FAKE_PORT'
  | 'INTERNAL_SECRET'
  | 'isProduction'
  | 'NODE_ENV'
>;

/**
 * Stripe from the config: STRIPE_SECRET_KEY talks to Stripe (or STRIPE_API_URL); without a key,
 * STRIPE_API_URL names a fake someone else runs; with neither, outside production, a fake
 * Stripe starts here with the subgraph (as the local database starts with `npm start`), and its
 * webhooks go to this subgraph's handler (`deliverTo`).
 */
export async function stripeFromConfig(
  config: StripeConfig,
  logger: Logger,
): Promise<{
  stripe: Stripe;
  webhookSecret: string;
  deliverTo?: (deliver: WebhookDeliver) => void;
  stop: () => Promise<void>;
}> {
  const webhookSecret = config.STRIPE_WEBHOOK_SECRET ?? fakeWebhookSecret(config.INTERNAL_SECRET);
  if (config.STRIPE_SECRET_KEY || config.STRIPE_API_URL) {
    if (config.STRIPE_SECRET_KEY && !config.STRIPE_WEBHOOK_SECRET) {
      logger.warn(
        'STRIPE_WEBHOOK_SECRET is not set: Stripe webhooks will be refused (reconciliation still records payments)',
      );
    }
    return {
      stripe: stripeClient({ secretKey: config.STRIPE_SECRET_KEY ?? FAKE_SECRET_KEY, apiUrl: config.STRIPE_API_URL }),
      webhookSecret,
      stop: async () => undefined,
    };
  }
  if (config.isProduction) {
    // Start (the rest of the system works) but take no money: every provider call fails at once.
    logger.error('STRIPE_SECRET_KEY is not set: payments are refused until it is');
    return {
      stripe: stripeClient({ secretKey: FAKE_SECRET_KEY, apiUrl: 'http://127.0.0.1:9', maxNetworkRetries: 0 }),
      webhookSecret,
      stop: async () => undefined,
    };
  }
  const fake = new FakeStripeServer({ webhookSecret });
  // Tests run many systems at once: a free port each.
  const url = await fake.listen(config.NODE_ENV === 'test' ? 0 : config.STRIPE_FAKE_PORT);
  logger.info({ url }, 'local fake Stripe listening');
  return {
    stripe: stripeClient({ secretKey: FAKE_SECRET_KEY, apiUrl: url }),
    webhookSecret,
    deliverTo: (deliver) => fake.setWebhookTarget(deliver),
    stop: () => fake.close(),
  };
}
