import Stripe from 'stripe';
import { stripeClient } from '../provider/stripe-provider.js';
import { FakeStripeServer } from './fake-stripe-server.js';

// The fake as the official SDK sees it: what payments relies on must behave as Stripe's test mode.
const SECRET = 'whsec_fake_server_test';
let fake: FakeStripeServer;
let stripe: Stripe;
const received: { payload: string; signature: string }[] = [];

beforeAll(async () => {
  fake = new FakeStripeServer({
    webhookSecret: SECRET,
    webhookRetryBaseMs: 5,
    webhookTarget: async (payload, signature) => {
      received.push({ payload, signature });
      // The first delivery of each event fails: Stripe retries.
      return received.filter((r) => r.payload === payload).length === 1 ? 500 : 200;
    },
  });
  stripe = stripeClient({ secretKey: 'sk_test_fake', apiUrl: await fake.listen(0), maxNetworkRetries: 0 });
});
afterAll(() => fake.close());

const create = (payment_method: string, key?: string, amount = 1_000) =>
  stripe.paymentIntents.create(
    {
      amount,
      currency: 'eur',
      payment_method,
      confirm: true,
      automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
      metadata: { paymentId: 'p1' },
    },
    key ? { idempotencyKey: key } : {},
  );

it('test cards: pm_card_visa succeeds, pm_card_chargeDeclined is a card error, 3-D Secure requires action until confirmed', async () => {
  expect((await create('pm_card_visa')).status).toBe('succeeded');
  const declined = await create('pm_card_chargeDeclined').catch((e: unknown) => e);
  expect(declined).toBeInstanceOf(Stripe.errors.StripeCardError);
  expect((declined as Stripe.errors.StripeCardError).code).toBe('card_declined');
  expect((declined as Stripe.errors.StripeCardError).payment_intent?.status).toBe('requires_payment_method');
  const action = await create('pm_card_threeDSecure2Required');
  expect(action.status).toBe('requires_action');
  expect((await stripe.paymentIntents.confirm(action.id)).status).toBe('succeeded');
  expect((await stripe.paymentIntents.retrieve(action.id)).status).toBe('succeeded');
});

it('idempotency keys: the same key and parameters replay the first answer, other parameters are an idempotency_error', async () => {
  const first = await create('pm_card_visa', 'key-same-1');
  const again = await create('pm_card_visa', 'key-same-1');
  expect(again.id).toBe(first.id);
  const other = await create('pm_card_visa', 'key-same-1', 2_000).catch((e: unknown) => e);
  expect(other).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
});

it('refunds never exceed what is left, and lists page newest first with created filters as the SDK sends them', async () => {
  const pi = await create('pm_card_visa', undefined, 500);
  await stripe.refunds.create({ payment_intent: pi.id, amount: 200 });
  const tooMuch = await stripe.refunds.create({ payment_intent: pi.id, amount: 301 }).catch((e: unknown) => e);
  expect(tooMuch).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
  await stripe.refunds.create({ payment_intent: pi.id });
  const again = await stripe.refunds.create({ payment_intent: pi.id, amount: 1 }).catch((e: unknown) => e);
  expect((again as Stripe.errors.StripeError).code).toBe('charge_already_refunded');
  const refunds = [];
  for await (const r of stripe.refunds.list({ payment_intent: pi.id, limit: 1 })) refunds.push(r.amount);
  expect(refunds).toEqual([300, 200]);

  for (let i = 0; i < 5; i++) await create('pm_card_visa');
  const since = Math.floor(Date.now() / 1000) - 60;
  const all = [];
  for await (const i of stripe.paymentIntents.list({ created: { gte: since }, limit: 2 })) all.push(i.id);
  expect(new Set(all).size).toBe(all.length);
  expect(all.length).toBeGreaterThanOrEqual(9);
  const none = await stripe.paymentIntents.list({ created: { gte: since + 3600 } });
  expect(none.data).toEqual([]);
});

it('webhooks are signed as Stripe signs (the SDK verifies them) and retried until answered 2xx', async () => {
  await create('pm_card_visa');
  await fake.idle();
  const last = received.at(-1)!;
  const event = stripe.webhooks.constructEvent(last.payload, last.signature, SECRET);
  expect(event.type).toBeDefined();
  expect(fake.events.every((e) => e.delivered && e.deliveries === 2)).toBe(true);
  expect(() => stripe.webhooks.constructEvent(last.payload, last.signature, 'whsec_other')).toThrow(
    Stripe.errors.StripeSignatureVerificationError,
  );
});
