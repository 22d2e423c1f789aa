import './lib/production-mode.js';
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { FakeStripeServer } from '../subgraphs/payments/stripe-fake/fake-stripe-server.js';
import { stripeSignature } from '../subgraphs/payments/stripe-fake/signing.js';
import {
  BookingApplyAsPartnerDocument,
  BookingApprovePartnerDocument,
  CreatePaymentDocument,
  PayAddPartDocument,
  PayOrderDocument,
  PayPlaceOrderDocument,
} from '../test/generated/graphql.js';
import { startBenchSystem } from './lib/bench-system.js';
import { bearerHeaders, dataOf, internalHeaders, postGraphQL } from './lib/graphql-http.js';
import { LatencyRecorder, type LatencySummary } from './lib/latency.js';
import { settledMemorySnapshot } from './lib/memory.js';
import { exitWith, reportFailures } from './lib/run-benchmark.js';
import { login, seedSession, type Session } from './lib/seed.js';

/*
 * `npm run bench:payments` (payments, with the project's fake Stripe through the real SDK;
 * webhooks signed and sent to the gateway's POST /webhooks/stripe):
 * 1. checkout: placeOrder, createPayment, the webhook, and the order PAID as its customer sees it,
 *    `--checkouts N` at `--concurrency C`: throughput and p50/p95/p99 of the whole checkout;
 * 2. createPayment alone, straight at the payments subgraph and through the gateway (the peer
 *    for a ratio: what the gateway adds);
 * 3. oversell: `--orders 1000` concurrent placeOrder for one unit each of a part with `--units 100`:
 *    exactly that many sold (then paid), the rest CONFLICT;
 * 4. webhook handling: `--events N` signed events posted to the gateway at `--concurrency C`: events/s.
 * `--quick` runs small numbers (a few seconds) for use while others work.
 * The load is sent from this process, so it shares the CPU with the system it measures.
 */
const quick = process.argv.includes('--quick');
const arg = (name: string, full: number, small: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : quick ? small : full;
};
const CHECKOUTS = arg('checkouts', 300, 40);
const CONCURRENCY = arg('concurrency', 16, 8);
const ORDERS = arg('orders', 1_000, 200);
const UNITS = arg('units', 100, 20);
const EVENTS = arg('events', 2_000, 200);
const PEER = arg('peer', 200, 30);
const WEBHOOK_SECRET = `whsec_bench_${randomBytes(16).toString('hex')}`;
const DAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];

const fmt = (s: LatencySummary) =>
  `p50 ${s.p50.toFixed(1)} p95 ${s.p95.toFixed(1)} p99 ${s.p99.toFixed(1)} max ${s.max.toFixed(1)} ms`;

/** Runs `task(i)` for i < n with at most `concurrency` at once. */
async function pool(n: number, concurrency: number, task: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) await task(next++);
    }),
  );
}

async function main(): Promise<number> {
  const fake = new FakeStripeServer({ webhookSecret: WEBHOOK_SECRET, webhookRetryBaseMs: 100 });
  const stripeUrl = await fake.listen(0);
  const bench = await startBenchSystem({ STRIPE_API_URL: stripeUrl, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET });
  const failed: string[] = [];
  try {
    const url = bench.system.url;
    fake.setWebhookTarget(`${new URL(url).origin}/webhooks/stripe`);
    const paymentsUrl = bench.subgraphUrl('payments');
    const admin = await login(url, bench.config.ADMIN_EMAIL!, bench.config.ADMIN_PASSWORD!);
    const partner = await seedSession(url);
    const applied = dataOf(
      'applyAsPartner',
      await postGraphQL(
        url,
        BookingApplyAsPartnerDocument,
        {
          input: {
            name: 'Bench Parts',
            address: '1 Bench Road',
            location: { lat: 52.52, lng: 13.405 },
            phone: '+49 30 0000000',
            timezone: 'UTC',
            services: [{ kind: 'OIL_CHANGE', priceMinor: 8900, currency: 'EUR', durationMinutes: 60 }],
            openingHours: DAYS.map((day) => ({ day, opens: '00:00', closes: '24:00' })) as never,
            bays: 2,
          },
        },
        bearerHeaders(partner.accessToken),
      ),
    );
    const centreId = dataOf(
      'approvePartnerApplication',
      await postGraphQL(
        url,
        BookingApprovePartnerDocument,
        { id: applied.applyAsPartner.id },
        bearerHeaders(admin.accessToken),
      ),
    ).approvePartnerApplication.id;
    const addPart = async (stock: number) =>
      dataOf(
        'addPart',
        await postGraphQL(
          url,
          PayAddPartDocument,
          {
            input: {
              centreId,
              sku: `B-${randomBytes(4).toString('hex')}`,
              name: 'Brake pads',
              brand: 'Bosch',
              priceMinor: 2_500,
              currency: 'EUR',
              fitment: [{ make: 'Honda', model: 'Accord', yearFrom: 2010, yearTo: 2024 }],
              initialStock: stock,
            },
          },
          bearerHeaders(partner.accessToken),
        ),
      ).addPart.id;
    const customers: Session[] = await Promise.all(Array.from({ length: 20 }, () => seedSession(url)));
    const place = async (who: Session, partId: string) =>
      postGraphQL(
        url,
        PayPlaceOrderDocument,
        {
          input: {
            centreId,
            items: [{ partId, quantity: 1 }],
            fulfilment: 'PICKUP' as never,
            idempotencyKey: `o-${randomBytes(8).toString('hex')}`,
          },
        },
        bearerHeaders(who.accessToken),
      );
    const pay = (who: Session, orderId: string, target: 'gateway' | 'subgraph') =>
      postGraphQL(
        target === 'gateway' ? url : paymentsUrl,
        CreatePaymentDocument,
        {
          input: {
            subjectKind: 'ORDER' as never,
            subjectId: orderId,
            paymentMethodId: 'pm_card_visa',
            idempotencyKey: `p-${randomBytes(8).toString('hex')}`,
          },
        },
        target === 'gateway'
          ? bearerHeaders(who.accessToken)
          : internalHeaders(bench.config.INTERNAL_SECRET, { kind: 'user', userId: who.user.id, roles: ['CUSTOMER'] }),
      );
    const orderStatus = async (who: Session, id: string) =>
      (await postGraphQL(url, PayOrderDocument, { id }, bearerHeaders(who.accessToken))).data?.order.status;
    const memoryBefore = settledMemorySnapshot();
    const [load1m] = loadavg();

    // 1. Checkout end to end.
    const stockPart = await addPart(CHECKOUTS + ORDERS + PEER * 2 + 10);
    const checkout = new LatencyRecorder();
    let checkedOut = 0;
    let t0 = performance.now();
    await pool(CHECKOUTS, CONCURRENCY, async (i) => {
      const who = customers[i % customers.length]!;
      const start = performance.now();
      const order = (await place(who, stockPart)).data?.placeOrder;
      if (!order) return;
      const payment = (await pay(who, order.id, 'gateway')).data?.createPayment;
      if (payment?.status !== 'SUCCEEDED') return;
      for (let n = 0; n < 500 && (await orderStatus(who, order.id)) !== 'PAID'; n++)
        await new Promise((r) => setTimeout(r, 5));
      checkout.record(performance.now() - start);
      checkedOut++;
    });
    const checkoutS = (performance.now() - t0) / 1000;
    if (checkedOut !== CHECKOUTS) failed.push(`${checkedOut} of ${CHECKOUTS} checkouts ended PAID`);

    // 2. createPayment straight at the subgraph vs through the gateway (orders placed first, not timed).
    const peer: Record<'subgraph' | 'gateway', { latency: LatencyRecorder; seconds: number }> = {
      subgraph: { latency: new LatencyRecorder(), seconds: 0 },
      gateway: { latency: new LatencyRecorder(), seconds: 0 },
    };
    for (const target of ['subgraph', 'gateway'] as const) {
      const orders = await Promise.all(
        Array.from({ length: PEER }, async (_, i) => {
          const who = customers[i % customers.length]!;
          return { who, id: (await place(who, stockPart)).data!.placeOrder.id };
        }),
      );
      t0 = performance.now();
      await pool(PEER, CONCURRENCY, async (i) => {
        const start = performance.now();
        const r = await pay(orders[i]!.who, orders[i]!.id, target);
        if (r.data?.createPayment.status === 'SUCCEEDED') peer[target].latency.record(performance.now() - start);
        else failed.push(`createPayment via ${target}: ${JSON.stringify(r.errors)}`);
      });
      peer[target].seconds = (performance.now() - t0) / 1000;
    }

    // 3. No overselling: ORDERS at once for UNITS units, then every order made is paid.
    const scarce = await addPart(UNITS);
    const placed = await Promise.all(
      Array.from({ length: ORDERS }, (_, i) => place(customers[i % customers.length]!, scarce)),
    );
    const sold = placed.flatMap((r, i) =>
      r.data?.placeOrder ? [{ id: r.data.placeOrder.id, who: customers[i % customers.length]! }] : [],
    );
    const conflicts = placed.filter((r) => r.errors?.[0]?.extensions?.code === 'CONFLICT').length;
    await pool(sold.length, CONCURRENCY, async (i) => {
      await pay(sold[i]!.who, sold[i]!.id, 'gateway');
    });
    await fake.idle(30_000);
    // PAID arrives through payments' durable event after the webhook's answer: wait for it, as checkout does.
    const settledBy = Date.now() + 30_000;
    const paidStatuses = await Promise.all(
      sold.map(async (o) => {
        let status = await orderStatus(o.who, o.id);
        while (status !== 'PAID' && Date.now() < settledBy) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          status = await orderStatus(o.who, o.id);
        }
        return status;
      }),
    );
    const paidCount = paidStatuses.filter((s) => s === 'PAID').length;
    if (sold.length !== UNITS) failed.push(`${sold.length} orders placed for ${UNITS} units`);
    if (conflicts !== ORDERS - UNITS) failed.push(`${conflicts} CONFLICT instead of ${ORDERS - UNITS}`);
    if (paidCount !== sold.length) failed.push(`${paidCount} of ${sold.length} sold orders PAID`);

    // 4. Webhooks/s: real events again, under new ids (each one claimed, looked up and found recorded).
    const samples = fake.events.filter((e) => e.type === 'payment_intent.succeeded').map((e) => JSON.parse(e.payload));
    const webhook = new LatencyRecorder();
    let accepted = 0;
    t0 = performance.now();
    await pool(EVENTS, CONCURRENCY, async (i) => {
      const payload = JSON.stringify({
        ...samples[i % samples.length],
        id: `evt_bench_${i}_${randomBytes(4).toString('hex')}`,
      });
      const start = performance.now();
      const res = await fetch(`${new URL(url).origin}/webhooks/stripe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': stripeSignature(payload, WEBHOOK_SECRET) },
        body: payload,
      });
      await res.arrayBuffer();
      webhook.record(performance.now() - start);
      if (res.status === 200) accepted++;
    });
    const webhookS = (performance.now() - t0) / 1000;
    if (accepted !== EVENTS) failed.push(`${accepted} of ${EVENTS} webhook events accepted`);
    const memoryAfter = settledMemorySnapshot();

    const sub = peer.subgraph.latency.summary();
    const gw = peer.gateway.latency.summary();
    console.log(
      [
        `checkout (placeOrder, createPayment, webhook, PAID) x${CHECKOUTS} at ${CONCURRENCY}: ${(checkedOut / checkoutS).toFixed(1)} checkouts/s, ${fmt(checkout.summary())}`,
        `createPayment x${PEER} at ${CONCURRENCY}: subgraph ${(PEER / peer.subgraph.seconds).toFixed(1)}/s ${fmt(sub)}; gateway ${(PEER / peer.gateway.seconds).toFixed(1)}/s ${fmt(gw)}; gateway/subgraph p50 ${(gw.p50 / sub.p50).toFixed(2)}x p95 ${(gw.p95 / sub.p95).toFixed(2)}x`,
        `oversell: ${ORDERS} concurrent orders on ${UNITS} units: ${sold.length} sold, ${conflicts} CONFLICT, ${paidCount} PAID`,
        `webhooks: ${EVENTS} signed events at ${CONCURRENCY}: ${(accepted / webhookS).toFixed(0)} events/s, ${fmt(webhook.summary())}`,
        `memory (this process: system + load): rss ${memoryBefore.rssMb} -> ${memoryAfter.rssMb} MB, heap used ${memoryBefore.heapUsedMb} -> ${memoryAfter.heapUsedMb} MB`,
        `database ${bench.database}, load average before ${load1m.toFixed(1)}, fake Stripe requests ${fake.requests.total}`,
      ].join('\n'),
    );
    return reportFailures(failed.slice(0, 20));
  } finally {
    await bench.stop();
    await fake.close();
  }
}

exitWith(main);
