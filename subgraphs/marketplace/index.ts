import type { Db } from 'mongodb';
import type { EventBus } from '../../platform/events/bus.js';
import type { Logger } from '../../platform/logger.js';
import { databaseCheck } from '../../platform/mongo/database-check.js';
import type { Subgraph } from '../../platform/subgraph/serve-subgraph.js';
import { CentreQueryResolver } from './centres/centre-query.resolver.js';
import { createCentreLoaders } from './centres/centre.loader.js';
import { CentreStore } from './centres/centre.store.js';
import { buildMarketplaceSchema } from './schema.js';

export interface MarketplaceDeps {
  db: Db;
  bus: EventBus;
  logger: Logger;
}

export async function createMarketplaceSubgraph({ db }: MarketplaceDeps): Promise<Subgraph> {
  const centreStore = new CentreStore(db);
  await Promise.all([centreStore.init()]);

  const instances = new Map<unknown, object>([[CentreQueryResolver, new CentreQueryResolver()]]);

  return {
    name: 'marketplace',
    schema: await buildMarketplaceSchema(instances),
    context: () => ({ loaders: createCentreLoaders(centreStore) }),
    healthChecks: { database: databaseCheck(db) },
  };
}
