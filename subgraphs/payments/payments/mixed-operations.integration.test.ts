import { ObjectId } from 'mongodb';
import type { Viewer } from '../../../platform/auth/viewer.js';
import { createEventBus } from '../../../platform/events/create-bus.js';
import type { EventBus } from '../../../platform/events/bus.js';
import { createLogger } from '../../../platform/logger.js';
import { useScratchDatabase } from '../../../test/scratch-database.js';
import type { Payable } from '../../marketplace/contract.js';
import { PAYMENT_REFUNDED, PAYMENT_SUCCEEDED, type PaymentEvent } from '../contract.js';
import { createPaymentsSubgraph } from '../index.js';
import { paymentEntryId } from '../ledger/journal.js';
import type { Payables } from '../payables/payables.js';
import { StripeProvider, stripeClient, type PaymentProvider } from '../provider/stripe-provider.js';
import { FakeStripeServer } from '../stripe-fake/fake-stripe-server.js';
import { stripeSignature } from '../stripe-fake/signing.js';
import type { PaymentDocument } from './payment.store.js';

// 1,000 mixed operations against the fake Stripe through the real SDK, on two payments instances
// sharing one database, with provider calls failing on purpose (before reaching the provider, or
// after it acted with the answer lost) and every webhook delivered twice, once to each instance.
// Afterwards (and after reconciliation) the ledger sums to zero, and every order's state follows
// from its payments at the provider.
const db = useScratchDatabase('payments_mixed');
const silent = createLogger({ service: 'payments-test', level: 'silent' });
const SECRET = 'whsec_mixed_test_secret_0123456789';
const CENTRES = ['a'.repeat(24), 'b'.repeat(24), 'c'.repeat(24)];
const PARTNER = (centreId: string) => `partner-${centreId.slice(0, 1)}`;

/** Deterministic pseudo-random numbers, so a failing run can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

class FlakyProvider implements PaymentProvider {
  enabled = true;
  injected = { before: 0, after: 0 };
  constructor(
    private readonly inner: PaymentProvider,
    private readonly random: () => number,
    private readonly rate: number,
  ) {}
  private async flaky<T>(call: () => Promise<T>): Promise<T> {
    if (this.enabled && this.random() < this.rate / 2) {
      this.injected.before++;
      throw new Error('ECONNRESET (injected before the provider)');
    }
    const result = await call();
    if (this.enabled && this.random() < this.rate / 2) {
      this.injected.after++;
      throw new Error('socket hang up (injected after the provider acted)');
    }
    return result;
  }
  createIntent(input: Parameters<PaymentProvider['createIntent']>[0]) {
    return this.flaky(() => this.inner.createIntent(input));
  }
  createRefund(input: Parameters<PaymentProvider['createRefund']>[0]) {
    return this.flaky(() => this.inner.createRefund(input));
  }
  retrieveIntent(id: string) {
    return this.inner.retrieveIntent(id);
  }
  intentsSince(from: Date) {
    return this.inner.intentsSince(from);
  }
  refundsSince(from: Date) {
    return this.inner.refundsSince(from);
  }
  refundsOf(intentId: string) {
    return this.inner.refundsOf(intentId);
  }
}

interface Order {
  id: string;
  customerId: string;
  centreId: string;
  amountMinor: number;
  status: 'PENDING_PAYMENT' | 'PAID' | 'REFUNDED';
}

/** The marketplace's side, reduced to orders and its consumer of the payment events. */
class Orders implements Payables {
  readonly orders = new Map<string, Order>();
  async payable(kind: string, id: string): Promise<Payable | null> {
    const o = this.orders.get(id);
    if (kind !== 'ORDER' || !o) return null;
    return {
      kind: 'ORDER',
      id,
      customerId: o.customerId,
      centreId: o.centreId,
      centreMemberIds: [PARTNER(o.centreId)],
      status: o.status,
      payable: o.status === 'PENDING_PAYMENT',
      amountMinor: o.amountMinor,
      currency: 'EUR',
      description: `Order ${id}`,
      lines: [{ description: 'Part', quantity: 1, unitAmountMinor: o.amountMinor }],
    };
  }
  consume(bus: EventBus) {
    bus.consume<PaymentEvent>(PAYMENT_SUCCEEDED, 'orders', 'o1', ({ payload }) => {
      const o = this.orders.get(payload.subjectId);
      if (o?.status === 'PENDING_PAYMENT') o.status = 'PAID';
    });
    bus.consume<PaymentEvent>(PAYMENT_REFUNDED, 'orders', 'o2', ({ payload }) => {
      const o = this.orders.get(payload.subjectId);
      if (o && payload.refundedMinor >= payload.amountMinor) o.status = 'REFUNDED';
    });
  }
}

let fake: FakeStripeServer;
let bus: EventBus;

afterAll(async () => {
  await fake?.close();
  await bus?.close();
});

it('1,000 mixed operations with injected provider failures: the ledger balances and every order matches its payments', async () => {
  const random = rng(14);
  fake = new FakeStripeServer({ webhookSecret: SECRET, webhookRetryBaseMs: 20, webhookMaxAttempts: 6 });
  const url = await fake.listen(0);
  const stripe = stripeClient({ secretKey: 'sk_test_mixed', apiUrl: url, maxNetworkRetries: 0 });
  const flaky = new FlakyProvider(new StripeProvider(stripe), random, 0.15);
  bus = createEventBus({ logger: silent, namespace: 'mixed' });
  const orders = new Orders();
  orders.consume(bus);
  const settings = {
    feeBps: 1_000,
    webhookSecret: SECRET,
    reconcile: { intervalMs: 3_600_000, windowMs: 3_600_000, abandonAfterMs: 0 },
  };
  const instances = await Promise.all(
    [0, 1].map(() =>
      createPaymentsSubgraph({ db: db(), bus, logger: silent, stripe, payables: orders, settings, provider: flaky }),
    ),
  );
  // Every event twice, once at each instance, at the same time (Stripe retries; a load balancer spreads them).
  fake.setWebhookTarget(async (payload, signature) => {
    const statuses = await Promise.all(instances.map((i) => i.webhooks.handle(Buffer.from(payload), signature)));
    return statuses.includes('failed') ? 500 : 200;
  });

  const customers = Array.from({ length: 20 }, (_, i) => `customer-${i}`);
  const user = (userId: string, roles: Viewer extends { roles: infer R } ? R : never = ['CUSTOMER'] as never) =>
    ({ kind: 'user', userId, roles }) as Extract<Viewer, { kind: 'user' }>;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const paid: PaymentDocument[] = [];
  const outcomes = new Map<string, number>();
  const count = (what: string) => outcomes.set(what, (outcomes.get(what) ?? 0) + 1);

  const operation = async (n: number) => {
    const instance = instances[n % 2]!;
    const roll = random();
    try {
      if (roll < 0.3 || paid.length === 0) {
        const order: Order = {
          id: new ObjectId().toHexString(),
          customerId: pick(customers),
          centreId: pick(CENTRES),
          amountMinor: 100 + Math.floor(random() * 99_900),
          status: 'PENDING_PAYMENT',
        };
        orders.orders.set(order.id, order);
        const method =
          random() < 0.8 ? 'pm_card_visa' : random() < 0.7 ? 'pm_card_chargeDeclined' : 'pm_card_threeDSecure2Required';
        const doc = await instance.payments.create(user(order.customerId), {
          subjectKind: 'ORDER',
          subjectId: order.id,
          paymentMethodId: method,
          idempotencyKey: `key-${n}-${order.id}`,
        });
        count(`create:${doc.status}`);
        if (doc.status === 'SUCCEEDED') paid.push(doc);
      } else if (roll < 0.45) {
        // A retry of an earlier payment with its key: never a second charge.
        const doc = pick(paid);
        await instance.payments.create(user(doc.customerId), {
          subjectKind: 'ORDER',
          subjectId: doc.subjectId,
          paymentMethodId: doc.paymentMethodId,
          idempotencyKey: doc.idempotencyKey,
        });
        count('replay');
      } else {
        const doc = pick(paid);
        const amount = random() < 0.3 ? doc.amountMinor : 1 + Math.floor(random() * (doc.amountMinor / 2));
        const refunded = await instance.payments.refund(user(PARTNER(doc.centreId), ['PARTNER'] as never), {
          paymentId: doc._id.toHexString(),
          amountMinor: amount,
          idempotencyKey: `refund-${n}`,
        });
        count(`refund:${refunded.status}`);
      }
    } catch (error) {
      count(
        `refused:${(error as { extensions?: { code?: string; reason?: string } }).extensions?.reason ?? (error as { extensions?: { code?: string } }).extensions?.code ?? (error as Error).message}`,
      );
    }
  };
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < 1_000) await operation(next++);
    }),
  );

  // Stop injecting, let the webhooks settle, then reconcile what is still missing.
  flaky.enabled = false;
  await fake.idle(30_000);
  const report = await instances[0]!.reconciler.run();
  expect(report.ledgerBalanced).toBe(true);
  await new Promise((r) => setTimeout(r, 300)); // the in-process bus delivers the events it was handed

  const totals = await instances[0]!.ledger.totals();
  expect(totals.byCurrency).toEqual({ EUR: 0 });
  expect(flaky.injected.before + flaky.injected.after).toBeGreaterThan(50);

  // The provider's truth, per payment: what it took and what it gave back.
  const intents = new Map<string, { status: string; amount: number }>();
  for await (const i of flaky.intentsSince(new Date(0)))
    if (i.paymentId) intents.set(i.paymentId, { status: i.status, amount: i.amountMinor });
  const refundedAt = new Map<string, number>();
  for await (const r of flaky.refundsSince(new Date(0))) {
    if (r.status === 'succeeded' && r.paymentId)
      refundedAt.set(r.paymentId, (refundedAt.get(r.paymentId) ?? 0) + r.amountMinor);
  }
  const payments = await db().collection<PaymentDocument>('payments').find({}).toArray();
  const entries = await instances[0]!.ledger.entries.find({}).toArray();
  const entryIds = new Set(entries.map((e) => e._id));
  const refundedInLedger = new Map<string, number>();
  for (const e of entries.filter((x) => x.kind === 'REFUND')) {
    refundedInLedger.set(
      e.paymentId!,
      (refundedInLedger.get(e.paymentId!) ?? 0) - e.lines.find((l) => l.account === 'provider:stripe')!.amountMinor,
    );
  }
  const succeededPerOrder = new Map<string, number>();
  for (const p of payments) {
    const id = p._id.toHexString();
    const atProvider = intents.get(id);
    if (atProvider?.status === 'succeeded') {
      expect([id, p.status]).toEqual([id, expect.stringMatching(/^(SUCCEEDED|PARTIALLY_REFUNDED|REFUNDED)$/)]);
      expect(entryIds.has(paymentEntryId(id))).toBe(true);
      succeededPerOrder.set(p.subjectId, (succeededPerOrder.get(p.subjectId) ?? 0) + 1);
    } else {
      expect([id, p.status]).toEqual([id, expect.stringMatching(/^(FAILED|REQUIRES_ACTION)$/)]);
      expect(entryIds.has(paymentEntryId(id))).toBe(false);
    }
    expect([id, p.refundedMinor]).toEqual([id, refundedAt.get(id) ?? 0]);
    expect([id, refundedInLedger.get(id) ?? 0]).toEqual([id, p.refundedMinor]);
    // No refund hold left behind by a lost answer: what is held is what was refunded.
    expect([id, p.reservedRefundMinor]).toEqual([id, p.refundedMinor]);
  }
  // One order, at most one successful payment; its state follows from it.
  for (const order of orders.orders.values()) {
    expect(succeededPerOrder.get(order.id) ?? 0).toBeLessThanOrEqual(1);
    const payment = payments.find(
      (p) => p.subjectId === order.id && intents.get(p._id.toHexString())?.status === 'succeeded',
    );
    const expected = !payment ? 'PENDING_PAYMENT' : payment.refundedMinor >= payment.amountMinor ? 'REFUNDED' : 'PAID';
    expect([order.id, order.status]).toEqual([order.id, expected]);
  }
  expect(outcomes.get('create:SUCCEEDED')).toBeGreaterThan(100);
  expect([...outcomes.keys()].some((k) => k.startsWith('refund:'))).toBe(true);

  // Webhooks: each event id processed once across both instances.
  const claims = await db().collection('webhook_events').find({}).toArray();
  expect(claims.every((c) => c.state === 'done')).toBe(true);
}, 180_000);

it('a webhook with a bad signature is refused and writes nothing', async () => {
  const [instance] = await Promise.all([
    createPaymentsSubgraph({
      db: db(),
      bus: createEventBus({ logger: silent, namespace: 'sig' }),
      logger: silent,
      stripe: stripeClient({ secretKey: 'sk_test_sig', apiUrl: 'http://127.0.0.1:9' }),
      payables: new Orders(),
      settings: {
        feeBps: 0,
        webhookSecret: SECRET,
        reconcile: { intervalMs: 3_600_000, windowMs: 1, abandonAfterMs: 1 },
      },
    }),
  ]);
  const payload = JSON.stringify({
    id: 'evt_forged',
    object: 'event',
    type: 'payment_intent.succeeded',
    data: { object: {} },
  });
  const before = await db().collection('webhook_events').countDocuments();
  expect(await instance.webhooks.handle(Buffer.from(payload), stripeSignature(payload, 'whsec_someone_else'))).toBe(
    'bad_signature',
  );
  expect(
    await instance.webhooks.handle(
      Buffer.from(payload),
      stripeSignature(payload, SECRET, Math.floor(Date.now() / 1000) - 3600),
    ),
  ).toBe('bad_signature');
  expect(await instance.webhooks.handle(Buffer.from(payload), undefined)).toBe('bad_signature');
  expect(await db().collection('webhook_events').countDocuments()).toBe(before);
  await instance.subgraph.stop?.();
});

it('concurrent refunds never exceed the payment: 10 refunds of 200 at once on 1,000, exactly 5 made', async () => {
  const refundsFake = new FakeStripeServer({ webhookSecret: SECRET });
  const url = await refundsFake.listen(0);
  try {
    const stripe = stripeClient({ secretKey: 'sk_test_refunds', apiUrl: url, maxNetworkRetries: 0 });
    const orders = new Orders();
    const settings = {
      feeBps: 1_000,
      webhookSecret: SECRET,
      reconcile: { intervalMs: 3_600_000, windowMs: 3_600_000, abandonAfterMs: 0 },
    };
    const localBus = createEventBus({ logger: silent, namespace: 'refunds' });
    const instance = await createPaymentsSubgraph({
      db: db(),
      bus: localBus,
      logger: silent,
      stripe,
      payables: orders,
      settings,
    });
    const order: Order = {
      id: new ObjectId().toHexString(),
      customerId: 'c1',
      centreId: CENTRES[0]!,
      amountMinor: 1_000,
      status: 'PENDING_PAYMENT',
    };
    orders.orders.set(order.id, order);
    const paid = await instance.payments.create(
      { kind: 'user', userId: 'c1', roles: ['CUSTOMER'] },
      {
        subjectKind: 'ORDER',
        subjectId: order.id,
        paymentMethodId: 'pm_card_visa',
        idempotencyKey: `refunds-${order.id}`,
      },
    );
    const partner = { kind: 'user', userId: PARTNER(order.centreId), roles: ['PARTNER'] } as const;
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        instance.payments.refund(
          { ...partner, roles: [...partner.roles] },
          { paymentId: paid._id.toHexString(), amountMinor: 200, idempotencyKey: `concurrent-${i}` },
        ),
      ),
    );
    const made = results.filter((r) => r.status === 'fulfilled').length;
    const refused = results.flatMap((r) =>
      r.status === 'rejected' ? [(r.reason as { extensions?: { reason?: string } }).extensions?.reason] : [],
    );
    expect(made).toBe(5);
    expect(refused.every((reason) => reason === 'ALREADY_REFUNDED' || reason === 'REFUND_EXCEEDS_REMAINING')).toBe(
      true,
    );
    const after = await instance.paymentStore.byId(paid._id.toHexString());
    expect(after).toMatchObject({ status: 'REFUNDED', refundedMinor: 1_000, reservedRefundMinor: 1_000 });
    expect(await instance.ledger.entries.countDocuments({ paymentId: paid._id.toHexString(), kind: 'REFUND' })).toBe(5);
    await instance.subgraph.stop?.();
    await localBus.close();
  } finally {
    await refundsFake.close();
  }
});

it('a refund whose answer was lost, with the provider unreachable, keeps its hold until reconciliation finds no such refund and releases it', async () => {
  const holdsFake = new FakeStripeServer({ webhookSecret: SECRET });
  const url = await holdsFake.listen(0);
  try {
    const stripe = stripeClient({ secretKey: 'sk_test_holds', apiUrl: url, maxNetworkRetries: 0 });
    const real = new StripeProvider(stripe);
    let down = false;
    const provider: PaymentProvider = {
      createIntent: (i) => real.createIntent(i),
      retrieveIntent: (id) => real.retrieveIntent(id),
      intentsSince: (from) => real.intentsSince(from),
      refundsSince: (from) => real.refundsSince(from),
      createRefund: async (i) => {
        if (down) throw new Error('ETIMEDOUT');
        return real.createRefund(i);
      },
      refundsOf: (intentId) => {
        if (down) throw new Error('ETIMEDOUT');
        return real.refundsOf(intentId);
      },
    };
    const orders = new Orders();
    const settings = {
      feeBps: 1_000,
      webhookSecret: SECRET,
      reconcile: { intervalMs: 3_600_000, windowMs: 3_600_000, abandonAfterMs: 0 },
    };
    const localBus = createEventBus({ logger: silent, namespace: 'holds' });
    const instance = await createPaymentsSubgraph({
      db: db(),
      bus: localBus,
      logger: silent,
      stripe,
      payables: orders,
      settings,
      provider,
    });
    const order: Order = {
      id: new ObjectId().toHexString(),
      customerId: 'c2',
      centreId: CENTRES[1]!,
      amountMinor: 1_000,
      status: 'PENDING_PAYMENT',
    };
    orders.orders.set(order.id, order);
    const paid = await instance.payments.create(
      { kind: 'user', userId: 'c2', roles: ['CUSTOMER'] },
      {
        subjectKind: 'ORDER',
        subjectId: order.id,
        paymentMethodId: 'pm_card_visa',
        idempotencyKey: `holds-${order.id}`,
      },
    );
    const paymentId = paid._id.toHexString();
    const partner = { kind: 'user' as const, userId: PARTNER(order.centreId), roles: ['PARTNER' as const] };
    down = true;
    await expect(
      instance.payments.refund(partner, { paymentId, amountMinor: 300, idempotencyKey: 'lost-answer-1' }),
    ).rejects.toMatchObject({
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    });
    // Unknown whether the provider refunded: the 300 stay held.
    expect(await instance.paymentStore.byId(paymentId)).toMatchObject({ reservedRefundMinor: 300, refundedMinor: 0 });
    down = false;
    const report = await instance.reconciler.run();
    expect(report.refundHoldsReleased).toHaveLength(1);
    expect(await instance.paymentStore.byId(paymentId)).toMatchObject({
      reservedRefundMinor: 0,
      refundedMinor: 0,
      status: 'SUCCEEDED',
    });
    const full = await instance.payments.refund(partner, {
      paymentId,
      amountMinor: 1_000,
      idempotencyKey: 'after-release',
    });
    expect(full).toMatchObject({ status: 'REFUNDED', refundedMinor: 1_000 });
    expect((await instance.reconciler.run()).refundHoldsReleased).toEqual([]);
    await instance.subgraph.stop?.();
    await localBus.close();
  } finally {
    await holdsFake.close();
  }
});
