import type { SubgraphDescriptor } from '../../platform/subgraph/descriptor.js';

export const vehiclesSubgraph: SubgraphDescriptor<'vehicles'> = {
  name: 'vehicles',
  port: 4002,
  buildSchema: async () => (await import('./schema.js')).buildVehiclesSchema(),
  create: async ({ config, logger, db, bus }, urls) => {
    const [{ createVehiclesSubgraph }, { HttpAccountDirectory }, { HttpPartnerAccess }] = await Promise.all([
      import('./index.js'),
      import('./provisioning/accounts.js'),
      import('../../platform/access/partner-access.js'),
    ]);
    const { HttpOrgGrants } = await import('../../platform/access/org-grants.js');
    return createVehiclesSubgraph({
      db,
      bus,
      logger,
      accounts: new HttpAccountDirectory({ identityUrl: urls.identity, internalSecret: config.INTERNAL_SECRET }),
      grants: new HttpOrgGrants({ notificationsUrl: () => urls.notifications, internalSecret: config.INTERNAL_SECRET }),
      partners: new HttpPartnerAccess({
        marketplaceUrl: () => urls.marketplace,
        internalSecret: config.INTERNAL_SECRET,
      }),
    });
  },
};
