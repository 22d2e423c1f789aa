import type { Db } from 'mongodb';
import type { EventBus } from '../../platform/events/bus.js';
import type { Logger } from '../../platform/logger.js';
import { databaseCheck } from '../../platform/mongo/database-check.js';
import type { Subgraph } from '../../platform/subgraph/serve-subgraph.js';
import { AuditStore } from './audit/audit.store.js';
import { AvailabilityResolver } from './availability/availability.resolver.js';
import { AvailabilityService } from './availability/availability.service.js';
import { CentreFieldsResolver } from './centres/centre-fields.resolver.js';
import { CentreMutationResolver } from './centres/centre-mutation.resolver.js';
import { CentreQueryResolver } from './centres/centre-query.resolver.js';
import { createCentreLoaders } from './centres/centre.loader.js';
import { CentreService } from './centres/centre.service.js';
import { CentreStore } from './centres/centre.store.js';
import { ApplicationStore } from './partners/application.store.js';
import type { IdentityDirectory } from './partners/identity-directory.js';
import { PartnerResolver } from './partners/partner.resolver.js';
import { PartnerService } from './partners/partner.service.js';
import { buildMarketplaceSchema } from './schema.js';
import { NearbyService } from './search/nearby.service.js';

export interface MarketplaceDeps {
  db: Db;
  bus: EventBus;
  logger: Logger;
  /** Identity's accounts and roles (partner approval, staff by email). */
  identity: IdentityDirectory;
}

export async function createMarketplaceSubgraph({ db, bus, identity }: MarketplaceDeps): Promise<Subgraph> {
  const centreStore = new CentreStore(db);
  const applicationStore = new ApplicationStore(db);
  const auditStore = new AuditStore(db);
  await Promise.all([centreStore.init(), applicationStore.init(), auditStore.init()]);

  const centres = new CentreService(centreStore, identity, auditStore, bus);
  const partners = new PartnerService(applicationStore, centreStore, identity, auditStore, bus);
  const nearby = new NearbyService(centreStore);
  const availability = new AvailabilityService(centreStore, db);

  const instances = new Map<unknown, object>([
    [CentreQueryResolver, new CentreQueryResolver(nearby, centres)],
    [CentreFieldsResolver, new CentreFieldsResolver()],
    [CentreMutationResolver, new CentreMutationResolver(centres)],
    [AvailabilityResolver, new AvailabilityResolver(availability)],
    [PartnerResolver, new PartnerResolver(partners)],
  ]);

  return {
    name: 'marketplace',
    schema: await buildMarketplaceSchema(instances),
    context: () => ({ loaders: createCentreLoaders(centreStore) }),
    healthChecks: { database: databaseCheck(db) },
  };
}
