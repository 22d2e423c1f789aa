import { ORDER_PAYMENT_UNFILLED } from '../subgraphs/marketplace/contract.js';
import { PAYMENT_SUCCEEDED } from '../subgraphs/payments/contract.js';
import { stripeClient } from '../subgraphs/payments/provider/stripe-provider.js';
import { PaymentDocument } from './generated/graphql.js';
import { startTestSystem, type TestSystem } from './harness.js';
import {
  customer,
  journal,
  ledgerSums,
  orderStatus,
  paymentsDb,
  payOrder,
  placeOrder,
  shopWithPart,
  startFakeStripe,
  waitForOrder,
} from './payments-setup.js';

// A payment that lands after its order's hold lapsed, when the units were sold to someone else
// meanwhile: the money goes back by itself, once, and the order ends REFUNDED.
let t: TestSystem;
let stripe: Awaited<ReturnType<typeof startFakeStripe>>;

beforeAll(async () => {
  stripe = await startFakeStripe();
  // A 1.2 s hold, swept every 0.2 s.
  t = await startTestSystem({ ...stripe.env, ORDER_PAYMENT_HOLD_MINUTES: '0.02', ORDER_HOLD_SWEEP_SECONDS: '0.2' });
  stripe.deliverTo(t);
}, 60_000);

afterAll(async () => {
  await t?.stop();
  await stripe?.fake.close();
});

it('a late payment for an order whose units are gone is refunded in full exactly once, even when redelivered; the order ends REFUNDED', async () => {
  const shop = await shopWithPart(t, 1, 2_500);
  const late = await customer(t, 'late');
  const order = await placeOrder(t, late, shop.centreId, shop.partId);
  // 3-D Secure keeps the payment open past the hold.
  const created = await payOrder(t, late, order.id, 'pm_card_threeDSecure2Required');
  const payment = created.data!.createPayment;
  expect(payment.status).toBe('REQUIRES_ACTION');
  await waitForOrder(t, late, order.id, 'CANCELLED');

  // The released unit goes to someone else.
  const quick = await customer(t, 'quick');
  const other = await placeOrder(t, quick, shop.centreId, shop.partId);
  const paid = await payOrder(t, quick, other.id, 'pm_card_visa');
  expect(paid.data!.createPayment.status).toBe('SUCCEEDED');
  await waitForOrder(t, quick, other.id, 'PAID');

  // The customer completes 3-D Secure now: Stripe takes the money, its webhook tells payments.
  const sdk = stripeClient({ secretKey: 'sk_test_fake', apiUrl: stripe.url, maxNetworkRetries: 0 });
  const intentId = payment.clientSecret!.split('_secret_')[0]!;
  expect((await sdk.paymentIntents.confirm(intentId)).status).toBe('succeeded');

  await waitForOrder(t, late, order.id, 'REFUNDED');
  expect(await orderStatus(t, late, order.id)).toMatchObject({ status: 'REFUNDED', refundedMinor: 2_500 });
  const seen = await t.request(PaymentDocument, { id: payment.id }, { token: late.token });
  expect(seen.data!.payment).toMatchObject({ status: 'REFUNDED', amountMinor: 2_500, refundedMinor: 2_500 });

  // Redelivered (the request twice at once, and the payment's success again): still one refund.
  const bus = t.system.deps.bus;
  const unfilled = {
    orderId: order.id,
    paymentId: payment.id,
    customerId: late.userId,
    centreId: shop.centreId,
    amountMinor: 2_500,
    currency: 'EUR',
    at: new Date(),
  };
  const succeeded = {
    paymentId: payment.id,
    subjectKind: 'ORDER',
    subjectId: order.id,
    customerId: late.userId,
    centreId: shop.centreId,
    amountMinor: 2_500,
    refundedMinor: 0,
    currency: 'EUR',
    at: new Date(),
    failureCode: null,
  };
  await Promise.all([
    bus.append(ORDER_PAYMENT_UNFILLED, unfilled),
    bus.append(ORDER_PAYMENT_UNFILLED, unfilled),
    bus.append(PAYMENT_SUCCEEDED, succeeded),
  ]);
  // Nothing to wait for when nothing happens: give the consumers (0.2 s or less to read) time to run.
  await new Promise((r) => setTimeout(r, 1_500));
  await stripe.fake.idle();

  expect((await sdk.refunds.list({ payment_intent: intentId })).data.map((r) => [r.amount, r.status])).toEqual([
    [2_500, 'succeeded'],
  ]);
  const entries = await journal(paymentsDb(t)).find({ paymentId: payment.id }).toArray();
  expect(entries.map((e) => e.kind).sort()).toEqual(['PAYMENT', 'REFUND']);
  expect(Object.values(await ledgerSums(paymentsDb(t))).every((sum) => sum === 0)).toBe(true);
  expect(await paymentsDb(t).collection('refund_requests').countDocuments({ paymentId: payment.id })).toBe(1);
  expect((await orderStatus(t, late, order.id)).status).toBe('REFUNDED');
  // The other customer's order is untouched.
  expect((await orderStatus(t, quick, other.id)).status).toBe('PAID');
}, 60_000);
