import type { SubgraphDescriptor } from '../../platform/subgraph/descriptor.js';

export const telemetrySubgraph: SubgraphDescriptor<'telemetry'> = {
  name: 'telemetry',
  port: 4003,
  buildSchema: async () => (await import('./schema.js')).buildTelemetrySchema(),
  create: async ({ config, logger, db, bus }, urls) => {
    const [{ createTelemetrySubgraph }, { HttpVehicleAccess }, { HttpPartnerAccess }] = await Promise.all([
      import('./index.js'),
      import('../../platform/access/vehicle-access.js'),
      import('../../platform/access/partner-access.js'),
    ]);
    const { HttpOrgGrants } = await import('../../platform/access/org-grants.js');
    const { HttpOrgReadAudit } = await import('../../platform/access/org-read-audit.js');
    return createTelemetrySubgraph({
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
      settings: {
        retentionDays: config.TELEMETRY_RETENTION_DAYS,
        retentionIntervalMinutes: config.TELEMETRY_RETENTION_INTERVAL_MINUTES,
        subscriberQueue: config.SUBSCRIPTION_MAX_QUEUE,
      },
    });
  },
};
