import type { Router } from 'express';
import type { Registry } from 'prom-client';
import type Stripe from 'stripe';
import type { Db } from 'mongodb';
import type { EventBus } from '../../../platform/events/bus.js';
import type { Logger } from '../../../platform/logger.js';
import { basisPoints } from '../ledger/accounts.js';
import type { LedgerStore } from '../ledger/ledger.store.js';
import type { Payables } from '../payables/payables.js';
import type { CentreDirectory } from '../invoices/centre-directory.js';
import { CreditStore } from '../invoices/credit.store.js';
import { FeeInvoices, PLATFORM_ISSUER_ID } from '../invoices/fee-invoices.js';
import type { CustomerNames } from '../invoices/customer-names.js';
import { InvoiceEvents } from '../invoices/invoice-events.js';
import { mountInvoicePdfRoute } from '../invoices/invoice-pdf.route.js';
import { InvoiceService } from '../invoices/invoice.service.js';
import { InvoiceStore, INVOICE_INDEXES } from '../invoices/invoice.store.js';
import { PayoutService, startPayoutJob } from '../payouts/payout.service.js';
import { PayoutStore, PAYOUT_INDEXES } from '../payouts/payout.store.js';
import { StripeTransfers, type TransferProvider } from '../payouts/transfer-provider.js';
import { CentreAccess } from './centre-access.js';
import { LedgerReader } from './ledger-reader.js';
import { FinanceMetrics } from './finance-metrics.js';
import { mountRevenueRoute } from './revenue.route.js';

export interface FinanceSettings {
  /** VAT_RATE_PERCENT */
  vatRatePercent: number;
  /** PAYOUT_INTERVAL_MINUTES; 0 or absent: no scheduled job (tests run payouts by hand). */
  payoutIntervalMinutes?: number;
  /** PAYOUT_HOLD_DAYS: credits younger than this are pending, not paid out (absent or 0: no hold). */
  payoutHoldDays?: number;
}

export interface FinanceDeps {
  db: Db;
  bus: EventBus;
  logger: Logger;
  ledger: LedgerStore;
  payables: Payables;
  centres: CentreDirectory;
  /** Customers' names for invoices (identity); absent: customers are named by account id. */
  customers?: CustomerNames;
  /** The SDK client payments uses (transfers go through it), or a provider of its own (tests). */
  stripe?: Stripe;
  transfers?: TransferProvider;
  settings: FinanceSettings;
  /** Invoice consumers' redelivery timing (tests). */
  consumer?: { claimIdleMs?: number; blockMs?: number };
}

/**
 * Invoices, partner balances and statements, revenue and payouts: what payments builds on its
 * ledger. The payments subgraph creates it once, hands its resolver dependencies to its schema,
 * mounts its internal routes and calls `start` / `stop` with its own.
 */
export async function createFinanceModule(deps: FinanceDeps) {
  const metrics = new FinanceMetrics();
  const invoiceStore = new InvoiceStore(deps.db);
  invoiceStore.onIssued = (doc) =>
    metrics.invoices.inc({ kind: doc.kind, issuer: doc.issuerId === PLATFORM_ISSUER_ID ? 'platform' : 'centre' });
  const payoutStore = new PayoutStore(deps.db);
  await Promise.all([invoiceStore.init(), payoutStore.init()]);
  const reader = new LedgerReader(deps.ledger.entries, {
    payoutHoldMs: Math.round((deps.settings.payoutHoldDays ?? 0) * 86_400_000),
  });
  const credits = new CreditStore(deps.db);
  const invoices = new InvoiceService({
    store: invoiceStore,
    credits,
    payables: deps.payables,
    centres: deps.centres,
    ...(deps.customers ? { customers: deps.customers } : {}),
    vatRateBps: basisPoints(deps.settings.vatRatePercent),
    logger: deps.logger,
  });
  const transfers = deps.transfers ?? (deps.stripe ? new StripeTransfers(deps.stripe) : null);
  if (!transfers) throw new Error('payments finance: a Stripe client or a transfer provider is needed for payouts');
  const payouts = new PayoutService({
    onPayout: (payout) => metrics.payouts.inc({ status: payout.status }),
    payouts: payoutStore,
    reader,
    ledger: deps.ledger,
    provider: transfers,
    logger: deps.logger,
  });
  const fees = new FeeInvoices({
    store: invoiceStore,
    credits,
    ledger: deps.ledger,
    centres: deps.centres,
    vatRateBps: basisPoints(deps.settings.vatRatePercent),
    logger: deps.logger,
  });
  const events = new InvoiceEvents(deps.bus, invoices, deps.logger, deps.consumer, fees);
  let job: { stop(): Promise<void> } | null = null;
  return {
    /** For the schema's resolver list (schema.ts). */
    resolverDeps: { invoices, ledgerReader: reader, centreAccess: new CentreAccess(deps.centres), payouts },
    internalRoutes(router: Router): void {
      mountInvoicePdfRoute(router, invoices);
      mountRevenueRoute(router, reader);
    },
    async start(): Promise<void> {
      await events.start();
      const minutes = deps.settings.payoutIntervalMinutes ?? 0;
      if (minutes > 0) job = startPayoutJob(payouts, minutes * 60_000, deps.logger);
    },
    registerMetrics: (registry: Registry) => metrics.register(registry),
    async stop(): Promise<void> {
      await job?.stop();
      await events.stop();
    },
  };
}

export type FinanceModule = Awaited<ReturnType<typeof createFinanceModule>>;
/** What the finance resolvers are constructed from, by name (payments' schema.ts lists them). */
export type FinanceResolverDeps = FinanceModule['resolverDeps'];

/** Without the marketplace (tests of payments alone): nobody is a centre member, centres have no profile. */
export const NO_CENTRES: CentreDirectory = { memberCentres: async () => [], profiles: async () => [] };
export const FINANCE_INDEXES = { invoices: INVOICE_INDEXES, payouts: PAYOUT_INDEXES };
