import { randomBytes } from 'node:crypto';
import { errorCodes } from './client.js';
import { adminToken, driverWithVehicle, partnerWithCentre, slotAt } from './bookings-setup.js';
import {
  CommerceBookingPaymentDocument,
  CommerceSetBookingPaymentPolicyDocument,
  CompleteBookingDocument,
  ConfirmBookingDocument,
  CreatePaymentDocument,
  MyPaymentsDocument,
  PaymentDocument,
  ReconcilePaymentsDocument,
  RefundPaymentDocument,
  RequestBookingDocument,
  StartBookingDocument,
} from './generated/graphql.js';
import { startTestSystem, type TestSystem } from './harness.js';
import {
  customer,
  journal,
  key,
  ledgerSums,
  orderStatus,
  paymentsDb,
  payOrder,
  placeOrder,
  shopWithPart,
  startFakeStripe,
  waitForOrder,
} from './payments-setup.js';
import { waitFor } from './wait-for.js';

let t: TestSystem;
let stripe: Awaited<ReturnType<typeof startFakeStripe>>;
const reasons = (r: { errors?: readonly { extensions?: Record<string, unknown> }[] }) =>
  (r.errors ?? []).map((e) => e.extensions?.reason);

beforeAll(async () => {
  stripe = await startFakeStripe();
  t = await startTestSystem({ ...stripe.env, PLATFORM_FEE_PERCENT: '12.5' });
  stripe.deliverTo(t);
}, 60_000);

afterAll(async () => {
  await t?.stop();
  await stripe?.fake.close();
});

describe('paying an order through the gateway', () => {
  it('charges what the order costs, records one balanced entry with the fee, and the order ends PAID', async () => {
    const shop = await shopWithPart(t, 5, 1_999);
    const buyer = await customer(t);
    const order = await placeOrder(t, buyer, shop.centreId, shop.partId, 2);
    expect(order).toMatchObject({ status: 'PENDING_PAYMENT', totalMinor: 3_998 });

    const input = {
      subjectKind: 'ORDER' as never,
      subjectId: order.id,
      paymentMethodId: 'pm_card_visa',
      idempotencyKey: key(),
    };
    const paid = await t.request(CreatePaymentDocument, { input }, { token: buyer.token });
    expect(paid.errors).toBeUndefined();
    expect(paid.data!.createPayment).toMatchObject({
      status: 'SUCCEEDED',
      amountMinor: 3_998,
      currency: 'EUR',
      refundedMinor: 0,
    });
    const paymentId = paid.data!.createPayment.id;

    // The same key again: the same payment, no second charge or entry.
    const again = await t.request(CreatePaymentDocument, { input }, { token: buyer.token });
    expect(again.data!.createPayment.id).toBe(paymentId);

    await waitForOrder(t, buyer, order.id, 'PAID');
    await stripe.fake.idle();
    const entries = await journal(paymentsDb(t)).find({ paymentId }).toArray();
    expect(entries).toHaveLength(1);
    // 12.5 % of 3,998 = 499.75, rounded half up to 500; the partner gets the rest.
    expect(entries[0]!.lines.map((l) => [l.account, l.amountMinor])).toEqual([
      ['provider:stripe', 3_998],
      [`partner:${shop.centreId}`, -3_498],
      ['platform:fees', -500],
    ]);
    expect(stripe.fake.events.filter((e) => e.type === 'payment_intent.succeeded' && e.delivered)).not.toHaveLength(0);

    // A second attempt at a paid order, with a new key, is refused and charges nothing.
    const twice = await t.request(
      CreatePaymentDocument,
      { input: { ...input, idempotencyKey: key() } },
      { token: buyer.token },
    );
    expect(errorCodes(twice)).toEqual(['CONFLICT']);
    expect(await journal(paymentsDb(t)).countDocuments({ paymentId })).toBe(1);
  });

  it('a declined card fails the payment (card_declined) with nothing in the ledger; another card then pays', async () => {
    const shop = await shopWithPart(t, 3);
    const buyer = await customer(t);
    const order = await placeOrder(t, buyer, shop.centreId, shop.partId);
    const declined = await payOrder(t, buyer, order.id, 'pm_card_chargeDeclined');
    expect(declined.data!.createPayment).toMatchObject({ status: 'FAILED', failureCode: 'card_declined' });
    expect(await journal(paymentsDb(t)).countDocuments({ paymentId: declined.data!.createPayment.id })).toBe(0);
    expect((await orderStatus(t, buyer, order.id)).status).toBe('PENDING_PAYMENT');

    const paid = await payOrder(t, buyer, order.id, 'pm_card_visa');
    expect(paid.data!.createPayment.status).toBe('SUCCEEDED');
    await waitForOrder(t, buyer, order.id, 'PAID');
  });

  it('3-D Secure answers REQUIRES_ACTION with a client secret for the customer only', async () => {
    const shop = await shopWithPart(t, 3);
    const buyer = await customer(t);
    const other = await customer(t, 'other');
    const order = await placeOrder(t, buyer, shop.centreId, shop.partId);
    const created = await payOrder(t, buyer, order.id, 'pm_card_threeDSecure2Required');
    const payment = created.data!.createPayment;
    expect(payment.status).toBe('REQUIRES_ACTION');
    expect(payment.clientSecret).toMatch(/^pi_\w+_secret_/);
    // Another customer sees nothing; the centre's partner sees it without the secret.
    expect((await t.request(PaymentDocument, { id: payment.id }, { token: other.token })).data!.payment).toBeNull();
    const asPartner = await t.request(PaymentDocument, { id: payment.id }, { token: shop.partner.token });
    expect(asPartner.data!.payment).toMatchObject({ id: payment.id, clientSecret: null });
    expect(await journal(paymentsDb(t)).countDocuments({ paymentId: payment.id })).toBe(0);
  });
});

describe('paying a booking', () => {
  it('a DEPOSIT centre: the deposit when requested, the rest once completed (two payments of one booking), never a second deposit', async () => {
    const { partner, centreId } = await partnerWithCentre(t, `deposit-${randomBytes(3).toString('hex')}@example.com`);
    const { driver, vehicleId } = await driverWithVehicle(
      t,
      `dd-${randomBytes(3).toString('hex')}@example.com`,
      `WVWZZZ1JZXW${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`,
    );
    await t.request(
      CommerceSetBookingPaymentPolicyDocument,
      { centreId, input: { kind: 'DEPOSIT', depositMinor: 2_000 } },
      { token: partner.token },
    );
    const booked = await t.request(
      RequestBookingDocument,
      { input: { centreId, vehicleId, service: 'OIL_CHANGE', slotStart: slotAt(4, 10) } },
      { token: driver.token },
    );
    const bookingId = booked.data!.requestBooking.id;
    const pay = (idempotencyKey = key()) =>
      t.request(
        CreatePaymentDocument,
        {
          input: {
            subjectKind: 'BOOKING' as never,
            subjectId: bookingId,
            paymentMethodId: 'pm_card_visa',
            idempotencyKey,
          },
        },
        { token: driver.token },
      );
    const bookingPayment = async () =>
      (await t.request(CommerceBookingPaymentDocument, { id: bookingId }, { token: driver.token })).data!.booking
        .payment;

    const deposit = await pay();
    expect(deposit.data!.createPayment).toMatchObject({
      status: 'SUCCEEDED',
      amountMinor: 2_000,
      subjectKind: 'BOOKING',
    });
    // Before the marketplace has heard of it, a second deposit is still refused here.
    expect(errorCodes(await pay())).toEqual(['CONFLICT']);
    await waitFor(async () => (await bookingPayment()).paidMinor === 2_000, 'the deposit recorded');

    await t.request(ConfirmBookingDocument, { id: bookingId }, { token: partner.token });
    await t.request(StartBookingDocument, { id: bookingId }, { token: partner.token });
    const done = await t.request(
      CompleteBookingDocument,
      { id: bookingId, input: { workDone: 'Oil and filter', totalMinor: 9_500 } },
      { token: partner.token },
    );
    expect(done.errors).toBeUndefined();
    const rest = await pay();
    expect(rest.data!.createPayment).toMatchObject({ status: 'SUCCEEDED', amountMinor: 7_500 });
    await waitFor(async () => (await bookingPayment()).paidMinor === 9_500, 'the rest recorded');
    expect(await journal(paymentsDb(t)).countDocuments({ subjectId: bookingId })).toBe(2);
    expect(errorCodes(await pay())).toEqual(['CONFLICT']);
  });
});

describe('authorization', () => {
  it("a customer cannot pay (or learn of) another's order, and sees only their own payments", async () => {
    const shop = await shopWithPart(t, 3);
    const buyer = await customer(t);
    const intruder = await customer(t, 'intruder');
    const order = await placeOrder(t, buyer, shop.centreId, shop.partId);
    const before = await paymentsDb(t).collection('payments').countDocuments();
    const refused = await payOrder(t, intruder, order.id, 'pm_card_visa');
    expect(errorCodes(refused)).toEqual(['NOT_FOUND']);
    expect(await paymentsDb(t).collection('payments').countDocuments()).toBe(before);

    const anonymous = await t.request(CreatePaymentDocument, {
      input: {
        subjectKind: 'ORDER' as never,
        subjectId: order.id,
        paymentMethodId: 'pm_card_visa',
        idempotencyKey: key(),
      },
    });
    expect(errorCodes(anonymous)).toEqual(['UNAUTHENTICATED']);

    const paid = await payOrder(t, buyer, order.id, 'pm_card_visa');
    const mine = await t.request(MyPaymentsDocument, { first: 10 }, { token: buyer.token });
    expect(mine.data!.myPayments.edges.map((e) => e.node.id)).toEqual([paid.data!.createPayment.id]);
    const theirs = await t.request(MyPaymentsDocument, { first: 10 }, { token: intruder.token });
    expect(theirs.data!.myPayments.totalCount).toBe(0);
    expect(
      (await t.request(PaymentDocument, { id: paid.data!.createPayment.id }, { token: intruder.token })).data!.payment,
    ).toBeNull();
  });
});

describe('refunds', () => {
  it('partners refund their own orders, bad amounts get clear codes with the ledger unchanged, a full refund makes the order REFUNDED', async () => {
    const shop = await shopWithPart(t, 3, 1_000);
    const otherShop = await shopWithPart(t, 3);
    const buyer = await customer(t);
    const order = await placeOrder(t, buyer, shop.centreId, shop.partId);
    const paid = await payOrder(t, buyer, order.id, 'pm_card_visa');
    const paymentId = paid.data!.createPayment.id;
    await waitForOrder(t, buyer, order.id, 'PAID');
    const refund = (token: string, amountMinor: number, extra: Record<string, unknown> = {}) =>
      t.request(
        RefundPaymentDocument,
        { input: { paymentId, amountMinor, idempotencyKey: key('refund'), ...extra } },
        { token },
      );
    const entries = () => journal(paymentsDb(t)).countDocuments({ paymentId });

    expect(errorCodes(await refund(buyer.token, 100))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await refund(otherShop.partner.token, 100))).toEqual(['NOT_FOUND']);
    for (const amount of [0, -5]) {
      const bad = await refund(shop.partner.token, amount);
      expect(errorCodes(bad)).toEqual(['BAD_USER_INPUT']);
      expect(reasons(bad)).toEqual(['INVALID_AMOUNT']);
    }
    const huge = await refund(shop.partner.token, 1_001);
    expect(errorCodes(huge)).toEqual(['BAD_USER_INPUT']);
    expect(reasons(huge)).toEqual(['REFUND_EXCEEDS_REMAINING']);
    const wrongCurrency = await refund(shop.partner.token, 100, { currency: 'USD' });
    expect(reasons(wrongCurrency)).toEqual(['CURRENCY_MISMATCH']);
    expect(await entries()).toBe(1);

    const partial = await refund(shop.partner.token, 400);
    expect(partial.data!.refundPayment).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundedMinor: 400 });
    expect(reasons(await refund(shop.partner.token, 601))).toEqual(['REFUND_EXCEEDS_REMAINING']);
    const rest = await refund(await adminToken(t), 600);
    expect(rest.data!.refundPayment).toMatchObject({ status: 'REFUNDED', refundedMinor: 1_000 });
    const second = await refund(shop.partner.token, 1);
    expect(errorCodes(second)).toEqual(['CONFLICT']);
    expect(reasons(second)).toEqual(['ALREADY_REFUNDED']);

    await waitForOrder(t, buyer, order.id, 'REFUNDED');
    await stripe.fake.idle();
    expect(await entries()).toBe(3);
    const lines = (await journal(paymentsDb(t)).find({ paymentId }).toArray()).flatMap((e) => e.lines);
    const byAccount = new Map<string, number>();
    for (const l of lines) byAccount.set(l.account, (byAccount.get(l.account) ?? 0) + l.amountMinor);
    expect([...byAccount.values()]).toEqual([0, 0, 0]);
    expect(Object.values(await ledgerSums(paymentsDb(t))).every((s) => s === 0)).toBe(true);
  });
});

describe('webhooks at POST /webhooks/stripe (through the gateway)', () => {
  it('a bad signature gets 400 and changes nothing; the same event twice is one ledger entry', async () => {
    const shop = await shopWithPart(t, 3);
    const buyer = await customer(t);
    const order = await placeOrder(t, buyer, shop.centreId, shop.partId);
    const paid = await payOrder(t, buyer, order.id, 'pm_card_visa');
    const paymentId = paid.data!.createPayment.id;
    await stripe.fake.idle();
    const event = stripe.fake.events.filter((e) => e.type === 'payment_intent.succeeded').at(-1)!;
    expect(JSON.parse(event.payload).data.object.metadata.paymentId).toBe(paymentId);
    const claims = paymentsDb(t).collection('webhook_events');
    const claimsBefore = await claims.countDocuments();

    const forged = await fetch(`${t.baseUrl}/webhooks/stripe`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'stripe-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`,
      },
      body: event.payload.replace(paymentId, 'f'.repeat(24)),
    });
    expect(forged.status).toBe(400);
    const unsigned = await fetch(`${t.baseUrl}/webhooks/stripe`, { method: 'POST', body: event.payload });
    expect(unsigned.status).toBe(400);
    expect(await claims.countDocuments()).toBe(claimsBefore);

    // Stripe delivers again (and again): answered, not processed twice.
    for (let i = 0; i < 2; i++) expect(await stripe.fake.deliverOnce(event)).toBe(200);
    expect(await journal(paymentsDb(t)).countDocuments({ paymentId })).toBe(1);
    expect(await claims.findOne({ _id: event.id as never })).toMatchObject({ state: 'done' });
  });
});

describe('reconcilePayments', () => {
  it('is for staff only; it reports a balanced ledger and nothing to repair when nothing was lost', async () => {
    const buyer = await customer(t);
    expect(errorCodes(await t.request(ReconcilePaymentsDocument, {}, { token: buyer.token }))).toEqual(['FORBIDDEN']);
    await waitFor(async () => (await stripe.fake.idle(), true), 'webhooks');
    const report = await t.request(ReconcilePaymentsDocument, {}, { token: await adminToken(t) });
    expect(report.errors).toBeUndefined();
    expect(report.data!.reconcilePayments).toMatchObject({
      paymentsRecorded: [],
      refundsRecorded: [],
      entriesRepaired: [],
      abandoned: [],
      unmatched: [],
      ledgerBalanced: true,
    });
    expect(report.data!.reconcilePayments.intentsChecked).toBeGreaterThan(0);
  });
});
