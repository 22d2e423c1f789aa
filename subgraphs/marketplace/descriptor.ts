import type { SubgraphDescriptor } from '../../platform/subgraph/descriptor.js';

export const marketplaceSubgraph: SubgraphDescriptor<'marketplace'> = {
  name: 'marketplace',
  port: 4006,
  buildSchema: async () => (await import('./schema.js')).buildMarketplaceSchema(),
  create: async ({ config, logger, db, bus }, urls) => {
    const [{ createMarketplaceSubgraph }, { HttpIdentityDirectory }] = await Promise.all([
      import('./index.js'),
      import('./partners/identity-directory.js'),
    ]);
    return createMarketplaceSubgraph({
      db,
      bus,
      logger,
      identity: new HttpIdentityDirectory({ identityUrl: urls.identity, internalSecret: config.INTERNAL_SECRET }),
    });
  },
};
