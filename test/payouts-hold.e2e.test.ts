import { adminToken } from './bookings-setup.js';
import {
  FinancePartnerBalanceDocument,
  FinanceRunPayoutsDocument,
  RefundPaymentDocument,
} from './generated/graphql.js';
import { startTestSystem, type TestSystem } from './harness.js';
import {
  customer,
  key,
  ledgerSums,
  paymentsDb,
  payOrder,
  placeOrder,
  shopWithPart,
  startFakeStripe,
} from './payments-setup.js';
import { waitFor } from './wait-for.js';

// PAYOUT_HOLD_DAYS: a centre is paid only money older than the hold, so a refund made inside the
// hold is paid from the money it refunds and the balance never goes negative.
let t: TestSystem;
let stripe: Awaited<ReturnType<typeof startFakeStripe>>;
const HOLD_SECONDS = 3;

beforeAll(async () => {
  stripe = await startFakeStripe();
  t = await startTestSystem({
    ...stripe.env,
    PLATFORM_FEE_PERCENT: '10',
    PAYOUT_HOLD_DAYS: String(HOLD_SECONDS / 86_400),
  });
  stripe.deliverTo(t);
}, 60_000);

afterAll(async () => {
  await t?.stop();
  await stripe?.fake.close();
});

it('pays out only money past the hold, shows available vs pending, and a refund inside the hold never drives the balance negative', async () => {
  const shop = await shopWithPart(t, 5, 2_000);
  const balance = async () => {
    const r = await t.request(
      FinancePartnerBalanceDocument,
      { centreId: shop.centreId },
      { token: shop.partner.token },
    );
    if (r.errors) throw new Error(JSON.stringify(r.errors));
    return r.data!.partnerBalance.balances[0]!;
  };
  const pay = async () => {
    const buyer = await customer(t);
    const order = await placeOrder(t, buyer, shop.centreId, shop.partId);
    const paid = await payOrder(t, buyer, order.id, 'pm_card_visa');
    expect(paid.data!.createPayment.status).toBe('SUCCEEDED');
    return paid.data!.createPayment.id;
  };
  const admin = await adminToken(t);
  const runPayouts = async () => {
    const r = await t.request(FinanceRunPayoutsDocument, {}, { token: admin });
    if (r.errors) throw new Error(JSON.stringify(r.errors));
    return r.data!.runPayouts.payouts.filter((p) => p.centreId === shop.centreId);
  };

  // 2,000 paid, 10 % fee: the centre earns 1,800, pending until the hold passes.
  await pay();
  expect(await balance()).toMatchObject({ balanceMinor: 1_800, availableMinor: 0, pendingMinor: 1_800 });
  expect(await runPayouts()).toEqual([]);
  await waitFor(async () => (await balance()).availableMinor === 1_800, 'the first payment past the hold', 10_000);

  // A second payment, then a payout at once: only the first payment's share is paid.
  const fresh = await pay();
  expect(await balance()).toMatchObject({ balanceMinor: 3_600, availableMinor: 1_800, pendingMinor: 1_800 });
  expect((await runPayouts()).map((p) => [p.amountMinor, p.status])).toEqual([[1_800, 'PAID']]);

  // The second payment is refunded in full inside the hold: nothing is owed back by the centre.
  const refund = await t.request(
    RefundPaymentDocument,
    { input: { paymentId: fresh, amountMinor: 2_000, idempotencyKey: key('refund') } },
    { token: shop.partner.token },
  );
  expect(refund.errors).toBeUndefined();
  expect(await balance()).toMatchObject({ balanceMinor: 0, paidOutMinor: 1_800, availableMinor: 0, pendingMinor: 0 });
  expect(await runPayouts()).toEqual([]);
  expect(Object.values(await ledgerSums(paymentsDb(t))).every((sum) => sum === 0)).toBe(true);
}, 60_000);
