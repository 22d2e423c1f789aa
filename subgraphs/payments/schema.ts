import type { GraphQLSchema } from 'graphql';
import { buildSubgraphSchema } from '../../platform/subgraph/build-subgraph-schema.js';
import { authChecker } from '../../platform/subgraph/context.js';
import { resolverOptions, resolverRegistry } from '../../platform/subgraph/resolvers.js';
import { PaymentResolver, ReconciliationResolver } from './graphql/payment.resolver.js';
import type { PaymentService } from './payments/payment.service.js';
import type { PaymentStore } from './payments/payment.store.js';
import type { Reconciler } from './reconcile/reconciler.js';
import { InvoiceResolver } from './invoices/invoice.resolver.js';
import { PayoutResolver } from './payouts/payout.resolver.js';
import type { FinanceResolverDeps } from './reports/finance-module.js';
import { ReportsResolver } from './reports/reports.resolver.js';

/** What the payments resolvers are constructed from, by name. */
export interface PaymentsResolverDeps extends FinanceResolverDeps {
  payments: PaymentService;
  paymentStore: PaymentStore;
  reconciler: Reconciler;
}

const resolver = resolverRegistry<PaymentsResolverDeps>();

export const PAYMENTS_RESOLVERS = [
  resolver(PaymentResolver, 'payments', 'paymentStore'),
  resolver(ReconciliationResolver, 'reconciler'),
  resolver(InvoiceResolver, 'invoices'),
  resolver(ReportsResolver, 'ledgerReader', 'centreAccess'),
  resolver(PayoutResolver, 'payouts'),
];

/** Constructs every resolver from `deps`; without them, the schema to print. */
export async function buildPaymentsSchema(deps?: PaymentsResolverDeps): Promise<GraphQLSchema> {
  return buildSubgraphSchema({ ...resolverOptions(PAYMENTS_RESOLVERS, deps), authChecker });
}
