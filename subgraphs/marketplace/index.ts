import type { Db } from 'mongodb';
import type { VehicleAccess } from '../../platform/access/vehicle-access.js';
import type { EventBus } from '../../platform/events/bus.js';
import type { Logger } from '../../platform/logger.js';
import { databaseCheck } from '../../platform/mongo/database-check.js';
import { serveIndexCheck } from '../../platform/ops/index-check.js';
import type { Subgraph } from '../../platform/subgraph/serve-subgraph.js';
import { CentreAuditStore } from './audit/centre-audit.store.js';
import { AvailabilityService } from './availability/availability.service.js';
import { createBookingsModule, type BookingsDeps } from './bookings/bookings-module.js';
import { createCentreLoaders } from './centres/centre.loader.js';
import { CentreService } from './centres/centre.service.js';
import { CentreStore } from './centres/centre.store.js';
import { mountCentreDirectoryRoutes } from './centres/centre-directory.route.js';
import { ApplicationStore } from './partners/application.store.js';
import type { IdentityDirectory } from './partners/identity-directory.js';
import { PartnerService } from './partners/partner.service.js';
import { createRoadsideModule } from './roadside/roadside-module.js';
import { createCommerceModule, type CommerceSettings } from './orders/commerce-module.js';
import type { VehicleProfiles } from './parts/vehicle-profiles.js';
import type { RoadsideSettings } from './roadside/roadside.service.js';
import { marketplaceRoutes } from './contract.js';
import { MARKETPLACE_INDEXES } from './declared-indexes.js';
import { buildMarketplaceSchema } from './schema.js';
import { NearbyMetrics } from './search/nearby-metrics.js';
import { NearbyService } from './search/nearby.service.js';

export interface MarketplaceDeps {
  db: Db;
  bus: EventBus;
  logger: Logger;
  /** Identity's accounts and roles (partner approval, staff by email). */
  identity: IdentityDirectory;
  /** Who owns which vehicle (the vehicles subgraph), for bookings. */
  access: VehicleAccess;
  bookings?: Pick<BookingsDeps, 'settings' | 'clock' | 'alerts'>;
  /** Roadside waves, radius and ETA speed (defaults in roadside/roadside.service.ts). */
  roadside?: Partial<RoadsideSettings>;
  /** Make, model and year of vehicles (the vehicles subgraph's profile route), for parts that fit. */
  profiles: VehicleProfiles;
  /** Order payment holds and their sweep (orders/commerce-module.ts). */
  commerce?: Partial<CommerceSettings>;
}

export async function createMarketplaceSubgraph({
  db,
  bus,
  logger,
  identity,
  access,
  bookings,
  roadside: roadsideSettings,
  profiles,
  commerce: commerceSettings,
}: MarketplaceDeps): Promise<Subgraph> {
  const centreStore = new CentreStore(db);
  const applicationStore = new ApplicationStore(db);
  const auditStore = new CentreAuditStore(db);
  await Promise.all([centreStore.init(), applicationStore.init(), auditStore.init()]);

  const centres = new CentreService(centreStore, identity, auditStore, bus);
  const partners = new PartnerService(applicationStore, centreStore, identity, auditStore, bus);
  const nearbyMetrics = new NearbyMetrics();
  const nearby = new NearbyService(centreStore, nearbyMetrics);
  const booking = await createBookingsModule({ db, bus, logger, centres: centreStore, nearby, access, ...bookings });
  const availability = new AvailabilityService(centreStore, db);
  const roadside = await createRoadsideModule({
    db,
    bus,
    logger,
    centres: centreStore,
    nearby,
    access,
    settings: roadsideSettings,
    subscriberQueue: bookings?.settings?.subscriberQueue,
  });
  // Parts, stock, orders and payables; other kinds register theirs on commerce.payables.
  const commerce = await createCommerceModule({
    db,
    bus,
    logger,
    centres: centreStore,
    access,
    profiles,
    bookings: booking.bookings,
    bookingService: booking.service,
    settings: commerceSettings,
  });
  // Roadside charges are paid through the payables route; paid marks come from roadside's own consumer.
  commerce.payables.register('ROADSIDE', { resolve: (id) => roadside.service.payable(id) });

  return {
    name: 'marketplace',
    schema: await buildMarketplaceSchema({
      nearby,
      centres,
      availability,
      partners,
      bookingService: booking.service,
      bookings: booking.bookings,
      reviewService: booking.reviewService,
      reviews: booking.reviews,
      access,
      roadside: roadside.service,
      roadsideStore: roadside.store,
      ...commerce.resolverDeps,
      centreSource: centreStore,
    }),
    context: () => ({
      loaders: createCentreLoaders(centreStore),
      bookingsLive: booking.live,
      roadsideLive: roadside.live,
    }),
    internalRoutes: (router) => {
      serveIndexCheck(router, marketplaceRoutes.indexes, 'marketplace', db, MARKETPLACE_INDEXES);
      booking.internalRoutes(router, roadside.helping);
      mountCentreDirectoryRoutes(router, centreStore);
      commerce.internalRoutes(router);
    },
    stop: async () => {
      await roadside.stop();
      await commerce.stop();
      await booking.stop();
    },
    healthChecks: { database: databaseCheck(db) },
    registerMetrics: (registry) => {
      nearbyMetrics.register(registry);
      roadside.registerMetrics(registry);
      commerce.registerMetrics(registry);
    },
  };
}
