import type { SubgraphDescriptor } from '../../platform/subgraph/descriptor.js';

export const healthSubgraph: SubgraphDescriptor<'health'> = {
  name: 'health',
  port: 4004,
  buildSchema: async () => (await import('./schema.js')).buildHealthSchema(),
  create: async ({ config, logger, db, bus }, urls) => {
    const [{ createHealthSubgraph, HttpVehicleDirectory }, { HttpVehicleAccess }, { HttpPartnerAccess }] =
      await Promise.all([
        import('./index.js'),
        import('../../platform/access/vehicle-access.js'),
        import('../../platform/access/partner-access.js'),
      ]);
    const { HttpOrgGrants } = await import('../../platform/access/org-grants.js');
    const { HttpOrgReadAudit } = await import('../../platform/access/org-read-audit.js');
    return createHealthSubgraph({
      db,
      bus,
      logger,
      access: new HttpVehicleAccess({
        vehiclesUrl: urls.vehicles,
        internalSecret: config.INTERNAL_SECRET,
        grants: new HttpOrgGrants({
          notificationsUrl: () => urls.notifications,
          internalSecret: config.INTERNAL_SECRET,
        }),
        audit: new HttpOrgReadAudit({ identityUrl: urls.identity, internalSecret: config.INTERNAL_SECRET }),
      }),
      partners: new HttpPartnerAccess({
        marketplaceUrl: () => urls.marketplace,
        internalSecret: config.INTERNAL_SECRET,
      }),
      directory: new HttpVehicleDirectory({ vehiclesUrl: urls.vehicles, internalSecret: config.INTERNAL_SECRET }),
      settings: {
        subscriberQueue: config.SUBSCRIPTION_MAX_QUEUE,
        retentionDays: config.HEALTH_RETENTION_DAYS,
        retentionIntervalMinutes: config.HEALTH_RETENTION_INTERVAL_MINUTES,
        consumer: {
          batchSize: config.HEALTH_CONSUMER_BATCH_SIZE,
          claimIdleMs: config.HEALTH_CONSUMER_CLAIM_IDLE_MS,
          concurrency: config.HEALTH_CONSUMER_CONCURRENCY,
        },
      },
    });
  },
};
