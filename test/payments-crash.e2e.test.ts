import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { print } from 'graphql';
import { ObjectId } from 'mongodb';
import { encodeViewer, INTERNAL_SECRET_HEADER, VIEWER_HEADER } from '../platform/auth/viewer.js';
import { freePort } from '../platform/local-db/local-database.js';
import { FAULT_MARKER } from '../subgraphs/payments/payments/fault-injection.js';
import { adminToken } from './bookings-setup.js';
import { CreatePaymentDocument, ReconcilePaymentsDocument } from './generated/graphql.js';
import { startTestSystem, type TestSystem } from './harness.js';
import {
  customer,
  journal,
  ledgerSums,
  paymentsDb,
  placeOrder,
  shopWithPart,
  startFakeStripe,
  waitForOrder,
} from './payments-setup.js';
import { waitFor } from './wait-for.js';

// Crash recovery: a second payments process (the real `app/service.ts payments`, with the test-only
// fault hook) stops right after Stripe has taken the money and before anything is written; the
// test kills it there by its pid. Reconciliation (the in-process payments) then finds the
// payment at the provider, books it, and the order ends PAID.
let t: TestSystem;
let stripe: Awaited<ReturnType<typeof startFakeStripe>>;
let child: ChildProcess | undefined;
const output: string[] = [];

beforeAll(async () => {
  // No webhook target: only reconciliation can learn of the payment.
  stripe = await startFakeStripe();
  t = await startTestSystem({ ...stripe.env });
}, 60_000);

afterAll(async () => {
  if (process.env.DEBUG_CRASH_TEST) console.log(output.join(''));
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await t?.stop();
  await stripe?.fake.close();
});

it('a payments process killed between the provider success and the ledger write loses nothing: reconciliation records it and the order ends PAID', async () => {
  const shop = await shopWithPart(t, 2, 4_200);
  const buyer = await customer(t);
  const order = await placeOrder(t, buyer, shop.centreId, shop.partId);

  const port = await freePort();
  const marketplaceUrl = t.system.subgraphs.find((s) => s.name === 'marketplace')!.url;
  // Node itself runs the service (tsx as a loader, not its CLI, which would run it in a grandchild): this pid is the payments process.
  child = spawn(process.execPath, ['--import', 'tsx', 'app/service.ts', 'payments'], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      MONGODB_URI: t.config.MONGODB_URI,
      MONGODB_DB_PREFIX: t.config.MONGODB_DB_PREFIX,
      INTERNAL_SECRET: t.config.INTERNAL_SECRET,
      JWT_SECRET: t.config.JWT_SECRET,
      PAYMENTS_PORT: String(port),
      MARKETPLACE_URL: marketplaceUrl,
      ...stripe.env,
      CLUTCH_TEST_PAYMENTS_FAULT: 'hang-after-provider',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => output.push(String(d)));
  child.stderr!.on('data', (d) => output.push(String(d)));
  const exited = new Promise((resolve) => child!.once('exit', resolve));
  await waitFor(
    () =>
      fetch(`http://127.0.0.1:${port}/health/ping`).then(
        (r) => r.ok,
        () => false,
      ),
    `the payments process to start:\n${output.join('')}`,
    45_000,
  );

  // The customer's createPayment, straight at that process (as the gateway would send it).
  const answer = fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [INTERNAL_SECRET_HEADER]: t.config.INTERNAL_SECRET,
      [VIEWER_HEADER]: encodeViewer({ kind: 'user', userId: buyer.userId, roles: ['CUSTOMER'] }),
    },
    body: JSON.stringify({
      query: print(CreatePaymentDocument),
      variables: {
        input: {
          subjectKind: 'ORDER',
          subjectId: order.id,
          paymentMethodId: 'pm_card_visa',
          idempotencyKey: `crash-${randomBytes(6).toString('hex')}`,
        },
      },
    }),
  }).then(
    () => 'answered',
    () => 'no answer',
  );
  await waitFor(() => output.join('').includes(FAULT_MARKER), `the fault point:\n${output.join('')}`, 20_000);
  const paymentId = /PAYMENTS_FAULT_REACHED hang-after-provider ([0-9a-f]{24})/.exec(output.join(''))![1]!;
  process.kill(child.pid!, 'SIGKILL');
  await exited;
  expect(await answer).toBe('no answer');

  // Stripe has the money; we have a PROCESSING payment and no entry.
  const succeeded = stripe.fake.events.filter((e) => e.type === 'payment_intent.succeeded');
  expect(succeeded.map((e) => JSON.parse(e.payload).data.object.metadata.paymentId)).toEqual([paymentId]);
  const payments = paymentsDb(t).collection('payments');
  expect(await payments.findOne({ _id: new ObjectId(paymentId) })).toMatchObject({
    status: 'PROCESSING',
    providerIntentId: null,
  });
  expect(await journal(paymentsDb(t)).countDocuments({ paymentId })).toBe(0);

  const report = await t.request(ReconcilePaymentsDocument, {}, { token: await adminToken(t) });
  expect(report.errors).toBeUndefined();
  expect(report.data!.reconcilePayments).toMatchObject({
    paymentsRecorded: [paymentId],
    ledgerBalanced: true,
    unmatched: [],
  });

  expect(await payments.findOne({ _id: new ObjectId(paymentId) })).toMatchObject({ status: 'SUCCEEDED' });
  expect(await journal(paymentsDb(t)).countDocuments({ paymentId })).toBe(1);
  expect(await ledgerSums(paymentsDb(t))).toEqual({ EUR: 0 });
  await waitForOrder(t, buyer, order.id, 'PAID');

  // Once recorded, a second pass has nothing to do.
  const again = await t.request(ReconcilePaymentsDocument, {}, { token: await adminToken(t) });
  expect(again.data!.reconcilePayments).toMatchObject({
    paymentsRecorded: [],
    entriesRepaired: [],
    eventsRepublished: 0,
  });
}, 120_000);
