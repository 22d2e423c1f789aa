import { randomBytes } from 'node:crypto';
import type { Db } from 'mongodb';
import { FakeStripeServer } from '../subgraphs/payments/stripe-fake/fake-stripe-server.js';
import type { JournalEntry } from '../subgraphs/payments/ledger/journal.js';
import { partnerWithCentre } from './bookings-setup.js';
import {
  CreatePaymentDocument,
  PayAddPartDocument,
  PayOrderDocument,
  PayPlaceOrderDocument,
} from './generated/graphql.js';
import type { TestSystem } from './harness.js';
import { registerDriver, type Driver } from './live.js';
import { waitFor } from './wait-for.js';

/** A fresh idempotency key, prefixed by what it is for. */
export const key = (what = 'pay') => `${what}-${randomBytes(8).toString('hex')}`;

/** createPayment for an order as its buyer, with a new idempotency key; the whole answer, errors included. */
export const payOrder = (t: TestSystem, who: { token: string }, orderId: string, paymentMethodId = 'pm_card_visa') =>
  t.request(
    CreatePaymentDocument,
    { input: { subjectKind: 'ORDER' as never, subjectId: orderId, paymentMethodId, idempotencyKey: key() } },
    { token: who.token },
  );

export const WEBHOOK_SECRET = `whsec_test_${'w'.repeat(32)}`;

/** A fake Stripe of the test's own (so the test sees its events), whose webhooks go through the gateway once it runs. */
export async function startFakeStripe(options: { webhookRetryBaseMs?: number } = {}) {
  const fake = new FakeStripeServer({
    webhookSecret: WEBHOOK_SECRET,
    webhookRetryBaseMs: options.webhookRetryBaseMs ?? 50,
  });
  const url = await fake.listen(0);
  return {
    fake,
    url,
    env: { STRIPE_API_URL: url, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET },
    /** Webhooks to the gateway's POST /webhooks/stripe (forwarded to payments). */
    deliverTo: (t: TestSystem) => fake.setWebhookTarget(`${t.baseUrl}/webhooks/stripe`),
  };
}

/** A partner's centre with one part in stock at `priceMinor` EUR. */
export async function shopWithPart(t: TestSystem, stock: number, priceMinor = 2_500) {
  const { partner, centreId } = await partnerWithCentre(t, `shop-${randomBytes(4).toString('hex')}@example.com`);
  const part = await t.request(
    PayAddPartDocument,
    {
      input: {
        centreId,
        sku: `BRK-${randomBytes(3).toString('hex')}`,
        name: 'Brake pads',
        brand: 'Bosch',
        priceMinor,
        currency: 'EUR',
        fitment: [{ make: 'Honda', model: 'Accord', yearFrom: 2010, yearTo: 2024 }],
        initialStock: stock,
      },
    },
    { token: partner.token },
  );
  if (part.errors) throw new Error(JSON.stringify(part.errors));
  return { partner, centreId, partId: part.data!.addPart.id };
}

export async function customer(t: TestSystem, name = 'buyer'): Promise<Driver> {
  return registerDriver(t, `${name}-${randomBytes(4).toString('hex')}@example.com`);
}

export async function placeOrder(t: TestSystem, buyer: Driver, centreId: string, partId: string, quantity = 1) {
  const placed = await t.request(
    PayPlaceOrderDocument,
    {
      input: {
        centreId,
        items: [{ partId, quantity }],
        fulfilment: 'PICKUP' as never,
        idempotencyKey: `order-${randomBytes(6).toString('hex')}`,
      },
    },
    { token: buyer.token },
  );
  if (placed.errors) throw new Error(JSON.stringify(placed.errors));
  return placed.data!.placeOrder;
}

export async function orderStatus(t: TestSystem, buyer: Driver, orderId: string) {
  const order = await t.request(PayOrderDocument, { id: orderId }, { token: buyer.token });
  if (order.errors) throw new Error(JSON.stringify(order.errors));
  return order.data!.order;
}

export async function waitForOrder(t: TestSystem, buyer: Driver, orderId: string, status: string, timeoutMs = 15_000) {
  await waitFor(
    async () => (await orderStatus(t, buyer, orderId)).status === status,
    `order ${orderId} ${status}`,
    timeoutMs,
  );
}

export const paymentsDb = (t: TestSystem): Db => t.system.deps.mongo.db('payments');
export const journal = (db: Db) => db.collection<JournalEntry>('journal_entries');

/** Every currency's lines summed: zero when the ledger balances. */
export async function ledgerSums(db: Db): Promise<Record<string, number>> {
  const sums: Record<string, number> = {};
  for (const entry of await journal(db).find({}).toArray()) {
    for (const line of entry.lines) sums[entry.currency] = (sums[entry.currency] ?? 0) + line.amountMinor;
  }
  return sums;
}
