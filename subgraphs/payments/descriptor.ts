import type { SubgraphDescriptor } from '../../platform/subgraph/descriptor.js';

export const paymentsSubgraph: SubgraphDescriptor<'payments'> = {
  name: 'payments',
  port: 4007,
  buildSchema: async () => (await import('./schema.js')).buildPaymentsSchema(),
  create: async ({ config, logger, db, bus }, urls) => {
    const [
      { createPaymentsSubgraph },
      { HttpPayables },
      { stripeFromConfig },
      { faultFromEnv },
      { basisPoints },
      { HttpCentreDirectory },
      { HttpCustomerNames },
    ] = await Promise.all([
      import('./index.js'),
      import('./payables/payables.js'),
      import('./provider/stripe-from-config.js'),
      import('./payments/fault-injection.js'),
      import('./ledger/accounts.js'),
      import('./invoices/centre-directory.js'),
      import('./invoices/customer-names.js'),
    ]);
    const setup = await stripeFromConfig(config, logger);
    const created = await createPaymentsSubgraph({
      db,
      bus,
      logger,
      stripe: setup.stripe,
      payables: new HttpPayables({
        marketplaceUrl: urls.marketplace,
        internalSecret: config.INTERNAL_SECRET,
        timeoutMs: config.SUBGRAPH_TIMEOUT_MS,
      }),
      centres: new HttpCentreDirectory({ marketplaceUrl: urls.marketplace, internalSecret: config.INTERNAL_SECRET }),
      customers: new HttpCustomerNames({ identityUrl: urls.identity, internalSecret: config.INTERNAL_SECRET }),
      finance: {
        vatRatePercent: config.VAT_RATE_PERCENT,
        payoutIntervalMinutes: config.PAYOUT_INTERVAL_MINUTES,
        payoutHoldDays: config.PAYOUT_HOLD_DAYS,
      },
      settings: {
        feeBps: basisPoints(config.PLATFORM_FEE_PERCENT),
        webhookSecret: setup.webhookSecret,
        reconcile: {
          intervalMs: config.PAYMENTS_RECONCILE_INTERVAL_MINUTES * 60_000,
          windowMs: config.PAYMENTS_RECONCILE_WINDOW_HOURS * 3_600_000,
          abandonAfterMs: config.PAYMENTS_ABANDON_AFTER_MINUTES * 60_000,
        },
        fault: faultFromEnv(),
      },
    });
    // The in-process fake delivers its webhooks straight to the handler (signed and verified all the same).
    setup.deliverTo?.((payload, signature) =>
      created.webhooks
        .handle(Buffer.from(payload), signature)
        .then((o) => ({ bad_signature: 400, busy: 409, failed: 500 })[o as string] ?? 200),
    );
    const { subgraph } = created;
    return { ...subgraph, stop: async () => (await subgraph.stop?.(), await setup.stop()) };
  },
};
