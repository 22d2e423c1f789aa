import { randomBytes } from 'node:crypto';
import { CreatePaymentDocument } from './generated/graphql.js';
import { startTestSystem, type TestSystem } from './harness.js';
import { customer, journal, paymentsDb, placeOrder, shopWithPart, waitForOrder } from './payments-setup.js';

// With no Stripe configured (no STRIPE_SECRET_KEY, no STRIPE_API_URL), the payments subgraph starts
// the project's fake Stripe itself, as `npm start` starts the local database, and its webhooks
// come back signed: a fresh system takes payments with no configuration.
let t: TestSystem;

beforeAll(async () => {
  t = await startTestSystem({ STRIPE_SECRET_KEY: '', STRIPE_API_URL: '', STRIPE_WEBHOOK_SECRET: '' });
}, 60_000);
afterAll(() => t?.stop());

it('pays an order against the local fake Stripe the subgraph starts, its webhook processed once', async () => {
  const shop = await shopWithPart(t, 1, 5_000);
  const buyer = await customer(t);
  const order = await placeOrder(t, buyer, shop.centreId, shop.partId);
  const paid = await t.request(
    CreatePaymentDocument,
    {
      input: {
        subjectKind: 'ORDER' as never,
        subjectId: order.id,
        paymentMethodId: 'pm_card_visa',
        idempotencyKey: `local-${randomBytes(6).toString('hex')}`,
      },
    },
    { token: buyer.token },
  );
  expect(paid.data!.createPayment).toMatchObject({ status: 'SUCCEEDED', amountMinor: 5_000 });
  await waitForOrder(t, buyer, order.id, 'PAID');
  const claims = paymentsDb(t).collection('webhook_events');
  await new Promise<void>((resolve, reject) => {
    const until = Date.now() + 10_000;
    const poll = async () => {
      if ((await claims.countDocuments({ type: 'payment_intent.succeeded', state: 'done' })) === 1) return resolve();
      if (Date.now() > until) return reject(new Error('the webhook never came'));
      setTimeout(poll, 20);
    };
    void poll();
  });
  expect(await journal(paymentsDb(t)).countDocuments({ paymentId: paid.data!.createPayment.id })).toBe(1);
});
