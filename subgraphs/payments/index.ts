import type { Db } from 'mongodb';
import type Stripe from 'stripe';
import type { EventBus } from '../../platform/events/bus.js';
import type { Logger } from '../../platform/logger.js';
import { databaseCheck } from '../../platform/mongo/database-check.js';
import { serveIndexCheck } from '../../platform/ops/index-check.js';
import type { Subgraph } from '../../platform/subgraph/serve-subgraph.js';
import { paymentsRoutes } from './contract.js';
import { PAYMENTS_INDEXES } from './declared-indexes.js';
import { LedgerStore } from './ledger/ledger.store.js';
import type { Payables } from './payables/payables.js';
import type { FaultPoint } from './payments/fault-injection.js';
import { PaymentEvents } from './payments/payment-events.js';
import { PaymentRecorder } from './payments/payment-recorder.js';
import { PaymentService } from './payments/payment.service.js';
import { PaymentStore } from './payments/payment.store.js';
import { RefundRequestStore } from './payments/refund.store.js';
import { UnfilledRefunds } from './payments/unfilled-refunds.js';
import { StripeProvider, type PaymentProvider } from './provider/stripe-provider.js';
import { Reconciler } from './reconcile/reconciler.js';
import { buildPaymentsSchema } from './schema.js';
import type { CentreDirectory } from './invoices/centre-directory.js';
import type { CustomerNames } from './invoices/customer-names.js';
import { createFinanceModule, NO_CENTRES, type FinanceSettings } from './reports/finance-module.js';
import { StripeWebhooks } from './webhooks/stripe-webhooks.js';
import { WebhookClaimStore } from './webhooks/webhook-claims.store.js';

export interface PaymentsSettings {
  /** Platform fee in basis points (PLATFORM_FEE_PERCENT × 100). */
  feeBps: number;
  webhookSecret: string;
  reconcile: { intervalMs: number; windowMs: number; abandonAfterMs: number };
  /** How long a webhook event's claim holds before another delivery may take it over. */
  webhookLeaseMs?: number;
  fault?: FaultPoint;
}

export interface PaymentsDeps {
  db: Db;
  bus: EventBus;
  logger: Logger;
  stripe: Stripe;
  payables: Payables;
  settings: PaymentsSettings;
  /** Replaces the Stripe-backed provider (tests inject failures around it). */
  provider?: PaymentProvider;
  /** Centre membership and profiles (the marketplace's), for invoices, balances and statements. */
  centres?: CentreDirectory;
  /** Customers' names on invoices (identity's). */
  customers?: CustomerNames;
  /** Invoices' VAT and the payout schedule (reports/finance-module.ts). */
  finance?: FinanceSettings;
}

/** The payments subgraph: payments, refunds, webhooks, the ledger and reconciliation. */
export async function createPaymentsSubgraph(deps: PaymentsDeps) {
  const { db, bus, logger, settings } = deps;
  const paymentStore = new PaymentStore(db);
  const refunds = new RefundRequestStore(db);
  const ledger = new LedgerStore(db);
  const claims = new WebhookClaimStore(db, settings.webhookLeaseMs ?? 60_000);
  await Promise.all([paymentStore.init(), refunds.init(), ledger.init()]);
  // Invoices, balances, statements, revenue and payouts, built on the ledger.
  const finance = await createFinanceModule({
    db,
    bus,
    logger,
    ledger,
    payables: deps.payables,
    centres: deps.centres ?? NO_CENTRES,
    ...(deps.customers ? { customers: deps.customers } : {}),
    stripe: deps.stripe,
    settings: deps.finance ?? { vatRatePercent: 20 },
  });
  await finance.start();

  const provider = deps.provider ?? new StripeProvider(deps.stripe);
  const events = new PaymentEvents(bus, paymentStore, logger);
  const recorder = new PaymentRecorder(paymentStore, ledger, events, logger);
  const payments = new PaymentService(paymentStore, refunds, deps.payables, provider, recorder, settings, logger);
  const unfilled = new UnfilledRefunds(bus, payments, logger);
  await unfilled.start();
  const reconciler = new Reconciler(
    provider,
    paymentStore,
    ledger,
    recorder,
    events,
    settings.reconcile,
    logger,
    refunds,
  );
  const webhooks = new StripeWebhooks({
    stripe: deps.stripe,
    secret: settings.webhookSecret,
    claims,
    store: paymentStore,
    provider,
    recorder,
    logger,
  });

  // The scheduled reconciliation: the same code as reconcilePayments.
  const timer = setInterval(
    () => void reconciler.run().catch((err) => logger.error({ err }, 'scheduled reconciliation failed')),
    settings.reconcile.intervalMs,
  );
  timer.unref();

  const subgraph: Subgraph = {
    name: 'payments',
    schema: await buildPaymentsSchema({ payments, paymentStore, reconciler, ...finance.resolverDeps }),
    internalRoutes: (router) => {
      finance.internalRoutes(router);
      serveIndexCheck(router, paymentsRoutes.indexes, 'payments', db, PAYMENTS_INDEXES);
    },
    publicRoutes: (app) => webhooks.mount(app),
    stop: async () => {
      clearInterval(timer);
      await unfilled.stop();
      await finance.stop();
      await reconciler.settled();
    },
    healthChecks: { database: databaseCheck(db) },
    registerMetrics: (registry) => {
      webhooks.register(registry);
      reconciler.register(registry);
      finance.registerMetrics(registry);
    },
  };
  return { subgraph, payments, paymentStore, ledger, reconciler, webhooks, recorder, provider };
}
